/**
 * The regression suite behind `deno task ci`: run scenarios one after another
 * into one folder, compare them with a baseline, and write an index page, one
 * JUnit file, one Markdown summary and `suite.json`; with `repeat`, each
 * scenario several times and its stability over the runs. Also the part of
 * running one scenario that `deno task scenario` shares with it.
 *
 * @example
 * ```ts
 * import { DEFAULT_TOLERANCES } from "../report/compare.ts";
 * declare const signal: AbortSignal;
 * import { findBaselineReports, runSuite, suiteExitCode } from "./mod.ts";
 * const { result, paths } = await runSuite({
 *   scenarios: [{ name: "idempotent-vs-plain", file: "scenarios/idempotent-vs-plain.yaml" }],
 *   profile: "quick",
 *   dir: "reports/ci/2025-11-21T03-17-05Z",
 *   baseline: await findBaselineReports("baseline"),
 *   tolerances: DEFAULT_TOLERANCES,
 *   signal,
 * });
 * console.log(paths.index);
 * Deno.exit(suiteExitCode(result));
 * ```
 * @module
 */
export { BaselineError, type BaselineReports, findBaselineReports } from "./baseline.ts";
export { entryLine, entryName, stabilityLines } from "./console.ts";
export { renderSuiteIndex } from "./index_html.ts";
export { type Interrupt, interruptOnSignals } from "./interrupt.ts";
export { renderSuiteJunit } from "./junit.ts";
export { renderSuiteMarkdown } from "./markdown.ts";
export { regressionLines } from "./regressions.ts";
export { type RepeatDeps, repeatExitCode, type RepeatHooks, repeatRuns } from "./repeat.ts";
export { runAndWrite, type RunOneOptions, type WrittenRun } from "./run_one.ts";
export {
  LIVE_DEPS,
  releaseResources,
  runSuite,
  type SuiteDeps,
  type SuiteOptions,
  type SuitePaths,
  type SuiteResource,
  type SuiteScenario,
  writeSuiteOutputs,
} from "./suite.ts";
export {
  type BrokenRun,
  type ExpectationStability,
  MARGIN_FACTOR,
  type ScenarioStability,
  scenarioStability,
  type Spread,
  type StabilityRun,
  type StabilityVerdict,
  suiteStability,
  verdictMessage,
} from "./stability.ts";
export { suiteJson } from "./suite_json.ts";
export {
  type EntryOutcome,
  type SuiteEntry,
  suiteExitCode,
  type SuiteJson,
  type SuiteJsonRun,
  type SuiteOutcome,
  suiteOutcome,
  type SuiteResult,
} from "./types.ts";
