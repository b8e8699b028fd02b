/**
 * Stability of scenarios run several times (`--repeat N`): for each scenario
 * and each expectation of each variant, in how many runs it held and the
 * spread of its observed value (minimum, median, maximum) against its
 * threshold, with a verdict:
 *
 * - `stable`: held in every run, and the median is at least twice as far from
 *   the threshold as the run-to-run spread (max − min); for `==` and `!=`, the
 *   observed value never varied;
 * - `thin`: held in every run, but without that margin: a slower machine or a
 *   busier runner may tip it over;
 * - `flaky`: held in some runs, not in others;
 * - `failing`: held in none.
 *
 * A run that errored, could not run or was inconclusive counts as a run in
 * which nothing held, and is named; its figures stay out of the spread. A run
 * that was interrupted or not reached (Ctrl-C) is not counted. An observed
 * value beyond every bound (a latency percentile among events never
 * acknowledged) counts as +∞; one not measured counts as not held and stays
 * out of the spread. The verdict of a scenario is the worst of its
 * expectations', and at least `flaky` when some run errored.
 *
 * Pure: computed from the runs' reports, so every output of a suite (console,
 * `summary.md`, `junit.xml`, `index.html`, `suite.json`) derives the same
 * figures from the suite's entries.
 *
 * @example
 * ```ts
 * import type { RunReport } from "../report/types.ts";
 * declare const first: RunReport, second: RunReport;
 * import { scenarioStability, verdictMessage } from "./stability.ts";
 * const stability = scenarioStability("idempotent-vs-plain", [
 *   { round: 1, outcome: first.outcome, report: first, error: null },
 *   { round: 2, outcome: second.outcome, report: second, error: null },
 * ]);
 * for (const e of stability.expectations) console.log(e.variant, e.text, verdictMessage(e));
 * // plain duplicated > 0 flaky: held 1 of 2 (min 0, median 20, max 40; threshold > 0)
 * ```
 * @module
 */
import { format } from "../report/i18n.ts";
import { formatMetric } from "../report/metrics.ts";
import type { RunReport } from "../report/types.ts";
import type { EntryOutcome } from "./types.ts";

/** How far an expectation can be trusted, from best to worst. */
export type StabilityVerdict = "stable" | "thin" | "flaky" | "failing";

/**
 * The columns of a stability table (console, `summary.md`, `index.html`), one row per
 * expectation.
 */
export const STABILITY_COLUMNS = [
  "scenario",
  "variant",
  "expectation",
  "held",
  "min",
  "median",
  "max",
  "threshold",
  "verdict",
] as const;

/** A column of {@link STABILITY_COLUMNS}. */
export type StabilityColumn = typeof STABILITY_COLUMNS[number];

/** Whether a column of a stability table holds figures (aligned right): `held` to `max`. */
export function isFigureColumn(column: StabilityColumn): boolean {
  return column === "held" || column === "min" || column === "median" || column === "max";
}

/** The verdicts from best to worst. */
export const STABILITY_VERDICTS: readonly StabilityVerdict[] = [
  "stable",
  "thin",
  "flaky",
  "failing",
];

/** The median must be at least this many times the spread away from the threshold. */
export const MARGIN_FACTOR = 2;

/** One run of a scenario as stability sees it (a suite entry has this shape). */
export interface StabilityRun {
  /** 1-based number of the run; its position in the list (from 1) when absent. */
  round?: number;
  outcome: EntryOutcome;
  /** Null when the scenario could not run. */
  report: RunReport | null;
  /** Why it could not run. */
  error: string | null;
}

/** Minimum, median and maximum of the observed values; +Infinity for a value beyond every bound. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** Which expectation of which variant: as the scenario file has it. */
export interface ExpectationOf {
  variant: string;
  /** As written, e.g. `p99 < 5s`. */
  text: string;
  metric: string;
  op: string;
  threshold: number;
  /** Line of the scenario file. */
  line: number;
}

/** The {@link ExpectationOf} fields of expectation `e` of `variant`, in that order. */
export function expectationOf(
  variant: string,
  e: Omit<ExpectationOf, "variant">,
): ExpectationOf {
  return {
    variant,
    text: e.text,
    metric: e.metric,
    op: e.op,
    threshold: e.threshold,
    line: e.line,
  };
}

/** One expectation of one variant over the runs of its scenario. */
export interface ExpectationStability extends ExpectationOf {
  /** Runs of the scenario counted (errored and inconclusive ones included). */
  runs: number;
  /** Of those, runs in which it held. */
  held: number;
  /** Runs whose value makes the spread: runs judged (passed or failed) in which it was measured. */
  measured: number;
  /** Of the measured runs, those whose value was beyond every bound (+∞). */
  unbounded: number;
  /** Null when it was never measured. */
  spread: Spread | null;
  /**
   * Whether the median is at least {@link MARGIN_FACTOR} × (max − min) from the threshold
   * (for `==` and `!=`: whether the value never varied); null when never measured.
   */
  marginMet: boolean | null;
  verdict: StabilityVerdict;
}

/** A counted run in which nothing held: it errored, could not run or was inconclusive. */
export interface BrokenRun {
  round: number;
  outcome: EntryOutcome;
  /** Its first error, or why it was inconclusive. */
  why: string;
}

/** One scenario over its runs. */
export interface ScenarioStability {
  scenario: string;
  /** Runs counted: every run that finished, errored or could not run. */
  runs: number;
  /** Of those, runs whose every expectation held (outcome `passed`). */
  passed: number;
  /** Counted runs in which nothing held, in run order. */
  broken: BrokenRun[];
  /** Runs interrupted or not reached: not counted. */
  unfinished: number;
  /** Every expectation of every variant, in the order of the scenario's reports. */
  expectations: ExpectationStability[];
  /** The worst verdict of its expectations and runs; null when no run was counted. */
  verdict: StabilityVerdict | null;
}

/** The worse of two verdicts. */
export function worseVerdict(a: StabilityVerdict, b: StabilityVerdict): StabilityVerdict {
  return STABILITY_VERDICTS.indexOf(a) >= STABILITY_VERDICTS.indexOf(b) ? a : b;
}

/** Minimum, median (mean of the two middle values for an even count) and maximum; null when empty. */
export function spreadOf(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1
    ? sorted[mid]
    : sorted[mid - 1] === sorted[mid]
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/** max − min; 0 when they are equal (both +∞ included). */
export function spreadWidth(spread: Spread): number {
  return spread.max === spread.min ? 0 : spread.max - spread.min;
}

/**
 * Whether the observed values keep the margin from the threshold: the median at least
 * {@link MARGIN_FACTOR} × (max − min) away from it; for `==` and `!=`, no variation at all.
 * An infinite spread never keeps it.
 */
export function marginMet(op: string, threshold: number, spread: Spread): boolean {
  const width = spreadWidth(spread);
  if (op === "==" || op === "!=") return width === 0;
  if (!Number.isFinite(width)) return false;
  return Math.abs(spread.median - threshold) >= MARGIN_FACTOR * width;
}

/** Runs that count: those that ended (even in error) or could not run; not interrupted or not reached. */
function counted(outcome: EntryOutcome): boolean {
  return outcome !== "interrupted" && outcome !== "not-run";
}

/** Runs whose expectations were judged: nothing stopped verification from covering every event. */
function judged(outcome: EntryOutcome): boolean {
  return outcome === "passed" || outcome === "failed";
}

function brokenWhy(run: StabilityRun): string {
  const first = (texts: readonly string[] | undefined) =>
    texts?.find((t) => t.trim() !== "")?.split("\n")[0];
  if (run.outcome === "inconclusive") {
    return first(run.report?.inconclusive) ?? "verification could not cover every event";
  }
  return first([...(run.error === null ? [] : [run.error]), ...(run.report?.errors ?? [])]) ??
    `run ${run.outcome}`;
}

interface Tally extends ExpectationOf {
  held: number;
  values: number[];
  unbounded: number;
}

/** The stability of one scenario over its runs (in run order). */
export function scenarioStability(
  scenario: string,
  runs: readonly StabilityRun[],
): ScenarioStability {
  const tallies = new Map<string, Tally>();
  const broken: BrokenRun[] = [];
  let count = 0;
  let passed = 0;
  let unfinished = 0;
  runs.forEach((run, i) => {
    if (!counted(run.outcome)) {
      unfinished++;
      return;
    }
    count++;
    if (run.outcome === "passed") passed++;
    const round = run.round ?? i + 1;
    const isJudged = judged(run.outcome);
    if (!isJudged) broken.push({ round, outcome: run.outcome, why: brokenWhy(run) });
    for (const v of run.report?.variants ?? []) {
      for (const e of v.expectations) {
        const key = JSON.stringify([v.name, e.line, e.text]);
        let tally = tallies.get(key);
        if (tally === undefined) {
          tally = { ...expectationOf(v.name, e), held: 0, values: [], unbounded: 0 };
          tallies.set(key, tally);
        }
        if (!isJudged) continue;
        if (e.passed) tally.held++;
        if (e.unbounded) {
          tally.values.push(Infinity);
          tally.unbounded++;
        } else if (e.observed !== null) {
          tally.values.push(e.observed);
        }
      }
    }
  });
  const expectations = [...tallies.values()].map((t): ExpectationStability => {
    const spread = spreadOf(t.values);
    const margin = spread === null ? null : marginMet(t.op, t.threshold, spread);
    const verdict: StabilityVerdict = t.held === 0
      ? "failing"
      : t.held < count
      ? "flaky"
      : margin
      ? "stable"
      : "thin";
    return {
      ...expectationOf(t.variant, t),
      runs: count,
      held: t.held,
      measured: t.values.length,
      unbounded: t.unbounded,
      spread,
      marginMet: margin,
      verdict,
    };
  });
  let verdict: StabilityVerdict | null = null;
  if (count > 0) {
    verdict = broken.length === 0 ? "stable" : broken.length === count ? "failing" : "flaky";
    for (const e of expectations) verdict = worseVerdict(verdict, e.verdict);
  }
  return { scenario, runs: count, passed, broken, unfinished, expectations, verdict };
}

/** Stability of every scenario of a suite's entries, in order of first appearance. */
export function suiteStability(
  entries: readonly (StabilityRun & { scenario: string })[],
): ScenarioStability[] {
  const byScenario = new Map<string, StabilityRun[]>();
  for (const entry of entries) {
    const runs = byScenario.get(entry.scenario) ?? [];
    runs.push(entry);
    byScenario.set(entry.scenario, runs);
  }
  return [...byScenario].map(([scenario, runs]) => scenarioStability(scenario, runs));
}

/** Whether an expectation verdict means a run failed on it: `flaky` or `failing`. */
export function verdictFails(verdict: StabilityVerdict | null): boolean {
  return verdict === "flaky" || verdict === "failing";
}

const en = format("en");

/** A value of `metric` in its unit; `∞` for +Infinity (beyond every bound). */
export function stabilityValue(metric: string, value: number): string {
  return value === Infinity ? "∞" : formatMetric(en, metric, value);
}

/** An observed minimum, median or maximum in its unit (`∞` beyond every bound); `—` when never measured. */
export function spreadValue(e: ExpectationStability, pick: keyof Spread): string {
  return e.spread === null ? "—" : stabilityValue(e.metric, e.spread[pick]);
}

/** The threshold as `< 5,000 ms`, `> 0`, `== 0`. */
export function thresholdText(e: ExpectationStability): string {
  return `${e.op} ${stabilityValue(e.metric, e.threshold)}`;
}

/** `min 0, median 221, max 965`; `not measured` when it never was. */
export function spreadText(e: ExpectationStability): string {
  if (e.spread === null) return "not measured";
  const v = (n: number) => stabilityValue(e.metric, n);
  return `min ${v(e.spread.min)}, median ${v(e.spread.median)}, max ${v(e.spread.max)}`;
}

/** Why a `thin` expectation misses the margin, e.g. `median 500 ms from the threshold, under 2 × the spread of 800 ms`. */
export function marginText(e: ExpectationStability): string | null {
  if (e.spread === null || e.marginMet !== false) return null;
  if (e.op === "==" || e.op === "!=") return "the observed value varied from run to run";
  const width = spreadWidth(e.spread);
  const v = (n: number) => stabilityValue(e.metric, n);
  return `median ${
    v(Math.abs(e.spread.median - e.threshold))
  } from the threshold, under ${MARGIN_FACTOR} × the spread of ${v(width)}`;
}

/**
 * The verdict of an expectation in one line, starting with its word:
 * `flaky: held 7 of 10 (min 0, median 221, max 965; threshold > 0)`.
 */
export function verdictMessage(e: ExpectationStability): string {
  const notMeasured = e.runs - e.measured;
  const facts = [
    spreadText(e),
    `threshold ${thresholdText(e)}`,
    ...(e.spread !== null && notMeasured > 0
      ? [`not measured or not judged in ${notMeasured} run${notMeasured === 1 ? "" : "s"}`]
      : []),
    ...(e.verdict === "thin" ? [marginText(e) ?? ""] : []),
  ].filter((s) => s !== "");
  return `${e.verdict}: held ${e.held} of ${e.runs} (${facts.join("; ")})`;
}

/** A counted run in which nothing held, in words: `run 3 error: port 29091 is in use`. */
export function brokenRunText(run: BrokenRun): string {
  return `run ${run.round} ${run.outcome}: ${run.why}`;
}

/**
 * The verdict of a scenario in one line: `flaky: 7 of 10 runs passed; run 3 error: …`;
 * `no finished run` when none was counted.
 */
export function scenarioMessage(s: ScenarioStability): string {
  if (s.verdict === null) return "no finished run";
  const parts = [`${s.verdict}: ${s.passed} of ${s.runs} run${s.runs === 1 ? "" : "s"} passed`];
  parts.push(...s.broken.map(brokenRunText));
  if (s.unfinished > 0) {
    parts.push(`${s.unfinished} run${s.unfinished === 1 ? "" : "s"} interrupted or not run`);
  }
  return parts.join("; ");
}
