/**
 * `suite.json`: the machine-readable result of a suite run (scenario →
 * outcome, run directory, duration, regressions). A later run reads it to find
 * its baseline reports.
 *
 * @module
 */
import { SISMO_VERSION } from "../run/about.ts";
import { regressionLines } from "./regressions.ts";
import {
  entryRegressed,
  SUITE_JSON_VERSION,
  type SuiteEntry,
  type SuiteJson,
  type SuiteJsonEntry,
  suiteOutcome,
  type SuiteResult,
} from "./types.ts";

/** Passed and failed expectations of an entry, over all its variants. */
export function expectationCounts(entry: SuiteEntry): { passed: number; failed: number } {
  const all = entry.report?.variants.flatMap((v) => v.expectations) ?? [];
  const passed = all.filter((e) => e.passed).length;
  return { passed, failed: all.length - passed };
}

/** Path of a file of the entry's run directory, relative to the suite folder (`/`-separated). */
export function runFile(entry: SuiteEntry, file: string): string | null {
  return entry.dir === null ? null : `${entry.dir.replaceAll("\\", "/")}/${file}`;
}

function jsonEntry(entry: SuiteEntry): SuiteJsonEntry {
  const comparison = entry.baseline?.comparison ?? null;
  const out: SuiteJsonEntry = {
    file: entry.file,
    outcome: entry.outcome,
    dir: entry.dir === null ? null : entry.dir.replaceAll("\\", "/"),
    durationMs: Math.round(entry.durationMs),
    error: entry.error,
    expectations: expectationCounts(entry),
    baseline: entry.baseline?.baseline ?? null,
    regressed: comparison === null ? null : entryRegressed(entry),
    regressions: comparison === null ? [] : regressionLines(comparison),
    comparison: comparison === null ? null : runFile(entry, "comparison.html"),
  };
  if (entry.baseline?.note !== undefined) out.note = entry.baseline.note;
  return out;
}

/** The `suite.json` content of a suite result. */
export function suiteJson(result: SuiteResult): SuiteJson {
  return {
    suiteVersion: SUITE_JSON_VERSION,
    tool: { name: "sismo", version: SISMO_VERSION },
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    profile: result.profile,
    outcome: suiteOutcome(result),
    baseline: result.baselineDir,
    tolerances: { ...result.tolerances },
    scenarios: Object.fromEntries(result.entries.map((e) => [e.scenario, jsonEntry(e)])),
    errors: [...result.errors],
  };
}
