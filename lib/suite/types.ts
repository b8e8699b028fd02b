/**
 * The results of a regression suite run (`deno task ci`) as plain data: one
 * entry per scenario, its run report when it ran, and its comparison with a
 * baseline when one was given. `suite.json` is {@link suiteJson} of it.
 *
 * @module
 */
import type { Comparison, Tolerances } from "../report/compare.ts";
import type { RunReport } from "../report/types.ts";
import type { ProfileName } from "../scenario/types.ts";

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

/** One scenario of the suite. */
export interface SuiteEntry {
  /** Scenario name as listed (the file name without `.yaml`). */
  scenario: string;
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

/** A whole suite run. */
export interface SuiteResult {
  startedAt: string;
  finishedAt: string;
  profile: ProfileName;
  /** The baseline folder given, or null. */
  baselineDir: string | null;
  tolerances: Tolerances;
  /** Whether the suite was stopped (Ctrl-C) before its end. */
  interrupted: boolean;
  entries: SuiteEntry[];
  /**
   * Problems of the suite itself, outside any scenario: a cluster started for the
   * suite that could not be stopped. Any of them fails the suite.
   */
  errors: string[];
}

/**
 * The suite's verdict: `passed` only when every scenario passed, none regressed and the
 * suite had no error of its own; `inconclusive` when nothing failed but some scenario's
 * verification was incomplete.
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
  if (result.entries.every((e) => e.outcome === "passed" && !entryRegressed(e))) return "passed";
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

/** One scenario in `suite.json`. */
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

/** The whole of `suite.json`. */
export interface SuiteJson {
  suiteVersion: typeof SUITE_JSON_VERSION;
  tool: { name: "sismo"; version: string };
  startedAt: string;
  finishedAt: string;
  profile: ProfileName;
  outcome: SuiteOutcome;
  baseline: string | null;
  tolerances: Tolerances;
  /** Scenario name → result, in run order. */
  scenarios: Record<string, SuiteJsonEntry>;
  /** Errors of the suite itself, outside any scenario (e.g. a cluster not stopped). */
  errors: string[];
}
