/**
 * The results of a regression suite run (`deno task ci`) as plain data: one
 * entry per scenario run (per scenario and round with `--repeat`), its run
 * report when it ran, and its comparison with a baseline when one was given.
 * `suite.json` is {@link suiteJson} of it.
 *
 * @module
 */
import type { Comparison, Tolerances } from "../report/compare.ts";
import type { RunReport } from "../report/types.ts";
import type { ProfileName } from "../scenario/types.ts";
import {
  type ExpectationStability,
  type ScenarioStability,
  suiteStability,
  verdictFails,
} from "./stability.ts";

/**
 * What happened to one scenario: its run's outcome; `error` also when it
 * could not start (no report); `not-run` when the suite was interrupted first.
 */
export type EntryOutcome = RunReport["outcome"] | "not-run";

/** The comparison of one scenario's run with its baseline run. */
export interface BaselineResult {
  /** Path of the baseline `report.json`. */
  baseline: string;
  /** The comparison; null when it was not made (see `note`). */
  comparison: Comparison | null;
  /** Why the comparison was not made, e.g. the baseline ran another profile. */
  note?: string;
}

/** One run of a scenario of the suite. */
export interface SuiteEntry {
  /** Scenario name as listed (the file name without `.yaml`). */
  scenario: string;
  /** Which run of the scenario this is (1-based), when the suite runs each more than once. */
  round?: number;
  /** Scenario file. */
  file: string;
  outcome: EntryOutcome;
  /** Run directory relative to the suite folder; null when the scenario did not run. */
  dir: string | null;
  /** Wall time spent on the scenario (loading, running, writing), ms. */
  durationMs: number;
  /** The run report; null when the scenario did not run. */
  report: RunReport | null;
  /** Why the scenario could not run (a setup error); errors of a run are in its report. */
  error: string | null;
  /** Comparison with the baseline; null without a baseline for this scenario. */
  baseline: BaselineResult | null;
}

/**
 * A new entry of `scenario` with the given outcome and nothing else yet: no run directory,
 * report, error or baseline, no time spent; its `round` when given.
 */
export function newEntry(
  scenario: { name: string; file: string },
  outcome: EntryOutcome,
  round?: number,
): SuiteEntry {
  return {
    scenario: scenario.name,
    ...(round === undefined ? {} : { round }),
    file: scenario.file,
    outcome,
    dir: null,
    durationMs: 0,
    report: null,
    error: null,
    baseline: null,
  };
}

/** A whole suite run. */
export interface SuiteResult {
  startedAt: string;
  finishedAt: string;
  profile: ProfileName;
  /** How many times each scenario runs (`--repeat`); 1 runs each once. */
  repeat: number;
  /** The baseline folder given, or null. */
  baselineDir: string | null;
  tolerances: Tolerances;
  /** Whether the suite was stopped (Ctrl-C) before its end. */
  interrupted: boolean;
  /** In run order: every scenario once, then again for each further round. */
  entries: SuiteEntry[];
  /**
   * Problems of the suite itself, outside any scenario: a cluster started for the
   * suite that could not be stopped. Any of them fails the suite.
   */
  errors: string[];
}

/**
 * The suite's verdict: `passed` only when every run passed, none regressed and the
 * suite had no error of its own; `inconclusive` when nothing failed but some scenario's
 * verification was incomplete. A flaky or failing expectation over repeated runs never
 * passes (a run failed on it, so the suite fails already; checked again all the same).
 */
export type SuiteOutcome = "passed" | "failed" | "inconclusive" | "interrupted";

/** Whether the entry's comparison with its baseline found a regression. */
export function entryRegressed(entry: SuiteEntry): boolean {
  return entry.baseline?.comparison?.regressed ?? false;
}

/** The verdict of a suite: interrupted, else passed when every entry passed without regression. */
export function suiteOutcome(result: SuiteResult): SuiteOutcome {
  if (
    result.interrupted ||
    result.entries.some((e) => e.outcome === "interrupted" || e.outcome === "not-run")
  ) {
    return "interrupted";
  }
  if (result.errors.length > 0) return "failed";
  if (result.entries.every((e) => e.outcome === "passed" && !entryRegressed(e))) {
    const unsteady = suiteStability(result.entries).some((s) =>
      s.expectations.some((e) => verdictFails(e.verdict))
    );
    return unsteady ? "failed" : "passed";
  }
  return result.entries.every((e) =>
      (e.outcome === "passed" || e.outcome === "inconclusive") && !entryRegressed(e)
    )
    ? "inconclusive"
    : "failed";
}

/** Exit code of `deno task ci`: 0 passed, 1 failed or regressed, 3 inconclusive, 130 interrupted. */
export function suiteExitCode(result: SuiteResult): number {
  return { passed: 0, failed: 1, inconclusive: 3, interrupted: 130 }[suiteOutcome(result)];
}

/** Format version of `suite.json`. */
export const SUITE_JSON_VERSION = 1;

/** One scenario run in `suite.json`. */
export interface SuiteJsonEntry {
  file: string;
  outcome: EntryOutcome;
  /** Run directory relative to the suite folder; null when it did not run. */
  dir: string | null;
  durationMs: number;
  error: string | null;
  /** Passed and failed expectations over all variants. */
  expectations: { passed: number; failed: number };
  /** Baseline report compared with (as given), or null. */
  baseline: string | null;
  /** Whether the comparison found a regression; null when none was made. */
  regressed: boolean | null;
  /** One line per regressed figure, e.g. `plain p99: 120 ms → 180 ms (+50%)`. */
  regressions: string[];
  /** `comparison.html` relative to the suite folder, or null. */
  comparison: string | null;
  /** Why no comparison was made, when a baseline existed. */
  note?: string;
}

/** One run of a repeated suite in `suite.json`'s `runs`. */
export interface SuiteJsonRun extends SuiteJsonEntry {
  scenario: string;
  /** 1-based. */
  round: number;
}

/**
 * An observed value in `suite.json`'s stability figures: a number in the metric's unit
 * (ms, events, events/s), or null for a value beyond every bound (+∞: a latency percentile
 * that fell among events never acknowledged), as `observed` is in `report.json`.
 */
export type StabilityJsonValue = number | null;

/**
 * One expectation of one variant over the runs of its scenario, in `suite.json`: its
 * {@link ExpectationStability} figures, with the spread as `min`, `median` and `max`.
 */
export interface StabilityJsonExpectation extends Omit<ExpectationStability, "spread"> {
  /** Null when never measured. */
  min: StabilityJsonValue;
  median: StabilityJsonValue;
  max: StabilityJsonValue;
  /** The verdict in words: `flaky: held 7 of 10 (min 0, median 221, max 965; threshold > 0)`. */
  message: string;
}

/** One scenario over its runs, in `suite.json`: its {@link ScenarioStability} but the name. */
export interface StabilityJsonScenario
  extends Omit<ScenarioStability, "scenario" | "expectations"> {
  expectations: StabilityJsonExpectation[];
}

/** The whole of `suite.json`. */
export interface SuiteJson {
  suiteVersion: typeof SUITE_JSON_VERSION;
  tool: { name: "sismo"; version: string };
  startedAt: string;
  finishedAt: string;
  profile: ProfileName;
  outcome: SuiteOutcome;
  /** Runs of each scenario asked for (`--repeat`); 1 by default. */
  repeat: number;
  baseline: string | null;
  tolerances: Tolerances;
  /**
   * Scenario name → result, in run order. With `repeat` above 1, each scenario's latest run
   * that ran (what a later suite takes as its baseline); every run is in `runs`.
   */
  scenarios: Record<string, SuiteJsonEntry>;
  /** With `repeat` above 1: every run, in run order. */
  runs?: SuiteJsonRun[];
  /** With `repeat` above 1: scenario name → its stability over its runs. */
  stability?: Record<string, StabilityJsonScenario>;
  /** Errors of the suite itself, outside any scenario (e.g. a cluster not stopped). */
  errors: string[];
}
