/**
 * Segments: `i/N` parsing, shares that cover every event exactly once, and the generator
 * emitting only its share at the whole load's intended times.
 */
import assert from "node:assert/strict";
import {
  eventsOf,
  firstOwnedFrom,
  type LoadSegment,
  ownsEvent,
  parseSegment,
  segmentLabel,
} from "../../lib/load/segment.ts";
import { DeliveryRouter, runLoad, segmentEventsPerSecond } from "../../lib/load/generator.ts";
import { createSchedule, eventsPerSecond } from "../../lib/load/schedule.ts";
import { Ledger } from "../../lib/verify/ledger.ts";
import { LatencyRecorder } from "../../lib/metrics/latency.ts";
import { TimelineRecorder } from "../../lib/metrics/timeline.ts";
import { decodeEvent, newRunId } from "../../lib/load/payload.ts";
import type { DriverOptions } from "../../lib/clients/contract.ts";
import { fakeDriver, MemoryLog } from "./run_helpers.ts";
import type { LoadPlan } from "../../lib/scenario/types.ts";

Deno.test("segment: i/N parses, and what is not a share is refused with the reason", () => {
  assert.deepEqual(parseSegment("2/4"), { index: 2, count: 4 });
  assert.deepEqual(parseSegment(" 1 / 1 "), { index: 1, count: 1 });
  assert.equal(segmentLabel(parseSegment("3/8")), "3/8");
  assert.throws(() => parseSegment("0/4"), /i must be 1 to N \(4\)/);
  assert.throws(() => parseSegment("5/4"), /i must be 1 to N/);
  assert.throws(() => parseSegment("1/0"), /N must be 1 to 1024/);
  assert.throws(() => parseSegment("2"), /not of the form i\/N/);
  assert.throws(() => parseSegment("1/2/3"), /not of the form i\/N/);
  assert.throws(() => parseSegment("-1/2"), /not of the form i\/N/);
});

Deno.test("segment: the N shares cover every event exactly once, and count what they own", () => {
  for (const count of [1, 2, 3, 4, 7]) {
    for (const total of [0, 1, 5, 6, 7, 100, 101]) {
      const owners = new Array(total).fill(0);
      let counted = 0;
      for (let index = 1; index <= count; index++) {
        const segment: LoadSegment = { index, count };
        let owned = 0;
        for (let seq = 0; seq < total; seq++) {
          if (ownsEvent(segment, seq)) {
            owners[seq]++;
            owned++;
          }
        }
        assert.equal(eventsOf(segment, total), owned, `${index}/${count} of ${total}`);
        counted += owned;
        for (let seq = 0; seq < total; seq++) {
          const first = firstOwnedFrom(segment, seq);
          assert.ok(first >= seq && first < seq + count && ownsEvent(segment, first));
        }
      }
      assert.equal(counted, total);
      assert.ok(owners.every((n) => n === 1), `every event in one share (${count}, ${total})`);
    }
  }
});

Deno.test("segment: each second's intended events split over the shares add up to the whole", () => {
  const schedule = createSchedule({ kind: "ramp", from: 7, to: 53 }, 10_000);
  const whole = eventsPerSecond(schedule, 10_000);
  const shares = [1, 2, 3].map((index) => segmentEventsPerSecond(whole, { index, count: 3 }));
  assert.deepEqual(whole.map((_, t) => shares.reduce((s, share) => s + share[t], 0)), whole);
  assert.deepEqual(segmentEventsPerSecond(whole, { index: 1, count: 1 }), whole);
});

/** Run a 300-event load (1,000/s) with `segment`; what the driver was handed, and the result. */
async function runShare(segment?: LoadSegment) {
  const deliveries = new DeliveryRouter();
  const startEpochMs = Date.now() + 50;
  const runId = newRunId();
  const log = new MemoryLog();
  const driver = fakeDriver(log, {
    onDelivery: deliveries.onDelivery,
  } as DriverOptions);
  const load: LoadPlan = {
    rate: { kind: "constant", perSecond: 1000 },
    warmupMs: 0,
    durationMs: 300,
    send: { kind: "pipelined", maxOutstanding: 10_000 },
    keys: { kind: "none" },
    messageSize: 64,
  };
  const ledger = new Ledger(300);
  const timeline = new TimelineRecorder(startEpochMs);
  const result = await runLoad({
    load,
    send: load.send,
    driver,
    deliveries,
    runId,
    variantIndex: 0,
    recorders: {
      ledger,
      fromIntended: new LatencyRecorder(),
      fromSend: new LatencyRecorder(),
      dispatchLag: new LatencyRecorder(),
      timeline,
    },
    startEpochMs,
    drainMs: 1000,
    segment,
  });
  // What the driver was handed, in sequence order.
  const handed = log.partitions.flat().map((r) => decodeEvent(r.value, runId)!)
    .sort((a, b) => a.seq - b.seq).map((e) => ({ token: e.seq, intendedUs: e.intendedUs }));
  return { handed, result, ledger, timeline, startEpochMs };
}

Deno.test("generator: a segment emits its share only, each event at the whole load's intended time", async () => {
  const schedule = createSchedule({ kind: "constant", perSecond: 1000 }, 300);
  const share = await runShare({ index: 2, count: 3 });
  assert.deepEqual(
    share.handed.map((h) => h.token),
    Array.from({ length: 100 }, (_, i) => 3 * i + 1),
  );
  for (const h of share.handed) {
    assert.equal(h.intendedUs, (share.startEpochMs + schedule.timeOf(h.token)) * 1000);
  }
  assert.equal(share.result.intended, 100);
  assert.deepEqual(share.ledger.counts(), {
    intended: 100,
    sent: 100,
    acked: 100,
    failed: 0,
    notSent: 0,
  });
  assert.equal(share.ledger.status(0), "unused", "another share's event is left unmarked");
  assert.equal(share.timeline.points()[0].intended?.events, 100);

  const whole = await runShare();
  assert.equal(whole.handed.length, 300);
  assert.equal(whole.result.intended, 300);
});
