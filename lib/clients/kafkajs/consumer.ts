/**
 * KafkaJS 2.2.4's consumer as a group member's client. KafkaJS pushes batches to an
 * `eachBatch` handler; this driver turns that into polls: the handler hands its batch over
 * and waits, each poll takes records from it, and the member's word that it finished a
 * record (`handled`) resolves its offset (`resolveOffset`), as an `eachMessage` handler
 * returning does. The handler returns once its batch is used up (or stale after a
 * rebalance), and KafkaJS goes on to the next one.
 *
 * What KafkaJS does with offsets is its own: its auto-commit commits *resolved* offsets only,
 * those of records the application finished, where librdkafka's default commits what a poll
 * handed over. A member killed mid-record should find it redelivered, not lost.
 *
 * | Kafka property | KafkaJS |
 * |---|---|
 * | enable.auto.commit | `run({ autoCommit })` |
 * | auto.commit.interval.ms | `run({ autoCommitInterval })` (unset: KafkaJS commits after each batch) |
 * | session.timeout.ms, heartbeat.interval.ms | `sessionTimeout`, `heartbeatInterval` |
 * | max.poll.interval.ms | `rebalanceTimeout` (sent in JoinGroup as the Java client does; KafkaJS evicts no slow member itself) |
 * | partition.assignment.strategy | `roundrobin` only (KafkaJS's one assignor) |
 * | group.protocol | `classic` only (no KIP-848 in KafkaJS) |
 * | isolation.level | `readUncommitted` (KafkaJS reads committed by default, the Java client uncommitted) |
 * | auto.offset.reset | `subscribe({ fromBeginning })`: earliest or latest |
 * | fetch.min.bytes, fetch.max.bytes, max.partition.fetch.bytes, fetch.max.wait.ms | `minBytes`, `maxBytes`, `maxBytesPerPartition`, `maxWaitTimeInMs` |
 * | retry.backoff.ms / retry.backoff.max.ms | `retry.initialRetryTime` / `retry.maxRetryTime` (exponential, ×2, ±20 %) on the client, whose consumer takes them, as the producer driver does; unset: KafkaJS's own 300 ms / 30 s |
 * | enable.auto.offset.store | refused: KafkaJS has no offset store, it commits what was resolved |
 *
 * @module
 */
import { kafkaJsSecurity } from "../../connection/clients.ts";
import { PLAINTEXT } from "../../connection/settings.ts";
import "../../stack/quiet_kafkajs.ts";
import "./codecs.ts";
import {
  type ConsumerConfig,
  Kafka,
  type KafkaMessage,
  logLevel,
  PartitionAssigners,
} from "kafkajs";
import type {
  CommitPosition,
  ConsumedRecord,
  ConsumerDriver,
  ConsumerDriverFactory,
  ConsumerOptions,
  RevokeCommit,
} from "../consumer_contract.ts";
import type { PropertyProblem } from "../contract.ts";
import { KAFKAJS_VERSION } from "./driver.ts";

/** KafkaJS settings from Kafka's consumer properties; see the module doc. */
export interface KafkajsConsumerSettings {
  consumer: Omit<ConsumerConfig, "groupId">;
  /**
   * Kafka's retry backoff as KafkaJS's retry policy, for the client (finding the coordinator,
   * metadata) and so its consumer (its fetch loop, commits); unset, KafkaJS's own.
   */
  retry?: { initialRetryTime?: number; maxRetryTime?: number };
  autoCommit: boolean;
  autoCommitInterval?: number;
  fromBeginning: boolean;
  problems: PropertyProblem[];
}

const NUMBERS: Record<string, keyof ConsumerConfig> = {
  "session.timeout.ms": "sessionTimeout",
  "heartbeat.interval.ms": "heartbeatInterval",
  "max.poll.interval.ms": "rebalanceTimeout",
  "fetch.min.bytes": "minBytes",
  "fetch.max.bytes": "maxBytes",
  "max.partition.fetch.bytes": "maxBytesPerPartition",
  "fetch.max.wait.ms": "maxWaitTimeInMs",
};

/** Map Kafka's consumer properties onto KafkaJS; every one it cannot honour is a problem. */
export function kafkajsConsumerSettings(props: Record<string, string>): KafkajsConsumerSettings {
  const s: KafkajsConsumerSettings = {
    consumer: {},
    autoCommit: true,
    fromBeginning: false,
    problems: [],
  };
  const problem = (property: string, message: string) => s.problems.push({ property, message });
  /** The property's whole number from `min`, or a problem named and undefined. */
  const wholeNumber = (name: string, value: string, min = 0): number | undefined => {
    const n = Number(value);
    if (Number.isInteger(n) && n >= min) return n;
    problem(name, `${name} must be a whole number from ${min}, got ${value}`);
  };
  for (const [name, value] of Object.entries(props)) {
    const numeric = NUMBERS[name];
    if (numeric) {
      const n = wholeNumber(name, value);
      if (n !== undefined) (s.consumer as Record<string, unknown>)[numeric] = n;
      continue;
    }
    switch (name) {
      case "enable.auto.commit":
        if (value !== "true" && value !== "false") problem(name, `${name} is true or false`);
        s.autoCommit = value === "true";
        break;
      case "auto.commit.interval.ms":
        s.autoCommitInterval = wholeNumber(name, value);
        break;
      case "retry.backoff.ms":
      case "retry.backoff.max.ms": {
        // From 1: KafkaJS multiplies its backoff, so from 0 every retry would come at once and
        // retry.backoff.max.ms would mean nothing. (The producer driver clamps 0 to 1 instead.)
        const n = wholeNumber(name, value, 1);
        if (n === undefined) break;
        const key = name === "retry.backoff.ms" ? "initialRetryTime" : "maxRetryTime";
        s.retry = { ...s.retry, [key]: n };
        break;
      }
      case "auto.offset.reset":
        if (value === "earliest") s.fromBeginning = true;
        else if (value !== "latest") {
          problem(name, `KafkaJS resets to earliest or latest only, not ${value}`);
        }
        break;
      case "isolation.level":
        if (value === "read_uncommitted") s.consumer.readUncommitted = true;
        else if (value === "read_committed") s.consumer.readUncommitted = false;
        else problem(name, `${name} is read_committed or read_uncommitted, not ${value}`);
        break;
      case "partition.assignment.strategy":
        if (
          !/^(roundrobin|org\.apache\.kafka\.clients\.consumer\.RoundRobinAssignor)$/.test(value)
        ) {
          problem(name, `KafkaJS has one assignor, roundrobin; it cannot use ${value}`);
        }
        s.consumer.partitionAssigners = [PartitionAssigners.roundRobin];
        break;
      case "group.protocol":
        if (value !== "classic") {
          problem(name, `KafkaJS speaks the classic group protocol only, not ${value} (KIP-848)`);
        }
        break;
      case "enable.auto.offset.store":
        problem(
          name,
          "KafkaJS has no offset store: it commits the offsets the application resolved " +
            "(processed), whatever this says",
        );
        break;
      default:
        problem(name, `KafkaJS has no equivalent of the consumer property ${name}`);
    }
  }
  return s;
}

/** A batch KafkaJS handed over, waiting for the member to take its records. */
interface PendingBatch {
  partition: number;
  messages: KafkaMessage[];
  next: number;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  commitOffsetsIfNecessary(): Promise<void>;
  isStale(): boolean;
  isRunning(): boolean;
  /** Let the handler return. */
  finish(): void;
}

/** Subscribe a KafkaJS consumer; see the module doc. */
export async function createKafkajsConsumer(o: ConsumerOptions): Promise<ConsumerDriver> {
  const settings = kafkajsConsumerSettings(o.properties);
  if (settings.problems.length) {
    throw new Error(settings.problems.map((p) => p.message).join("; "));
  }
  const kafka = new Kafka({
    clientId: o.clientId,
    brokers: o.bootstrap,
    ...kafkaJsSecurity(o.connection ?? PLAINTEXT),
    ...(settings.retry ? { retry: settings.retry } : {}),
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, log }) => {
      const error = log.error ? `: ${log.error}` : "";
      o.onClientLog?.(level === logLevel.ERROR ? "error" : "warn", String(log.message) + error);
    },
  });
  // Its retry policy is the client's (the backoff above) with KafkaJS's own 5 retries.
  const consumer = kafka.consumer({ ...settings.consumer, groupId: o.groupId });
  let current: PendingBatch | null = null;
  /** Wakes a poll waiting for a batch (or, while revoking, for the join). */
  let arrived: (() => void) | null = null;
  const waiting: PendingBatch[] = [];
  let closed = false;
  let assigned: number[] = [];
  /** Commit `positions` of the topic for the group (KafkaJS's offsets are strings). */
  const commitPositions = (positions: CommitPosition[]) =>
    consumer.commitOffsets(
      positions.map((p) => ({ topic: o.topic, partition: p.partition, offset: String(p.offset) })),
    );
  let revokeCommit: RevokeCommit | null = null;
  /**
   * With a revoke commit: revoked, not yet joined again. Nothing is handed over then: a batch
   * KafkaJS fetched before is let go unread (KafkaJS fetches it again from the resolved offsets
   * once joined), or what the member processed of it would be neither its to commit any more
   * nor committed by it.
   */
  let revoking = false;
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    assigned = [...(e.payload.memberAssignment[o.topic] ?? [])].sort((a, b) => a - b);
    revoking = false;
    arrived?.();
  });
  /**
   * The member's commit before its partitions go (KafkaJS's rebalances are eager: all of
   * them). KafkaJS has no revoke handler; the one place an application can wait before the
   * rejoin is inside its batch handler, which `poll` is: there a refused heartbeat is awaited
   * on (see `poll`). Elsewhere (a rebalance KafkaJS's own heartbeat found between batches)
   * the commit goes out as KafkaJS starts to rejoin, and may lose that race.
   */
  const commitBeforeRevoke = async () => {
    const revoked = assigned;
    assigned = [];
    if (revokeCommit) revoking = true;
    const positions = revokeCommit?.positions(revoked) ?? [];
    if (positions.length === 0) return;
    await commitPositions(positions).then(
      () => revokeCommit?.done(null),
      (e: Error) => revokeCommit?.done(new Error(`KafkaJS: commit on revoke failed: ${e.message}`)),
    );
  };
  // An eager rebalance revokes everything until the member joins again.
  consumer.on(consumer.events.REBALANCING, () => void commitBeforeRevoke());

  await consumer.connect();
  await consumer.subscribe({ topic: o.topic, fromBeginning: settings.fromBeginning });
  await consumer.run({
    autoCommit: settings.autoCommit,
    autoCommitInterval: settings.autoCommitInterval,
    eachBatchAutoResolve: false,
    eachBatch: (
      { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isStale, isRunning },
    ) =>
      new Promise<void>((finish) => {
        if (closed || revoking) return finish();
        waiting.push({
          partition: batch.partition,
          messages: batch.messages,
          next: 0,
          resolveOffset,
          heartbeat,
          commitOffsetsIfNecessary,
          isStale,
          isRunning,
          finish,
        });
        arrived?.();
      }),
  });

  const finishCurrent = () => {
    current?.finish();
    current = null;
  };

  return {
    client: { name: "kafkajs", version: KAFKAJS_VERSION },
    async poll(max, timeoutMs) {
      if (closed) return [];
      if (current) {
        // A heartbeat refused (a rebalance) ends the batch as KafkaJS's own eachMessage loop
        // does: its unresolved records come again from the resolved offset. A rebalance under
        // way is the moment to commit on revoke: KafkaJS rejoins once this batch is let go.
        const beating = await current.heartbeat().then(() => true, async (e) => {
          if ((e as { type?: string }).type === "REBALANCE_IN_PROGRESS") {
            await commitBeforeRevoke();
          }
          return false;
        });
        const used = current.next >= current.messages.length;
        if (!beating || used || current.isStale() || !current.isRunning()) finishCurrent();
      }
      if (revoking) {
        finishCurrent();
        for (const b of waiting.splice(0)) b.finish();
      }
      if (!current && waiting.length === 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          arrived = resolve;
          timer = setTimeout(resolve, timeoutMs);
        });
        clearTimeout(timer);
        arrived = null;
      }
      if (!current && !revoking) current = waiting.shift() ?? null;
      if (!current) return [];
      const batch = current;
      const taken = batch.messages.slice(batch.next, batch.next + max);
      batch.next += taken.length;
      return taken.map((m): ConsumedRecord => ({
        partition: batch.partition,
        offset: Number(m.offset),
        key: m.key ? new Uint8Array(m.key) : null,
        value: m.value ? new Uint8Array(m.value) : null,
      }));
    },
    async commit(positions, mode) {
      if (closed || positions.length === 0) return;
      const committing = commitPositions(positions);
      if (mode === "sync") await committing;
      else committing.catch((e) => o.onClientLog?.("warn", `async commit failed: ${e.message}`));
    },
    handled(record) {
      // Only a record of the batch in hand: one of an earlier, stale batch is not ours now.
      if (current && current.partition === record.partition && !current.isStale()) {
        current.resolveOffset(String(record.offset));
        // And a heartbeat, as KafkaJS's eachMessage loop sends after each message (KafkaJS
        // sends it only when heartbeat.interval.ms has passed): a long batch keeps the session.
        current.heartbeat().catch(() => {}); // a rebalance: the next poll ends the batch
        // As KafkaJS's eachMessage loop does after each message: commit when the interval
        // (or threshold) says so.
        if (settings.autoCommit) {
          current.commitOffsetsIfNecessary().catch((e) =>
            o.onClientLog?.("warn", `auto-commit failed: ${e.message}`)
          );
        }
      }
    },
    commitOnRevoke(hook) {
      revokeCommit = hook;
    },
    assignment: () => [...assigned],
    async close() {
      if (closed) return;
      closed = true;
      finishCurrent();
      for (const b of waiting.splice(0)) b.finish();
      await consumer.disconnect();
    },
  };
}

/** KafkaJS as a group member's client. */
export const kafkajsConsumerClient: ConsumerDriverFactory = {
  name: "kafkajs",
  prepare: () => Promise.resolve({ version: KAFKAJS_VERSION }),
  check: (properties) => kafkajsConsumerSettings(properties).problems,
  create: createKafkajsConsumer,
};
