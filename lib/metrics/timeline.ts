/**
 * Per-second timeline of one variant's run: sends, acks, failures, drops,
 * outstanding events and latency percentiles of the acks in each second; and,
 * by *intended* send second, what became of the events of each second (a fault
 * that stalls acknowledgements shows its damage in the seconds it hit, not in
 * the seconds the late answers arrived).
 *
 * Each call is O(1). A second's latencies go into a small log-bucketed
 * histogram (exact below 16 µs, then 16 buckets per power of two, so a
 * reported percentile is at most 1/16 = 6.25% above the true value and never
 * above the second's exact max), allocated only for seconds with acks:
 * about 1.9 KB per second, whatever the rate (twice that with the by-intended-second
 * figures).
 *
 * **Coordinated omission.** Latencies are measured from the event's intended
 * send time by the caller, so no correction is applied here.
 *
 * @example
 * ```ts
 * declare const startMs: number, intendedMs: number, latencyUs: number;
 * const timeline = new TimelineRecorder(startMs);
 * timeline.sent(intendedMs);
 * timeline.acked(Date.now(), latencyUs);
 * timeline.points(); // [{ t: 0, sent: 1, acked: 1, … }]
 * ```
 * @module
 */
import type { IntendedSecond, TimelinePoint } from "../report/types.ts";

/** Values below this are bucketed exactly. */
const LINEAR = 16;
/** Buckets per power of two above {@link LINEAR}; log2 of it. */
const SUB_BITS = 4;
const SUB_BUCKETS = 1 << SUB_BITS;
/** Latencies are clamped below 2^32 µs (about 71 minutes). */
const MAX_US = 0xffffffff;
/** Enough buckets for every value up to {@link MAX_US}. */
const BUCKETS = LINEAR + (32 - SUB_BITS) * SUB_BUCKETS;

/** Bucket index of a latency in whole microseconds (0 ≤ us ≤ MAX_US). */
function bucketOf(us: number): number {
  if (us < LINEAR) return us;
  const exponent = 31 - Math.clz32(us); // ≥ SUB_BITS
  const sub = (us >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1);
  return LINEAR + (exponent - SUB_BITS) * SUB_BUCKETS + sub;
}

/** Highest latency in µs that falls in bucket `index`. */
function bucketTop(index: number): number {
  if (index < LINEAR) return index;
  const exponent = SUB_BITS + Math.floor((index - LINEAR) / SUB_BUCKETS);
  const sub = (index - LINEAR) % SUB_BUCKETS;
  const width = 2 ** (exponent - SUB_BITS);
  return (SUB_BUCKETS + sub + 1) * width - 1;
}

/** A second's latencies as plain data: the non-empty buckets as `[index, count]` pairs. */
export interface SharedSecondLatency {
  count: number;
  maxUs: number;
  buckets: [number, number][];
}

/** Latencies of one second, bucketed; see the module doc. */
class SecondLatency {
  buckets = new Uint32Array(BUCKETS);
  count = 0;
  maxUs = 0;

  shared(): SharedSecondLatency {
    const buckets: [number, number][] = [];
    this.buckets.forEach((n, i) => n > 0 && buckets.push([i, n]));
    return { count: this.count, maxUs: this.maxUs, buckets };
  }

  /** Add the latencies of another second (exact: bucket counts add). */
  add(other: SharedSecondLatency): void {
    for (const [index, n] of other.buckets) this.buckets[index] += n;
    this.count += other.count;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
  }

  record(latencyUs: number): void {
    let us = Math.round(latencyUs);
    if (!(us >= 0)) us = 0;
    else if (us > MAX_US) us = MAX_US;
    this.buckets[bucketOf(us)]++;
    this.count++;
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Percentile `p` in ms, capped at the exact max. */
  percentile(p: number): number {
    return percentileMs(this.buckets, this.count, this.maxUs, p);
  }
}

/** What became of the events intended in one second. */
interface IntendedCounts {
  acked: number;
  failed: number;
  notSent: number;
  /** Null until the first ack. */
  latency: SecondLatency | null;
}

/** Everything counted in one second. */
interface Second {
  sent: number;
  acked: number;
  failed: number;
  notSent: number;
  /** Last outstanding count reported in this second; -1 when none was. */
  outstanding: number;
  /** Latencies of the acks in this second; null until the first ack. */
  latency: SecondLatency | null;
  /** Anomalies the live verification found in this second. */
  found: number;
}

/**
 * A timeline's whole state as plain data (JSON-safe), so that the timelines of workers that
 * each sent a share of the load add up to one ({@link TimelineRecorder.add}).
 */
export interface SharedTimeline {
  seconds: (Omit<Second, "latency"> & { latency: SharedSecondLatency | null } | null)[];
  intendedEvents: number[];
  intended: (Omit<IntendedCounts, "latency"> & { latency: SharedSecondLatency | null } | null)[];
}

/** Builds {@link TimelinePoint}s second by second; see the module doc. */
export class TimelineRecorder {
  #startMs: number;
  /** Dense: seconds without data hold undefined. */
  #seconds: (Second | undefined)[] = [];
  /** Events the schedule intends in each second (see {@link TimelineRecorder.intend}). */
  #intendedEvents: number[] = [];
  /** By intended second; dense like #seconds. */
  #intended: (IntendedCounts | undefined)[] = [];

  /** A timeline whose second 0 starts at `startMs` (epoch ms, same clock as later calls). */
  constructor(startMs: number) {
    this.#startMs = startMs;
  }

  /** An event's send was attempted at `nowMs` (pass its intended send time). */
  sent(nowMs: number): void {
    this.#second(nowMs).sent++;
  }

  /** An ack arrived at `nowMs`, `latencyUs` after the event's intended send time. */
  acked(nowMs: number, latencyUs: number): void {
    const second = this.#second(nowMs);
    second.acked++;
    (second.latency ??= new SecondLatency()).record(latencyUs);
  }

  /** How many events the schedule intends in each second from 0: the target, per second. */
  intend(eventsPerSecond: readonly number[]): void {
    this.#intendedEvents = [...eventsPerSecond];
  }

  /** The event intended at `intendedMs` was acknowledged, `latencyUs` after that time. */
  intendedAcked(intendedMs: number, latencyUs: number): void {
    const counts = this.#intendedSecond(intendedMs);
    counts.acked++;
    (counts.latency ??= new SecondLatency()).record(latencyUs);
  }

  /** The event intended at `intendedMs` failed. */
  intendedFailed(intendedMs: number): void {
    this.#intendedSecond(intendedMs).failed++;
  }

  /** The event intended at `intendedMs` was not sent (outstanding bound). */
  intendedNotSent(intendedMs: number): void {
    this.#intendedSecond(intendedMs).notSent++;
  }

  /** A send failed at `nowMs`. */
  failed(nowMs: number): void {
    this.#second(nowMs).failed++;
  }

  /** An event was dropped at `nowMs` because outstanding sends were at their bound. */
  notSent(nowMs: number): void {
    this.#second(nowMs).notSent++;
  }

  /** The live verification found `n` more anomalies at `nowMs`. */
  found(nowMs: number, n: number): void {
    if (n > 0) this.#second(nowMs).found += n;
  }

  /** `n` events were outstanding at `nowMs`; the last report in a second wins. */
  outstanding(nowMs: number, n: number): void {
    this.#second(nowMs).outstanding = n;
  }

  /** p99 of the acknowledgements received in second `t`, ms; null when there were none. */
  p99Of(t: number): number | null {
    const latency = this.#seconds[t]?.latency ?? null;
    return latency === null ? null : latency.percentile(99);
  }

  /**
   * One point per second from 0 to the last second with any data, no gaps.
   * A second without an outstanding report carries the previous second's count.
   */
  points(): TimelinePoint[] {
    const points: TimelinePoint[] = [];
    let outstanding = 0;
    const seconds = Math.max(
      this.#seconds.length,
      this.#intended.length,
      this.#intendedEvents.length,
    );
    for (let t = 0; t < seconds; t++) {
      const second = this.#seconds[t];
      let point: TimelinePoint;
      if (second === undefined) point = emptyPoint(t, outstanding);
      else {
        if (second.outstanding >= 0) outstanding = second.outstanding;
        const latency = second.latency;
        point = {
          t,
          sent: second.sent,
          acked: second.acked,
          failed: second.failed,
          notSent: second.notSent,
          outstanding,
          p50: latency === null ? null : latency.percentile(50),
          p99: latency === null ? null : latency.percentile(99),
          max: latency === null ? null : latency.maxUs / 1000,
          ...(second.found > 0 ? { found: second.found } : {}),
        };
      }
      const intended = this.#intendedPoint(t);
      if (intended !== null) point.intended = intended;
      points.push(point);
    }
    return points;
  }

  /** The whole state as plain data (see {@link SharedTimeline}). */
  shared(): SharedTimeline {
    return {
      seconds: Array.from(
        this.#seconds,
        (s) => s === undefined ? null : { ...s, latency: s.latency?.shared() ?? null },
      ),
      intendedEvents: [...this.#intendedEvents],
      intended: Array.from(
        this.#intended,
        (c) => c === undefined ? null : { ...c, latency: c.latency?.shared() ?? null },
      ),
    };
  }

  /**
   * Add a timeline recorded from the same start by another worker: counts, latency buckets and
   * intended events add up; in each second the outstanding events are the sum of what each
   * timeline last reported by then.
   */
  add(other: SharedTimeline): void {
    const length = Math.max(this.#seconds.length, other.seconds.length);
    const mine = carriedOutstanding(this.#seconds.map((s) => s?.outstanding ?? -1), length);
    const theirs = carriedOutstanding(other.seconds.map((s) => s?.outstanding ?? -1), length);
    for (let t = 0; t < other.seconds.length; t++) {
      const from = other.seconds[t];
      if (from === null) continue;
      const second = this.#secondAt(t);
      second.sent += from.sent;
      second.acked += from.acked;
      second.failed += from.failed;
      second.notSent += from.notSent;
      second.found += from.found;
      if (from.latency) (second.latency ??= new SecondLatency()).add(from.latency);
    }
    for (let t = 0; t < length; t++) {
      if (mine[t] === null && theirs[t] === null) continue;
      this.#secondAt(t).outstanding = (mine[t] ?? 0) + (theirs[t] ?? 0);
    }
    other.intendedEvents.forEach((n, t) => {
      this.#intendedEvents[t] = (this.#intendedEvents[t] ?? 0) + n;
    });
    for (let t = 0; t < other.intended.length; t++) {
      const from = other.intended[t];
      if (from === null) continue;
      const counts = this.#intendedAt(t);
      counts.acked += from.acked;
      counts.failed += from.failed;
      counts.notSent += from.notSent;
      if (from.latency) (counts.latency ??= new SecondLatency()).add(from.latency);
    }
  }

  #intendedPoint(t: number): IntendedSecond | null {
    const events = this.#intendedEvents[t] ?? 0;
    const counts = this.#intended[t];
    if (counts === undefined) {
      if (events === 0) return null;
      return { events, acked: 0, failed: 0, notSent: 0, p50: null, p99: null, max: null };
    }
    const latency = counts.latency;
    return {
      events,
      acked: counts.acked,
      failed: counts.failed,
      notSent: counts.notSent,
      p50: latency === null ? null : latency.percentile(50),
      p99: latency === null ? null : latency.percentile(99),
      max: latency === null ? null : latency.maxUs / 1000,
    };
  }

  #intendedSecond(intendedMs: number): IntendedCounts {
    return this.#intendedAt(Math.max(0, Math.floor((intendedMs - this.#startMs) / 1000)));
  }

  #intendedAt(t: number): IntendedCounts {
    let counts = this.#intended[t];
    if (counts === undefined) {
      while (this.#intended.length < t) this.#intended.push(undefined);
      counts = { acked: 0, failed: 0, notSent: 0, latency: null };
      this.#intended[t] = counts;
    }
    return counts;
  }

  #second(nowMs: number): Second {
    return this.#secondAt(Math.max(0, Math.floor((nowMs - this.#startMs) / 1000)));
  }

  #secondAt(t: number): Second {
    let second = this.#seconds[t];
    if (second === undefined) {
      // Fill the gap with explicit undefined: the array never becomes holey.
      while (this.#seconds.length < t) this.#seconds.push(undefined);
      second = {
        sent: 0,
        acked: 0,
        failed: 0,
        notSent: 0,
        outstanding: -1,
        latency: null,
        found: 0,
      };
      this.#seconds[t] = second;
    }
    return second;
  }
}

/**
 * Per second up to `length`, the outstanding count last reported at or before it (`reported`
 * holds -1 where a second has no report); null before the first report.
 */
function carriedOutstanding(reported: number[], length: number): (number | null)[] {
  let last: number | null = null;
  return Array.from({ length }, (_, t) => {
    if ((reported[t] ?? -1) >= 0) last = reported[t];
    return last;
  });
}

function emptyPoint(t: number, outstanding: number): TimelinePoint {
  return {
    t,
    sent: 0,
    acked: 0,
    failed: 0,
    notSent: 0,
    outstanding,
    p50: null,
    p99: null,
    max: null,
  };
}

/** Percentile `p` of `count` bucketed latencies, in ms, capped at the exact max. */
function percentileMs(buckets: Uint32Array, count: number, maxUs: number, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * count));
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= rank) return Math.min(bucketTop(i), maxUs) / 1000;
  }
  return maxUs / 1000;
}
