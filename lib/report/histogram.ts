/**
 * Read the encoded HdrHistograms of a report (microsecond values, base64
 * compressed by hdr-histogram-js) into millisecond percentiles and
 * percentile-distribution curves.
 *
 * A percentile distribution is plotted against `1 / (1 − p)` on a log axis, as
 * HdrHistogram's own plotter does: 0% → 1, 90% → 10, 99% → 100, 99.9% → 1000…,
 * so the tail gets as much room as the median.
 *
 * @example
 * ```ts
 * import type { RunReport } from "./types.ts";
 * declare const report: RunReport;
 * declare const encoded: string;
 * import { percentileCurve, percentilesOf } from "./histogram.ts";
 * percentilesOf(report.variants[0].latency.fromIntended.histogram, [50, 99]); // [3.1, 48.2] ms
 * percentileCurve(encoded)?.points; // [{ x: 1, percentile: 0, ms: 1.2 }, …]
 * ```
 * @module
 */
import { decodeFromCompressedBase64, type Histogram } from "hdr-histogram-js";

/** One point of a percentile distribution. */
export interface PercentilePoint {
  /** `1 / (1 − percentile/100)`: the log-axis position. */
  x: number;
  /** Percentile in 0–100. */
  percentile: number;
  /** Latency at that percentile, ms. */
  ms: number;
}

/** A whole percentile distribution. */
export interface PercentileCurve {
  /** Values recorded. */
  count: number;
  /** Largest value, ms. */
  maxMs: number;
  points: PercentilePoint[];
}

/** Points per decade of the `1/(1−p)` axis. */
export const POINTS_PER_DECADE = 10;
/** The axis stops at 99.99999%: beyond, no run has enough events to say anything. */
export const MAX_X = 1e7;

/** Decode an encoded histogram; null when it is empty or not a histogram. */
export function decodeHistogram(encoded: string): Histogram | null {
  if (encoded.trim() === "") return null;
  try {
    return decodeFromCompressedBase64(encoded);
  } catch { // treated as missing: callers fall back to the stored figures or draw no curve
    return null;
  }
}

/** Axis position of a percentile (0–100). */
export function percentileToX(percentile: number): number {
  return 1 / (1 - percentile / 100);
}

/** Percentile (0–100) at an axis position. */
export function xToPercentile(x: number): number {
  return 100 * (1 - 1 / x);
}

/** Latencies in ms at the given percentiles (0–100); null when the histogram is unusable or empty. */
export function percentilesOf(encoded: string, percentiles: readonly number[]): number[] | null {
  const histogram = decodeHistogram(encoded);
  if (histogram === null || histogram.totalCount === 0) return null;
  try {
    // p100 is the recorded maximum itself, not the top of its bucket.
    return percentiles.map((p) =>
      (p >= 100 ? histogram.maxValue : histogram.getValueAtPercentile(p)) / 1000
    );
  } finally {
    histogram.destroy();
  }
}

/** The grid of axis positions shared by every curve: `POINTS_PER_DECADE` per decade from 1 up to `maxX`. */
export function percentileGrid(maxX: number): number[] {
  const grid: number[] = [];
  const last = Math.min(maxX, MAX_X);
  for (let k = 0;; k++) {
    const x = 10 ** (k / POINTS_PER_DECADE);
    if (x > last * (1 + 1e-9)) break;
    grid.push(x);
  }
  return grid;
}

/**
 * The percentile distribution of an encoded histogram, sampled on the shared
 * grid up to where at least one recorded value lies beyond the percentile
 * (`x ≤ count`); null when the histogram is unusable or empty.
 */
export function percentileCurve(encoded: string): PercentileCurve | null {
  const histogram = decodeHistogram(encoded);
  if (histogram === null || histogram.totalCount === 0) return null;
  try {
    const count = histogram.totalCount;
    const points = percentileGrid(count).map((x) => {
      const percentile = xToPercentile(x);
      return { x, percentile, ms: histogram.getValueAtPercentile(percentile) / 1000 };
    });
    return { count, maxMs: histogram.maxValue / 1000, points };
  } finally {
    histogram.destroy();
  }
}
