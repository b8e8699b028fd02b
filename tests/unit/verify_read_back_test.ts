import assert from "node:assert/strict";
import { readBackEnds } from "../../lib/verify/read_back.ts";

/** Offsets that move through `steps`, one per poll, then stay at the last. */
function polls(steps: (number[] | Error | null)[]) {
  let i = 0;
  return () => {
    const step = steps[Math.min(i++, steps.length - 1)];
    if (step instanceof Error) return Promise.reject(step);
    if (step === null) return Promise.resolve(null);
    return Promise.resolve(step.map((high, partition) => ({ partition, high })));
  };
}

const before = [{ partition: 0, high: 10 }, { partition: 1, high: 0 }];

Deno.test("read-back ends at the acknowledged end once the watermark reaches it (acks=1 followers behind)", async () => {
  // The first snapshot is below records already acknowledged at offsets up to 99 and 49.
  const ends = await readBackEnds({
    before,
    ackedEnd: new Map([[0, 100], [1, 50]]),
    offsets: polls([[60, 20], [90, 50], [100, 50], [100, 50]]),
    pollMs: 1,
    deadlineMs: 5000,
  });
  assert.deepEqual(ends.ranges, [
    { partition: 0, start: 10, end: 100 },
    { partition: 1, start: 0, end: 50 },
  ]);
  assert.deepEqual(ends.unreadable, []);
  assert.deepEqual(ends.notes, []);
});

Deno.test("read-back waits for the watermarks to settle: a late write is read (phantom), not missed", async () => {
  const ends = await readBackEnds({
    before,
    ackedEnd: new Map([[0, 20]]),
    offsets: polls([[20, 5], [21, 5], [21, 5]]),
    pollMs: 1,
  });
  assert.equal(ends.ranges[0].end, 21);
});

Deno.test("read-back: a watermark that never reaches the acknowledged end is read with a note", async () => {
  const ends = await readBackEnds({
    before,
    ackedEnd: new Map([[0, 100]]),
    offsets: polls([[80, 5]]),
    pollMs: 5,
    deadlineMs: 60,
  });
  assert.equal(ends.ranges[0].end, 80);
  assert.equal(ends.notes.length, 1);
  assert.match(ends.notes[0], /partition 0: high watermark stayed at 80.*\(100\)/);
  assert.deepEqual(ends.unreadable, []);
});

Deno.test("read-back: offsets that cannot be fetched make the partitions unreadable, with the reason", async () => {
  const ends = await readBackEnds({
    before,
    ackedEnd: new Map(),
    offsets: polls([new Error("This server does not host this topic-partition")]),
    pollMs: 5,
    deadlineMs: 30,
  });
  assert.deepEqual(ends.ranges, []);
  assert.deepEqual(ends.unreadable.map((u) => u.partition), [0, 1]);
  assert.match(ends.unreadable[0].reason, /does not host this topic-partition/);
});

Deno.test("read-back: a partition missing from the answer is unreadable; the others are read", async () => {
  const ends = await readBackEnds({
    before,
    ackedEnd: new Map(),
    offsets: () => Promise.resolve([{ partition: 0, high: 30 }]),
    pollMs: 5,
    deadlineMs: 30,
  });
  assert.deepEqual(ends.unreadable.map((u) => u.partition), [1]);
  assert.deepEqual(ends.ranges, [{ partition: 0, start: 10, end: 30 }]);
});
