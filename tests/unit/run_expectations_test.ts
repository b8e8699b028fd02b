import assert from "node:assert/strict";
import { compare, evaluateExpectations, observedValue } from "../../lib/run/expectations.ts";
import { parseExpectation } from "../../lib/scenario/expectation.ts";
import type { VariantReport } from "../../lib/report/types.ts";
import { fixture } from "./report_helpers.ts";
import { intendedLatency, LatencyRecorder } from "../../lib/metrics/latency.ts";

function variant(): VariantReport {
  return structuredClone(fixture().variants[0]);
}
const src = { line: 7, path: "expect[0]" };

Deno.test("expectations: each metric reads its figure", () => {
  const v = variant();
  const c = v.verification!.counts;
  assert.equal(observedValue("lost", v), c.lost);
  assert.equal(observedValue("duplicated", v), c.duplicated);
  assert.equal(observedValue("duplicates", v), c.duplicates);
  assert.equal(observedValue("failed_absent", v), c.failedAbsent);
  assert.equal(observedValue("not_sent", v), v.counts.notSent);
  v.latency.allIntended.p99 = 42;
  v.latency.allIntended.p9999 = 420;
  assert.equal(observedValue("p99", v), 42);
  assert.equal(observedValue("p9999", v), 420);
  assert.equal(observedValue("throughput", v), v.throughput.ackedPerSecond);
});

Deno.test("expectations: pass and fail with the observed value", () => {
  const v = variant();
  v.verification!.counts.duplicated = 12;
  v.latency.allIntended.p99 = 300;
  const out = evaluateExpectations([
    parseExpectation("duplicated > 0", src),
    parseExpectation("duplicated == 0", src),
    parseExpectation("p99 < 250ms", src),
    parseExpectation("p99 <= 1s", src),
  ], v);
  assert.deepEqual(out.map((o) => [o.passed, o.observed]), [
    [true, 12],
    [false, 12],
    [false, 300],
    [true, 300],
  ]);
  assert.equal(out[0].line, 7);
  assert.equal(out[2].threshold, 250);
});

Deno.test("expectations: a metric the run did not measure fails", () => {
  const v = variant();
  v.verification = null;
  const [o] = evaluateExpectations([parseExpectation("lost == 0", src)], v);
  assert.equal(o.observed, null);
  assert.equal(o.passed, false);
  v.latency.allIntended.events = 0;
  assert.equal(observedValue("p99", v), null);
});

Deno.test("expectations: events never acknowledged count as slower than any latency bound", () => {
  // A capped pipeline under a stall: 60 events acknowledged in 1–60 ms, 40 never sent.
  const acked = new LatencyRecorder();
  for (let i = 1; i <= 60; i++) acked.record(i * 1000);
  const v = variant();
  v.latency.fromIntended = acked.summary();
  v.latency.allIntended = intendedLatency(acked, 100);
  v.counts.notSent = 40;
  const out = evaluateExpectations([
    parseExpectation("p90 < 500ms", src),
    parseExpectation("p50 < 500ms", src),
    parseExpectation("p99 > 100ms", src),
    parseExpectation("max < 1h", src),
  ], v);
  assert.deepEqual(out.map((o) => [o.passed, o.observed, o.unbounded ?? false]), [
    [false, null, true],
    [true, 50.015, false],
    [true, null, true],
    [false, null, true],
  ]);
  // The acknowledged-only distribution alone would have passed the p90 bound.
  assert.ok(v.latency.fromIntended.p90 < 500);
});

Deno.test("expectations: operators", () => {
  assert.ok(compare(1, "==", 1) && !compare(1, "!=", 1));
  assert.ok(compare(1, "<", 2) && !compare(2, "<", 2) && compare(2, "<=", 2));
  assert.ok(compare(3, ">", 2) && !compare(2, ">", 2) && compare(2, ">=", 2));
});

Deno.test("parallel variants: the start barrier releases all at the same instant, after the last", async () => {
  const { startBarrier } = await import("../../lib/run/run.ts");
  const barrier = startBarrier(3);
  const startAt = () => barrier.arrive();
  let released = false;
  const a = startAt().then((t) => (released = true, t));
  const b = startAt();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(released, false, "not before the third variant is ready");
  const c = startAt();
  const [ta, tb, tc] = await Promise.all([a, b, c]);
  assert.ok(ta === tb && tb === tc);
  assert.ok(ta > Date.now() - 50);
});

Deno.test("parallel variants: a variant that fails before the start does not hang the others", async () => {
  const { startBarrier } = await import("../../lib/run/run.ts");
  const barrier = startBarrier(3);
  const a = barrier.arrive();
  const b = barrier.arrive();
  barrier.leave(); // the third failed while creating its topic
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<number[]>((r) => timer = setTimeout(() => r([0, 0]), 1000));
  const [ta, tb] = await Promise.race([Promise.all([a, b]), timeout]);
  clearTimeout(timer);
  assert.ok(ta > 0 && ta === tb, "both released at the same instant");
});
