/**
 * A consumer group member's loop against an in-memory group: what each commit mode loses or
 * redelivers when a member crashes mid-batch and another takes over from the committed
 * offsets, classified by the processing checker; poison records to the dead-letter topic.
 */
import assert from "node:assert/strict";
import type {
  ConsumedRecord,
  ConsumerDriver,
  RevokeCommit,
} from "../../lib/clients/consumer_contract.ts";
import { type CommitMode, type ProcessingRecorder, runMember } from "../../lib/consume/member.ts";
import { isPoison, type ProcessingModel } from "../../lib/consume/processing_model.ts";
import { encodeEvent } from "../../lib/load/payload.ts";
import { checkProcessing, type ProcessingEntry } from "../../lib/verify/processing.ts";

const RUN = new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2]);
const PARTITIONS = 2;
const PER_PARTITION = 60;

/** A topic of 2 partitions of 60 events each, and the group's committed offsets. */
class Group {
  records = Array.from(
    { length: PARTITIONS },
    (_, p) =>
      Array.from({ length: PER_PARTITION }, (_, offset): ConsumedRecord => ({
        partition: p,
        offset,
        key: null,
        value: encodeEvent({
          runId: RUN,
          variant: 0,
          seq: p * PER_PARTITION + offset,
          intendedUs: 0,
        }, 48),
      })),
  );
  committed = new Map<number, number>();
}

/**
 * A member's consumer: every partition, read from the committed offsets in polls of 10. With
 * `autoCommit`, what a poll hands over is committed as it is handed over (an interval commit
 * falling while the batch is processed: the case that loses). `idle` is called on an empty poll.
 */
function consumer(group: Group, autoCommit: boolean, idle: () => void): ConsumerDriver {
  const position = new Map<number, number>();
  for (let p = 0; p < PARTITIONS; p++) position.set(p, group.committed.get(p) ?? 0);
  return {
    client: { name: "memory", version: "0" },
    poll(max) {
      const out: ConsumedRecord[] = [];
      for (let p = 0; p < PARTITIONS && out.length < max; p++) {
        const from = position.get(p)!;
        const taken = group.records[p].slice(from, from + (max - out.length));
        out.push(...taken);
        position.set(p, from + taken.length);
      }
      if (autoCommit) { for (const [p, at] of position) group.committed.set(p, at); }
      if (out.length === 0) idle();
      return Promise.resolve(out);
    },
    commit(positions) {
      for (const c of positions) group.committed.set(c.partition, c.offset);
      return Promise.resolve();
    },
    commitOnRevoke() {},
    assignment: () => [0, 1],
    close: () => Promise.resolve(),
  };
}

/**
 * Member 1 crashes while processing its `crashAt`-th record; member 2 takes over from the
 * committed offsets and runs to the end. What the checker makes of it.
 */
async function crashAndTakeOver(
  commit: CommitMode,
  model: ProcessingModel,
  crashAt: number,
  deadLetter = false,
  batching: { pollMax: number; commitEvery?: number } = { pollMax: 10 },
) {
  const group = new Group();
  const entries: ProcessingEntry[] = [];
  const deadLettered: { partition: number; offset: number }[] = [];
  for (const member of [0, 1]) {
    const stop = new AbortController();
    let calls = 0;
    await runMember({
      consumer: consumer(group, commit === "auto", () => stop.abort()),
      runId: RUN,
      model,
      commit,
      ...batching,
      log: recordInto(entries, member),
      deadLetter: deadLetter
        ? (
          r,
        ) => (deadLettered.push({ partition: r.partition, offset: r.offset }), Promise.resolve())
        : undefined,
      signal: stop.signal,
      // Processing is instant, except that member 0 is killed during its crashAt-th record.
      work: (_, signal) => {
        if (member === 0 && ++calls === crashAt) stop.abort();
        return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();
      },
    });
  }
  return checkProcessing({
    topic: Array.from(
      { length: PARTITIONS },
      (_, partition) => ({ partition, start: 0, end: PER_PARTITION }),
    ),
    entries,
    committed: group.committed,
    deadLettered,
  }).counts;
}

/** A processing log that keeps `member`'s entries in `entries`. */
function recordInto(entries: ProcessingEntry[], member: number): ProcessingRecorder {
  return {
    append: (partition, offset, outcome, atMs) =>
      entries.push({ member, partition, offset, outcome, atMs }),
  };
}

const plain: ProcessingModel = { time: { kind: "fixed", ms: 0 }, poisonShare: 0 };

Deno.test("member: auto-commit then a crash mid-batch loses what the commit had passed", async () => {
  // The 25th record is the 5th of the third poll of 10, whose offsets were committed as it was
  // handed over: the 25th to the 30th are never processed, and nobody will come back to them.
  const c = await crashAndTakeOver("auto", plain, 25);
  assert.equal(c.lost, 6);
  assert.equal(c.processedMoreThanOnce, 0);
  assert.equal(c.processedOnce, 120 - 6);
  assert.equal(c.unprocessed, 0);
});

Deno.test("member: commit after each record: a crash during processing loses nothing and redoes nothing", async () => {
  const c = await crashAndTakeOver("after-each", plain, 25);
  assert.equal(c.lost, 0);
  // The crash fell before the 25th was recorded: it comes back once, and is done once.
  assert.equal(c.processedMoreThanOnce, 0);
  assert.equal(c.processedOnce, 120);
});

Deno.test("member: commit after each batch: a crash mid-batch redoes the batch's first records", async () => {
  const c = await crashAndTakeOver("after-batch", plain, 25);
  assert.equal(c.lost, 0);
  // Records 21-24 of the third batch were done but their batch never committed.
  assert.equal(c.processedMoreThanOnce, 4);
  assert.equal(c.reprocessings, 4);
  assert.equal(c.processedOnce, 116);
});

Deno.test("member: poison records go to the dead-letter topic and the partition goes on; without one they are lost", async () => {
  const model: ProcessingModel = { time: { kind: "fixed", ms: 0 }, poisonShare: 0.1 };
  const poison =
    Array.from({ length: 120 }, (_, seq) => seq).filter((seq) => isPoison(model, seq)).length;
  assert.ok(poison > 3, `${poison} poison records`);
  const withDeadLetter = await crashAndTakeOver("after-each", model, 1000, true);
  assert.equal(withDeadLetter.deadLettered, poison);
  assert.equal(withDeadLetter.processedOnce, 120 - poison);
  assert.equal(withDeadLetter.lost, 0);
  const without = await crashAndTakeOver("after-each", model, 1000, false);
  assert.equal(without.lost, poison, "skipped, then committed past");
  assert.equal(without.deadLettered, 0);
});

Deno.test("member: one record per poll (as Confluent.Kafka's Consume) with a commit every 10 redoes the uncommitted tail", async () => {
  // Committed after the 10th and 20th records; the crash falls in the 25th: 21-24 redone.
  const c = await crashAndTakeOver("after-batch", plain, 25, false, {
    pollMax: 1,
    commitEvery: 10,
  });
  assert.equal(c.lost, 0);
  assert.equal(c.processedMoreThanOnce, 4);
  assert.equal(c.processedOnce, 116);
});

Deno.test("member: a failed commit is counted and the member goes on; the next commit covers it", async () => {
  const group = new Group();
  const entries: ProcessingEntry[] = [];
  const stop = new AbortController();
  const inner = consumer(group, false, () => stop.abort());
  let commits = 0;
  const errors: string[] = [];
  const result = await runMember({
    consumer: {
      ...inner,
      commit(positions, mode) {
        // The second commit is refused, as during a rebalance.
        if (++commits === 2) return Promise.reject(new Error("REBALANCE_IN_PROGRESS"));
        return inner.commit(positions, mode);
      },
    },
    runId: RUN,
    model: plain,
    commit: "after-batch",
    pollMax: 10,
    log: recordInto(entries, 0),
    signal: stop.signal,
    onCommitError: (e) => errors.push(e.message),
  });
  assert.equal(result.commitFailures, 1);
  assert.deepEqual(errors, ["REBALANCE_IN_PROGRESS"]);
  assert.equal(result.processed, 120);
  assert.equal(group.committed.get(0), PER_PARTITION);
  assert.equal(group.committed.get(1), PER_PARTITION);
});

Deno.test("member: leaving stops after the record in progress; finishing drains the batch in hand", async () => {
  for (const how of ["leave", "finish"] as const) {
    const group = new Group();
    const stop = new AbortController();
    const entries: ProcessingEntry[] = [];
    let calls = 0;
    const result = await runMember({
      consumer: consumer(group, true, () => {}),
      runId: RUN,
      model: plain,
      commit: "auto",
      pollMax: 10,
      log: recordInto(entries, 0),
      signal: new AbortController().signal,
      [how]: stop.signal,
      // Asked to stop during the 3rd record of the first batch of 10.
      work: () => (++calls === 3 && stop.abort(), Promise.resolve()),
    });
    assert.equal(result.processed, how === "leave" ? 3 : 10, how);
  }
});

Deno.test("member: commit.every commits what is pending once the topic goes idle", async () => {
  const group = new Group();
  // Only 3 records on partition 0, then nothing: a batch of 10 never fills.
  group.records = [group.records[0].slice(0, 3), []];
  const stop = new AbortController();
  let idle = 0;
  await runMember({
    consumer: consumer(group, false, () => (++idle === 2 && stop.abort())),
    runId: RUN,
    model: plain,
    commit: "after-batch",
    commitEvery: 10,
    pollMax: 1,
    log: { append: () => {} },
    signal: stop.signal,
  });
  assert.equal(group.committed.get(0), 3);
});

Deno.test("member: commit.on.revoke commits what was processed of the revoked partitions, before they go", async () => {
  for (const commit of ["after-batch", "auto"] as const) {
    const group = new Group();
    const stop = new AbortController();
    const inner = consumer(group, false, () => stop.abort());
    let hook: RevokeCommit | null = null;
    let polls = 0;
    const committedAtRevoke: (number | undefined)[] = [];
    const result = await runMember({
      consumer: {
        ...inner,
        commitOnRevoke: (h) => hook = h,
        async poll(max, timeoutMs) {
          // Two polls of 40 handed over partition 0's 60 records and partition 1's first 20;
          // none committed (a batch is 100 records). The third poll finds a rebalance taking
          // partition 1, as librdkafka's rebalance callback runs within a poll.
          if (++polls === 3 && hook) {
            const positions = hook.positions([1]);
            await inner.commit(positions, "sync");
            hook.done(null);
            committedAtRevoke.push(group.committed.get(0), group.committed.get(1));
          }
          return inner.poll(max, timeoutMs);
        },
      },
      runId: RUN,
      model: plain,
      commit,
      commitEvery: commit === "auto" ? undefined : 100,
      commitOnRevoke: true,
      pollMax: 40,
      log: { append: () => {} },
      signal: stop.signal,
    });
    if (commit === "auto") {
      assert.equal(hook, null, "auto: the client's business, no hook");
      continue;
    }
    assert.deepEqual(committedAtRevoke, [undefined, 20], "partition 1 only, at 20");
    // The revoke commit, then the idle commit of the rest.
    assert.equal(result.commits, 2);
    assert.equal(group.committed.get(0), PER_PARTITION);
    assert.equal(group.committed.get(1), PER_PARTITION);
  }
});
