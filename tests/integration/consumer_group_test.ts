/**
 * Consumer group members as real processes on real Kafka (issue 11): two librdkafka members
 * share a topic, one is killed (SIGKILL) while it processes a record, the other takes its
 * partition over once the session times out. The commit mode decides what the crash costs,
 * and the processing checker's counts agree with the topic's offsets and the raw logs:
 *
 * - auto-commit (librdkafka's default offset store): the record in progress was stored when
 *   the poll handed it over and committed by the next interval commit, 100 ms later, while it
 *   took 400 ms to process: exactly that record is lost;
 * - a commit after each record: nothing is lost;
 * - KafkaJS's auto-commit commits only resolved (finished) records: nothing is lost either,
 *   the record in progress comes again.
 *
 * No member process is left after either run.
 */
import assert from "node:assert/strict";
import "../../lib/stack/quiet_kafkajs.ts";
import { Kafka, logLevel } from "kafkajs";
import { MemberGroup } from "../../lib/consume/group.ts";
import type { CommitMode } from "../../lib/consume/member.ts";
import { readProcessingLog } from "../../lib/consume/processing_log.ts";
import { acquireEnvironment } from "../../lib/run/environment.ts";
import { childrenMatching } from "./helpers.ts";
import { groupTopic } from "./group_topic.ts";
import { independentRead } from "./independent_read.ts";
import { parseScenario } from "../../lib/scenario/load.ts";
import { runScenario } from "../../lib/run/run.ts";
import { createLibrdkafkaConsumer } from "../../lib/clients/librdkafka/consumer.ts";

const MEMBER = /main\.ts member(\s|$)/;
const PARTITIONS = 2;
const PER_PARTITION = 24;
const PROCESSING_MS = 400;

/** Records in a processing log, from its size alone (32 bytes each), not sismo's reader. */
async function rawEntries(path: string): Promise<number> {
  const size = (await Deno.stat(path)).size;
  assert.equal(size % 32, 0, `${path}: ${size} bytes, not whole records`);
  return size / 32;
}

async function crashWhileProcessing(
  bootstrap: string[],
  commit: CommitMode,
  client = "librdkafka",
) {
  const t = await groupTopic(bootstrap, `it-group-${client}-${commit}`, PARTITIONS, PER_PARTITION);
  const dir = await Deno.makeTempDir({ prefix: "sismo-group-" });
  const group = new MemberGroup({ stopGraceMs: 10_000 });
  try {
    const job = (member: number) =>
      t.memberJob(member, client, dir, {
        properties: {
          "auto.offset.reset": "earliest",
          "enable.auto.commit": commit === "auto" ? "true" : "false",
          "auto.commit.interval.ms": "100",
          "session.timeout.ms": "6000",
          "heartbeat.interval.ms": "1000",
        },
        commit,
        pollMax: 1, // as Confluent.Kafka's Consume
        model: { time: { kind: "fixed", ms: PROCESSING_MS }, poisonShare: 0 },
      });
    await group.start(job(0));
    await group.start(job(1));
    // Kill member 0 200 ms into a record (of 400 ms), its third or a later one: by then an
    // interval commit (every 100 ms) has passed that record's offset. Timed from the moment
    // its last record was finished, as its log says, not from when this test looked.
    const log0 = `${dir}/member-0.log`;
    let killedAfter = 0;
    const killBy = Date.now() + 30_000;
    for (;;) {
      assert.ok(Date.now() < killBy, "member 0 never finished 3 records");
      const entries = await readProcessingLog(log0).then((l) => l.entries, () => []);
      const lastAt = entries.at(-1)?.atMs ?? 0;
      const due = lastAt + 200 - Date.now();
      if (entries.length >= 3 && due >= 0) {
        await new Promise((r) => setTimeout(r, due));
        await group.kill(0);
        killedAfter = entries.length;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(await rawEntries(log0), killedAfter, "killed during a record");

    // Member 1 takes partition 0 over after the session timeout: wait until the group has
    // committed every partition to its end, then for the last record's processing.
    await t.committedToEnd(60_000);
    await new Promise((r) => setTimeout(r, PROCESSING_MS + 500));
    await group.close();
    const logs = [log0, `${dir}/member-1.log`];
    const counts = await t.check(logs);
    const raw = (await rawEntries(logs[0])) + (await rawEntries(logs[1]));
    return { counts, raw, total: PARTITIONS * PER_PARTITION, lives: group.lives };
  } finally {
    await group.close();
    await t.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.test({
  name:
    "consumer group: librdkafka members as processes; a crash mid-record loses it under auto-commit, not with a commit per record",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const env = await acquireEnvironment({ brokers: 1 });
    try {
      const auto = await crashWhileProcessing(env.bootstrap, "auto");
      const c = auto.counts;
      assert.equal(c.records, auto.total, "the checker saw every record of the topic");
      assert.equal(c.unknownEntries, 0);
      assert.equal(c.lost, 1, JSON.stringify(c));
      assert.equal(c.processedMoreThanOnce, 0, JSON.stringify(c));
      assert.equal(c.unprocessed, 0, JSON.stringify(c));
      assert.equal(c.processedOnce, auto.total - 1);
      // The raw logs hold exactly the processings the checker counted.
      assert.equal(auto.raw, c.processedOnce + c.processedMoreThanOnce + c.reprocessings);
      // Member 0's first life was killed, member 1 left cleanly having taken partition 0 over.
      const [first, second] = auto.lives;
      assert.deepEqual(first.end, { kind: "killed", signal: "SIGKILL" });
      assert.equal(second.end?.kind, "done");
      assert.deepEqual(second.assignments.at(-1)?.partitions, [0, 1]);

      const each = await crashWhileProcessing(env.bootstrap, "after-each");
      const e = each.counts;
      assert.equal(e.records, each.total);
      assert.equal(e.lost, 0, JSON.stringify(e));
      assert.equal(e.unprocessed, 0, JSON.stringify(e));
      assert.equal(e.processedOnce + e.processedMoreThanOnce, each.total);
      assert.equal(each.raw, e.processedOnce + e.processedMoreThanOnce + e.reprocessings);

      assert.deepEqual(await childrenMatching(Deno.pid, MEMBER), [], "no member process left");
    } finally {
      await env.release();
    }
  },
});

Deno.test({
  name:
    "consumer group: KafkaJS members as processes; a crash mid-record under auto-commit loses nothing",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const env = await acquireEnvironment({ brokers: 1 });
    try {
      const auto = await crashWhileProcessing(env.bootstrap, "auto", "kafkajs");
      const c = auto.counts;
      assert.equal(c.records, auto.total);
      assert.equal(c.unknownEntries, 0);
      assert.equal(c.lost, 0, JSON.stringify(c));
      assert.equal(c.unprocessed, 0, JSON.stringify(c));
      assert.equal(c.processedOnce + c.processedMoreThanOnce, auto.total);
      assert.equal(auto.raw, c.processedOnce + c.processedMoreThanOnce + c.reprocessings);
      assert.deepEqual(auto.lives[0].end, { kind: "killed", signal: "SIGKILL" });
      assert.equal(auto.lives[1].end?.kind, "done");
      assert.deepEqual(await childrenMatching(Deno.pid, MEMBER), [], "no member process left");
    } finally {
      await env.release();
    }
  },
});

const SCENARIO = `
name: integration-group
description: A consumer group beside the load, one member killed and started again, one joining.
cluster: {brokers: 1}
topic: {partitions: 2, replication.factor: 1}
load: {rate: 100, duration: 10s, message.size: 64, keys: 4}
drain: 3s
variants:
  - name: each
    client: librdkafka
    producer: {acks: all, enable.idempotence: true}
    consumer:
      members: 2
      commit: after-each
      processing: {time: 5ms, poison: 0.02}
      dead.letter: true
      properties: {session.timeout.ms: 6000, heartbeat.interval.ms: 1000}
    expect:
      - processing.lost == 0
      - processing.unprocessed == 0
      - processing.dead_lettered > 0
      - members.idle == 1
faults:
  - {at: 3s, for: 2s, member: kill, target: 0}
  - {at: 6s, member: join}
`;

Deno.test({
  name:
    "consumer group in a scenario: every record of the topic accounted for, faults healed, no member left",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const env = await acquireEnvironment({ brokers: 1 });
    const reportsDir = await Deno.makeTempDir({ prefix: "sismo-reports-" });
    try {
      const { report, dir } = await runScenario(parseScenario(SCENARIO, "inline"), {
        signal: new AbortController().signal,
        keepTopics: true,
        reportsDir,
      });
      const [v] = report.variants;
      assert.equal(
        report.outcome,
        "passed",
        JSON.stringify([report.errors, v.expectations, v.inconclusive]),
      );
      const group = v.consumer!;
      const c = group.counts!;
      // The checker accounted for every record the topic holds, read independently.
      const read = await independentRead(env.controlBootstrap, v.topic, report.runId, 4);
      assert.equal(c.records, read.records);
      assert.equal(
        c.processedOnce + c.processedMoreThanOnce + c.deadLettered + c.lost + c.unprocessed,
        c.records,
      );
      assert.equal(c.unknownEntries, 0);
      assert.equal(c.deadLetterMissing, 0);
      // Member 0 was killed once and started again, member 2 joined (three members on two
      // partitions: one idle when the load ended); every life has ended.
      const killed = group.lives.filter((l) => l.end === "killed");
      assert.deepEqual(killed.map((l) => l.member), [0]);
      assert.deepEqual(group.lives.map((l) => l.member).sort(), [0, 0, 1, 2]);
      assert.equal(group.idleAtLoadEnd, 1);
      assert.equal(v.faults[0].kind, "member");
      assert.ok(v.faults[0].endedAtMs !== null && v.faults[0].endedAtMs >= 5000);
      assert.ok(v.faults[1].endedAtMs !== null && v.faults[1].endedAtMs >= 10_000);
      assert.equal(
        group.endToEnd?.count,
        c.processedOnce + c.processedMoreThanOnce + c.deadLettered,
      );
      assert.ok(group.lag.length > 0);
      // The members' processing logs are kept with the reports, one per member, whole.
      let raw = 0;
      for (const m of [0, 1, 2]) raw += await rawEntries(`${dir}/processing/each/member-${m}.log`);
      assert.ok(raw >= c.processedOnce + c.processedMoreThanOnce + c.reprocessings, `${raw}`);
      assert.deepEqual(await childrenMatching(Deno.pid, MEMBER), [], "no member process left");
    } finally {
      await env.release();
      await Deno.remove(reportsDir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "librdkafka consumer: a cooperative-sticky member's clean leave hands its partitions over at once",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    // Without a rebalance callback, librdkafka's close ended without leaving the group and the
    // other member got the partitions only when the session timed out (6 s here).
    const env = await acquireEnvironment({ brokers: 1 });
    const kafka = new Kafka({
      clientId: "coop-test",
      brokers: env.bootstrap,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const topic = `it-coop-${Date.now()}`;
    try {
      await admin.createTopics({
        topics: [{ topic, numPartitions: 4, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      const member = (clientId: string) =>
        createLibrdkafkaConsumer({
          bootstrap: env.bootstrap,
          topic,
          groupId: `${topic}-group`,
          clientId,
          properties: {
            "partition.assignment.strategy": "cooperative-sticky",
            "session.timeout.ms": "6000",
            "heartbeat.interval.ms": "500",
          },
        });
      const [a, b] = [await member("a"), await member("b")];
      const settle = Date.now() + 30_000;
      while (a.assignment().length + b.assignment().length < 4 || b.assignment().length === 0) {
        assert.ok(Date.now() < settle, "the two members never shared the partitions");
        await Promise.all([a.poll(10, 50), b.poll(10, 50)]);
      }
      const leftAt = Date.now();
      await b.close();
      while (a.assignment().length < 4) {
        assert.ok(Date.now() - leftAt < 4000, `partitions still not handed over after 4 s`);
        await a.poll(10, 50);
      }
      await a.close();
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
      await env.release();
    }
  },
});
