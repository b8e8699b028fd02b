/**
 * The renderers' view of the figures around each fault: each fault window of a
 * variant with its phase (before, during, after, recovery), as the run computed
 * them by intended send time (`lib/metrics/phases.ts`).
 *
 * @example
 * ```ts
 * import type { VariantReport } from "./types.ts";
 * declare const variant: VariantReport;
 * import { faultPhases } from "./phases.ts";
 * for (const { fault, phase } of faultPhases(variant)) {
 *   console.log(fault.label, phase.during?.p99, phase.recoveredMs);
 * }
 * ```
 * @module
 */
import type { FaultPhase, FaultWindow, TimelinePoint, VariantReport } from "./types.ts";

/** End of the timeline in ms (exclusive): one second past its last point. */
export function timelineEndMs(timeline: readonly TimelinePoint[]): number {
  let end = 0;
  for (const point of timeline) end = Math.max(end, (point.t + 1) * 1000);
  return end;
}

/** Each fault of a variant with its phase, in the variant's fault order. */
export function faultPhases(
  variant: Pick<VariantReport, "faults" | "phases">,
): { fault: FaultWindow; phase: FaultPhase }[] {
  return variant.faults.map((fault) => ({
    fault,
    phase: variant.phases.find((p) => p.faultId === fault.id) ??
      { faultId: fault.id, before: null, during: null, after: null, recoveredMs: null },
  }));
}
