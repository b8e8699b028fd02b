/**
 * `suite.json`: the machine-readable result of a suite run (scenario →
 * outcome, run directory, duration, regressions; with `--repeat`, every run
 * and each scenario's stability). A later run reads it to find its baseline
 * reports.
 *
 * @module
 */
import { SISMO_VERSION } from "../run/about.ts";
import { regressionLines } from "./regressions.ts";
import {
  expectationOf,
  type ExpectationStability,
  type ScenarioStability,
  suiteStability,
  verdictMessage,
} from "./stability.ts";
import {
  entryRegressed,
  type StabilityJsonExpectation,
  type StabilityJsonScenario,
  type StabilityJsonValue,
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

/** +∞ (beyond every bound) as null, as `report.json` writes it. */
function jsonValue(value: number): StabilityJsonValue {
  return Number.isFinite(value) ? value : null;
}

function jsonExpectation(e: ExpectationStability): StabilityJsonExpectation {
  return {
    ...expectationOf(e.variant, e),
    runs: e.runs,
    held: e.held,
    measured: e.measured,
    unbounded: e.unbounded,
    min: e.spread === null ? null : jsonValue(e.spread.min),
    median: e.spread === null ? null : jsonValue(e.spread.median),
    max: e.spread === null ? null : jsonValue(e.spread.max),
    marginMet: e.marginMet,
    verdict: e.verdict,
    message: verdictMessage(e),
  };
}

/** A scenario's stability as `suite.json` holds it. */
export function stabilityJson(s: ScenarioStability): StabilityJsonScenario {
  return {
    runs: s.runs,
    passed: s.passed,
    verdict: s.verdict,
    broken: s.broken.map((b) => ({ ...b })),
    unfinished: s.unfinished,
    expectations: s.expectations.map(jsonExpectation),
  };
}

/**
 * Each scenario's entry for `scenarios`: its latest run that ran (what a later suite takes
 * as its baseline), else its latest entry.
 */
function latestEntries(entries: readonly SuiteEntry[]): [string, SuiteEntry][] {
  const latest = new Map<string, SuiteEntry>();
  for (const e of entries) {
    const kept = latest.get(e.scenario);
    if (kept === undefined || e.dir !== null || kept.dir === null) latest.set(e.scenario, e);
  }
  return [...latest];
}

/** The `suite.json` content of a suite result. */
export function suiteJson(result: SuiteResult): SuiteJson {
  const repeated = result.repeat > 1;
  return {
    suiteVersion: SUITE_JSON_VERSION,
    tool: { name: "sismo", version: SISMO_VERSION },
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    profile: result.profile,
    outcome: suiteOutcome(result),
    repeat: result.repeat,
    baseline: result.baselineDir,
    tolerances: { ...result.tolerances },
    scenarios: Object.fromEntries(
      latestEntries(result.entries).map(([name, e]) => [name, jsonEntry(e)]),
    ),
    ...(repeated
      ? {
        runs: result.entries.map((e, i) => ({
          scenario: e.scenario,
          round: e.round ?? i + 1,
          ...jsonEntry(e),
        })),
        stability: Object.fromEntries(
          suiteStability(result.entries).map((s) => [s.scenario, stabilityJson(s)]),
        ),
      }
      : {}),
    errors: [...result.errors],
  };
}
