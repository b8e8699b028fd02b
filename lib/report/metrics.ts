/**
 * Units of the metrics expectations and comparisons talk about, so every
 * output writes `p99` in ms, `throughput` per second and counts as integers.
 *
 * @module
 */
import type { Formatter } from "./i18n.ts";
import type { ConsumerGroupReport, ExpectationOutcome } from "./types.ts";

/** How a metric's value is written. */
export type MetricUnit = "ms" | "rate" | "count";

const LATENCY_METRICS = new Set([
  "p50",
  "p75",
  "p90",
  "p95",
  "p99",
  "p999",
  "p9999",
  "max",
  "min",
  "mean",
  "rebalance.pause.max",
  "rebalance.reassign.max",
]);

/** Unit of a metric named as in scenario expectations (`p99`, `throughput`, `lost`…). */
export function metricUnit(metric: string): MetricUnit {
  if (LATENCY_METRICS.has(metric)) return "ms";
  if (metric === "throughput") return "rate";
  return "count";
}

/** A metric value written in its unit; `—` when missing. */
export function formatMetric(f: Formatter, metric: string, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "—";
  switch (metricUnit(metric)) {
    case "ms":
      return f.ms(value);
    case "rate":
      return f.rate(value);
    case "count":
      return Number.isInteger(value) ? f.int(value) : f.num(value, 2);
  }
}

/** Label of a latency metric: `p99.9` rather than `p999`. */
export function latencyLabel(metric: string): string {
  const match = /^p(9+)$/.exec(metric);
  if (match && match[1].length > 2) return `p99.${match[1].slice(2)}`;
  return metric;
}

/**
 * The observed value of an expectation in words: its value in its unit, `unbounded` when it
 * fell among events never acknowledged, `notMeasured` when the run did not measure it.
 */
export function observedText(
  f: Formatter,
  e: ExpectationOutcome,
  words: { notMeasured: string; unbounded: string },
): string {
  if (e.unbounded) return words.unbounded;
  return e.observed === null ? words.notMeasured : formatMetric(f, e.metric, e.observed);
}

/** {@link observedText}'s words in English, for CI outputs. */
export const OBSERVED_WORDS_EN = {
  notMeasured: "not measured",
  unbounded: "∞ (never acknowledged)",
};

/** Anomaly classes a scenario may expect to see on purpose (a negative control). */
const ANOMALY_METRICS = new Set(["lost", "duplicated", "duplicates", "phantom", "reordered"]);

/** `duplicated > 0` and the like: the expectation is that the anomaly shows. */
export function expectsAnomaly(
  e: Pick<ExpectationOutcome, "metric" | "op" | "threshold">,
): boolean {
  return ANOMALY_METRICS.has(e.metric) &&
    ((e.op === ">" && e.threshold >= 0) || (e.op === ">=" && e.threshold > 0) ||
      (e.op === "!=" && e.threshold === 0));
}

/**
 * A percentile over every intended event (`latency.allIntended`, phase figures): `∞` when it
 * falls among events never acknowledged (null), `–` when the window held no event.
 */
export function beyondBoundMs(f: Formatter, ms: number | null, events: number): string {
  return events === 0 ? "–" : ms === null ? "∞" : f.ms(ms);
}

/**
 * The longest time a partition of a member hit by a fault waited until another member process
 * had it (the dead member's detection plus the rebalance); null when none was measured.
 */
export function longestReassignment(group: ConsumerGroupReport): number | null {
  const waits = group.pauses.flatMap((p) => p.partitions.map((x) => x.reassignedMs))
    .filter((ms): ms is number => ms !== null);
  return waits.length ? Math.max(...waits) : null;
}
