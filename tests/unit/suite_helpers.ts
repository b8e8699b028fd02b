/**
 * Synthetic suite results for the suite tests, built from the fixture report.
 *
 * @module
 */
import { compareReports, DEFAULT_TOLERANCES } from "../../lib/report/compare.ts";
import type { RunReport } from "../../lib/report/types.ts";
import type { Plan } from "../../lib/scenario/types.ts";
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
