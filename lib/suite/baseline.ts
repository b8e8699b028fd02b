/**
 * Find the baseline report of each scenario in a folder given to
 * `deno task ci --baseline DIR`. Accepted layouts, tried in this order:
 *
 * 1. a suite output folder: `DIR/suite.json` names each scenario's run directory;
 * 2. a folder of suite output folders (e.g. a downloaded `reports/ci/` artifact):
 *    the latest `DIR/<timestamp>/suite.json`, as in 1;
 * 3. any folder of runs: `DIR/<scenario>/<run>/report.json`, the latest run of each
 *    scenario (run directories are timestamps, so the latest sorts last).
 *
 * @example
 * ```ts
 * import { findBaselineReports } from "./baseline.ts";
 * const { reports } = await findBaselineReports("baseline");
 * reports.get("idempotent-vs-plain"); // "baseline/idempotent-vs-plain/2025-…Z/report.json"
 * ```
 * @module
 */
import { join } from "node:path";

/** The baseline folder is missing or holds no reports: bad input. */
export class BaselineError extends Error {
  override name = "BaselineError";
}

/** Where the baseline reports are. */
export interface BaselineReports {
  /** The folder the reports were found in (DIR, or its latest suite folder). */
  root: string;
  /** How they were found. */
  layout: "suite" | "runs";
  /** Scenario name → path of its baseline `report.json`. */
  reports: Map<string, string>;
}

/** The last of `names` in sort order (run and suite folders are timestamps); undefined when empty. */
export function latestName(names: readonly string[]): string | undefined {
  return [...names].sort().at(-1);
}

/**
 * The `report.json` paths a `suite.json` names (scenarios that ran), joined
 * to `dir`, the folder holding it.
 *
 * @throws {BaselineError} when `json` is not a suite.json.
 */
export function reportsOfSuiteJson(json: unknown, dir: string): Map<string, string> {
  const scenarios = (json as { scenarios?: unknown } | null)?.scenarios;
  if (scenarios === null || typeof scenarios !== "object" || Array.isArray(scenarios)) {
    throw new BaselineError(`${join(dir, "suite.json")}: not a sismo suite.json (no scenarios)`);
  }
  const reports = new Map<string, string>();
  for (const [name, entry] of Object.entries(scenarios)) {
    const runDir = (entry as { dir?: unknown } | null)?.dir;
    if (typeof runDir === "string" && runDir !== "") {
      reports.set(name, join(dir, ...runDir.split("/"), "report.json"));
    }
  }
  return reports;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch { // not there: the layout is another one, or the run left no report
    return false;
  }
}

async function subdirectories(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) names.push(entry.name);
  }
  return names.sort();
}

async function fromSuiteFolder(dir: string): Promise<BaselineReports> {
  const path = join(dir, "suite.json");
  let json: unknown;
  try {
    json = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    throw new BaselineError(`${path}: cannot read it: ${(error as Error).message}`);
  }
  const reports = new Map<string, string>();
  for (const [name, report] of reportsOfSuiteJson(json, dir)) {
    if (await isFile(report)) reports.set(name, report);
  }
  return { root: dir, layout: "suite", reports };
}

/**
 * Find the baseline reports in `dir` (see the module doc for the layouts).
 *
 * @throws {BaselineError} when `dir` is not a folder or holds no report.
 */
export async function findBaselineReports(dir: string): Promise<BaselineReports> {
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(dir);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new BaselineError(`baseline folder ${dir} does not exist`);
    }
    throw new BaselineError(`baseline folder ${dir}: ${(error as Error).message}`);
  }
  if (!stat.isDirectory) throw new BaselineError(`baseline ${dir} is not a folder`);

  if (await isFile(join(dir, "suite.json"))) return await fromSuiteFolder(dir);

  const children = await subdirectories(dir);
  const suites: string[] = [];
  for (const name of children) {
    if (await isFile(join(dir, name, "suite.json"))) suites.push(name);
  }
  const latestSuite = latestName(suites);
  if (latestSuite !== undefined) return await fromSuiteFolder(join(dir, latestSuite));

  const reports = new Map<string, string>();
  for (const scenario of children) {
    const runs: string[] = [];
    for (const run of await subdirectories(join(dir, scenario))) {
      if (await isFile(join(dir, scenario, run, "report.json"))) runs.push(run);
    }
    const latest = latestName(runs);
    if (latest !== undefined) reports.set(scenario, join(dir, scenario, latest, "report.json"));
  }
  if (reports.size === 0) {
    throw new BaselineError(
      `no sismo reports in ${dir}: expected suite.json, <suite>/suite.json or ` +
        "<scenario>/<run>/report.json",
    );
  }
  return { root: dir, layout: "runs", reports };
}
