/**
 * Units of the metrics expectations and comparisons talk about, so every
 * output writes `p99` in ms, `throughput` per second and counts as integers.
 *
 * @module
 */
import type { Formatter } from "./i18n.ts";

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
