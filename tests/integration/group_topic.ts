/**
 * A topic of sismo events for member processes to share, its group's committed offsets, and
 * what the processing checker makes of the members' logs: what the consumer group tests have
 * in common.
 */
import "../../lib/stack/quiet_kafkajs.ts";
import { type Admin, Kafka, logLevel } from "kafkajs";
import { readProcessingLog } from "../../lib/consume/processing_log.ts";
import { MEMBER_JOB_FORMAT, type MemberJob } from "../../lib/consume/member_job.ts";
import { encodeEvent, newRunId, runIdHex } from "../../lib/load/payload.ts";
import { checkProcessing, type ProcessingCounts } from "../../lib/verify/processing.ts";

/** A topic whose partitions hold `perPartition` events each, written before any member reads. */
export interface GroupTopic {
  admin: Admin;
  topic: string;
  groupId: string;
  runId: Uint8Array;
  partitions: number;
  perPartition: number;
  /**
   * The job of member `member` of the group on `client`, its processing log in `logDir`, and
   * how it consumes (`how`).
   */
  memberJob(
    member: number,
    client: string,
    logDir: string,
    how: Pick<MemberJob, "properties" | "commit" | "pollMax" | "model"> & Partial<MemberJob>,
  ): MemberJob;
  /** The group's committed offset of each partition it committed. */
  committed(): Promise<Map<number, number>>;
  /** Wait (up to `ms`) until the group committed every partition to its end. */
  committedToEnd(ms: number): Promise<Map<number, number>>;
  /** The checker's counts over these processing logs and the committed offsets. */
  check(logPaths: string[]): Promise<ProcessingCounts>;
  /** Delete the topic, disconnect. */
  close(): Promise<void>;
}

/** Create `name` with `partitions` × `perPartition` events (event `seq` on `seq % partitions`). */
export async function groupTopic(
  bootstrap: string[],
  name: string,
  partitions: number,
  perPartition: number,
): Promise<GroupTopic> {
  const kafka = new Kafka({
    clientId: "group-test",
    brokers: bootstrap,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `${name}-${Date.now()}`;
  const runId = newRunId();
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: partitions * perPartition }, (_, seq) => ({
      partition: seq % partitions,
      value: Buffer.from(encodeEvent({ runId, variant: 0, seq, intendedUs: 0 }, 64)),
    })),
  });
  await producer.disconnect();
  const groupId = `${topic}-group`;
  const committed = async () => {
    const out = new Map<number, number>();
    for (const t of await admin.fetchOffsets({ groupId, topics: [topic] })) {
      for (const p of t.partitions) {
        if (Number(p.offset) >= 0) out.set(p.partition, Number(p.offset));
      }
    }
    return out;
  };
  return {
    admin,
    topic,
    groupId,
    runId,
    partitions,
    perPartition,
    memberJob: (member, client, logDir, how) => ({
      format: MEMBER_JOB_FORMAT,
      member,
      client,
      bootstrap,
      topic,
      groupId,
      runIdHex: runIdHex(runId),
      logPath: `${logDir}/member-${member}.log`,
      ...how,
    }),
    committed,
    async committedToEnd(ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const now = await committed();
        const done = [...Array(partitions).keys()].every((p) => now.get(p) === perPartition);
        if (done || Date.now() > deadline) return now;
        await new Promise((r) => setTimeout(r, 300));
      }
    },
    async check(logPaths) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const entries = [];
      for (const path of logPaths) entries.push(...(await readProcessingLog(path)).entries);
      return checkProcessing({
        topic: offsets.map((o) => ({
          partition: o.partition,
          start: Number(o.low),
          end: Number(o.high),
        })),
        entries,
        committed: await committed(),
        deadLettered: [],
      }).counts;
    },
    async close() {
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    },
  };
}
