import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import assert from "node:assert/strict";
import {
  HIGHEST_TRACKABLE_US,
  intendedLatency,
  LatencyRecorder,
} from "../../lib/metrics/latency.ts";
import { prng } from "./prng.ts";

/** HdrHistogram with 3 significant digits: values within 1/1024 of the truth. */
const HDR_PRECISION = 1 / 1024;

function assertClose(actual: number, expected: number, relative: number, what: string): void {
  ok(
    Math.abs(actual - expected) <= Math.abs(expected) * relative,
    `${what}: ${actual} not within ${relative} of ${expected}`,
  );
}

/** Nearest-rank percentile of sorted values. */
function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

Deno.test("latency: 1..10000 µs uniform summarises in ms within HDR precision", () => {
  const latency = new LatencyRecorder();
  for (let us = 1; us <= 10000; us++) latency.record(us);
  const s = latency.summary();
  strictEqual(s.count, 10000);
  assertClose(s.min, 0.001, HDR_PRECISION, "min");
  assertClose(s.mean, 5.0005, HDR_PRECISION, "mean");
  assertClose(s.p50, 5, HDR_PRECISION, "p50");
  assertClose(s.p75, 7.5, HDR_PRECISION, "p75");
  assertClose(s.p90, 9, HDR_PRECISION, "p90");
  assertClose(s.p95, 9.5, HDR_PRECISION, "p95");
  assertClose(s.p99, 9.9, HDR_PRECISION, "p99");
  assertClose(s.p999, 9.99, HDR_PRECISION, "p999");
  assertClose(s.p9999, 9.999, HDR_PRECISION, "p9999");
  assertClose(s.max, 10, HDR_PRECISION, "max");
  assertClose(latency.percentile(50), 5, HDR_PRECISION, "percentile(50)");
});

Deno.test("latency: percentiles of a wide distribution match exact ones within HDR precision", () => {
  const random = prng(7);
  const values: number[] = [];
  const latency = new LatencyRecorder();
  for (let i = 0; i < 50_000; i++) {
    const us = Math.round(100 * 10 ** (5 * random())); // 100 µs … 10 s, log-uniform
    values.push(us);
    latency.record(us);
  }
  values.sort((a, b) => a - b);
  for (const p of [50, 90, 99, 99.9, 100]) {
    assertClose(latency.percentile(p), exactPercentile(values, p) / 1000, HDR_PRECISION, `p${p}`);
  }
});

Deno.test("latency: an empty recorder summarises to zeros and round-trips", () => {
  const s = new LatencyRecorder().summary();
  deepStrictEqual({ ...s, histogram: "" }, {
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
    histogram: "",
  });
  ok(s.histogram.length > 0);
  strictEqual(LatencyRecorder.decode(s.histogram).count, 0);
  strictEqual(new LatencyRecorder().percentile(99), 0);
});

Deno.test("latency: decoding the summary's histogram gives the same summary", () => {
  const random = prng(3);
  const latency = new LatencyRecorder();
  for (let i = 0; i < 5000; i++) latency.record(random() * 2_000_000);
  const s = latency.summary();
  const decoded = LatencyRecorder.decode(s.histogram);
  deepStrictEqual(decoded.summary(), s);
  decoded.record(10);
  strictEqual(decoded.count, 5001);
});

Deno.test("latency: out-of-range values are clamped and counted", () => {
  const latency = new LatencyRecorder();
  latency.record(2 * HIGHEST_TRACKABLE_US);
  latency.record(-5);
  latency.record(Number.NaN);
  latency.record(42);
  strictEqual(latency.count, 4);
  strictEqual(latency.clamped, 3);
  const s = latency.summary();
  assertClose(s.max, HIGHEST_TRACKABLE_US / 1000, HDR_PRECISION, "max");
  strictEqual(s.min, 0);
  assertClose(latency.percentile(75), 0.042, HDR_PRECISION, "p75");
});

Deno.test("intendedLatency: events never acknowledged rank above every acknowledged one", () => {
  const acked = new LatencyRecorder();
  for (let i = 1; i <= 60; i++) acked.record(i * 1000); // 1..60 ms
  const all = intendedLatency(acked, 100);
  assert.equal(all.events, 100);
  assert.equal(all.acknowledged, 60);
  assert.equal(all.unacknowledged, 40);
  // Rank 50 of 100 is the 50th acknowledged value; rank 60 the last one; rank 61 is beyond.
  assert.ok(Math.abs(all.p50! - 50) < 0.1, `p50 ${all.p50}`);
  assert.equal(all.p75, null);
  assert.equal(all.max, null);
  const exact = intendedLatency(acked, 60);
  assert.equal(exact.max, acked.summary().max);
  assert.equal(exact.p99, acked.summary().p99);
  assert.equal(exact.p50, acked.summary().p50);
});

Deno.test("intendedLatency: rank boundaries and an empty window", () => {
  const acked = new LatencyRecorder();
  for (let i = 1; i <= 99; i++) acked.record(i * 1000);
  // 99 of 100 acknowledged: p99 is rank 99 (the last acknowledged), max is beyond.
  const all = intendedLatency(acked, 100);
  assert.ok(Math.abs(all.p99! - 99) < 0.1, `p99 ${all.p99}`);
  assert.equal(all.p999, null);
  const none = intendedLatency(new LatencyRecorder(), 0);
  assert.equal(none.events, 0);
  assert.equal(none.p50, null);
});

Deno.test("latency: recorders of split values, added, equal one recorder of every value", () => {
  const random = prng(7);
  const whole = new LatencyRecorder();
  const parts = [new LatencyRecorder(), new LatencyRecorder(), new LatencyRecorder()];
  for (let i = 0; i < 30_000; i++) {
    // Log-uniform over 10 µs .. 10 s, and one value in five out of range.
    const us = i % 5 === 4 ? -1 : Math.round(10 * 10 ** (6 * random()));
    whole.record(us);
    parts[i % 3].record(us);
  }
  // Each part crosses a process boundary, as a worker's does.
  const merged = new LatencyRecorder();
  for (const part of parts) {
    const { histogram, clamped } = part.shared();
    merged.add(LatencyRecorder.decode(histogram, clamped));
  }
  assert.deepEqual(merged.summary(), whole.summary());
  assert.equal(merged.clamped, 6_000);
  assert.equal(merged.count, 30_000);
});
