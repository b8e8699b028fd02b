import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { Ajv } from "ajv";
import { Ledger } from "../../lib/verify/ledger.ts";
import { Verifier } from "../../lib/verify/verifier.ts";
import { encodeEvent } from "../../lib/load/payload.ts";
import type { KeySpace } from "../../lib/scenario/types.ts";
import type { VerificationCounts } from "../../lib/report/types.ts";
import { prng } from "./prng.ts";

const RUN_ID = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const OTHER_RUN = new Uint8Array([8, 7, 6, 5, 4, 3, 2, 1]);
const NONE: KeySpace = { kind: "none" };

function value(seq: number, variant = 0, runId = RUN_ID): Uint8Array {
  return encodeEvent({ runId, variant, seq, intendedUs: 1e15 + seq }, 48);
}

const ZERO: VerificationCounts = {
  ok: 0,
  lost: 0,
  duplicated: 0,
  duplicates: 0,
  phantom: 0,
  failedAbsent: 0,
  reordered: 0,
  foreign: 0,
  unverified: 0,
};

/** Counts with the given classes set and every other class zero. */
function counts(nonZero: Partial<VerificationCounts>): VerificationCounts {
  return { ...ZERO, ...nonZero };
}

/** A topic log: records per partition in offset order. */
class Log {
  partitions: { seq: number; value: Uint8Array | null }[][];
  constructor(partitions: number) {
    this.partitions = Array.from({ length: partitions }, () => []);
  }
  /** Append event `seq` to `partition`; returns its offset. */
  append(partition: number, seq: number, v: Uint8Array | null = value(seq)): number {
    this.partitions[partition].push({ seq, value: v });
    return this.partitions[partition].length - 1;
  }
  /** Feed partitions one after another. */
  feed(verifier: Verifier): void {
    this.partitions.forEach((records, partition) =>
      records.forEach((r, offset) => verifier.observe(partition, String(offset), null, r.value))
    );
  }
}

/** Send and ack events `0 … n-1`, appending each to partition `seq % partitions`. */
function ackedRun(n: number, partitions: number, capacity = n) {
  const ledger = new Ledger(capacity);
  const log = new Log(partitions);
  for (let seq = 0; seq < n; seq++) {
    ledger.markSent(seq);
    const partition = seq % partitions;
    ledger.markAcked(seq, partition, log.append(partition, seq));
  }
  return { ledger, log };
}

function verifier(
  ledger: Ledger,
  partitions: number,
  keys: KeySpace = NONE,
  samplesPerClass = 5,
  producers = 1,
) {
  return new Verifier(ledger, {
    runId: RUN_ID,
    variant: 0,
    keys,
    partitions,
    samplesPerClass,
    producers,
  });
}

Deno.test("verifier: a clean run is all ok", () => {
  const { ledger, log } = ackedRun(20, 3);
  const v = verifier(ledger, 3);
  log.feed(v);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 20 }));
  deepStrictEqual(report.samples, {});
  strictEqual(report.recordsRead, 20);
  deepStrictEqual(report.unreadablePartitions, []);
});

Deno.test("verifier: lost = acked and never read", () => {
  const { ledger, log } = ackedRun(10, 2);
  log.partitions[1].splice(1, 1); // seq 3 (partition 1, offset 1)
  log.partitions[0].splice(4, 1); // seq 8 (partition 0, offset 4)
  const v = verifier(ledger, 2);
  log.feed(v);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 8, lost: 2 }));
  deepStrictEqual(report.samples.lost, [
    { seq: 3, partition: 1, offset: "1", key: null, detail: "acked, never read" },
    { seq: 8, partition: 0, offset: "4", key: null, detail: "acked, never read" },
  ]);
});

Deno.test("verifier: duplicated counts events, duplicates counts extra copies", () => {
  const { ledger, log } = ackedRun(10, 1);
  log.append(0, 2);
  log.append(0, 2);
  log.append(0, 5);
  const v = verifier(ledger, 1);
  log.feed(v);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 8, duplicated: 2, duplicates: 3 }));
  deepStrictEqual(
    report.samples.duplicated!.map(({ facts: _, ...s }) => s),
    [
      {
        seq: 2,
        partition: 0,
        offset: "10",
        key: null,
        detail: "read 3 times (acked at 0/2); copies at 0/2, 0/10, 0/11",
      },
      {
        seq: 5,
        partition: 0,
        offset: "12",
        key: null,
        detail: "read 2 times (acked at 0/5); copies at 0/5, 0/12",
      },
    ],
  );
  strictEqual(v.readsOf(2), 3);
});

Deno.test("verifier: read counts beyond 254 stay exact", () => {
  const { ledger, log } = ackedRun(2, 1);
  for (let i = 0; i < 299; i++) log.append(0, 1);
  const v = verifier(ledger, 1);
  log.feed(v);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 1, duplicated: 1, duplicates: 299 }));
  strictEqual(v.readsOf(1), 300);
  // Copies are listed up to 16, then "…".
  const copies = Array.from({ length: 16 }, (_, i) => `0/${i + 1}`).join(", ");
  strictEqual(
    report.samples.duplicated![0].detail,
    `read 300 times (acked at 0/1); copies at ${copies}, …`,
  );
});

Deno.test("verifier: phantom = failed or pending, yet read", () => {
  const ledger = new Ledger(4);
  const log = new Log(1);
  for (let seq = 0; seq < 4; seq++) ledger.markSent(seq);
  ledger.markAcked(0, 0, log.append(0, 0));
  ledger.markFailed(1, "Request timed out");
  log.append(0, 1);
  log.append(0, 2); // seq 2 stays pending
  ledger.markFailed(3, "Request timed out"); // honest failure
  const v = verifier(ledger, 1);
  log.feed(v);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 1, phantom: 2, failedAbsent: 1 }));
  deepStrictEqual(report.samples.phantom, [
    { seq: 1, partition: 0, offset: "1", key: null, detail: "Request timed out" },
    { seq: 2, partition: 0, offset: "2", key: null, detail: "no answer from the producer" },
  ]);
  deepStrictEqual(report.samples.failedAbsent, [
    { seq: 3, partition: null, offset: null, key: null, detail: "Request timed out" },
  ]);
});

Deno.test("verifier: failedAbsent = failed or pending and absent", () => {
  const ledger = new Ledger(3);
  for (let seq = 0; seq < 3; seq++) ledger.markSent(seq);
  ledger.markFailed(0, "broker gone");
  ledger.markFailed(1, "broker gone");
  const v = verifier(ledger, 2);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ failedAbsent: 3 }));
  strictEqual(report.samples.failedAbsent![2].detail, "no answer from the producer");
});

Deno.test("verifier: an unreadable partition makes its unread events unverified", () => {
  const { ledger, log } = ackedRun(12, 3, 14);
  ledger.markSent(12);
  ledger.markFailed(12, "boom");
  ledger.markSent(13); // pending
  log.partitions[1].length = 2; // partition 1 read partly: seqs 7 and 10 unread
  log.partitions[2].splice(0, 1); // seq 2 lost in a readable partition
  const v = verifier(ledger, 3);
  log.feed(v);
  v.markUnreadable(1);
  const report = v.finish();
  // Failed/pending absent events: destination unknown while a partition is unreadable.
  deepStrictEqual(report.counts, counts({ ok: 9, lost: 1, unverified: 4 }));
  deepStrictEqual(report.unreadablePartitions, [1]);
  deepStrictEqual(report.samples.unverified!.map((s) => s.seq), [7, 10, 12, 13]);
  strictEqual(report.samples.unverified![0].detail, "acked in unreadable partition 1");
  strictEqual(
    report.samples.unverified![2].detail,
    "boom; partition unknown and a partition is unreadable",
  );
});

Deno.test("verifier: reordered per partition when events carry no key", () => {
  const ledger = new Ledger(6);
  const log = new Log(2);
  // Partition 0 holds 0, 3, 1, 2; partition 1 holds 4, 5.
  for (const [seq, partition] of [[0, 0], [3, 0], [1, 0], [2, 0], [4, 1], [5, 1]]) {
    ledger.markSent(seq);
    ledger.markAcked(seq, partition, log.append(partition, seq));
  }
  const v = verifier(ledger, 2);
  // Partition 1 first: a higher sequence in another partition does not reorder.
  log.partitions[1].forEach((r, offset) => v.observe(1, String(offset), null, r.value));
  log.partitions[0].forEach((r, offset) => v.observe(0, String(offset), null, r.value));
  const report = v.finish();
  // 0, 3, 1, 2: one event out of place (3), not two read after it.
  deepStrictEqual(report.counts, counts({ ok: 5, reordered: 1 }));
  deepStrictEqual(report.samples.reordered, [
    { seq: 3, partition: 0, offset: "1", key: null, detail: "before seq 1" },
  ]);
});

Deno.test("verifier: reordered per key with fixed keys", () => {
  const keys: KeySpace = { kind: "fixed", count: 2 };
  const order = [1, 3, 0, 2, 6, 4, 5];
  const ledger = new Ledger(7);
  const log = new Log(1);
  for (const seq of order) {
    ledger.markSent(seq);
    ledger.markAcked(seq, 0, log.append(0, seq));
  }
  const v = verifier(ledger, 1, keys);
  log.feed(v);
  const report = v.finish();
  // k1: 1, 3, 5 in order. k0: 0, 2, 6, 4: only 4 is read after a higher sequence.
  deepStrictEqual(report.counts, counts({ ok: 6, reordered: 1 }));
  deepStrictEqual(report.samples.reordered, [
    { seq: 4, partition: 0, offset: "5", key: "k0", detail: "after seq 6" },
  ]);
  // The same log without keys: 1, 3, 0, 2, 6, 4, 5 keeps 4 in order (e.g. 1, 2, 4, 5).
  const unkeyed = verifier(ledger, 1, NONE);
  log.feed(unkeyed);
  deepStrictEqual(unkeyed.finish().counts, counts({ ok: 4, reordered: 3 }));
});

Deno.test("verifier: per-event keys order by partition", () => {
  const ledger = new Ledger(3);
  const log = new Log(1);
  for (const seq of [2, 0, 1]) {
    ledger.markSent(seq);
    ledger.markAcked(seq, 0, log.append(0, seq));
  }
  const v = verifier(ledger, 1, { kind: "per-event" });
  log.feed(v);
  const report = v.finish();
  // 2, 0, 1: 0 and 1 are in order, 2 is the one out of place.
  deepStrictEqual(report.counts, counts({ ok: 2, reordered: 1 }));
  deepStrictEqual(report.samples.reordered!.map((s) => s.key), ["e2"]);
});

Deno.test("verifier: only the first copy counts for ordering", () => {
  const { ledger, log } = ackedRun(4, 1);
  log.append(0, 1); // redelivered copy of 1 after 3: a duplicate, not a reorder
  const v = verifier(ledger, 1);
  log.feed(v);
  deepStrictEqual(v.finish().counts, counts({ ok: 3, duplicated: 1, duplicates: 1 }));
});

Deno.test("verifier: a reordered acked event is not ok, a reordered phantom stays phantom", () => {
  const ledger = new Ledger(5);
  const log = new Log(1);
  // Read 0, 2, 1, 4, 3: 0, 2, 4 stay in place; 1 (failed, yet written) and 3 (acked) are late.
  for (let seq = 0; seq < 5; seq++) ledger.markSent(seq);
  for (const seq of [0, 2, 1, 4, 3]) {
    if (seq === 1) {
      ledger.markFailed(1, "x");
      log.append(0, 1);
    } else {
      ledger.markAcked(seq, 0, log.append(0, seq));
    }
  }
  const v = verifier(ledger, 1);
  log.feed(v);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 3, phantom: 1, reordered: 2 }));
  deepStrictEqual(report.samples.reordered!.map((s) => [s.seq, s.detail]), [
    [1, "after seq 2"],
    [3, "after seq 4"],
  ]);
  strictEqual(v.isReordered(1), true);
  strictEqual(v.isReordered(2), false);
});

Deno.test("verifier: foreign records are counted per record", () => {
  const ledger = new Ledger(4);
  const log = new Log(1);
  ledger.markSent(0);
  ledger.markAcked(0, 0, log.append(0, 0));
  ledger.markNotSent(1);
  log.append(0, -1, value(0, 0, OTHER_RUN)); // another run
  log.append(0, -1, value(0, 1)); // another variant of this run
  log.append(0, -1, new TextEncoder().encode("hello")); // not sismo
  log.append(0, -1, null); // tombstone
  log.append(0, -1, value(1)); // never sent
  log.append(0, -1, value(3)); // unused
  log.append(0, -1, value(99)); // beyond the ledger
  const v = verifier(ledger, 1, NONE, 10);
  log.feed(v);
  v.observe(0, "9", new TextEncoder().encode("some-key"), value(0, 0, OTHER_RUN));
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 1, foreign: 8 }));
  deepStrictEqual(report.samples.foreign!.map((s) => [s.seq, s.offset, s.detail]), [
    [-1, "1", "not written by this run"],
    [0, "2", "written by variant 1 of this run"],
    [-1, "3", "not written by this run"],
    [-1, "4", "not written by this run"],
    [1, "5", "sequence 1 was never sent"],
    [3, "6", "sequence 3 was never sent"],
    [99, "7", "sequence 99 outside the ledger"],
    [-1, "9", "not written by this run"],
  ]);
  strictEqual(report.samples.foreign![7].key, "some-key");
  strictEqual(report.recordsRead, 9);
});

Deno.test("verifier: a late ack after failure is classified by the log", () => {
  const ledger = new Ledger(3);
  const log = new Log(2);
  for (let seq = 0; seq < 3; seq++) ledger.markSent(seq);
  ledger.markFailed(0, "Request timed out");
  ledger.markAcked(0, 0, log.append(0, 0)); // in the log: phantom
  ledger.markFailed(1, "Request timed out");
  ledger.markAcked(1, 0, 1); // acked late but absent: failedAbsent
  ledger.markAcked(2, 1, log.append(1, 2));
  const v = verifier(ledger, 2);
  log.feed(v);
  // Partition 1 is unreadable but event 1's late ack says partition 0: still checkable.
  v.markUnreadable(1);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 1, phantom: 1, failedAbsent: 1 }));
  strictEqual(ledger.ackedAfterFailure, 2);
  strictEqual(report.samples.phantom![0].detail, "Request timed out; acked late at 0/0");
  deepStrictEqual(report.samples.failedAbsent, [
    {
      seq: 1,
      partition: 0,
      offset: "1",
      key: null,
      detail: "Request timed out; acked late at 0/1",
    },
  ]);
  strictEqual(report.misplaced, 0);
  deepStrictEqual(report.misplacedSamples, []);
});

Deno.test("verifier: a read in another partition than the ack is misplaced, outside the counts", () => {
  const { ledger } = ackedRun(2, 2);
  const v = verifier(ledger, 2);
  v.observe(0, "0", null, value(0));
  v.observe(0, "1", null, value(1)); // acked in partition 1 at offset 0
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 2 }));
  strictEqual(report.misplaced, 1);
  deepStrictEqual(report.misplacedSamples, [
    { seq: 1, key: null, ackPartition: 1, ackOffset: "0", partition: 0, offset: "1" },
  ]);
});

Deno.test("verifier: samples are capped per class", () => {
  const { ledger, log } = ackedRun(30, 1);
  log.partitions[0].length = 10;
  const v = verifier(ledger, 1, NONE, 3);
  log.feed(v);
  const report = v.finish();
  strictEqual(report.counts.lost, 20);
  deepStrictEqual(report.samples.lost!.map((s) => s.seq), [10, 11, 12]);
});

Deno.test("verifier: bad partitions throw", () => {
  const { ledger } = ackedRun(1, 1);
  const v = verifier(ledger, 2);
  throws(() => v.observe(2, "0", null, value(0)), RangeError);
  throws(() => v.markUnreadable(-1), RangeError);
  throws(() => verifier(ledger, 0), RangeError);
});

Deno.test("verifier: memory stays within 16 bytes per event", () => {
  const n = 8000;
  // Per event: ledger 12, reads 1, replaced-top link 1, two bits; far links: 2 × 64 × 4 bytes.
  const base = 12 + 1 + 1 + 2 / 8 + 512 / n;
  // Pile tops of every key side by side: 8000 bits, plus summary levels (250 + 8 + 1 words).
  const keyed = ackedRun(n, 4);
  const v = verifier(keyed.ledger, 4, { kind: "fixed", count: 16 });
  keyed.log.feed(v);
  v.finish();
  strictEqual(v.bytesPerEvent, base + (259 * 4) / n);
  strictEqual(v.bytesPerEvent <= 16, true);
  // Without keys: the same bit set once per partition read.
  const unkeyed = ackedRun(n, 4);
  const u = verifier(unkeyed.ledger, 4);
  unkeyed.log.feed(u);
  u.finish();
  strictEqual(u.bytesPerEvent, base + (4 * 259 * 4) / n);
  strictEqual(u.bytesPerEvent <= 16, true);
});

/**
 * Send and ack events in `order`, appending each to `partitionOf(seq)`: the log holds them in
 * send order, and every ack gives the record's real position.
 */
function sentInOrder(order: number[], partitions = 1, partitionOf = (_seq: number) => 0) {
  const ledger = new Ledger(Math.max(...order) + 1);
  const log = new Log(partitions);
  for (const seq of order) {
    ledger.markSent(seq);
    ledger.markAcked(seq, partitionOf(seq), log.append(partitionOf(seq), seq));
  }
  return { ledger, log };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

Deno.test("verifier: one early event is one event out of place (0, 99, 1 … 98)", () => {
  const { ledger, log } = sentInOrder([0, 99, ...range(1, 98)]);
  const v = verifier(ledger, 1);
  log.feed(v);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 99, reordered: 1 }));
  deepStrictEqual(report.samples.reordered, [
    { seq: 99, partition: 0, offset: "1", key: null, detail: "before seq 1" },
  ]);
  deepStrictEqual(range(0, 99).filter((seq) => v.isReordered(seq)), [99]);
});

Deno.test("verifier: a batch moved as a block counts its size", () => {
  // A retried batch 1 … 10 written after 11 … 20: the late batch is what is marked.
  const late = sentInOrder([0, ...range(11, 20), ...range(1, 10), ...range(21, 30)]);
  const v = verifier(late.ledger, 1, NONE, 20);
  late.log.feed(v);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 21, reordered: 10 }));
  deepStrictEqual(report.samples.reordered!.map((s) => s.seq), range(1, 10));
  deepStrictEqual(report.samples.reordered![0], {
    seq: 1,
    partition: 0,
    offset: "11",
    key: null,
    detail: "after seq 11",
  });
  // A batch written ahead of 15 events: it is the 5 out of place, not the 15 behind it.
  const early = sentInOrder([0, ...range(21, 25), ...range(1, 20), ...range(26, 30)]);
  const w = verifier(early.ledger, 1, NONE, 20);
  early.log.feed(w);
  const ahead = w.finish();
  deepStrictEqual(ahead.counts, counts({ ok: 26, reordered: 5 }));
  deepStrictEqual(ahead.samples.reordered!.map((s) => [s.seq, s.offset]), [
    [21, "1"],
    [22, "2"],
    [23, "3"],
    [24, "4"],
    [25, "5"],
  ]);
});

Deno.test("verifier: with fixed keys, events out of place are counted per key", () => {
  // Keys k0, k1, k2 interleaved in one partition. k0 in order; k1's last event (28) read
  // second; k2's first two events (2, 5) read last.
  const order = range(0, 29).filter((seq) => seq !== 28 && seq !== 2 && seq !== 5);
  order.splice(order.indexOf(1) + 1, 0, 28);
  order.push(2, 5);
  const { ledger, log } = sentInOrder(order);
  const keys: KeySpace = { kind: "fixed", count: 3 };
  const v = verifier(ledger, 1, keys);
  log.feed(v);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 27, reordered: 3 }));
  deepStrictEqual(range(0, 29).filter((seq) => v.isReordered(seq)), [2, 5, 28]);
  deepStrictEqual(report.samples.reordered!.map((s) => [s.seq, s.key, s.detail]), [
    [28, "k1", "before seq 4"],
    [2, "k2", "after seq 8"],
    [5, "k2", "after seq 11"],
  ]);
  // Two partitions holding keys apart: a key's order is its own, whatever the other does.
  const split = sentInOrder(order, 2, (seq) => seq % 3 === 1 ? 1 : 0);
  const w = verifier(split.ledger, 2, keys);
  split.log.feed(w);
  deepStrictEqual(w.finish().counts, counts({ ok: 27, reordered: 3 }));
});

Deno.test("verifier: only the first copy of an event counts for ordering, early or late", () => {
  // 5 is first read early; its second copy, in its place, does not put it back in order.
  const { ledger, log } = sentInOrder([0, 1, 5, 2, 3, 4, 6]);
  log.partitions[0].splice(6, 0, { seq: 5, value: value(5) });
  const v = verifier(ledger, 1);
  log.feed(v);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 6, duplicated: 1, duplicates: 1, reordered: 1 }));
  strictEqual(v.isReordered(5), true);
  strictEqual(report.samples.reordered![0].seq, 5);
});

Deno.test("verifier: misplaced compares each ack's partition and offset with the copies read", () => {
  const ledger = new Ledger(7);
  for (let seq = 0; seq < 7; seq++) ledger.markSent(seq);
  ledger.markAcked(0, 0, 0); // read at 0/0: in place
  ledger.markAcked(1, 1, 7); // read at 0/1: another partition
  ledger.markAcked(2, 0, 9); // read at 0/2: another offset
  ledger.markAcked(3, 0, 4); // a retried send: copies at 0/3 and 0/4, acked at the second
  ledger.markAcked(4, 1, 0); // read at 1/0: in place
  ledger.markFailed(5, "Request timed out");
  ledger.markAcked(5, 1, 9); // late ack at 1/9, read at 1/1
  ledger.markAcked(6, 0, 10); // never read: lost, not misplaced
  const log = new Log(2);
  for (const seq of [0, 1, 2, 3, 3]) log.append(0, seq);
  for (const seq of [4, 5]) log.append(1, seq);
  const v = verifier(ledger, 2);
  log.feed(v);
  const report = v.finish();
  deepStrictEqual(
    report.counts,
    counts({ ok: 4, lost: 1, duplicated: 1, duplicates: 1, phantom: 1 }),
  );
  strictEqual(report.misplaced, 3);
  deepStrictEqual(report.misplacedSamples, [
    { seq: 1, key: null, ackPartition: 1, ackOffset: "7", partition: 0, offset: "1" },
    { seq: 2, key: null, ackPartition: 0, ackOffset: "9", partition: 0, offset: "2" },
    { seq: 5, key: null, ackPartition: 1, ackOffset: "9", partition: 1, offset: "1" },
  ]);
});

Deno.test("verifier: an ack without offset (acks=0) is checked on its partition only", () => {
  const ledger = new Ledger(3);
  for (let seq = 0; seq < 3; seq++) {
    ledger.markSent(seq);
    ledger.markAcked(seq, seq === 2 ? 1 : 0, -1); // acks=0: the client reports offset -1
  }
  const log = new Log(2);
  for (const seq of [0, 1, 2]) log.append(0, seq); // 2 acked in partition 1
  const v = verifier(ledger, 2);
  log.feed(v);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 3 }));
  strictEqual(report.misplaced, 1);
  deepStrictEqual(report.misplacedSamples, [
    { seq: 2, key: null, ackPartition: 1, ackOffset: null, partition: 0, offset: "2" },
  ]);
});

/** Length of a longest strictly increasing subsequence (patience sorting, for the checks below). */
function longestIncreasing(values: number[]): number {
  const tops: number[] = [];
  for (const x of values) {
    let lo = 0;
    let hi = tops.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tops[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    tops[lo] = x;
  }
  return tops.length;
}

Deno.test("verifier: reordered and its marks match a brute-force count on random logs", () => {
  for (let trial = 0; trial < 300; trial++) {
    const random = prng(1000 + trial);
    const n = 1 + Math.floor(random() * (trial % 10 === 0 ? 1500 : 60));
    const partitions = 1 + Math.floor(random() * 3);
    const kind = trial % 3;
    const keys: KeySpace = kind === 0
      ? NONE
      : kind === 1
      ? { kind: "fixed", count: 1 + Math.floor(random() * 5) }
      : { kind: "per-event" };
    const keyCount = keys.kind === "fixed" ? keys.count : 1;
    // Some loads split over producers (--workers): each producer's order is judged apart.
    const producers = trial % 5 === 1 ? 3 : trial % 5 === 2 ? 2 : 1;
    let stride = keyCount;
    while (stride % producers !== 0) stride += keyCount;
    // Send order: shuffled, locally swapped, or with a block moved.
    const order = range(0, n - 1);
    const mode = trial % 4;
    if (mode === 0) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
    } else if (mode === 1) {
      for (let k = 0; k < n / 8; k++) {
        const i = Math.floor(random() * n);
        const j = Math.min(n - 1, i + Math.floor(random() * 20));
        [order[i], order[j]] = [order[j], order[i]];
      }
    } else if (mode === 2) {
      const block = order.splice(Math.floor(random() * n), Math.floor(random() * n));
      order.splice(Math.floor(random() * (order.length + 1)), 0, ...block);
    }
    const ledger = new Ledger(n);
    const log = new Log(partitions);
    for (const seq of order) {
      ledger.markSent(seq);
      let partition = keys.kind === "fixed"
        ? (seq % keyCount) % partitions
        : Math.floor(random() * partitions);
      if (random() < 0.03) partition = Math.floor(random() * partitions); // a stray key
      if (random() < 0.1) ledger.markFailed(seq, "x");
      else ledger.markAcked(seq, partition, log.partitions[partition].length);
      if (random() < 0.05) continue; // lost
      log.append(partition, seq);
      if (random() < 0.05) log.append(partition, seq); // duplicated
    }
    // Interleave partitions randomly; remember the first copies per ordering group.
    const v = verifier(ledger, partitions, keys, 5, producers);
    const groups = new Map<number, number[]>();
    const next = new Array(partitions).fill(0);
    let remaining = log.partitions.reduce((sum, p) => sum + p.length, 0);
    while (remaining > 0) {
      const p = Math.floor(random() * partitions);
      if (next[p] >= log.partitions[p].length) continue;
      const { seq, value } = log.partitions[p][next[p]];
      if (v.readsOf(seq) === 0) {
        const group = p * stride + seq % stride;
        groups.set(group, [...groups.get(group) ?? [], seq]);
      }
      v.observe(p, String(next[p]++), null, value);
      remaining--;
    }
    const report = v.finish();
    let outOfPlace = 0;
    for (const firstCopies of groups.values()) {
      const longest = longestIncreasing(firstCopies);
      outOfPlace += firstCopies.length - longest;
      // The unmarked first copies are one longest increasing subsequence.
      const kept = firstCopies.filter((seq) => !v.isReordered(seq));
      strictEqual(kept.length, longest, `trial ${trial}`);
      for (let i = 1; i < kept.length; i++) strictEqual(kept[i] > kept[i - 1], true);
    }
    strictEqual(report.counts.reordered, outOfPlace, `trial ${trial}`);
    for (const sample of report.samples.reordered ?? []) {
      strictEqual(v.isReordered(sample.seq), true);
    }
    // The accounting identity of the module doc.
    const c = report.counts;
    let acknowledgedNotOk = 0;
    for (let seq = 0; seq < n; seq++) {
      const reads = v.readsOf(seq);
      if (ledger.status(seq) === "acked" && reads >= 1 && (reads > 1 || v.isReordered(seq))) {
        acknowledgedNotOk++;
      }
    }
    strictEqual(
      ledger.counts().sent,
      c.ok + c.lost + c.phantom + c.failedAbsent + c.unverified + acknowledgedNotOk,
    );
  }
});

Deno.test("verifier: the report matches the schema's VerificationReport", async () => {
  const schema = JSON.parse(
    await Deno.readTextFile(new URL("../../lib/report/report.schema.json", import.meta.url)),
  );
  const ajv = new Ajv({ allErrors: true, strict: true, validateFormats: false });
  ajv.addSchema(schema);
  const validate = ajv.compile({ $ref: `${schema.$id}#/definitions/VerificationReport` });
  // Reordered, duplicated, an ack without offset, a copy in another partition.
  const { ledger, log } = sentInOrder([0, 2, 1, 3, 5]);
  ledger.markSent(4);
  ledger.markAcked(4, 0, -1);
  log.append(0, 4);
  log.append(0, 3);
  const v = verifier(ledger, 2);
  log.feed(v);
  v.observe(1, "0", null, value(1));
  const report = v.finish();
  strictEqual(report.misplaced, 0);
  strictEqual(report.counts.reordered, 2);
  strictEqual(validate(report), true, JSON.stringify(validate.errors));
  const misplaced = verifier(ledger, 2);
  misplaced.observe(1, "0", null, value(0));
  const withSample = misplaced.finish();
  strictEqual(withSample.misplacedSamples.length, 1);
  strictEqual(validate(withSample), true, JSON.stringify(validate.errors));
});

Deno.test("verifier: every class planted at once is counted exactly", () => {
  const n = 5000;
  const keyCount = 4;
  const partitions = 2;
  const keys: KeySpace = { kind: "fixed", count: keyCount };
  const partitionOf = (seq: number) => (seq % keyCount) % partitions;
  const random = prng(42);

  // Plant anomalies on disjoint events, each well inside its own stretch of the log.
  const role = new Map<number, string>();
  const plant = (name: string, count: number) => {
    const picked: number[] = [];
    while (picked.length < count) {
      const seq = 8 + Math.floor(random() * (n - 16));
      let free = true;
      for (let d = -keyCount * 2; d <= keyCount * 2; d++) if (role.has(seq + d)) free = false;
      if (!free) continue;
      role.set(seq, name);
      picked.push(seq);
    }
    return picked;
  };
  const lost = plant("lost", 7);
  const duplicated = plant("duplicated", 5);
  const phantomFailed = plant("phantomFailed", 4);
  const phantomPending = plant("phantomPending", 2);
  const failedAbsent = plant("failedAbsent", 6);
  const pendingAbsent = plant("pendingAbsent", 1);
  const reordered = plant("reordered", 9); // swapped with the next event of its key
  const notSent = plant("notSent", 11);
  const lateAckRead = plant("lateAckRead", 3);
  const extraCopies = duplicated.map((_, i) => i + 1); // 1..5 extra copies each

  const ledger = new Ledger(n);
  const log = new Log(partitions);
  // Emission order: swap each planted reordered event with the next event of its key.
  const order = Array.from({ length: n }, (_, seq) => seq);
  const position = new Map(order.map((seq, i) => [seq, i]));
  for (const seq of reordered) {
    const i = position.get(seq)!;
    const j = position.get(seq + keyCount)!;
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const seq of order) {
    const r = role.get(seq);
    if (r === "notSent") {
      ledger.markNotSent(seq);
      continue;
    }
    ledger.markSent(seq);
    const partition = partitionOf(seq);
    if (r === "failedAbsent") ledger.markFailed(seq, "Request timed out");
    else if (r === "pendingAbsent") continue;
    else if (r === "phantomPending") log.append(partition, seq);
    else if (r === "phantomFailed") {
      ledger.markFailed(seq, "NOT_ENOUGH_REPLICAS");
      log.append(partition, seq);
    } else if (r === "lateAckRead") {
      ledger.markFailed(seq, "Request timed out");
      ledger.markAcked(seq, partition, log.append(partition, seq));
    } else if (r === "lost") {
      ledger.markAcked(seq, partition, log.partitions[partition].length + 1e6);
    } else {
      ledger.markAcked(seq, partition, log.append(partition, seq));
    }
  }
  duplicated.forEach((seq, i) => {
    for (let c = 0; c < extraCopies[i]; c++) log.append(partitionOf(seq), seq);
  });
  const foreign = 13;
  for (let i = 0; i < foreign; i++) log.append(i % partitions, -1, value(i, 0, OTHER_RUN));

  // Interleave partitions randomly, keeping offset order within each.
  const v = verifier(ledger, partitions, keys, 100);
  const next = new Array(partitions).fill(0);
  let remaining = log.partitions.reduce((sum, p) => sum + p.length, 0);
  const total = remaining;
  while (remaining > 0) {
    const p = Math.floor(random() * partitions);
    if (next[p] >= log.partitions[p].length) continue;
    v.observe(p, String(next[p]), null, log.partitions[p][next[p]].value);
    next[p]++;
    remaining--;
  }
  const report = v.finish();

  const phantom = phantomFailed.length + phantomPending.length + lateAckRead.length;
  const sent = n - notSent.length;
  const expected = counts({
    lost: lost.length,
    duplicated: duplicated.length,
    duplicates: extraCopies.reduce((a, b) => a + b, 0),
    phantom,
    failedAbsent: failedAbsent.length + pendingAbsent.length,
    reordered: reordered.length,
    foreign,
    ok: sent - lost.length - duplicated.length - phantom - failedAbsent.length -
      pendingAbsent.length - reordered.length,
  });
  deepStrictEqual(report.counts, expected);
  strictEqual(report.recordsRead, total);
  deepStrictEqual(
    report.samples.reordered!.map((s) => s.seq).sort((a, b) => a - b),
    [...reordered].sort((a, b) => a - b),
  );
  deepStrictEqual(report.samples.lost!.map((s) => s.seq), [...lost].sort((a, b) => a - b));

  // Now lose partition 1: its acked-but-unread events and every absent failure become unverified.
  v.markUnreadable(1);
  const partial = v.finish();
  const lostIn1 = lost.filter((seq) => partitionOf(seq) === 1).length;
  deepStrictEqual(partial.counts, {
    ...expected,
    lost: lost.length - lostIn1,
    failedAbsent: 0,
    unverified: lostIn1 + failedAbsent.length + pendingAbsent.length,
  });
});

Deno.test("verifier: a duplicated sample lists every copy, the first one in another partition too", () => {
  const { ledger, log } = ackedRun(10, 2);
  // Event 4 (acked at 0/2) is written twice more: in partition 0, then in partition 1.
  log.append(0, 4);
  log.append(1, 4);
  // Event 9 (acked at 1/4) has a copy in partition 0, which is read first.
  log.append(0, 9);
  const v = verifier(ledger, 2);
  log.feed(v);
  const report = v.finish();
  deepStrictEqual(report.counts, counts({ ok: 8, duplicated: 2, duplicates: 3 }));
  const samples = report.samples.duplicated!;
  deepStrictEqual(samples.map((s) => [s.seq, s.detail]), [
    [4, "read 3 times (acked at 0/2); copies at 0/2, 0/5, 1/5"],
    [9, "read 2 times (acked at 1/4); copies at 0/6, 1/4"],
  ]);
  deepStrictEqual(samples[0].facts, [
    { id: "sample.readTimes", params: { n: 3 } },
    { id: "sample.ackedAt", params: { partition: 0, offset: "2" } },
    { id: "sample.copiesAt", params: { copies: "0/2, 0/5, 1/5" } },
  ]);
});

Deno.test("verifier: anomalies are counted by the second their events were intended in", () => {
  const { ledger, log } = ackedRun(40, 2, 41);
  ledger.markSent(40);
  ledger.markFailed(40, "timed out");
  log.append(0, 40); // phantom, intended in second 4
  log.partitions[1] = log.partitions[1].filter((r) => r.seq !== 13); // 13 lost: second 1
  log.append(1, 25); // 25 duplicated: second 2
  const v = new Verifier(ledger, {
    runId: RUN_ID,
    variant: 0,
    keys: NONE,
    partitions: 2,
    secondOf: (seq) => Math.floor(seq / 10),
  });
  log.feed(v);
  const report = v.finish();
  deepStrictEqual(
    report.counts,
    counts({ ok: 38, lost: 1, duplicated: 1, duplicates: 1, phantom: 1 }),
  );
  const none = { lost: 0, duplicated: 0, phantom: 0, reordered: 0 };
  deepStrictEqual(
    [...v.anomaliesBySecond()].sort((a, b) => a[0] - b[0]),
    [[1, { ...none, lost: 1 }], [2, { ...none, duplicated: 1 }], [4, { ...none, phantom: 1 }]],
  );
});

Deno.test("verifier: split over producers, each producer's order is judged apart", () => {
  // Producers A (even sequence numbers) and B (odd) write to one partition, each in order,
  // interleaved: 1 3 0 2 5 4. One producer would have reordered; two did not.
  const ledger = new Ledger(6);
  const log = new Log(1);
  for (const seq of [1, 3, 0, 2, 5, 4]) {
    ledger.markSent(seq);
    ledger.markAcked(seq, 0, log.append(0, seq));
  }
  for (const [producers, reordered] of [[1, 3], [2, 0], [3, 1]]) {
    const v = verifier(ledger, 1, NONE, 5, producers);
    log.feed(v);
    strictEqual(v.finish().counts.reordered, reordered, `${producers} producer(s)`);
  }
  // With 2 keys (seq mod 2) and 2 producers the groups are the same as with 2 keys alone.
  const keyed = verifier(ledger, 1, { kind: "fixed", count: 2 }, 5, 2);
  log.feed(keyed);
  strictEqual(keyed.finish().counts.reordered, 0);
  throws(() => verifier(ledger, 1, NONE, 5, 0), /producers must be a positive integer/);
});
