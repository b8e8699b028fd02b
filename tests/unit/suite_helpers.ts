/**
 * Synthetic suite results for the suite tests, built from the fixture report.
 *
 * @module
 */
import { join } from "node:path";
import { compareReports, DEFAULT_TOLERANCES } from "../../lib/report/compare.ts";
import type { RunReport } from "../../lib/report/types.ts";
import { readReport, writeRunOutputs } from "../../lib/report/write.ts";
import type { Plan, ProfileName } from "../../lib/scenario/types.ts";
import type { RunOneOptions } from "../../lib/suite/run_one.ts";
import type { SuiteDeps, SuiteOptions, SuiteScenario } from "../../lib/suite/suite.ts";
import type { SuiteEntry, SuiteResult } from "../../lib/suite/types.ts";
import { fixture } from "./report_helpers.ts";

/** The fixture report renamed to `name`, in the given profile; it failed one expectation. */
export function failedReport(name: string, profile: Plan["profile"] = "quick"): RunReport {
  const report = fixture();
  report.scenario.name = name;
  report.scenario.resolved.name = name;
  report.scenario.resolved.profile = profile;
  return report;
}

/** Like {@link failedReport}, but every expectation held. */
export function passedReport(name: string, profile: Plan["profile"] = "quick"): RunReport {
  const report = failedReport(name, profile);
  for (const v of report.variants) {
    for (const e of v.expectations) e.passed = true;
  }
  report.outcome = "passed";
  return report;
}

/** An entry of a scenario that ran, with its run directory `<name>/2025-11-20T14-03-12Z`. */
export function ranEntry(report: RunReport, durationMs = 41234): SuiteEntry {
  return {
    scenario: report.scenario.name,
    file: `scenarios/${report.scenario.name}.yaml`,
    outcome: report.outcome,
    dir: `${report.scenario.name}/2025-11-20T14-03-12Z`,
    durationMs,
    report,
    error: null,
    baseline: null,
  };
}

/** An entry of a scenario that could not run. */
export function errorEntry(name: string, error: string): SuiteEntry {
  return {
    scenario: name,
    file: `scenarios/${name}.yaml`,
    outcome: "error",
    dir: null,
    durationMs: 120,
    report: null,
    error,
    baseline: null,
  };
}

/** An entry the interrupted suite never reached. */
export function notRunEntry(name: string): SuiteEntry {
  return { ...errorEntry(name, ""), outcome: "not-run", error: null, durationMs: 0 };
}

/** `entry` compared with a baseline where the plain variant lost no event and now lost 7. */
export function withRegression(entry: SuiteEntry): SuiteEntry {
  const base = structuredClone(entry.report!);
  const current = structuredClone(entry.report!);
  current.variants[0].verification!.counts.lost = 7;
  return {
    ...entry,
    report: current,
    baseline: {
      baseline: `baseline/${entry.scenario}/2025-11-19T10-00-00Z/report.json`,
      comparison: compareReports(base, current, DEFAULT_TOLERANCES),
    },
  };
}

/** `entry` compared with an identical baseline run. */
export function withoutRegression(entry: SuiteEntry): SuiteEntry {
  return {
    ...entry,
    baseline: {
      baseline: `baseline/${entry.scenario}/2025-11-19T10-00-00Z/report.json`,
      comparison: compareReports(entry.report!, entry.report!, DEFAULT_TOLERANCES),
    },
  };
}

/** A suite result of `entries`. */
export function suiteOf(entries: SuiteEntry[], baselineDir: string | null = null): SuiteResult {
  return {
    startedAt: "2025-11-20T14:00:00.000Z",
    finishedAt: "2025-11-20T14:04:30.000Z",
    profile: "quick",
    repeat: 1,
    baselineDir,
    tolerances: { ...DEFAULT_TOLERANCES },
    interrupted: false,
    entries,
    errors: [],
  };
}

/** The plan of scenario file `scenarios/<name>.yaml` in `profile`: the fixture's, renamed. */
export function planOf(file: string, profile: ProfileName): Plan {
  const name = file.replace(/^scenarios\/|\.yaml$/g, "");
  const plan = structuredClone(failedReport(name).scenario.resolved);
  plan.profile = profile;
  return plan;
}

/**
 * A fake world for `runSuite`: plans come from `loadPlan` ({@link planOf} by default); each
 * run's report comes from `run` (which may throw, as a run that cannot start does) and is
 * written into `<reportsDir>/<plan name>/<folder>`; reports are read back from disk; the clock
 * starts at 2025-11-20T14:00:00Z and advances 1 s per reading.
 */
export function fakeSuiteDeps(
  run: (plan: Plan, opts: RunOneOptions) => { report: RunReport; folder: string },
  loadPlan: SuiteDeps["loadPlan"] = (file, profile) => Promise.resolve(planOf(file, profile)),
): SuiteDeps {
  let clock = Date.parse("2025-11-20T14:00:00Z");
  return {
    loadPlan,
    async runOne(plan: Plan, runOpts: RunOneOptions) {
      const { report, folder } = run(plan, runOpts);
      const dir = join(runOpts.reportsDir!, plan.name, folder);
      const files = await writeRunOutputs(report, dir);
      return { report, dir, files };
    },
    readReport,
    now: () => (clock += 1000),
  };
}

/**
 * Options of `runSuite` running `scenarios` into `dir`: quick profile, no baseline, default
 * tolerances, a signal never aborted; `more` adds to them or replaces them.
 */
export function suiteOptions(
  scenarios: SuiteScenario[],
  dir: string,
  more: Partial<SuiteOptions> = {},
): SuiteOptions {
  return {
    scenarios,
    profile: "quick",
    dir,
    baseline: null,
    tolerances: DEFAULT_TOLERANCES,
    signal: new AbortController().signal,
    ...more,
  };
}

/** Run `fn` with a new temporary folder, removed afterwards. */
export async function withTempDir<T>(
  fn: (dir: string) => Promise<T>,
  prefix = "sismo-suite-",
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

export { parseXml, type XmlNode } from "./report_helpers.ts";
