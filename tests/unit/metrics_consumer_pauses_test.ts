/** A consumer group fault's cost in time: per partition pauses, and the time to reassign. */
import assert from "node:assert/strict";
import { longestStalls, pausesAround, reassignedAfter } from "../../lib/metrics/consumer_pauses.ts";
import type { ProcessingEntry } from "../../lib/verify/processing.ts";

const done = (member: number, partition: number, atMs: number): ProcessingEntry => ({
  member,
  partition,
  offset: atMs,
  outcome: "processed",
  atMs,
});

Deno.test("pauses: each partition's last record before the fault to its first after", () => {
  // Member 0 (partitions 0 and 1) dies at 10,000; member 1 keeps partition 2 going and takes
  // partition 0 at 22,000 (session timeout and rebalance); partition 1 never goes on.
  const entries = [
    ...[9_000, 9_800].map((t) => done(0, 0, t)),
    done(0, 1, 9_500),
    ...[9_000, 10_000, 10_500, 11_000].map((t) => done(1, 2, t)),
    done(1, 0, 22_000),
    done(1, 0, 22_050),
  ];
  assert.deepEqual(pausesAround(entries, 10_000, [0, 1, 2, 3]), [
    { partition: 0, lastBeforeMs: 9_800, firstAfterMs: 22_000, pauseMs: 12_200 },
    { partition: 1, lastBeforeMs: 9_500, firstAfterMs: null, pauseMs: null },
    { partition: 2, lastBeforeMs: 10_000, firstAfterMs: 10_500, pauseMs: 500 },
    { partition: 3, lastBeforeMs: null, firstAfterMs: null, pauseMs: null },
  ]);
});

Deno.test("reassignment: how long until another member holds each partition of the one gone", () => {
  const changes = [
    { member: 0, partitions: [0, 1], atMs: 0 },
    { member: 1, partitions: [2], atMs: 0 },
    // Member 0 dies at 10,000; its own last word does not count, nor what came before.
    { member: 0, partitions: [], atMs: 10_100 },
    { member: 1, partitions: [0, 2], atMs: 21_700 },
    { member: 2, partitions: [0, 1], atMs: 25_000 },
  ];
  assert.deepEqual(
    [...reassignedAfter(changes, 10_000, 0, [0, 1, 3])],
    [[0, 11_700], [1, 15_000], [3, null]],
  );
});

Deno.test("stalls: the longest gap after a fault, on every partition, even one that came later", () => {
  // A member leaves at 10,000. Partition 0 (its own) goes on at 13,000; partition 1 (another
  // member's) keeps going until the rebalance reaches it at 11,000, then stops until 14,000;
  // partition 2 never goes on; partition 3 had nothing before the fault.
  const entries = [
    ...[9_000, 9_900].map((t) => done(0, 0, t)),
    ...[13_000, 13_100].map((t) => done(2, 0, t)),
    ...[9_950, 10_500, 11_000, 14_000, 14_100].map((t) => done(1, 1, t)),
    done(0, 2, 9_000),
    ...[12_000, 12_400, 30_000].map((t) => done(1, 3, t)),
  ];
  assert.deepEqual(longestStalls(entries, 10_000, 20_000, [0, 1, 2, 3]), [
    { partition: 0, pauseMs: 3_100, fromMs: 9_900 },
    { partition: 1, pauseMs: 3_000, fromMs: 11_000 },
    // Never went on: stalled from its last record until the window's end at least.
    { partition: 2, pauseMs: 11_000, fromMs: 9_000 },
    // Its first record after the fault starts the chain; 30,000 is past the window.
    { partition: 3, pauseMs: 400, fromMs: 12_000 },
  ]);
  // The same records seen by pausesAround: partition 1 looks barely touched (550 ms).
  assert.equal(pausesAround(entries, 10_000, [1])[0].pauseMs, 550);
});

Deno.test("stalls: a gap with nothing written to the partition is not the consumer's", () => {
  // The partition's leader dies at 10,000: nothing is written to it until a new leader takes
  // over at 17,000; a rebalance then stops the group from 18,000 to 28,000.
  const entries = [
    done(0, 0, 9_900), // offset 9,900, written long before
    { ...done(0, 0, 28_000), offset: 17_000 }, // written at 17,000, read after the rebalance
    { ...done(0, 0, 28_010), offset: 17_001 },
  ];
  const writtenAt = (partition: number, offset: number) =>
    partition === 0 && offset >= 17_000 ? offset : null;
  assert.deepEqual(longestStalls(entries, 10_000, 40_000, [0], writtenAt), [
    { partition: 0, pauseMs: 11_000, fromMs: 17_000 },
  ]);
  // Without the write times, the leader's death counts as the consumer's pause.
  assert.deepEqual(longestStalls(entries, 10_000, 40_000, [0]), [
    { partition: 0, pauseMs: 18_100, fromMs: 9_900 },
  ]);
  // A record written before the previous one finished: the whole gap counts.
  const early = (_p: number, _o: number) => 5_000;
  assert.equal(longestStalls(entries, 10_000, 40_000, [0], early)[0].pauseMs, 18_100);
});

Deno.test("stalls: a partition with nothing finished after the fault waits from its next record's writing", () => {
  // Offset 9,900 finished at 9,900; the next record (offset 9,901) was written at 25,000 only:
  // the partition's leader was dead until then. Nothing more was finished until 40,000.
  const entries = [done(0, 0, 9_900)];
  const writtenAt = (_p: number, offset: number) => offset === 9_901 ? 25_000 : null;
  assert.deepEqual(longestStalls(entries, 10_000, 40_000, [0], writtenAt), [
    { partition: 0, pauseMs: 15_000, fromMs: 25_000 },
  ]);
  // Unknown (never acknowledged): waiting all along, as without the write times.
  assert.deepEqual(longestStalls(entries, 10_000, 40_000, [0], () => null), [
    { partition: 0, pauseMs: 30_100, fromMs: 9_900 },
  ]);
  // Written after the window: nothing waited in it.
  assert.deepEqual(longestStalls(entries, 10_000, 40_000, [0], () => 45_000), [
    { partition: 0, pauseMs: 0, fromMs: 40_000 },
  ]);
});
