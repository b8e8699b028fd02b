/**
 * The generator against a fake driver whose answers the test controls: what is
 * counted in the measured window, in the drain, and by intended second.
 */
import assert from "node:assert/strict";
import {
  DeliveryRouter,
  type LoadRecorders,
  type LoadResult,
  runLoad,
} from "../../lib/load/generator.ts";
import { type EventLedger, Ledger } from "../../lib/verify/ledger.ts";
import { CompactLedger } from "../../lib/verify/compact_ledger.ts";
import { LatencyRecorder } from "../../lib/metrics/latency.ts";
import { TimelineRecorder } from "../../lib/metrics/timeline.ts";
import { newRunId } from "../../lib/load/payload.ts";
import { createSchedule } from "../../lib/load/schedule.ts";
import type { DeliveryReport, OutRecord, ProducerDriver } from "../../lib/clients/contract.ts";
import type { LoadPlan, RateSchedule, SendMode } from "../../lib/scenario/types.ts";

/** A driver that answers each record when `answerAt(token)` (ms after the start) says. */
function fakeDriver(
  deliveries: DeliveryRouter,
  startEpochMs: number,
  answerAt: (token: number) => number,
): ProducerDriver {
  let offset = 0;
  return {
    client: { name: "fake", version: "0" },
    capabilities: {
      batching: "native",
      deliveryTimeout: "native",
      cancel: false,
      partitioner: "always 0",
    },
    notes: [],
    send(record: OutRecord) {
      const wait = Math.max(0, startEpochMs + answerAt(record.token) - Date.now());
      setTimeout(() => {
        const report: DeliveryReport = {
          token: record.token,
          partition: 0,
          offset: offset++,
          status: "persisted",
        };
        deliveries.onDelivery(report);
      }, wait);
    },
    purge: () => Promise.resolve(),
    stats: () => ({ produceRequests: 0, requestBytes: 0 }),
    close: () => Promise.resolve(),
  };
}

/** The recorders of one load: fresh ones, except those the test passes. */
function recorders(
  startEpochMs: number,
  given: Partial<LoadRecorders> & { ledger: EventLedger },
): LoadRecorders {
  return {
    fromIntended: new LatencyRecorder(),
    fromSend: new LatencyRecorder(),
    dispatchLag: new LatencyRecorder(),
    timeline: new TimelineRecorder(startEpochMs),
    ...given,
  };
}

async function run(
  load: Omit<LoadPlan, "send" | "keys" | "messageSize">,
  answerAt: (token: number) => number,
  send: SendMode = { kind: "pipelined", maxOutstanding: 100_000 },
  drainMs = 3000,
  compact?: { ledger: EventLedger; fromSend: LatencyRecorder },
): Promise<{ result: LoadResult; timeline: TimelineRecorder; ledger: EventLedger }> {
  const plan: LoadPlan = { ...load, send, keys: { kind: "none" }, messageSize: 64 };
  const deliveries = new DeliveryRouter();
  const startEpochMs = Date.now() + 50;
  const timeline = new TimelineRecorder(startEpochMs);
  const ledger = compact?.ledger ?? new Ledger(10_000);
  const result = await runLoad({
    load: plan,
    send,
    driver: fakeDriver(deliveries, startEpochMs, answerAt),
    deliveries,
    runId: newRunId(),
    variantIndex: 0,
    recorders: recorders(startEpochMs, {
      ledger,
      timeline,
      ...(compact ? { fromSend: compact.fromSend } : {}),
    }),
    startEpochMs,
    drainMs,
    keepLatencies: compact === undefined,
  });
  return { result, timeline, ledger };
}

// The schedules below leave 100 ms or more without events around each edge of the window, so
// that a timer firing late on a busy machine cannot move a send or an answer across an edge.

Deno.test("generator: acknowledgements that all come after the load count in the drain, not the window", async () => {
  // 100 events due in the first half second, then none.
  const rate: RateSchedule = {
    kind: "steps",
    steps: [{ perSecond: 200, forMs: 500 }, { perSecond: 0, forMs: 500 }],
  };
  // Every answer comes 300 ms after the load's end: a cluster too slow for the target rate.
  const { result } = await run({ rate, warmupMs: 0, durationMs: 1000 }, () => 1300);
  assert.equal(result.window.sent, 100);
  assert.equal(result.window.acked, 0, "nothing was acknowledged within the window");
  assert.equal(result.drain.acked, 100);
  assert.equal(result.window.ms, 1000);
});

Deno.test("generator: acknowledgements within the window, warm-up excluded", async () => {
  // 40 events in the warm-up (due 0-390 ms), 100 in the window (due 600-1392 ms of 500-1500).
  const rate: RateSchedule = {
    kind: "steps",
    steps: [
      { perSecond: 100, forMs: 400 },
      { perSecond: 0, forMs: 200 },
      { perSecond: 125, forMs: 800 },
      { perSecond: 0, forMs: 100 },
    ],
  };
  const schedule = createSchedule(rate, 1500);
  assert.equal(schedule.total, 140);
  // Answered 5 ms after the intended time.
  const { result } = await run(
    { rate, warmupMs: 500, durationMs: 1000 },
    (seq) => schedule.timeOf(seq) + 5,
  );
  assert.equal(result.window.sent, 100);
  assert.equal(result.window.acked, 100);
  assert.equal(result.drain.acked, 0);
});

Deno.test("generator: by intended second, a stall's damage stays in the seconds it hit", async () => {
  const rate = { kind: "constant", perSecond: 50 } as const;
  // Events intended in second 1 are held until 2.8 s; the others answer at once.
  const answerAt = (t: number) => (t >= 50 && t < 100 ? 2800 : t * 20 + 2);
  const { timeline } = await run({ rate, warmupMs: 0, durationMs: 3000 }, answerAt);
  const points = timeline.points();
  const second = (t: number) => points.find((p) => p.t === t)!;
  // By acknowledgement time, second 1 holds none of its own events: only what second 0 left
  // (its last answers, when the machine is slow), exactly; its 50 come from 2.8 s on …
  assert.equal(second(0).acked + second(1).acked, 50, "second 0's events, and nothing else");
  const fromSecond2 = points.filter((p) => p.t >= 2).reduce((n, p) => n + p.acked, 0);
  assert.equal(fromSecond2, 100, "seconds 1 and 2's events, all acknowledged from 2 s on");
  // … by intended time, it holds 50 events acknowledged 0.8 to 1.8 s late.
  assert.deepEqual(
    { events: second(1).intended!.events, acked: second(1).intended!.acked },
    { events: 50, acked: 50 },
  );
  assert.ok(second(1).intended!.p50! > 1200, `p50 ${second(1).intended!.p50}`);
  assert.ok(second(1).intended!.max! > 1750, `max ${second(1).intended!.max}`);
  assert.ok(second(0).intended!.p99! < 500, `p99 ${second(0).intended!.p99}`);
  assert.equal(second(2).intended!.events, 50);
});

Deno.test("generator: events not sent at the outstanding bound are counted by intended second", async () => {
  const rate = { kind: "constant", perSecond: 100 } as const;
  // Nothing is answered before 1.5 s; at most 20 outstanding: the rest of second 0 is not sent.
  const { timeline, ledger } = await run(
    { rate, warmupMs: 0, durationMs: 1000 },
    () => 1500,
    { kind: "pipelined", maxOutstanding: 20 },
  );
  const first = timeline.points()[0].intended!;
  assert.equal(first.events, 100);
  assert.equal(first.notSent, 80);
  assert.equal(first.acked, 20);
  assert.equal(ledger.counts().notSent, 80);
});

Deno.test("generator: sync sends keep one event outstanding, late events wait and their latency shows it", async () => {
  const rate = { kind: "constant", perSecond: 100 } as const;
  const deliveries = new DeliveryRouter();
  const startEpochMs = Date.now() + 50;
  let inFlight = 0, maxInFlight = 0, offset = 0;
  const driver: ProducerDriver = {
    ...fakeDriver(deliveries, startEpochMs, () => 0),
    send(record: OutRecord) {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      setTimeout(() => { // each send takes 30 ms: three times the gap between events
        inFlight--;
        deliveries.onDelivery({
          token: record.token,
          partition: 0,
          offset: offset++,
          status: "persisted",
        });
      }, 30);
    },
  };
  const fromIntended = new LatencyRecorder();
  const ledger = new Ledger(10_000);
  const result = await runLoad({
    load: {
      rate,
      warmupMs: 0,
      durationMs: 500,
      keys: { kind: "none" },
      messageSize: 64,
      send: { kind: "sync", maxOutstanding: 1000 },
    },
    send: { kind: "sync", maxOutstanding: 1000 },
    driver,
    deliveries,
    runId: newRunId(),
    variantIndex: 0,
    recorders: recorders(startEpochMs, { ledger, fromIntended }),
    startEpochMs,
    drainMs: 5000,
  });
  assert.equal(maxInFlight, 1);
  assert.equal(ledger.counts().acked, 50);
  assert.equal(result.outstandingAtEnd, 0);
  // The 50th event is due at 490 ms but waits behind 49 sends of 30 ms: about 1 s late.
  assert.ok(fromIntended.summary().max > 900, `max ${fromIntended.summary().max}`);
});

Deno.test("generator: without per-event latencies (a compact run), latency from send and the counts are the same", async () => {
  const rate = { kind: "constant", perSecond: 100 } as const;
  const load = { rate, warmupMs: 0, durationMs: 1000 };
  // Answered 20 ms after the intended time, every tenth one 300 ms after.
  const answerAt = (t: number) => t * 10 + (t % 10 === 0 ? 300 : 20);
  const full = await run(load, answerAt);
  const fromSend = new LatencyRecorder();
  const compact = await run(load, answerAt, undefined, 3000, {
    ledger: new CompactLedger(10_000),
    fromSend,
  });
  assert.equal(compact.result.latencies, null);
  assert.ok(full.result.latencies !== null);
  assert.deepEqual(compact.ledger.counts(), full.ledger.counts());
  // One latency from send per acknowledged event, from the hand-off times kept meanwhile
  // (bounds loose enough for a busy machine's late timers).
  const s = fromSend.summary();
  assert.equal(s.count, 100);
  assert.ok(s.p50 < 150, `p50 from send ${s.p50} ms`);
  assert.ok(s.max >= 200, `max from send ${s.max} ms`);
});

Deno.test("generator: events falling due during a burst of delivery reports go out within the burst", async () => {
  // 2,000 events/s; every answer is held until 600 ms, then all come in one synchronous burst
  // that lasts about 30 ms (as a client hands over one batch's reports at a time).
  const rate = { kind: "constant", perSecond: 2000 } as const;
  const deliveries = new DeliveryRouter();
  const startEpochMs = Date.now() + 50;
  const held: number[] = [];
  let inBurst = false;
  let sentInBurst = 0;
  let offset = 0;
  const answer = (token: number) =>
    deliveries.onDelivery({ token, partition: 0, offset: offset++, status: "persisted" });
  const driver: ProducerDriver = {
    ...fakeDriver(deliveries, startEpochMs, () => 0),
    send(record: OutRecord) {
      if (inBurst) sentInBurst++;
      held.push(record.token);
    },
    purge() {
      // Whatever is still held is answered by the purge, as a client would.
      held.splice(0).forEach(answer);
      return Promise.resolve();
    },
  };
  setTimeout(() => {
    const tokens = held.splice(0);
    const perReport = 30 / tokens.length;
    inBurst = true;
    for (const token of tokens) {
      const until = performance.now() + perReport;
      while (performance.now() < until) { /* the client's own work per report */ }
      answer(token);
    }
    inBurst = false;
  }, startEpochMs + 600 - Date.now());
  const ledger = new Ledger(10_000);
  const send = { kind: "pipelined", maxOutstanding: 100_000 } as const;
  await runLoad({
    load: { rate, warmupMs: 0, durationMs: 1000, send, keys: { kind: "none" }, messageSize: 64 },
    send,
    driver,
    deliveries,
    runId: newRunId(),
    variantIndex: 0,
    recorders: recorders(startEpochMs, { ledger }),
    startEpochMs,
    drainMs: 0,
  });
  // About 60 events fall due during the 30 ms burst; waiting for its end would have sent none.
  assert.ok(sentInBurst >= 20, `${sentInBurst} events handed over during the burst`);
  assert.equal(ledger.counts().acked, 2000);
});
