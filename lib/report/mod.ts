/**
 * Reports of sismo runs: render a `report.json` (a {@link RunReport}) as a
 * self-contained HTML page, JUnit XML and Markdown, write them all at once,
 * read a report back with clear errors, and compare two runs.
 *
 * Every renderer redacts secrets from its input first.
 *
 * @example
 * ```ts
 * import type { RunReport } from "./types.ts";
 * declare const report: RunReport;
 * import { compareReports, parseTolerances, readReport, writeRunOutputs } from "./mod.ts";
 * await writeRunOutputs(report, "reports/run-1", { lang: "fr" });
 * const c = compareReports(await readReport("a/report.json"), await readReport("b/report.json"),
 *   parseTolerances("p99=10%"));
 * ```
 * @module
 */
export type { RunReport } from "./types.ts";
export { REPORT_SCHEMA_VERSION } from "./types.ts";
export { ReportInputError } from "./errors.ts";
export { type HtmlOptions, renderHtml } from "./html.ts";
export { renderJunit } from "./junit.ts";
export { type MarkdownOptions, renderMarkdown } from "./markdown.ts";
export { parseReport, readReport, type RunOutputPaths, writeRunOutputs } from "./write.ts";
export { isRunReport, reportProblems } from "./validate.ts";
export {
  compareReports,
  type Comparison,
  comparisonRegressed,
  DEFAULT_TOLERANCES,
  type MetricComparison,
  parseTolerances,
  type Tolerances,
  type VariantComparison,
} from "./compare.ts";
export { renderComparisonHtml, renderComparisonMarkdown } from "./compare_render.ts";
export { redact, redactString } from "./redact.ts";
export { faultPhases } from "./phases.ts";
export type { Lang } from "./i18n.ts";
