/**
 * Compare two runs of the same scenario, variant by variant (matched by
 * name), and say whether the current one regressed.
 *
 * - Latency p50/p90/p99/p99.9/max is recomputed from the stored HdrHistograms
 *   (from the intended send time), falling back to the stored percentiles only
 *   when a histogram is unreadable.
 * - A metric with a tolerance regresses when it worsens by more than it:
 *   latency above `baseline × (1 + tolerance)`, throughput below `baseline × (1 − tolerance)`.
 *   Defaults: p50 10%, p99 10%, throughput 5%; other latencies are informational
 *   unless given a tolerance.
 * - Any increase of lost, duplicated, phantom, reordered or unverified events
 *   **per event sent** is a regression, whatever the tolerances — unless the
 *   current variant expects that anomaly (`duplicated > 0`: a negative control),
 *   where more is not worse; so is a variant missing from the current run, or
 *   verification missing where the baseline had it.
 * - Runs are only comparable when they ran the same thing: {@link runDifferences}
 *   lists what differs (load, faults, topic, each variant's client, version and
 *   settings, Kafka version and brokers). The CLI refuses such a pair unless
 *   told otherwise; the comparison carries the list, and warnings (a "current"
 *   run older than its baseline).
 *
 * @example
 * ```ts
 * import type { RunReport } from "./types.ts";
 * declare const baseline: RunReport, current: RunReport;
 * import { compareReports, comparisonRegressed, parseTolerances } from "./compare.ts";
 * const c = compareReports(baseline, current, parseTolerances("p99=15%"));
 * Deno.exit(comparisonRegressed(c) ? 1 : 0);
 * ```
 * @module
 */
import { ReportInputError } from "./errors.ts";
import { type PercentileCurve, percentileCurve, percentilesOf } from "./histogram.ts";
import { expectsAnomaly } from "./metrics.ts";
import { redact } from "./redact.ts";
import type { RunReport, TimelinePoint, VariantReport, VerificationCounts } from "./types.ts";

/** Metrics a tolerance can be given for. */
export type ToleranceMetric = "throughput" | "p50" | "p90" | "p99" | "p999" | "max";

/** Allowed relative worsening per metric, as a fraction (0.1 = 10%). */
export type Tolerances = Partial<Record<ToleranceMetric, number>>;

/** Tolerances used when none are given. */
export const DEFAULT_TOLERANCES: Readonly<Tolerances> = { p50: 0.1, p99: 0.1, throughput: 0.05 };

const TOLERANCE_NAMES: Record<string, ToleranceMetric> = {
  throughput: "throughput",
  p50: "p50",
  p90: "p90",
  p99: "p99",
  p999: "p999",
  "p99.9": "p999",
  max: "max",
};

/**
 * Parse `"p99=10%,throughput=5%"` into tolerances, on top of `base`
 * (the defaults unless given). Throws {@link ReportInputError} on a bad entry.
 */
export function parseTolerances(
  text: string,
  base: Readonly<Tolerances> = DEFAULT_TOLERANCES,
): Tolerances {
  const tolerances: Tolerances = { ...base };
  for (const raw of text.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const match = /^([\w.]+)\s*=\s*(\d+(?:\.\d+)?)\s*%$/.exec(entry);
    if (!match) {
      throw new ReportInputError(
        `tolerance "${entry}": expected NAME=PERCENT%, e.g. p99=10% or throughput=5%`,
      );
    }
    const metric = TOLERANCE_NAMES[match[1].toLowerCase()];
    if (!metric) {
      throw new ReportInputError(
        `tolerance "${entry}": unknown metric "${match[1]}"; known: ${
          Object.keys(TOLERANCE_NAMES).join(", ")
        }`,
      );
    }
    tolerances[metric] = Number(match[2]) / 100;
  }
  return tolerances;
}

/** What kind of figure a compared metric is, which says which way is worse. */
export type MetricKind = "latency" | "throughput" | "count";

/** One figure of one variant in both runs. */
export interface MetricComparison {
  metric: string;
  kind: MetricKind;
  baseline: number | null;
  current: number | null;
  /** `(current − baseline) / baseline`; null when either is missing or the baseline is 0. */
  change: number | null;
  /** Tolerance applied (fraction); null when the figure is informational or guarded. */
  tolerance: number | null;
  /**
   * Any increase per event sent regresses (lost, duplicated, phantom, reordered, unverified),
   * unless the current variant expects the anomaly.
   */
  guarded: boolean;
  /** For counts: the count per event sent in each run. */
  perSent?: { baseline: number | null; current: number | null };
  regressed: boolean;
  /** For latencies: recomputed from the histogram, or the stored percentile as a fallback. */
  source?: "histogram" | "stored";
}

/** One variant in both runs. */
export interface VariantComparison {
  name: string;
  metrics: MetricComparison[];
  regressed: boolean;
  /** Percentile distributions (from the intended send time), for plotting. */
  curves: { baseline: PercentileCurve | null; current: PercentileCurve | null };
  /** Each run's per-second timeline, for overlays. */
  timelines: { baseline: TimelinePoint[]; current: TimelinePoint[] };
}

/** Identity of a compared run. */
export interface ComparedRun {
  runId: string;
  scenario: string;
  startedAt: string;
  outcome: RunReport["outcome"];
  toolVersion: string;
}

/** The whole comparison of two runs. */
export interface Comparison {
  baseline: ComparedRun;
  current: ComparedRun;
  tolerances: Tolerances;
  variants: VariantComparison[];
  /** Variants of the baseline missing from the current run: a regression. */
  onlyInBaseline: string[];
  /** Variants new in the current run: shown, not compared. */
  onlyInCurrent: string[];
  /** What the two runs did differently; not empty: their figures are not comparable. */
  differences: string[];
  /** Things to know, e.g. the "current" run is older than the baseline. */
  warnings: string[];
  regressed: boolean;
}

/** Verification counts where any increase is a regression. */
export const GUARDED_COUNTS: readonly (keyof VerificationCounts)[] = [
  "lost",
  "duplicated",
  "phantom",
  "reordered",
  "unverified",
];

const INFORMATIONAL_COUNTS: readonly (keyof VerificationCounts)[] = [
  "ok",
  "duplicates",
  "failedAbsent",
  "foreign",
];

const LATENCIES: { metric: Exclude<ToleranceMetric, "throughput">; percentile: number }[] = [
  { metric: "p50", percentile: 50 },
  { metric: "p90", percentile: 90 },
  { metric: "p99", percentile: 99 },
  { metric: "p999", percentile: 99.9 },
  { metric: "max", percentile: 100 },
];

function relativeChange(baseline: number | null, current: number | null): number | null {
  if (baseline === null || current === null || baseline === 0) return null;
  return (current - baseline) / baseline;
}

function latencies(v: VariantReport): { values: number[]; source: "histogram" | "stored" } {
  const fromHistogram = percentilesOf(
    v.latency.fromIntended.histogram,
    LATENCIES.map((l) => l.percentile),
  );
  if (fromHistogram) return { values: fromHistogram, source: "histogram" };
  return { values: LATENCIES.map((l) => v.latency.fromIntended[l.metric]), source: "stored" };
}

function compareVariant(
  base: VariantReport,
  current: VariantReport,
  tolerances: Tolerances,
): VariantComparison {
  const metrics: MetricComparison[] = [];
  const throughputTolerance = tolerances.throughput ?? null;
  const baseRate = base.throughput.ackedPerSecond;
  const currentRate = current.throughput.ackedPerSecond;
  metrics.push({
    metric: "throughput",
    kind: "throughput",
    baseline: baseRate,
    current: currentRate,
    change: relativeChange(baseRate, currentRate),
    tolerance: throughputTolerance,
    guarded: false,
    regressed: throughputTolerance !== null && currentRate < baseRate * (1 - throughputTolerance),
  });
  const baseLatency = latencies(base);
  const currentLatency = latencies(current);
  const source = baseLatency.source === "stored" || currentLatency.source === "stored"
    ? "stored"
    : "histogram";
  LATENCIES.forEach(({ metric }, i) => {
    const tolerance = tolerances[metric] ?? null;
    const b = baseLatency.values[i];
    const c = currentLatency.values[i];
    metrics.push({
      metric,
      kind: "latency",
      baseline: b,
      current: c,
      change: relativeChange(b, c),
      tolerance,
      guarded: false,
      regressed: tolerance !== null && c > b * (1 + tolerance),
      source,
    });
  });
  const countOf = (v: VariantReport, key: keyof VerificationCounts) =>
    v.verification?.counts[key] ?? null;
  const counts = [
    ...GUARDED_COUNTS.map((key) => ({ key, guarded: true })),
    ...INFORMATIONAL_COUNTS.map((key) => ({ key, guarded: false })),
  ];
  const perSent = (n: number | null, v: VariantReport) =>
    n === null ? null : v.counts.sent > 0 ? n / v.counts.sent : n;
  for (const { key, guarded: always } of counts) {
    const b = countOf(base, key);
    const c = countOf(current, key);
    // A negative control (`duplicated > 0`) expects the anomaly: more of it is not worse.
    const guarded = always && !expectsMore(current, key);
    const bRate = perSent(b, base);
    const cRate = perSent(c, current);
    metrics.push({
      metric: key,
      kind: "count",
      baseline: b,
      current: c,
      change: relativeChange(b, c),
      tolerance: null,
      guarded,
      perSent: { baseline: bRate, current: cRate },
      // Verification gone where the baseline had it: nothing shows the count did not rise.
      regressed: guarded && b !== null && (c === null || cRate! > bRate!),
    });
  }
  for (const key of ["sent", "acked", "failed", "notSent"] as const) {
    metrics.push({
      metric: key,
      kind: "count",
      baseline: base.counts[key],
      current: current.counts[key],
      change: relativeChange(base.counts[key], current.counts[key]),
      tolerance: null,
      guarded: false,
      regressed: false,
    });
  }
  return {
    name: base.name,
    metrics,
    regressed: metrics.some((m) => m.regressed),
    curves: {
      baseline: percentileCurve(base.latency.fromIntended.histogram),
      current: percentileCurve(current.latency.fromIntended.histogram),
    },
    timelines: { baseline: base.timeline, current: current.timeline },
  };
}

/** Whether a variant expects the anomaly counted by `key` (a negative control). */
function expectsMore(v: VariantReport, key: keyof VerificationCounts): boolean {
  return v.expectations.some((e) => e.metric === key && expectsAnomaly(e));
}

/**
 * What two runs did differently, one line each: the load, the faults, the topic, each shared
 * variant's client, version, producer settings and properties, Kafka's version and brokers.
 * Empty when their figures can be compared.
 */
export function runDifferences(baseline: RunReport, current: RunReport): string[] {
  const out: string[] = [];
  const differ = (what: string, b: unknown, c: unknown) => {
    const bs = JSON.stringify(b);
    const cs = JSON.stringify(c);
    if (bs !== cs) out.push(`${what}: ${bs} → ${cs}`);
  };
  if (baseline.scenario.name !== current.scenario.name) {
    out.push(`scenario: ${baseline.scenario.name} → ${current.scenario.name}`);
  }
  const bp = baseline.scenario.resolved as Partial<RunReport["scenario"]["resolved"]>;
  const cp = current.scenario.resolved as Partial<RunReport["scenario"]["resolved"]>;
  differ("load", bp.load, cp.load);
  differ("drain", bp.drainMs, cp.drainMs);
  differ("topic", bp.topic, cp.topic);
  const faultsOf = (p: typeof bp) =>
    (p.faults ?? []).map((f) => ({ label: f.label, at: f.atMs, for: f.forMs }));
  differ("faults", faultsOf(bp), faultsOf(cp));
  differ("Kafka version", baseline.environment.kafka.version, current.environment.kafka.version);
  differ("brokers", baseline.environment.kafka.brokers, current.environment.kafka.brokers);
  const byName = new Map(current.variants.map((v) => [v.name, v]));
  for (const b of baseline.variants) {
    const c = byName.get(b.name);
    if (!c) continue;
    differ(`${b.name} client`, b.client, c.client);
    differ(`${b.name} producer`, b.producer, c.producer);
    differ(`${b.name} properties`, b.properties, c.properties);
    differ(`${b.name} send mode`, b.send, c.send);
  }
  return out;
}

function runOf(report: RunReport): ComparedRun {
  return {
    runId: report.runId,
    scenario: report.scenario.name,
    startedAt: report.startedAt,
    outcome: report.outcome,
    toolVersion: report.tool.version,
  };
}

/** Compare `current` against `baseline` (both redacted first). */
export function compareReports(
  baseline: RunReport,
  current: RunReport,
  tolerances: Tolerances = DEFAULT_TOLERANCES,
): Comparison {
  const base = redact(baseline);
  const now = redact(current);
  const currentByName = new Map(now.variants.map((v) => [v.name, v]));
  const baseNames = new Set(base.variants.map((v) => v.name));
  const variants = base.variants.flatMap((v) => {
    const match = currentByName.get(v.name);
    return match ? [compareVariant(v, match, tolerances)] : [];
  });
  const onlyInBaseline = base.variants.filter((v) => !currentByName.has(v.name)).map((v) => v.name);
  const onlyInCurrent = now.variants.filter((v) => !baseNames.has(v.name)).map((v) => v.name);
  const warnings: string[] = [];
  if (Date.parse(now.startedAt) < Date.parse(base.startedAt)) {
    warnings.push(
      `the current run (${now.startedAt}) is older than its baseline (${base.startedAt}): ` +
        "were the two swapped?",
    );
  }
  return {
    baseline: runOf(base),
    current: runOf(now),
    tolerances: { ...tolerances },
    variants,
    onlyInBaseline,
    onlyInCurrent,
    differences: runDifferences(base, now),
    warnings,
    regressed: onlyInBaseline.length > 0 || variants.some((v) => v.regressed),
  };
}

/** Whether the comparison found a regression (the CLI exits 1 then). */
export function comparisonRegressed(comparison: Comparison): boolean {
  return comparison.onlyInBaseline.length > 0 || comparison.variants.some((v) => v.regressed);
}
