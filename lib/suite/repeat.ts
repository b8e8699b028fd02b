/**
 * `deno task scenario <name> --repeat N`: run one scenario N times, each run
 * writing its own report as a single run does, and judge the runs together
 * (./stability.ts).
 *
 * @example
 * ```ts
 * import type { Plan } from "../scenario/types.ts";
 * declare const plan: Plan;
 * import { entryLine, stabilityLines } from "./console.ts";
 * import { repeatExitCode, repeatRuns } from "./repeat.ts";
 * import { scenarioStability } from "./stability.ts";
 * const runs = await repeatRuns(plan, 5, { signal: new AbortController().signal }, {
 *   onRun: (entry) => console.log(entryLine(entry)),
 * });
 * console.log(stabilityLines([scenarioStability(plan.name, runs)], 5).join("\n"));
 * Deno.exit(repeatExitCode(runs));
 * ```
 * @module
 */
import type { Plan } from "../scenario/types.ts";
import {
  afterSecondOf,
  errorText,
  LIVE_RUN_DEPS,
  type RunDeps,
  type RunOneOptions,
} from "./run_one.ts";
import { scenarioStability, verdictFails } from "./stability.ts";
import { newEntry, type SuiteEntry } from "./types.ts";

/** What {@link repeatRuns} uses from the outside world; tests replace it. */
export type RepeatDeps = RunDeps;

/** Options of {@link repeatRuns} besides the run's own. */
export interface RepeatHooks {
  /** Called with each run as it ends. */
  onRun?: (entry: SuiteEntry) => void;
  /** Replaces the real runner and clock (tests). */
  deps?: RepeatDeps;
}

/**
 * Run `plan` `repeat` times, one run after the other, each as `runAndWrite` does (its own
 * run directory and reports). A setup error of the first run is thrown (nothing ran, as
 * without `--repeat`); one of a later run becomes an `error` run and the next run goes on.
 * Once `opts.signal` aborts, the current run keeps its partial report and no other starts.
 * A run never starts in the second the previous one ended in (run directories are named to
 * the second).
 *
 * @returns one entry per run started, with its round (1-based) and its run directory as given.
 */
export async function repeatRuns(
  plan: Plan,
  repeat: number,
  opts: RunOneOptions,
  hooks: RepeatHooks = {},
): Promise<SuiteEntry[]> {
  const deps = hooks.deps ?? LIVE_RUN_DEPS;
  const entries: SuiteEntry[] = [];
  let lastEnded: number | null = null;
  for (let round = 1; round <= repeat && !opts.signal.aborted; round++) {
    if (lastEnded !== null) await afterSecondOf(lastEnded, deps.now);
    const started = deps.now();
    const entry = newEntry(plan, "error", round);
    try {
      const written = await deps.runOne(plan, opts);
      entry.outcome = written.report.outcome;
      entry.report = written.report;
      entry.dir = written.dir;
    } catch (error) {
      if (round === 1) throw error;
      entry.error = errorText(error);
    }
    lastEnded = deps.now();
    entry.durationMs = lastEnded - started;
    entries.push(entry);
    hooks.onRun?.(entry);
  }
  return entries;
}

/**
 * Exit code of repeated runs: 130 when one was interrupted, 1 when one failed or errored
 * (or, never otherwise, an expectation is flaky or failing over the runs), 3 when none
 * failed but some were inconclusive, 0 when every run passed.
 */
export function repeatExitCode(entries: readonly SuiteEntry[]): number {
  if (entries.some((e) => e.outcome === "interrupted" || e.outcome === "not-run")) return 130;
  if (entries.some((e) => e.outcome === "failed" || e.outcome === "error")) return 1;
  if (entries.some((e) => e.outcome === "inconclusive")) return 3;
  const scenarios = new Set(entries.map((e) => e.scenario));
  for (const name of scenarios) {
    const stability = scenarioStability(name, entries.filter((e) => e.scenario === name));
    if (stability.expectations.some((e) => verdictFails(e.verdict))) return 1;
  }
  return 0;
}
