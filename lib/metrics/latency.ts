/**
 * Latency distribution of one variant: an HdrHistogram of microsecond values
 * (3 significant digits, up to one hour) summarised in milliseconds.
 *
 * **Coordinated omission.** The generator records each latency from the
 * event's *intended* send time, so time an event spent waiting behind a slow
 * send is already in its latency. No `recordValueWithExpectedInterval`
 * correction is applied on top: it would count that waiting twice.
 *
 * Summaries are computed from the histogram alone, so a summary of
 * {@link LatencyRecorder.decode}(summary.histogram) equals the original
 * summary: run-to-run comparisons see the same numbers as the report.
 *
 * @example
 * ```ts
 * const latency = new LatencyRecorder();
 * latency.record(1500); // µs
 * latency.summary().p50; // 1.5 (ms)
 * ```
 * @module
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from "hdr-histogram-js";
import type { Histogram } from "hdr-histogram-js";
import type { IntendedLatency, LatencySummary } from "../report/types.ts";

/** Highest recordable latency: one hour in microseconds. Larger values are clamped. */
export const HIGHEST_TRACKABLE_US = 3_600_000_000;

const SIGNIFICANT_DIGITS = 3;

/** The percentiles every latency summary reports, read with `at(percent)`. */
function percentiles<T>(at: (percent: number) => T) {
  return {
    p50: at(50),
    p75: at(75),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    p9999: at(99.99),
  };
}

/** Records latencies in microseconds; see the module doc. */
export class LatencyRecorder {
  #histogram: Histogram;
  #max: number;
  #clamped = 0;

  /** An empty recorder, or one over an existing histogram (see {@link LatencyRecorder.decode}). */
  constructor(histogram?: Histogram) {
    this.#histogram = histogram ?? build({
      useWebAssembly: false,
      bitBucketSize: 32,
      autoResize: false,
      lowestDiscernibleValue: 1,
      highestTrackableValue: HIGHEST_TRACKABLE_US,
      numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    });
    this.#histogram.autoResize = false;
    this.#max = this.#histogram.highestTrackableValue;
  }

  /**
   * A recorder holding the histogram of a {@link LatencySummary.histogram}, and `clamped`
   * values counted out of range where it was recorded (see {@link LatencyRecorder.shared}).
   */
  static decode(base64: string, clamped = 0): LatencyRecorder {
    const recorder = new LatencyRecorder(decodeFromCompressedBase64(base64, 32, false));
    recorder.#clamped = clamped;
    return recorder;
  }

  /** The whole state as plain data, for another process to {@link LatencyRecorder.decode}. */
  shared(): { histogram: string; clamped: number } {
    return { histogram: encodeIntoCompressedBase64(this.#histogram), clamped: this.#clamped };
  }

  /**
   * Add every value `other` recorded (HdrHistogram addition: exact, so that the percentiles
   * of recorders merged from several workers are those of one recorder of every value).
   */
  add(other: LatencyRecorder): void {
    this.#histogram.add(other.#histogram);
    this.#clamped += other.#clamped;
  }

  /**
   * Record one latency in microseconds, rounded to an integer. Values above
   * the highest trackable value, negative or not a number are clamped into
   * range and counted in {@link LatencyRecorder.clamped}.
   */
  record(us: number): void {
    let value = Math.round(us);
    if (!(value >= 0 && value <= this.#max)) {
      this.#clamped++;
      value = value > this.#max ? this.#max : 0;
    }
    this.#histogram.recordValue(value);
  }

  /** Values recorded. */
  get count(): number {
    return this.#histogram.totalCount;
  }

  /** Values that were out of range and clamped (see {@link LatencyRecorder.record}). */
  get clamped(): number {
    return this.#clamped;
  }

  /**
   * Latency at percentile `p` (0–100) in **milliseconds**, as HdrHistogram
   * reports it (the highest value equivalent to the recorded one); 0 when empty.
   */
  percentile(p: number): number {
    if (this.#histogram.totalCount === 0) return 0;
    return this.#histogram.getValueAtPercentile(p) / 1000;
  }

  /** The `rank`-th smallest value (1-based) in **milliseconds**, as HdrHistogram reports it. */
  valueAtRank(rank: number): number {
    const total = this.#histogram.totalCount;
    if (total === 0) return 0;
    // getValueAtPercentile(q) returns the value at rank max(1, floor(q% × total + 0.5)).
    return this.percentile(Math.min(100, (100 * Math.min(rank, total)) / total));
  }

  /** Summary in milliseconds, with the full histogram encoded; all zeros when empty. */
  summary(): LatencySummary {
    const histogram = encodeIntoCompressedBase64(this.#histogram);
    if (this.#histogram.totalCount === 0) {
      return {
        count: 0,
        min: 0,
        mean: 0,
        p50: 0,
        p75: 0,
        p90: 0,
        p95: 0,
        p99: 0,
        p999: 0,
        p9999: 0,
        max: 0,
        histogram,
      };
    }
    const at = (p: number) => this.percentile(p);
    return {
      count: this.#histogram.totalCount,
      min: at(0),
      mean: this.#histogram.mean / 1000,
      ...percentiles(at),
      max: at(100),
      histogram,
    };
  }
}

/**
 * Latency over every intended event of a window: `acked` holds the latencies of the
 * acknowledged ones, and the other `events - acked.count` count as slower than any bound, so a
 * percentile whose rank falls among them is null. Exact: the rank of percentile p among
 * `events` values is ceil(p% × events), read from `acked` when it is within its count.
 *
 * @example
 * ```ts
 * const acked = new LatencyRecorder();
 * for (let i = 1; i <= 60; i++) acked.record(i * 1000); // 60 events acknowledged, 1–60 ms
 * const all = intendedLatency(acked, 100);              // 40 more never acknowledged
 * all.p50;  // ≈ 50 (ms)
 * all.p90;  // null: beyond every bound
 * ```
 */
export function intendedLatency(acked: LatencyRecorder, events: number): IntendedLatency {
  const acknowledged = Math.min(acked.count, events);
  const at = (p: number): number | null => {
    if (events === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * events));
    if (rank > acknowledged) return null;
    return acked.valueAtRank(rank);
  };
  return {
    events,
    acknowledged,
    unacknowledged: events - acknowledged,
    ...percentiles(at),
    max: at(100),
  };
}
