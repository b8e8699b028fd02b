/**
 * Shared inputs of the report tests: the fixture report and small builders.
 *
 * @module
 */
import { build, encodeIntoCompressedBase64 } from "hdr-histogram-js";
import type { RunReport } from "../../lib/report/types.ts";

/** Path of the fixture report. */
export const FIXTURE_PATH = new URL(
  "../fixtures/reports/idempotent-vs-plain.json",
  import.meta.url,
);

const fixtureText = Deno.readTextFileSync(FIXTURE_PATH);

/** A fresh deep copy of the fixture report. */
export function fixture(): RunReport {
  return JSON.parse(fixtureText);
}

/** An encoded histogram (µs values, as reports store them) of the given latencies in ms. */
export function encodedHistogram(latenciesMs: number[]): string {
  const histogram = build({ numberOfSignificantValueDigits: 3 });
  for (const ms of latenciesMs) histogram.recordValue(Math.round(ms * 1000));
  const encoded = encodeIntoCompressedBase64(histogram);
  histogram.destroy();
  return encoded;
}

/** `count` latencies spread evenly over `[fromMs, toMs]`. */
export function evenly(count: number, fromMs: number, toMs: number): number[] {
  return Array.from({ length: count }, (_, i) => fromMs + ((toMs - fromMs) * i) / (count - 1));
}
