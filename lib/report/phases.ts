/**
 * Figures around each fault of a variant: before, during and after the fault
 * window, and how long the producer took to recover once the fault ended.
 *
 * All figures come from the per-second timeline, so they have one-second
 * resolution. A timeline point `t` covers the second `[t, t+1)` and belongs to
 * a window when its middle falls inside the window.
 *
 * - before: a window as long as the fault just before it (cut at the start of the load);
 * - during: from the fault's real start to its real end (the end of the load if it never ended);
 * - after: a window as long as the fault just after it (cut at the end of the timeline).
 *
 * The p99 of a window is the highest per-second p99 in it: only the whole
 * run's histogram is kept, and a short spike must stay visible.
 *
 * Recovery is measured from the second the fault ended:
 * - acks resumed: the first second with acknowledgements ≥ 50% of the before rate;
 * - p99 recovered: the first second whose p99 is ≤ 1.5 × the before p99.
 * Either is `null` when it did not happen within the run (or no before figure exists).
 *
 * @example
 * ```ts
 * import type { VariantReport } from "./types.ts";
 * declare const variant: VariantReport;
 * import { faultPhases } from "./phases.ts";
 * for (const phase of faultPhases(variant)) {
 *   console.log(phase.fault.label, phase.during?.ackedPerSecond, phase.recovery.acksResumedMs);
 * }
 * ```
 * @module
 */
import type { FaultWindow, TimelinePoint, VariantReport } from "./types.ts";

/** Share of the before-rate that counts as "acknowledgements resumed". */
export const ACKS_RESUMED_RATIO = 0.5;
/** Multiple of the before p99 that counts as "latency back to its pre-fault level". */
export const P99_RECOVERED_RATIO = 1.5;

/** Figures of one window of the timeline. */
export interface PhaseFigures {
  /** Window start, ms since the variant's load started. */
  fromMs: number;
  /** Window end (exclusive), ms since the variant's load started. */
  toMs: number;
  /** Timeline seconds inside the window. */
  seconds: number;
  /** Acknowledgements per second over the window; null when it holds no second. */
  ackedPerSecond: number | null;
  /** Highest per-second p99 in the window, ms; null when no second had acknowledgements. */
  p99: number | null;
  /** Sends that failed in the window. */
  failed: number;
  /** Events not sent in the window because outstanding sends were at their bound. */
  notSent: number;
}

/** Time from the end of a fault until the producer was back to normal. */
export interface Recovery {
  /** Ms from the fault's end until acknowledgements resumed; null: not within the run. */
  acksResumedMs: number | null;
  /** Ms from the fault's end until p99 came back to its pre-fault level; null: not within the run. */
  p99RecoveredMs: number | null;
}

/** Before, during, after and recovery of one fault. */
export interface FaultPhase {
  fault: FaultWindow;
  /** Null when the fault never started. */
  before: PhaseFigures | null;
  during: PhaseFigures | null;
  after: PhaseFigures | null;
  recovery: Recovery;
}

/** End of the timeline in ms (exclusive): one second past its last point. */
export function timelineEndMs(timeline: readonly TimelinePoint[]): number {
  let end = 0;
  for (const point of timeline) end = Math.max(end, (point.t + 1) * 1000);
  return end;
}

/** Whether the middle of the second `t` lies in `[fromMs, toMs)`. */
function inWindow(t: number, fromMs: number, toMs: number): boolean {
  const middle = (t + 0.5) * 1000;
  return middle >= fromMs && middle < toMs;
}

/** Figures of the timeline seconds whose middle lies in `[fromMs, toMs)`. */
export function windowFigures(
  timeline: readonly TimelinePoint[],
  fromMs: number,
  toMs: number,
): PhaseFigures {
  let seconds = 0, acked = 0, failed = 0, notSent = 0;
  let p99: number | null = null;
  for (const point of timeline) {
    if (!inWindow(point.t, fromMs, toMs)) continue;
    seconds++;
    acked += point.acked;
    failed += point.failed;
    notSent += point.notSent;
    if (point.p99 !== null) p99 = p99 === null ? point.p99 : Math.max(p99, point.p99);
  }
  return {
    fromMs,
    toMs,
    seconds,
    ackedPerSecond: seconds === 0 ? null : acked / seconds,
    p99,
    failed,
    notSent,
  };
}

/**
 * Recovery after a fault that ended at `endMs`, against the figures before it.
 * Seconds are scanned from the one holding `endMs`; the time is counted from
 * `endMs` to the start of the first second that qualifies (0 if that is the
 * second holding the end).
 */
export function recoveryAfter(
  timeline: readonly TimelinePoint[],
  endMs: number,
  before: PhaseFigures,
): Recovery {
  const firstSecond = Math.floor(endMs / 1000);
  const points = timeline.filter((p) => p.t >= firstSecond).sort((a, b) => a.t - b.t);
  const since = (p: TimelinePoint) => Math.max(0, p.t * 1000 - endMs);
  let acksResumedMs: number | null = null;
  if (before.ackedPerSecond !== null && before.ackedPerSecond > 0) {
    const floor = ACKS_RESUMED_RATIO * before.ackedPerSecond;
    const hit = points.find((p) => p.acked >= floor);
    if (hit) acksResumedMs = since(hit);
  }
  let p99RecoveredMs: number | null = null;
  if (before.p99 !== null) {
    const ceiling = P99_RECOVERED_RATIO * before.p99;
    const hit = points.find((p) => p.p99 !== null && p.p99 <= ceiling);
    if (hit) p99RecoveredMs = since(hit);
  }
  return { acksResumedMs, p99RecoveredMs };
}

/** Phases of one fault over a variant's timeline. */
export function phasesOf(timeline: readonly TimelinePoint[], fault: FaultWindow): FaultPhase {
  if (fault.startedAtMs === null) {
    return {
      fault,
      before: null,
      during: null,
      after: null,
      recovery: { acksResumedMs: null, p99RecoveredMs: null },
    };
  }
  const endOfRun = timelineEndMs(timeline);
  const start = fault.startedAtMs;
  const end = fault.endedAtMs ?? Math.max(endOfRun, start);
  const length = end - start;
  const before = windowFigures(timeline, Math.max(0, start - length), start);
  const during = windowFigures(timeline, start, end);
  const after = windowFigures(timeline, end, Math.min(endOfRun, end + length));
  const recovery = fault.endedAtMs === null
    ? { acksResumedMs: null, p99RecoveredMs: null }
    : recoveryAfter(timeline, end, before);
  return { fault, before, during, after, recovery };
}

/** Phases of every fault of a variant, in the variant's fault order. */
export function faultPhases(variant: Pick<VariantReport, "timeline" | "faults">): FaultPhase[] {
  return variant.faults.map((fault) => phasesOf(variant.timeline, fault));
}
