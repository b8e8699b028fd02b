/**
 * The consumer side's checker: every record of the input topic in exactly one class, from the
 * members' processing logs, the committed offsets and the dead-letter topic.
 */
import assert from "node:assert/strict";
import { checkProcessing, type ProcessingEntry } from "../../lib/verify/processing.ts";

const done = (member: number, partition: number, offset: number): ProcessingEntry => ({
  member,
  partition,
  offset,
  outcome: "processed",
  atMs: 0,
});

Deno.test("processing: auto-commit then a crash, both ways: lost past the commit, redelivered before it", () => {
  // Partition 0, offsets 0-9. Member 0 finished 0-5 and died; the group had committed 8 (the
  // auto-commit ran ahead of processing): 6 and 7 are lost. Member 1 took over from 8 and
  // finished 8 and 9. Partition 1: member 0 finished 0-4, the commit said 2, member 1 redid
  // 2-4 and went on to 5: 2-4 processed twice. Offset 6 is still owed.
  const entries = [
    ...[0, 1, 2, 3, 4, 5].map((o) => done(0, 0, o)),
    done(1, 0, 8),
    done(1, 0, 9),
    ...[0, 1, 2, 3, 4].map((o) => done(0, 1, o)),
    ...[2, 3, 4, 5].map((o) => done(1, 1, o)),
  ];
  const { counts, samples } = checkProcessing({
    topic: [{ partition: 0, start: 0, end: 10 }, { partition: 1, start: 0, end: 7 }],
    entries,
    committed: new Map([[0, 8], [1, 5]]),
    deadLettered: [],
  });
  assert.deepEqual(counts, {
    records: 17,
    processedOnce: 8 + 3,
    processedMoreThanOnce: 3,
    reprocessings: 3,
    deadLettered: 0,
    lost: 2,
    unprocessed: 1,
    deadLetterMissing: 0,
    deadLetterDuplicates: 0,
    unknownEntries: 0,
  });
  assert.deepEqual(samples.lost, [{ partition: 0, offset: 6, members: [] }, {
    partition: 0,
    offset: 7,
    members: [],
  }]);
  assert.deepEqual(samples.processedMoreThanOnce[0], { partition: 1, offset: 2, members: [0, 1] });
  assert.deepEqual(samples.unprocessed, [{ partition: 1, offset: 6, members: [] }]);
});

Deno.test("processing: poison records in the dead-letter topic, missing from it, or written there twice", () => {
  const dead = (partition: number, offset: number): ProcessingEntry => ({
    ...done(0, partition, offset),
    outcome: "dead-lettered",
  });
  const { counts, samples } = checkProcessing({
    topic: [{ partition: 0, start: 100, end: 105 }],
    // 101: handed over and found (twice: a retried write). 102: handed over, never found.
    // 103: found, though the member died before recording it. 104: processed.
    entries: [done(0, 0, 100), dead(0, 101), dead(0, 102), done(0, 0, 104), done(2, 3, 7)],
    committed: new Map([[0, 105]]),
    deadLettered: [{ partition: 0, offset: 101 }, { partition: 0, offset: 101 }, {
      partition: 0,
      offset: 103,
    }],
  });
  assert.equal(counts.records, 5);
  assert.equal(counts.processedOnce, 2);
  assert.equal(counts.deadLettered, 2);
  assert.equal(counts.deadLetterMissing, 1);
  assert.equal(counts.deadLetterDuplicates, 1);
  assert.equal(counts.unknownEntries, 1, "an entry for a partition the topic does not have");
  assert.equal(counts.lost + counts.unprocessed, 0);
  assert.deepEqual(samples.deadLetterMissing, [{ partition: 0, offset: 102, members: [0] }]);
});

Deno.test("processing: every record lands in exactly one class", () => {
  const topic = [{ partition: 0, start: 0, end: 500 }, { partition: 1, start: 20, end: 300 }];
  const entries: ProcessingEntry[] = [];
  for (const p of topic) {
    for (let o = p.start; o < p.end; o++) {
      for (let k = 0; k < o % 4; k++) entries.push(done(k, p.partition, o));
    }
  }
  const { counts } = checkProcessing({
    topic,
    entries,
    committed: new Map([[0, 250], [1, 100]]),
    deadLettered: [{ partition: 1, offset: 21 }],
  });
  const classes = counts.processedOnce + counts.processedMoreThanOnce + counts.deadLettered +
    counts.lost + counts.unprocessed + counts.deadLetterMissing;
  assert.equal(classes, counts.records);
  assert.equal(counts.records, 780);
  assert.equal(counts.deadLettered, 1);
});
