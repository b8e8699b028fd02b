/** A consumer group's end-to-end latency and lag, from the records' events and the members' logs. */
import assert from "node:assert/strict";
import { encodeEvent } from "../../lib/load/payload.ts";
import { endToEnd, OffsetSeqs } from "../../lib/run/consumer_group.ts";
import type { ProcessingEntry } from "../../lib/verify/processing.ts";

const RUN = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const START = 1_000_000;

Deno.test("end to end: from each event's intended time to its first processing; lag per second", () => {
  // Events 0-3, one every 500 ms, in partitions 0 and 1 by parity; a foreign record at 1:2.
  const seqs = new OffsetSeqs([{ partition: 0, start: 0, end: 2 }, {
    partition: 1,
    start: 0,
    end: 3,
  }], RUN);
  const value = (seq: number) => encodeEvent({ runId: RUN, variant: 0, seq, intendedUs: 0 }, 48);
  seqs.observe(0, 0, value(0));
  seqs.observe(1, 0, value(1));
  seqs.observe(0, 1, value(2));
  seqs.observe(1, 1, value(3));
  seqs.observe(1, 2, new Uint8Array(48));
  assert.equal(seqs.seqAt(1, 1), 3);
  assert.equal(seqs.seqAt(1, 2), undefined);
  const done = (partition: number, offset: number, atMs: number): ProcessingEntry => ({
    member: 0,
    partition,
    offset,
    outcome: "processed",
    atMs: START + atMs,
  });
  const entries = [
    done(0, 0, 100), // event 0, intended at 0: 100 ms
    done(1, 0, 600), // event 1, intended at 500: 100 ms
    done(0, 1, 2_400), // event 2, intended at 1,000: 1,400 ms
    done(0, 1, 2_900), // processed again: not counted
    done(1, 1, 3_500), // event 3, intended at 1,500: 2,000 ms
  ];
  const { latency, lag } = endToEnd(
    entries,
    { seqs, intendedEpochMs: (seq) => START + seq * 500, ackedEpochMs: () => null },
    START,
    START + 4_000,
  );
  assert.equal(latency!.count, 4);
  assert.ok(Math.abs(latency!.p50 - 100) < 1, `p50 ${latency!.p50}`);
  assert.ok(Math.abs(latency!.max - 2_000) < 2, `max ${latency!.max}`);
  // Intended by second: 0:[0,1] 1:[2,3]; first processed: 0:[0] 0:[1]→600 ms, 2:[2], 3:[3].
  assert.deepEqual(lag, [
    { t: 0, records: 0 },
    { t: 1, records: 2 },
    { t: 2, records: 1 },
    { t: 3, records: 0 },
    { t: 4, records: 0 },
  ]);
});
