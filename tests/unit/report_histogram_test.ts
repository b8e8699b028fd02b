import assert from "node:assert/strict";
import {
  decodeHistogram,
  MAX_X,
  percentileCurve,
  percentileGrid,
  percentilesOf,
  percentileToX,
  xToPercentile,
} from "../../lib/report/histogram.ts";
import { encodedHistogram, evenly } from "./report_helpers.ts";

const near = (actual: number, expected: number, relative = 0.002) =>
  assert.ok(Math.abs(actual - expected) <= relative * expected, `${actual} ≉ ${expected}`);

Deno.test("percentilesOf reads ms from the µs histogram", () => {
  const encoded = encodedHistogram(evenly(10_001, 0, 1000)); // 0, 0.1, …, 1000 ms
  const [p50, p99, p999, max] = percentilesOf(encoded, [50, 99, 99.9, 100])!;
  near(p50, 500);
  near(p99, 990);
  near(p999, 999);
  near(max, 1000); // the top of its bucket, as HdrHistogram reports a maximum
});

Deno.test("percentile axis: 1/(1-p), 10 points per decade, up to the event count", () => {
  assert.equal(percentileToX(0), 1);
  near(percentileToX(99), 100, 1e-12);
  near(percentileToX(99.99), 10_000, 1e-9);
  near(xToPercentile(1000), 99.9, 1e-12);
  const grid = percentileGrid(1000);
  assert.equal(grid.length, 31);
  assert.equal(grid[0], 1);
  near(grid[10], 10, 1e-12);
  near(grid[30], 1000, 1e-12);
  assert.equal(percentileGrid(1e12).length, Math.round(Math.log10(MAX_X) * 10) + 1);
});

Deno.test("percentileCurve follows the distribution and never decreases", () => {
  const curve = percentileCurve(
    encodedHistogram([...evenly(9_990, 1, 10), ...evenly(10, 500, 1000)]),
  )!;
  assert.equal(curve.count, 10_000);
  near(curve.maxMs, 1000);
  near(curve.points.at(-1)!.x, 10_000, 1e-9);
  for (let i = 1; i < curve.points.length; i++) {
    assert.ok(curve.points[i].ms >= curve.points[i - 1].ms);
  }
  const at = (x: number) => curve.points.find((p) => Math.abs(p.x - x) < 1e-6)!;
  near(at(10).ms, 9.1, 0.01); // p90 inside the 1–10 ms bulk
  near(at(1000).ms, 10, 0.002); // p99.9: the last of the bulk, the tail is the top 0.1%
  near(at(10_000).ms, 944.4, 0.002); // p99.99: the 9,999th value, 9th of the tail
  near(at(100).percentile, 99, 1e-9);
});

Deno.test("unusable or empty histograms give null", () => {
  assert.equal(decodeHistogram(""), null);
  assert.equal(decodeHistogram("definitely not base64 histogram"), null);
  assert.equal(percentilesOf("", [50]), null);
  assert.equal(percentileCurve(encodedHistogram([])), null);
});
