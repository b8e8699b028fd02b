/**
 * Run a list of scenarios one after another into one suite folder, compare
 * each with its baseline, and keep the suite's outputs (`index.html`,
 * `junit.xml`, `summary.md`, `suite.json`) up to date after every scenario.
 * With `repeat` N above 1, the list runs N times over (every scenario once,
 * then again: partial results cover every scenario early), each run an entry
 * with its round, and the outputs add each scenario's stability
 * (./stability.ts).
 *
 * A scenario that cannot run (invalid file, setup error) becomes an `error`
 * entry and the suite goes on. Once the signal aborts, the current run cleans
 * up and keeps its partial report (the runner does that), and the scenarios
 * not reached are recorded as `not-run`. What the suite started for its
 * scenarios (its clusters) is released at the end; a release that fails is an
 * error of the suite and fails it.
 *
 * @example
 * ```ts
 * import { DEFAULT_TOLERANCES } from "../report/compare.ts";
 * import { suiteExitCode } from "./types.ts";
 * import { runSuite } from "./suite.ts";
 * const { result, paths } = await runSuite({
 *   scenarios: [{ name: "idempotent-vs-plain", file: "scenarios/idempotent-vs-plain.yaml" }],
 *   profile: "quick",
 *   dir: "reports/ci/2025-11-20T14-03-12Z",
 *   baseline: null,
 *   tolerances: DEFAULT_TOLERANCES,
 *   signal: new AbortController().signal,
 * });
 * console.log(paths.index, suiteExitCode(result));
 * ```
 * @module
 */
import { join, relative } from "node:path";
import { compareReports, runDifferences, type Tolerances } from "../report/compare.ts";
import { renderComparisonHtml, renderComparisonMarkdown } from "../report/compare_render.ts";
import type { RunReport } from "../report/types.ts";
import { readReport } from "../report/write.ts";
import { knownSecretsRedactor } from "../report/redact.ts";
import { secretsOf } from "../connection/settings.ts";
import { loadScenario } from "../scenario/load.ts";
import type { ClientName } from "../clients/names.ts";
import type { Plan, ProfileName } from "../scenario/types.ts";
import type { BaselineReports } from "./baseline.ts";
import { renderSuiteIndex } from "./index_html.ts";
import { renderSuiteJunit } from "./junit.ts";
import { renderSuiteMarkdown } from "./markdown.ts";
import {
  afterSecondOf,
  errorText,
  LIVE_RUN_DEPS,
  type RunDeps,
  type RunOneOptions,
  type WrittenRun,
} from "./run_one.ts";
import { suiteJson } from "./suite_json.ts";
import { type BaselineResult, newEntry, type SuiteEntry, type SuiteResult } from "./types.ts";

/** A scenario to run: its listed name and its file. */
export interface SuiteScenario {
  name: string;
  file: string;
}

/** Something started for the suite's scenarios (a cluster), stopped after the last one. */
export interface SuiteResource {
  /** What it is, for the error when it cannot be stopped, e.g. `the 3-broker local cluster`. */
  description: string;
  release(): Promise<void>;
}

/** Options of {@link runSuite}. */
export interface SuiteOptions {
  /** In run order. */
  scenarios: SuiteScenario[];
  profile: ProfileName;
  /** How many times to run each scenario (`--repeat`), in rounds over the list; default 1. */
  repeat?: number;
  /** Run every variant of every scenario on this client (`--client`); the files' choice when absent. */
  client?: ClientName;
  /** An external cluster every scenario runs against (`--bootstrap`…); the local stack when absent. */
  external?: Pick<RunOneOptions, "bootstrap" | "toxiproxyUrl" | "connection">;
  /** The suite folder; run directories go inside it. Created if missing. */
  dir: string;
  /** Baseline reports, or null for none. */
  baseline: BaselineReports | null;
  tolerances: Tolerances;
  signal: AbortSignal;
  /** Called with each entry as it is recorded (run, failed to run, or not run). */
  onEntry?: (entry: SuiteEntry) => void;
  /**
   * Released once the scenarios are over, whether they ended, were interrupted or the
   * suite failed; one that cannot be released is one of the result's `errors`.
   */
  resources?: SuiteResource[];
  /** Called with each error of the suite itself as it is recorded. */
  onError?: (error: string) => void;
}

/** What {@link runSuite} uses from the outside world; tests replace it. */
export interface SuiteDeps extends RunDeps {
  loadPlan(file: string, profile: ProfileName, client?: ClientName): Promise<Plan>;
  readReport(path: string): Promise<RunReport>;
}

/** The real dependencies: scenario files, Kafka, the report reader and the clock. */
export const LIVE_DEPS: SuiteDeps = {
  ...LIVE_RUN_DEPS,
  loadPlan: (file, profile, client) => loadScenario(file, { profile, client }),
  readReport,
};

/** Paths of the suite's own outputs. */
export interface SuitePaths {
  index: string;
  junit: string;
  markdown: string;
  json: string;
}

/** Write `index.html`, `junit.xml`, `summary.md` and `suite.json` into `dir`. */
export async function writeSuiteOutputs(result: SuiteResult, dir: string): Promise<SuitePaths> {
  await Deno.mkdir(dir, { recursive: true });
  const paths: SuitePaths = {
    index: join(dir, "index.html"),
    junit: join(dir, "junit.xml"),
    markdown: join(dir, "summary.md"),
    json: join(dir, "suite.json"),
  };
  await Deno.writeTextFile(paths.index, renderSuiteIndex(result));
  await Deno.writeTextFile(paths.junit, renderSuiteJunit(result));
  await Deno.writeTextFile(paths.markdown, renderSuiteMarkdown(result));
  await Deno.writeTextFile(paths.json, JSON.stringify(suiteJson(result), null, 2) + "\n");
  return paths;
}

/** Release each resource in turn; one error line for each that could not be released. */
export async function releaseResources(resources: readonly SuiteResource[]): Promise<string[]> {
  const errors: string[] = [];
  for (const resource of resources) {
    try {
      await resource.release();
    } catch (error) {
      errors.push(`${resource.description} could not be stopped: ${errorText(error)}`);
    }
  }
  return errors;
}

/**
 * Compare a run with its baseline report (when there is one) and write
 * `comparison.html` and `comparison.md` into the run directory.
 */
async function compareWithBaseline(
  scenario: SuiteScenario,
  plan: Plan,
  written: WrittenRun,
  opts: SuiteOptions,
  deps: SuiteDeps,
): Promise<BaselineResult | null> {
  const path = opts.baseline?.reports.get(scenario.name) ??
    opts.baseline?.reports.get(plan.name);
  if (path === undefined) return null;
  if (written.report.outcome === "interrupted") {
    return { baseline: path, comparison: null, note: "interrupted: not compared" };
  }
  let base: RunReport;
  try {
    base = await deps.readReport(path);
  } catch (error) {
    return { baseline: path, comparison: null, note: `baseline unreadable: ${errorText(error)}` };
  }
  // Reports written before profiles existed ran the scenario as written.
  const baseProfile = (base.scenario.resolved as Partial<Plan>).profile ?? "full";
  if (baseProfile !== plan.profile) {
    return {
      baseline: path,
      comparison: null,
      note: `baseline ran the ${baseProfile} profile, this run ${plan.profile}: not compared`,
    };
  }
  // A baseline that ran something else (load, faults, clients, Kafka) says nothing about this run.
  const differences = runDifferences(base, written.report);
  if (differences.length > 0) {
    return {
      baseline: path,
      comparison: null,
      note: `baseline ran something else (${differences.join("; ")}): not compared`,
    };
  }
  const comparison = compareReports(base, written.report, opts.tolerances);
  await Deno.writeTextFile(
    join(written.dir, "comparison.md"),
    renderComparisonMarkdown(comparison),
  );
  await Deno.writeTextFile(
    join(written.dir, "comparison.html"),
    renderComparisonHtml(comparison, { lang: "en" }),
  );
  return { baseline: path, comparison };
}

async function runEntry(
  scenario: SuiteScenario,
  opts: SuiteOptions,
  deps: SuiteDeps,
): Promise<SuiteEntry> {
  const started = deps.now();
  const entry = newEntry(scenario, "error");
  try {
    const plan = await deps.loadPlan(scenario.file, opts.profile, opts.client);
    const written = await deps.runOne(plan, {
      ...opts.external,
      reportsDir: opts.dir,
      signal: opts.signal,
      lang: "en",
      chatter: "quiet",
    });
    entry.outcome = written.report.outcome;
    entry.report = written.report;
    entry.dir = relative(opts.dir, written.dir).replaceAll("\\", "/");
    entry.baseline = await compareWithBaseline(scenario, plan, written, opts, deps);
  } catch (error) {
    entry.outcome = "error";
    // The suite's index, JUnit and Markdown repeat this text: no secret of the connection in it.
    const secrets = opts.external?.connection ? secretsOf(opts.external.connection) : [];
    entry.error = knownSecretsRedactor(secrets)(errorText(error));
  }
  entry.durationMs = deps.now() - started;
  return entry;
}

/**
 * Run the suite. Outputs are rewritten after every scenario, so an
 * interrupted or crashed suite still leaves an index of what ran.
 */
export async function runSuite(
  opts: SuiteOptions,
  deps: SuiteDeps = LIVE_DEPS,
): Promise<{ result: SuiteResult; paths: SuitePaths }> {
  const repeat = opts.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1) {
    throw new RangeError(`repeat must be a whole number of at least 1, got ${repeat}`);
  }
  const result: SuiteResult = {
    startedAt: new Date(deps.now()).toISOString(),
    finishedAt: new Date(deps.now()).toISOString(),
    profile: opts.profile,
    repeat,
    baselineDir: opts.baseline?.root ?? null,
    tolerances: { ...opts.tolerances },
    interrupted: false,
    entries: [],
    errors: [],
  };
  let paths: SuitePaths;
  try {
    paths = await writeSuiteOutputs(result, opts.dir);
    // Once interrupted, the rest of the current round is listed as not run; later rounds
    // are not started.
    const lastEnded = new Map<string, number>();
    for (let round = 1; round <= repeat && !(round > 1 && opts.signal.aborted); round++) {
      for (const scenario of opts.scenarios) {
        const ended = lastEnded.get(scenario.name);
        if (ended !== undefined && !opts.signal.aborted) await afterSecondOf(ended, deps.now);
        const entry = opts.signal.aborted
          ? newEntry(scenario, "not-run")
          : await runEntry(scenario, opts, deps);
        if (repeat > 1) entry.round = round;
        if (repeat > 1) lastEnded.set(scenario.name, deps.now());
        result.entries.push(entry);
        result.interrupted = opts.signal.aborted;
        result.finishedAt = new Date(deps.now()).toISOString();
        opts.onEntry?.(entry);
        paths = await writeSuiteOutputs(result, opts.dir);
      }
    }
  } finally {
    for (const error of await releaseResources(opts.resources ?? [])) {
      result.errors.push(error);
      opts.onError?.(error);
    }
  }
  if (result.errors.length > 0) paths = await writeSuiteOutputs(result, opts.dir);
  return { result, paths };
}
