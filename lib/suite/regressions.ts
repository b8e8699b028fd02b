/**
 * One line per regression of a comparison, for consoles, Markdown, JUnit and
 * `suite.json`: `plain p99: 120 ms → 180 ms (+50%; tolerance +10%)`.
 *
 * @module
 */
import type { Comparison, MetricComparison } from "../report/compare.ts";
import { format } from "../report/i18n.ts";
import { formatMetric, latencyLabel } from "../report/metrics.ts";

const en = format("en");

/** A regressed figure of one variant as one line. */
export function regressionLine(variant: string, m: MetricComparison): string {
  const metric = m.kind === "throughput" ? "throughput" : m.metric;
  const value = (v: number | null) => formatMetric(en, metric, v);
  const label = m.kind === "latency" ? latencyLabel(m.metric) : m.metric;
  const why = m.guarded
    ? "any increase regresses"
    : m.tolerance === null
    ? ""
    : `tolerance ${m.kind === "throughput" ? "-" : "+"}${en.percent(m.tolerance * 100)}`;
  const change = m.change === null ? "" : en.change(m.change);
  const detail = [change, why].filter((s) => s !== "").join("; ");
  return `${variant} ${label}: ${value(m.baseline)} → ${value(m.current)}${
    detail === "" ? "" : ` (${detail})`
  }`;
}

/** Every regression of a comparison, variant by variant; empty when it did not regress. */
export function regressionLines(comparison: Comparison): string[] {
  return [
    ...comparison.onlyInBaseline.map((name) => `variant ${name} is missing from the current run`),
    ...comparison.variants.flatMap((v) =>
      v.metrics.filter((m) => m.regressed).map((m) => regressionLine(v.name, m))
    ),
  ];
}
