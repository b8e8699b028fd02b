/**
 * The rate schedule: when each event is meant to be sent. The generator is
 * open-loop: these times do not move when Kafka slows down, so latency is
 * measured from them (no coordinated omission).
 *
 * @example
 * ```ts
 * const s = createSchedule({ kind: "constant", perSecond: 1000 }, 10_000);
 * s.total;      // 10000
 * s.timeOf(10); // 10 (ms after the load starts)
 * ```
 * @module
 */
import type { RateSchedule } from "../scenario/types.ts";

/** Event count and intended send times of a whole load. */
export interface Schedule {
  /** Number of events the load asks for. */
  total: number;
  /** Intended send time of event `seq`, in ms since the load started. */
  timeOf(seq: number): number;
  /** Target rate at `ms` after the start, events/s. */
  rateAt(ms: number): number;
}

interface Segment {
  startMs: number;
  endMs: number;
  /** Events before this segment. */
  before: number;
  /** Rate at the segment's start and end, events/s (linear in between). */
  from: number;
  to: number;
}

/** Events in the first `t` ms of a segment: the integral of its linear rate. */
function eventsIn(seg: Segment, t: number): number {
  const len = seg.endMs - seg.startMs;
  const slope = len > 0 ? (seg.to - seg.from) / len : 0; // events/s per ms
  return (seg.from * t + (slope * t * t) / 2) / 1000;
}

/** Time within a segment at which the `n`-th of its events falls (inverse of {@link eventsIn}). */
function timeForEvents(seg: Segment, n: number): number {
  const len = seg.endMs - seg.startMs;
  const slope = len > 0 ? (seg.to - seg.from) / len : 0;
  const a = slope / 2000;
  const b = seg.from / 1000;
  if (Math.abs(a) < 1e-15) return n / b;
  // a t² + b t − n = 0, the root that is ≥ 0.
  return (-b + Math.sqrt(b * b + 4 * a * n)) / (2 * a);
}

/** Build the schedule of a load lasting `totalMs`. */
export function createSchedule(rate: RateSchedule, totalMs: number): Schedule {
  const segments: Segment[] = [];
  const push = (startMs: number, endMs: number, from: number, to: number) => {
    if (endMs <= startMs) return;
    const before = segments.length
      ? segments[segments.length - 1].before +
        eventsIn(
          segments[segments.length - 1],
          segments[segments.length - 1].endMs -
            segments[segments.length - 1].startMs,
        )
      : 0;
    segments.push({ startMs, endMs, before, from, to });
  };
  switch (rate.kind) {
    case "constant":
      push(0, totalMs, rate.perSecond, rate.perSecond);
      break;
    case "ramp":
      push(0, totalMs, rate.from, rate.to);
      break;
    case "steps": {
      let t = 0;
      rate.steps.forEach((step, i) => {
        const end = i === rate.steps.length - 1 ? totalMs : Math.min(totalMs, t + step.forMs);
        push(t, end, step.perSecond, step.perSecond);
        t = end;
      });
      break;
    }
  }
  const last = segments[segments.length - 1];
  const exact = last ? last.before + eventsIn(last, last.endMs - last.startMs) : 0;
  // Event k is due when k events have been due before it; k < exact (rounding guards float noise).
  const total = Math.max(0, Math.ceil(exact - 1e-9));
  return {
    total,
    timeOf(seq: number): number {
      let lo = 0, hi = segments.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (segments[mid].before <= seq) lo = mid;
        else hi = mid - 1;
      }
      const seg = segments[lo];
      // Skip rate-0 segments: the event belongs to the next one that produces.
      return seg.startMs + timeForEvents(seg, seq - seg.before);
    },
    rateAt(ms: number): number {
      const seg = segments.find((s) => ms >= s.startMs && ms < s.endMs) ?? last;
      if (!seg) return 0;
      const len = seg.endMs - seg.startMs;
      return seg.from + (len > 0 ? (seg.to - seg.from) * (ms - seg.startMs) / len : 0);
    },
  };
}

/** The first sequence whose intended time is at or after `ms` (`total` when none is). */
export function firstSeqAt(schedule: Schedule, ms: number): number {
  let lo = 0, hi = schedule.total;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (schedule.timeOf(mid) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Events the schedule intends in each whole second of a load lasting `totalMs`: the target. */
export function eventsPerSecond(schedule: Schedule, totalMs: number): number[] {
  const out: number[] = [];
  let from = 0;
  for (let t = 0; t < Math.ceil(totalMs / 1000); t++) {
    const to = firstSeqAt(schedule, (t + 1) * 1000);
    out.push(to - from);
    from = to;
  }
  return out;
}
