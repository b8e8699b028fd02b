/**
 * Cluster questions sismo asks Kafka itself (through KafkaJS admin): which
 * brokers are registered, who leads a partition, what the ISR is. Works the
 * same for the local stack (over its unproxied INTERNAL listeners) and for an
 * external cluster.
 *
 * @module
 */
import "./quiet_kafkajs.ts";
import { type Admin, type ITopicConfig, Kafka, logLevel } from "kafkajs";
import { kafkaJsSecurity } from "../connection/clients.ts";
import { type ConnectionSettings, PLAINTEXT } from "../connection/settings.ts";

/** Leader, replicas and ISR of one partition. */
export interface PartitionState {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** A KafkaJS client for control traffic: quiet, short timeouts, few retries. */
export function controlClient(
  bootstrap: string[],
  clientId = "sismo-control",
  connection: ConnectionSettings = PLAINTEXT,
): Kafka {
  return new Kafka({
    clientId,
    brokers: bootstrap,
    ...kafkaJsSecurity(connection),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
  });
}

/** Run `fn` with a connected admin client, disconnecting afterwards whatever happens. */
export async function withAdmin<T>(
  bootstrap: string[],
  fn: (admin: Admin) => Promise<T>,
  connection: ConnectionSettings = PLAINTEXT,
): Promise<T> {
  const admin = controlClient(bootstrap, "sismo-control", connection).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    // the work is done (or its own error is on its way); a failed disconnect leaves nothing behind
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Create a topic (nothing when it exists) and wait until every partition has a leader.
 * Not KafkaJS's `waitForLeaders`: right after creation a KRaft broker may answer
 * UNKNOWN_TOPIC_OR_PARTITION, which that option treats as fatal (seen failing a stack
 * start). Here any answer short of every leader is asked again until `timeoutMs`.
 */
export async function createTopicWithLeaders(
  admin: Admin,
  topic: ITopicConfig,
  timeoutMs = 30000,
): Promise<void> {
  await admin.createTopics({ topics: [topic], waitForLeaders: false });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let state: string;
    try {
      const md = await admin.fetchTopicMetadata({ topics: [topic.topic] });
      const partitions = md.topics.find((t) => t.name === topic.topic)?.partitions ?? [];
      const led = partitions.filter((p) => p.leader >= 0).length;
      const wanted = topic.numPartitions ?? partitions.length;
      if (partitions.length > 0 && led === wanted) return;
      state = `${led} of ${wanted} partition(s) have a leader`;
    } catch (e) {
      state = (e as Error).message;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `topic ${topic.topic}: no leader for every partition within ${timeoutMs} ms (${state})`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every broker of the cluster with the address it advertises to clients, by id. */
export function advertisedBrokers(
  bootstrap: string[],
  connection: ConnectionSettings = PLAINTEXT,
): Promise<{ nodeId: number; host: string; port: number }[]> {
  return withAdmin(bootstrap, async (admin) => {
    const { brokers } = await admin.describeCluster();
    return brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port }))
      .sort((a, b) => a.nodeId - b.nodeId);
  }, connection);
}

/** Ids of the brokers currently registered in the cluster metadata. */
export function registeredBrokers(
  bootstrap: string[],
  connection: ConnectionSettings = PLAINTEXT,
): Promise<number[]> {
  return withAdmin(bootstrap, async (admin) => {
    const { brokers } = await admin.describeCluster();
    return brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  }, connection);
}

/** Leader, replicas and ISR of every partition of a topic. */
export function topicPartitions(
  bootstrap: string[],
  topic: string,
  connection: ConnectionSettings = PLAINTEXT,
): Promise<PartitionState[]> {
  return withAdmin(bootstrap, async (admin) => {
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    const t = md.topics.find((x) => x.name === topic);
    if (!t) throw new Error(`topic ${topic} not found`);
    return t.partitions
      .map((p) => ({
        partition: p.partitionId,
        leader: p.leader,
        replicas: [...p.replicas],
        isr: [...p.isr],
      }))
      .sort((a, b) => a.partition - b.partition);
  }, connection);
}

/**
 * The partition of `__consumer_offsets` that holds a group's state, out of `partitions`:
 * Kafka's `Utils.abs(groupId.hashCode()) % partitions` (the classic and the KIP-848 group
 * coordinators alike), Java's `String.hashCode` over UTF-16 code units.
 *
 * @example
 * ```ts
 * import { groupPartition } from "./admin.ts";
 * groupPartition("hello", 50); // 22 ("hello".hashCode() is 99162322)
 * ```
 */
export function groupPartition(groupId: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < groupId.length; i++) hash = (Math.imul(hash, 31) + groupId.charCodeAt(i)) | 0;
  // Utils.abs maps Integer.MIN_VALUE to 0, as Math.abs cannot.
  const abs = hash === -0x80000000 ? 0 : Math.abs(hash);
  return abs % partitions;
}

/**
 * The broker coordinating `groupId` now: the leader of its partition of `__consumer_offsets`
 * (which exists once some group has looked for its coordinator).
 */
export async function groupCoordinator(
  bootstrap: string[],
  groupId: string,
  connection: ConnectionSettings = PLAINTEXT,
): Promise<number> {
  const partitions = await topicPartitions(bootstrap, "__consumer_offsets", connection);
  const p = partitions[groupPartition(groupId, partitions.length)];
  if (!p || p.leader < 0) throw new Error(`group ${groupId}'s coordinator has no leader now`);
  return p.leader;
}

/** The broker leading `partition` of `topic`. */
export async function partitionLeader(
  bootstrap: string[],
  topic: string,
  partition: number,
): Promise<number> {
  const parts = await topicPartitions(bootstrap, topic);
  const p = parts.find((x) => x.partition === partition);
  if (!p) throw new Error(`topic ${topic} has no partition ${partition}`);
  return p.leader;
}
