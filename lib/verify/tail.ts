/**
 * A live read of a topic while it is being written: every record from the
 * given start offsets on, in offset order within each partition, each
 * exactly once, for the streaming verification (`live.ts`).
 *
 * A KafkaJS consumer in a throw-away group, without commits, on the control
 * listeners (not through the proxies, so faults do not hit the checker).
 * KafkaJS restarts a consumer that failed and may hand a batch again after a
 * rejoin: the reader keeps each partition's next offset, seeks there on every
 * join, skips what it already passed on, and seeks back once when a batch
 * starts beyond it (a record must never be skipped silently).
 *
 * @module
 */
import { withAdmin } from "../stack/admin.ts";
import type { ConnectionSettings } from "../connection/settings.ts";
import { type OnRecord, readBackConsumer } from "./consume.ts";

/** Options of a live read. */
export interface TailOptions {
  bootstrap: string[];
  /** Plaintext when absent. */
  connection?: ConnectionSettings;
  topic: string;
  /** Where each partition's read starts (the high watermark before the load). */
  from: readonly { partition: number; offset: number }[];
  groupId: string;
  /** Each record once, in offset order within its partition. */
  onRecord: OnRecord;
  /** Something the reader had to work around or could not (for the report). */
  onProblem?: (message: string) => void;
}

/** A live read in progress. */
export interface TailReader {
  /** Next offset to read per partition (every record below it was passed on). */
  next(partition: number): number;
  /**
   * High watermark of every partition, in partition order, on a connection kept open for the
   * read (asked every second); throws when they cannot be read.
   */
  highWatermarks(): Promise<{ partition: number; high: number }[]>;
  /** Stop reading and leave the group. */
  stop(): Promise<void>;
}

/** Start reading `topic` live; see the module doc. */
export async function tailTopic(o: TailOptions): Promise<TailReader> {
  const next = new Map<number, number>();
  for (const f of o.from) next.set(f.partition, f.offset);
  /** Per partition, the offset a seek back was made to (once per gap). */
  const seekedBackTo = new Map<number, number>();
  // Few, full fetches: a fetch answered at every new record costs the brokers (on the same
  // cores as the load) far more than the records do; a second of delay costs nothing here.
  const { kafka, consumer } = readBackConsumer({
    bootstrap: o.bootstrap,
    connection: o.connection,
    groupId: o.groupId,
    clientId: "sismo-live-verify",
    retries: 8,
    fetch: { minBytes: 1024 * 1024, maxWaitTimeInMs: 1000 },
  });
  const admin = kafka.admin({ retry: { retries: 2 } });
  const seekAll = () => {
    for (const [partition, offset] of next) {
      consumer.seek({ topic: o.topic, partition, offset: String(offset) });
    }
  };
  consumer.on(consumer.events.GROUP_JOIN, seekAll);
  consumer.on(consumer.events.CRASH, (e) => {
    const error = (e.payload as { error?: Error }).error;
    o.onProblem?.(`live read: consumer restarted after ${error?.message ?? "a crash"}`);
  });
  await admin.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: true,
    eachBatch: ({ batch }) => {
      const partition = batch.partition;
      let at = next.get(partition);
      if (at === undefined) return Promise.resolve();
      for (const m of batch.messages) {
        const off = Number(m.offset);
        if (off < at) continue; // already passed on (a batch handed again)
        if (off > at) {
          if (seekedBackTo.get(partition) !== at) {
            // Records between were not seen: read them again rather than skip them.
            seekedBackTo.set(partition, at);
            consumer.seek({ topic: o.topic, partition, offset: String(at) });
            break;
          }
          // The same gap after a seek back: the log has no record there.
          o.onProblem?.(`live read: partition ${partition} has no record at ${at}..${off - 1}`);
        }
        o.onRecord(partition, m.offset, m.key ?? null, m.value ?? null);
        at = off + 1;
        next.set(partition, at);
      }
      return Promise.resolve();
    },
  });
  return {
    next: (partition) => next.get(partition) ?? 0,
    highWatermarks: async () =>
      (await admin.fetchTopicOffsets(o.topic))
        .map((p) => ({ partition: p.partition, high: Number(p.high) }))
        .sort((a, b) => a.partition - b.partition),
    stop: async () => {
      // Clean-up of a throw-away consumer and group; a failure changes no result.
      await consumer.disconnect().catch(() => {});
      await admin.disconnect().catch(() => {});
      await withAdmin(o.bootstrap, (admin) => admin.deleteGroups([o.groupId]), o.connection)
        .catch(() => {});
    },
  };
}
