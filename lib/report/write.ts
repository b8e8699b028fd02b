/**
 * Write the outputs of a run into a directory, and read a `report.json` back
 * with a clear error when it is not one.
 *
 * @example
 * ```ts
 * import type { RunReport } from "./types.ts";
 * declare const report: RunReport;
 * import { readReport, writeRunOutputs } from "./write.ts";
 * const paths = await writeRunOutputs(report, "reports/2025-11-20-idempotent", { lang: "fr" });
 * const again = await readReport(paths.json);
 * ```
 * @module
 */
import { join } from "node:path";
import { ReportInputError } from "./errors.ts";
import { renderHtml } from "./html.ts";
import { jsonErrorOffset } from "./json_error.ts";
import type { Lang } from "./i18n.ts";
import { renderJunit } from "./junit.ts";
import { renderMarkdown } from "./markdown.ts";
import { redact } from "./redact.ts";
import type { RunReport } from "./types.ts";
import { reportProblems } from "./validate.ts";

/** Paths of the files {@link writeRunOutputs} wrote. */
export interface RunOutputPaths {
  json: string;
  html: string;
  junit: string;
  markdown: string;
}

/**
 * Write `report.json`, `report.html`, `junit.xml` and `summary.md` into `dir`
 * (created if missing), all from the redacted report.
 */
export async function writeRunOutputs(
  report: RunReport,
  dir: string,
  opts: { lang?: Lang } = {},
): Promise<RunOutputPaths> {
  const safe = redact(report);
  const lang = opts.lang ?? "en";
  await Deno.mkdir(dir, { recursive: true });
  const paths: RunOutputPaths = {
    json: join(dir, "report.json"),
    html: join(dir, "report.html"),
    junit: join(dir, "junit.xml"),
    markdown: join(dir, "summary.md"),
  };
  await Deno.writeTextFile(paths.json, JSON.stringify(safe, null, 2) + "\n");
  await Deno.writeTextFile(paths.html, renderHtml(safe, { lang }));
  await Deno.writeTextFile(paths.junit, renderJunit(safe));
  await Deno.writeTextFile(paths.markdown, renderMarkdown(safe, { lang }));
  return paths;
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** Where a `JSON.parse` error happened, from the engine's message. */
export function jsonErrorLocation(text: string, error: unknown): { line: number; column: number } {
  const message = error instanceof Error ? error.message : String(error);
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return { line: Number(lineCol[1]), column: Number(lineCol[2]) };
  const position = /position (\d+)/.exec(message);
  if (position) return lineColumn(text, Number(position[1]));
  return lineColumn(text, jsonErrorOffset(text) ?? text.length);
}

/**
 * Read and check a `report.json`. Throws {@link ReportInputError} naming the
 * file when it cannot be read, is not JSON (with line and column), is of
 * another schema version or lacks what a report holds.
 */
export async function readReport(path: string): Promise<RunReport> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "no such file" : String(error);
    throw new ReportInputError(`${path}: cannot read the report: ${why}`, { cause: error });
  }
  return parseReport(text, path);
}

/** Parse and check report JSON text; `path` names it in errors. */
export function parseReport(text: string, path: string): RunReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const { line, column } = jsonErrorLocation(text, error);
    const detail = error instanceof Error ? error.message : String(error);
    throw new ReportInputError(
      `${path}:${line}:${column}: not valid JSON (line ${line}, column ${column}): ${detail}`,
      { cause: error },
    );
  }
  const problems = reportProblems(value);
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).map((p) => `  - ${p}`).join("\n");
    const more = problems.length > 10 ? `\n  … and ${problems.length - 10} more` : "";
    throw new ReportInputError(`${path}: not a sismo report:\n${shown}${more}`);
  }
  return value as RunReport;
}
