import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import assert from "node:assert/strict";
import { TimelineRecorder } from "../../lib/metrics/timeline.ts";
import { prng } from "./prng.ts";

/** Per-second percentiles are at most 1/16 above the truth, never below. */
const BUCKET_PRECISION = 1 / 16;

function assertBucketed(actual: number | null, exact: number, what: string): void {
  ok(actual !== null, `${what} is null`);
  ok(
    actual >= exact && actual <= exact * (1 + BUCKET_PRECISION),
    `${what}: ${actual} not in [${exact}, ${exact * (1 + BUCKET_PRECISION)}]`,
  );
}

Deno.test("timeline: events land in their second, gaps are filled", () => {
  const start = 1_700_000_000_000;
  const timeline = new TimelineRecorder(start);
  timeline.sent(start - 5); // before the start: second 0
  timeline.sent(start);
  timeline.sent(start + 999);
  timeline.sent(start + 1000);
  timeline.notSent(start + 1500);
  timeline.acked(start + 1999, 3);
  timeline.outstanding(start + 1200, 7);
  timeline.outstanding(start + 1900, 4); // last report in second 1 wins
  timeline.failed(start + 3000);
  timeline.failed(start + 3999);
  deepStrictEqual(timeline.points(), [
    {
      t: 0,
      sent: 3,
      acked: 0,
      failed: 0,
      notSent: 0,
      outstanding: 0,
      p50: null,
      p99: null,
      max: null,
    },
    {
      t: 1,
      sent: 1,
      acked: 1,
      failed: 0,
      notSent: 1,
      outstanding: 4,
      p50: 0.003,
      p99: 0.003,
      max: 0.003,
    },
    {
      t: 2,
      sent: 0,
      acked: 0,
      failed: 0,
      notSent: 0,
      outstanding: 4,
      p50: null,
      p99: null,
      max: null,
    },
    {
      t: 3,
      sent: 0,
      acked: 0,
      failed: 2,
      notSent: 0,
      outstanding: 4,
      p50: null,
      p99: null,
      max: null,
    },
  ]);
});

Deno.test("timeline: no data, no points", () => {
  deepStrictEqual(new TimelineRecorder(0).points(), []);
});

Deno.test("timeline: outstanding carries forward until the next report", () => {
  const timeline = new TimelineRecorder(0);
  timeline.outstanding(500, 10);
  timeline.sent(2500);
  timeline.outstanding(3100, 0);
  deepStrictEqual(timeline.points().map((p) => p.outstanding), [10, 10, 10, 0]);
});

Deno.test("timeline: latencies below 16 µs are exact", () => {
  const timeline = new TimelineRecorder(0);
  for (const us of [3, 3, 7, 15]) timeline.acked(10, us);
  const [point] = timeline.points();
  strictEqual(point.acked, 4);
  strictEqual(point.p50, 0.003);
  strictEqual(point.p99, 0.015);
  strictEqual(point.max, 0.015);
});

Deno.test("timeline: per-second percentiles stay within bucket precision of exact ones", () => {
  const random = prng(11);
  const timeline = new TimelineRecorder(0);
  const perSecond: number[][] = [[], [], []];
  for (let i = 0; i < 30_000; i++) {
    const second = i % 3;
    const us = Math.round(10 ** (1 + 8 * random())); // 10 µs … 100 s, log-uniform
    perSecond[second].push(us);
    timeline.acked(second * 1000 + 500, us);
  }
  const points = timeline.points();
  strictEqual(points.length, 3);
  points.forEach((point, second) => {
    const sorted = perSecond[second].sort((a, b) => a - b);
    const exact = (p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1] / 1000;
    strictEqual(point.acked, sorted.length);
    assertBucketed(point.p50, exact(50), `p50 of second ${second}`);
    assertBucketed(point.p99, exact(99), `p99 of second ${second}`);
    strictEqual(point.max, sorted[sorted.length - 1] / 1000);
    ok(point.p99! <= point.max!);
  });
});

Deno.test("timeline: 1..1000 µs in one second", () => {
  const timeline = new TimelineRecorder(0);
  for (let us = 1000; us >= 1; us--) timeline.acked(0, us);
  const [point] = timeline.points();
  assertBucketed(point.p50, 0.5, "p50");
  assertBucketed(point.p99, 0.99, "p99");
  strictEqual(point.max, 1);
});

Deno.test("timeline: out-of-range latencies are clamped", () => {
  const timeline = new TimelineRecorder(0);
  timeline.acked(0, -20);
  timeline.acked(0, Number.NaN);
  timeline.acked(0, 1e12);
  const [point] = timeline.points();
  strictEqual(point.p50, 0);
  strictEqual(point.max, 0xffffffff / 1000);
});

Deno.test("timeline: p99Of gives a finished second's p99 while the planned seconds lie ahead", () => {
  const start = 1_700_000_000_000;
  const timeline = new TimelineRecorder(start);
  timeline.intend([10, 10, 10, 10]); // the whole run's target: the points reach second 3
  for (let i = 1; i <= 100; i++) timeline.acked(start + 1000 + i, i * 1000);
  strictEqual(timeline.points().at(-1)!.p99, null);
  assertBucketed(timeline.p99Of(1), 99, "p99 of second 1");
  strictEqual(timeline.p99Of(0), null);
  strictEqual(timeline.p99Of(7), null);
});

Deno.test("timeline: anomalies found live land in the second they were found, absent elsewhere", () => {
  const start = 1_700_000_000_000;
  const timeline = new TimelineRecorder(start);
  timeline.sent(start + 100);
  timeline.found(start + 1500, 3);
  timeline.found(start + 1900, 2);
  timeline.found(start + 2500, 0); // nothing new: nothing recorded
  const points = timeline.points();
  deepStrictEqual(points.map((p) => p.found), [undefined, 5]);
});

Deno.test("timeline: the timelines of workers that split the events add up to the whole one's", () => {
  const start = 1_000_000;
  const whole = new TimelineRecorder(start);
  const parts = [new TimelineRecorder(start), new TimelineRecorder(start)];
  whole.intend([300, 300, 300, 300]);
  parts[0].intend([150, 150, 150, 150]);
  parts[1].intend([150, 150, 150, 150]);
  for (let i = 0; i < 1200; i++) {
    const intended = start + i * 3.3;
    const now = intended + 5 + (i % 97) * 11;
    const part = parts[i % 2];
    for (const t of [whole, part]) {
      t.sent(intended);
      if (i % 50 === 7) {
        t.failed(now);
        t.intendedFailed(intended);
      } else if (i % 50 === 9) {
        t.notSent(intended);
        t.intendedNotSent(intended);
      } else {
        t.acked(now, (now - intended) * 1000 + (i % 13));
        t.intendedAcked(intended, (now - intended) * 1000 + (i % 13));
      }
    }
  }
  // Worker 0 reports its outstanding events in seconds 0 and 2, worker 1 in second 1 only:
  // in each second the whole has what each worker last reported.
  parts[0].outstanding(start + 100, 10);
  parts[1].outstanding(start + 1100, 7);
  parts[0].outstanding(start + 2100, 4);
  whole.outstanding(start + 100, 10);
  whole.outstanding(start + 1100, 17);
  whole.outstanding(start + 2100, 11);
  whole.found(start + 2500, 3);
  parts[1].found(start + 2500, 3);

  const merged = new TimelineRecorder(start);
  for (const part of parts) merged.add(JSON.parse(JSON.stringify(part.shared())));
  assert.deepEqual(merged.points(), whole.points());
  assert.equal(merged.points()[2].outstanding, 11);
});
