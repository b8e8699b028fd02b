/**
 * Consume-back: read every partition of a variant's topic from the offsets
 * recorded before the run to the end offsets seen after it, and hand each
 * record to a callback. Partitions that cannot be read to their end (no
 * leader, timeout) are reported so the verifier counts their events as
 * unverified, never as lost.
 *
 * Uses a KafkaJS consumer in a throw-away group whose only member is assigned
 * every partition, reading without committing.
 *
 * @module
 */
import "../stack/quiet_kafkajs.ts";
import "../clients/kafkajs/codecs.ts";
import { type Consumer, Kafka, logLevel } from "kafkajs";
import { kafkaJsSecurity } from "../connection/clients.ts";
import { type ConnectionSettings, PLAINTEXT } from "../connection/settings.ts";
import { withAdmin } from "../stack/admin.ts";

/** One record read back from `partition` at `offset` (offset order within a partition). */
export type OnRecord = (
  partition: number,
  offset: string,
  key: Uint8Array | null,
  value: Uint8Array | null,
) => void;

/** Offsets to read per partition: [start, end). */
export interface PartitionRange {
  partition: number;
  start: number;
  end: number;
}

/** What the read covered. */
export interface ConsumeResult {
  recordsRead: number;
  durationMs: number;
  unreadable: number[];
  /** Why partitions were left unread: the consumer's error, or the timeout. */
  problems: string[];
}

/** Start (low) and end (high watermark) offsets of every partition; null for a failing partition. */
export function partitionOffsets(
  bootstrap: string[],
  topic: string,
  connection: ConnectionSettings = PLAINTEXT,
): Promise<{ partition: number; low: number; high: number }[]> {
  return withAdmin(bootstrap, async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.map((o) => ({
      partition: o.partition,
      low: Number(o.low),
      high: Number(o.high),
    })).sort((a, b) => a.partition - b.partition);
  }, connection);
}

/** Settings of {@link readBackConsumer}. */
export interface ReadBackConsumerOptions {
  bootstrap: string[];
  /** Plaintext when absent. */
  connection?: ConnectionSettings;
  /** A throw-away group of this read. */
  groupId: string;
  clientId: string;
  /** Retries of the client and of the consumer. */
  retries: number;
  /**
   * Default: a broker answers a fetch as soon as it has a record (reading a backlog);
   * set, it waits for `minBytes` or `maxWaitTimeInMs`.
   */
  fetch?: { minBytes: number; maxWaitTimeInMs: number };
}

/** A KafkaJS consumer for reading a variant's topic back: its own group, large fetches. */
export function readBackConsumer(o: ReadBackConsumerOptions): { kafka: Kafka; consumer: Consumer } {
  const { clientId, retries, groupId } = o;
  const fetch = o.fetch ?? { minBytes: 1, maxWaitTimeInMs: 200 };
  const kafka = new Kafka({
    clientId,
    brokers: o.bootstrap,
    ...kafkaJsSecurity(o.connection ?? PLAINTEXT),
    logLevel: logLevel.NOTHING,
    retry: { retries, initialRetryTime: 200 },
  });
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 30000,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxBytes: 16 * 1024 * 1024,
    ...fetch,
    retry: { retries },
  });
  return { kafka, consumer };
}

/**
 * Read `ranges` of `topic`, calling `onRecord` for each record in offset order
 * within each partition. Gives up on partitions not finished after `timeoutMs`.
 */
export async function consumeRanges(opts: {
  bootstrap: string[];
  /** Plaintext when absent. */
  connection?: ConnectionSettings;
  topic: string;
  ranges: PartitionRange[];
  groupId: string;
  timeoutMs: number;
  onRecord: OnRecord;
}): Promise<ConsumeResult> {
  const t0 = performance.now();
  const todo = new Map<number, PartitionRange>();
  for (const r of opts.ranges) if (r.end > r.start) todo.set(r.partition, r);
  let recordsRead = 0;
  if (todo.size === 0) return { recordsRead, durationMs: 0, unreadable: [], problems: [] };
  const problems: string[] = [];

  const { consumer } = readBackConsumer({
    bootstrap: opts.bootstrap,
    connection: opts.connection,
    groupId: opts.groupId,
    clientId: "sismo-verify",
    retries: 5,
  });
  const unfinished = new Set(todo.keys());
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, opts.timeoutMs);
      const seeked = new Set<number>();
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const r of todo.values()) {
          if (!seeked.has(r.partition)) {
            seeked.add(r.partition);
            consumer.seek({ topic: opts.topic, partition: r.partition, offset: String(r.start) });
          }
        }
      });
      consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        eachBatch: ({ batch }) => {
          const range = todo.get(batch.partition);
          if (!range) return Promise.resolve();
          for (const m of batch.messages) {
            const off = Number(m.offset);
            if (off < range.start || off >= range.end) continue;
            recordsRead++;
            opts.onRecord(batch.partition, m.offset, m.key ?? null, m.value ?? null);
          }
          const last = batch.messages.length
            ? Number(batch.messages[batch.messages.length - 1].offset)
            : -1;
          if (last >= range.end - 1) {
            unfinished.delete(batch.partition);
            if (unfinished.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          }
          return Promise.resolve();
        },
      }).catch(reject);
    });
  } catch (e) {
    // The cluster did not let us read: what was not read stays unreadable (unverified).
    problems.push(`consume-back failed: ${(e as Error).message}`);
  } finally {
    // Both are clean-up of a throw-away consumer and group; a failure changes no result.
    await consumer.disconnect().catch(() => {});
    await withAdmin(
      opts.bootstrap,
      (admin) => admin.deleteGroups([opts.groupId]),
      opts.connection,
    ).catch(() => {});
  }
  const unreadable = [...unfinished].sort((a, b) => a - b);
  if (unreadable.length && !problems.length) {
    problems.push(
      `partition(s) ${unreadable.join(", ")} not read to their end within ${
        Math.round(opts.timeoutMs / 1000)
      } s`,
    );
  }
  return { recordsRead, durationMs: performance.now() - t0, unreadable, problems };
}
