/**
 * The console line `deno task ci` prints as each scenario finishes:
 * `PASS   idempotent-vs-plain   41.2 s`, with what failed when it did not pass
 * (`REGR` when every expectation held but a figure regressed against the baseline);
 * with `--repeat`, the run's number after the name (`idempotent-vs-plain #2`) and, at
 * the end, the stability table of {@link stabilityLines}.
 *
 * @module
 */
import { format } from "../report/i18n.ts";
import { regressionLines } from "./regressions.ts";
import {
  isFigureColumn,
  MARGIN_FACTOR,
  scenarioMessage,
  type ScenarioStability,
  spreadValue,
  spreadWidth,
  STABILITY_COLUMNS,
  stabilityValue,
  thresholdText,
} from "./stability.ts";
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

/** The name of an entry on the console: the scenario, and `#2` for its second run. */
export function entryName(entry: Pick<SuiteEntry, "scenario" | "round">): string {
  return entry.round === undefined ? entry.scenario : `${entry.scenario} #${entry.round}`;
}

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
    entryName(entry).padEnd(nameWidth),
    time.padStart(9),
    ...(details.length === 0 ? [] : [` ${details.join("; ")}`]),
  ].join(" ").trimEnd();
}

/** Rows of text in aligned columns, two spaces apart; `right` columns aligned right. */
function columns(rows: string[][], right: ReadonlySet<number>): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
  return rows.map((r) =>
    r.map((cell, c) => {
      const pad = " ".repeat(widths[c] - [...cell].length);
      return right.has(c) ? pad + cell : cell + pad;
    }).join("  ").trimEnd()
  );
}

/**
 * The stability table printed after repeated runs: one row per expectation (scenario,
 * variant, expectation, runs held, observed min / median / max, threshold, verdict), then
 * one line per scenario with its verdict, its runs and the runs in which nothing held.
 */
export function stabilityLines(stability: readonly ScenarioStability[], repeat: number): string[] {
  const rows: string[][] = [[...STABILITY_COLUMNS]];
  for (const s of stability) {
    s.expectations.forEach((e, i) => {
      rows.push([
        i === 0 ? s.scenario : "",
        e.variant,
        e.text,
        `${e.held}/${e.runs}`,
        spreadValue(e, "min"),
        spreadValue(e, "median"),
        spreadValue(e, "max"),
        thresholdText(e),
        e.verdict === "thin" && e.spread !== null && e.op !== "==" && e.op !== "!="
          ? `thin (spread ${stabilityValue(e.metric, spreadWidth(e.spread))})`
          : e.verdict,
      ]);
    });
  }
  const out = [`Stability over ${repeat} runs`];
  const figures = STABILITY_COLUMNS.flatMap((column, c) => isFigureColumn(column) ? [c] : []);
  if (rows.length > 1) out.push(...columns(rows, new Set(figures)));
  const width = Math.max(...stability.map((s) => s.scenario.length));
  for (const s of stability) {
    out.push(`${s.scenario.padEnd(width)}  ${scenarioMessage(s)}`);
  }
  out.push(
    "held: runs in which it held, of the runs counted; min, median, max: its observed value",
    `stable: held in every run, the median at least ${MARGIN_FACTOR}× the spread (max − min) ` +
      "from the threshold",
    "thin: held in every run, closer; flaky: held in some runs only; failing: held in none",
  );
  return out;
}
