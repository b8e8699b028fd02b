/**
 * Expectations (k6's thresholds): the observed value of each metric of a
 * variant, compared with what the scenario expects.
 *
 * @example
 * ```ts
 * import type { VariantPlan } from "../scenario/types.ts";
 * import type { VariantReport } from "../report/types.ts";
 * declare const variant: VariantPlan, report: VariantReport;
 * evaluateExpectations(variant.expectations, report); // [{ text: "lost == 0", passed: true, … }]
 * ```
 * @module
 */
import type { ComparisonOp, Expectation, MetricName } from "../scenario/types.ts";
import type { ExpectationOutcome, VariantReport, VerificationCounts } from "../report/types.ts";
import { longestReassignment } from "../report/metrics.ts";

/**
 * The observed value of a metric, or null when the run did not measure it (no verification,
 * no event in the measured window). A latency percentile is taken over every intended event
 * of the measured window (`latency.allIntended`): when it falls among events never
 * acknowledged it is `Infinity`, beyond every bound.
 */
export function observedValue(
  metric: MetricName,
  v: Omit<VariantReport, "expectations">,
): number | null {
  if (
    metric.startsWith("processing.") || metric.startsWith("rebalance.") ||
    metric === "members.idle"
  ) {
    return consumerValue(metric, v);
  }
  const counts = v.verification?.counts;
  if (counts && metric in COUNT_OF) return counts[COUNT_OF[metric]!];
  if (!counts && metric in COUNT_OF) return null;
  const all = v.latency.allIntended;
  const lat = (p: number | null) => all.events === 0 ? null : p ?? Infinity;
  switch (metric) {
    case "sent":
      return v.counts.sent;
    case "acked":
      return v.counts.acked;
    case "failed":
      return v.counts.failed;
    case "not_sent":
      return v.counts.notSent;
    case "p50":
      return lat(all.p50);
    case "p90":
      return lat(all.p90);
    case "p99":
      return lat(all.p99);
    case "p999":
      return lat(all.p999);
    case "p9999":
      return lat(all.p9999);
    case "max":
      return lat(all.max);
    case "throughput":
      return v.throughput.ackedPerSecond;
    default:
      return null; // the verification metrics, answered above from COUNT_OF
  }
}

/** A consumer group's metric; null when the variant has no group or it was not checked. */
function consumerValue(metric: MetricName, v: Omit<VariantReport, "expectations">): number | null {
  const group = v.consumer;
  if (!group) return null;
  if (metric === "rebalance.pause.max") return group.pauseMaxMs;
  if (metric === "rebalance.reassign.max") return longestReassignment(group);
  if (metric === "members.idle") return group.idleAtLoadEnd ?? null;
  const c = group.counts;
  if (!c) return null;
  const of: Partial<Record<MetricName, number>> = {
    "processing.once": c.processedOnce,
    "processing.more_than_once": c.processedMoreThanOnce,
    "processing.reprocessings": c.reprocessings,
    "processing.dead_lettered": c.deadLettered,
    "processing.lost": c.lost,
    "processing.unprocessed": c.unprocessed,
    "processing.dead_letter_missing": c.deadLetterMissing,
  };
  return of[metric] ?? null;
}

/** Verification metrics by their names in expectations, and their keys in the counts. */
const COUNT_OF: Partial<Record<MetricName, keyof VerificationCounts>> = {
  ok: "ok",
  lost: "lost",
  duplicated: "duplicated",
  duplicates: "duplicates",
  phantom: "phantom",
  failed_absent: "failedAbsent",
  reordered: "reordered",
  foreign: "foreign",
  unverified: "unverified",
};

/** Anomaly counts that only grow while a run goes on (ok and unverified can fall). */
const GROWING = new Set<MetricName>([
  "lost",
  "duplicated",
  "duplicates",
  "phantom",
  "failed_absent",
  "reordered",
  "foreign",
]);

/**
 * The first expectation that `counts` (settled so far) already break for good: an upper
 * bound on a count that only grows, with the count (`--fail-fast`). Null when none is.
 */
export function brokenForGood(
  expectations: readonly Expectation[],
  counts: VerificationCounts,
): { text: string; metric: string; observed: number } | null {
  for (const e of expectations) {
    if (!GROWING.has(e.metric)) continue;
    const v = counts[COUNT_OF[e.metric]!];
    // Below `== n` the count may still reach n; above an upper bound it never comes back.
    const broken = e.op === "==" ? v > e.value : (e.op === "<" || e.op === "<=") &&
      !compare(v, e.op, e.value);
    if (broken) return { text: e.text, metric: e.metric, observed: v };
  }
  return null;
}

/** Does `observed op threshold` hold? */
export function compare(observed: number, op: ComparisonOp, threshold: number): boolean {
  switch (op) {
    case "==":
      return observed === threshold;
    case "!=":
      return observed !== threshold;
    case "<":
      return observed < threshold;
    case "<=":
      return observed <= threshold;
    case ">":
      return observed > threshold;
    case ">=":
      return observed >= threshold;
  }
}

/** Evaluate every expectation against a variant's figures. A metric not measured fails. */
export function evaluateExpectations(
  expectations: Expectation[],
  v: Omit<VariantReport, "expectations">,
): ExpectationOutcome[] {
  return expectations.map((e) => {
    const observed = observedValue(e.metric, v);
    const unbounded = observed === Infinity;
    return {
      text: e.text,
      metric: e.metric,
      op: e.op,
      threshold: e.value,
      observed: unbounded ? null : observed,
      ...(unbounded ? { unbounded } : {}),
      passed: observed !== null && compare(observed, e.op, e.value),
      line: e.source.line,
    };
  });
}
