/**
 * The console line `deno task ci` prints as each scenario finishes:
 * `PASS   idempotent-vs-plain   41.2 s`, with what failed when it did not pass
 * (`REGR` when every expectation held but a figure regressed against the baseline).
 *
 * @module
 */
import { format } from "../report/i18n.ts";
import { regressionLines } from "./regressions.ts";
import { expectationCounts } from "./suite_json.ts";
import { type EntryOutcome, entryRegressed, type SuiteEntry } from "./types.ts";

const en = format("en");

const LABELS: Record<EntryOutcome, string> = {
  passed: "PASS",
  failed: "FAIL",
  inconclusive: "INCONC",
  error: "ERROR",
  interrupted: "STOP",
  "not-run": "SKIP",
};

/** One line about a finished entry; `nameWidth` aligns the names of a suite. */
export function entryLine(entry: SuiteEntry, nameWidth = 0): string {
  const details: string[] = [];
  const counts = expectationCounts(entry);
  if (counts.failed > 0) {
    details.push(`${counts.failed} of ${counts.passed + counts.failed} expectations failed`);
  }
  const errors = [...(entry.error === null ? [] : [entry.error]), ...(entry.report?.errors ?? [])];
  if (errors.length > 0) details.push(errors[0].split("\n")[0]);
  if (entry.outcome === "interrupted") details.push("interrupted, partial report kept");
  if (entry.outcome === "not-run") details.push("not run: the suite was interrupted");
  const comparison = entry.baseline?.comparison;
  if (comparison && entryRegressed(entry)) {
    const lines = regressionLines(comparison);
    details.push(`REGRESSED: ${lines[0]}${lines.length > 1 ? ` (+${lines.length - 1} more)` : ""}`);
  } else if (comparison) {
    details.push("no regression");
  } else if (entry.baseline?.note !== undefined) {
    details.push(entry.baseline.note);
  }
  const time = entry.outcome === "not-run" ? "" : en.seconds(entry.durationMs);
  // Expectations held but a figure got worse than the baseline: not a pass.
  const label = entry.outcome === "passed" && entryRegressed(entry)
    ? "REGR"
    : LABELS[entry.outcome];
  return [
    label.padEnd(6),
    entry.scenario.padEnd(nameWidth),
    time.padStart(9),
    ...(details.length === 0 ? [] : [` ${details.join("; ")}`]),
  ].join(" ").trimEnd();
}
