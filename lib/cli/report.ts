/**
 * `sismo report <report.json>` (re-render the HTML) and
 * `sismo compare <baseline.json> <current.json>` (run-to-run comparison).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { dirname, join } from "node:path";
import {
  compareReports,
  comparisonRegressed,
  parseTolerances,
  readReport,
  renderComparisonHtml,
  renderComparisonMarkdown,
  renderHtml,
} from "../report/mod.ts";
import { UsageError } from "./usage.ts";

/** Help text of `report`. */
export const REPORT_HELP = `Usage: deno task report <report.json> [--out file.html] [--lang en|fr]

Renders the self-contained HTML report of a run from its report.json
(default output: report.html next to it, or report.fr.html with --lang fr).`;

/** Help text of `compare`. */
export const COMPARE_HELP =
  `Usage: deno task compare <baseline report.json> <current report.json> [options]

Compares two runs of the same scenario variant by variant, from the stored HDR histograms.
Exit 1 when a figure regressed beyond its tolerance or a verification count got worse.

Options:
  --tolerance LIST   e.g. p99=10%,throughput=5% (defaults: p50=10%, p99=10%, throughput=5%)
  --allow-different  Compare runs whose plans, clients or cluster differ (refused otherwise, exit 2)
  --out DIR          Where to write comparison.html and comparison.md (default: next to current)
  --lang en|fr       Language of the HTML (default en)`;

function langOf(v: string | undefined): "en" | "fr" {
  const lang = v ?? "en";
  if (lang !== "en" && lang !== "fr") {
    throw new UsageError(`--lang must be en or fr, got "${lang}"`);
  }
  return lang;
}

/** Run `report`; returns the exit code. */
export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      lang: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(REPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`give one report.json\n\n${REPORT_HELP}`);
  const lang = langOf(values.lang);
  const report = await readReport(positionals[0]);
  const out = values.out ??
    join(dirname(positionals[0]), lang === "en" ? "report.html" : `report.${lang}.html`);
  await Deno.writeTextFile(out, renderHtml(report, { lang }));
  console.log(out);
  return 0;
}

/** Run `compare`; returns the exit code. */
export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      tolerance: { type: "string" },
      "allow-different": { type: "boolean" },
      out: { type: "string" },
      lang: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(COMPARE_HELP);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new UsageError(`give a baseline and a current report.json\n\n${COMPARE_HELP}`);
  }
  const lang = langOf(values.lang);
  const tolerances = parseTolerances(values.tolerance ?? "");
  const [baseline, current] = await Promise.all(positionals.map((p) => readReport(p)));
  const comparison = compareReports(baseline, current, tolerances);
  if (comparison.differences.length > 0 && !values["allow-different"]) {
    throw new UsageError(
      `${positionals[0]} and ${positionals[1]} did not run the same thing, so their figures ` +
        `are not comparable:\n${comparison.differences.map((d) => `  - ${d}`).join("\n")}\n` +
        "Give --allow-different to compare them anyway (the comparison says so).",
    );
  }
  for (const w of comparison.warnings) console.error(`warning: ${w}`);
  const md = renderComparisonMarkdown(comparison);
  const dir = values.out ?? dirname(positionals[1]);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "comparison.md"), md);
  await Deno.writeTextFile(
    join(dir, "comparison.html"),
    renderComparisonHtml(comparison, { lang }),
  );
  console.log(md);
  console.log(`\nWritten: ${join(dir, "comparison.html")}, ${join(dir, "comparison.md")}`);
  return comparisonRegressed(comparison) ? 1 : 0;
}
