/**
 * An in-memory log for orchestration tests: a fake driver appends to it, a fake cluster
 * reads it back (end of run and live) and records topics created and deleted. What Kafka
 * does is tested in tests/integration; these test what sismo decides from it.
 */
import { PLAINTEXT } from "../../lib/connection/settings.ts";
import type { VariantCluster } from "../../lib/run/variant.ts";
import type { RunEnvironment } from "../../lib/run/environment.ts";
import type { DriverOptions, ProducerDriver } from "../../lib/clients/contract.ts";

/** Partitions of every topic of the in-memory log. */
export const PARTITIONS = 3;

export class MemoryLog {
  partitions: { key: Uint8Array | null; value: Uint8Array }[][] = Array.from(
    { length: PARTITIONS },
    () => [],
  );
  /** Calls to `offsets` after which the high watermarks tell the truth (followers behind). */
  lagUntilCall = 0;
  lag = 0;
  offsetCalls = 0;
  /** Partitions the read-back cannot read. */
  unreadable = new Set<number>();
  /** Topics created and deleted through the cluster. */
  created: string[] = [];
  deleted: string[] = [];
  /** The end-of-run read throws this (a consumer that cannot even start). */
  consumeThrows: Error | null = null;
  /** Records the live read skips, as `partition/offset` (a broken live reader). */
  liveSkips = new Set<string>();
  /** Records the live read has passed on so far. */
  liveRead = 0;
  /** The live read stops for good after this many records (a consumer that never recovers). */
  liveStopsAt = Infinity;
  /** The first live reader stalls after this many records; a restarted one reads on. */
  firstLiveStallsAt = Infinity;
  /** The group of each live read started. */
  liveGroups: string[] = [];
}

/**
 * What happens to a record: written once, written twice (a retry whose first answer was lost),
 * or refused by the client.
 */
export type RecordFate = "once" | "twice" | "refused";

export function fakeDriver(
  log: MemoryLog,
  o: DriverOptions,
  fate: (token: number) => RecordFate = () => "once",
): ProducerDriver {
  const encoder = new TextEncoder();
  return {
    client: { name: "memory", version: "0" },
    capabilities: { batching: "native", deliveryTimeout: "native", cancel: true, partitioner: "" },
    notes: [],
    send(record) {
      const what = fate(record.token);
      if (what === "refused") {
        queueMicrotask(() =>
          o.onDelivery({
            token: record.token,
            partition: -1,
            offset: -1,
            status: "not-persisted",
            error: "refused",
          })
        );
        return;
      }
      const partition = record.token % PARTITIONS;
      const p = log.partitions[partition];
      const copy = () => ({
        key: record.key === null ? null : encoder.encode(record.key),
        value: record.value.slice(), // the caller reuses its buffer (see OutRecord)
      });
      p.push(copy());
      const offset = p.length - 1;
      if (what === "twice") p.push(copy());
      queueMicrotask(() =>
        o.onDelivery({ token: record.token, partition, offset, status: "persisted" })
      );
    },
    purge: () => Promise.resolve(),
    stats: () => ({ produceRequests: 0, requestBytes: 0 }),
    close: () => Promise.resolve(),
  };
}

export function memoryCluster(log: MemoryLog): VariantCluster {
  return {
    createTopic: (topic) => {
      log.created.push(topic);
      return Promise.resolve();
    },
    deleteTopic: (topic) => {
      log.deleted.push(topic);
      return Promise.resolve(null);
    },
    offsets: () => {
      const lagging = ++log.offsetCalls <= log.lagUntilCall;
      return Promise.resolve(log.partitions.map((p, partition) => ({
        partition,
        high: lagging ? Math.max(0, p.length - log.lag) : p.length,
      })));
    },
    consume: (o) => {
      if (log.consumeThrows) return Promise.reject(log.consumeThrows);
      let recordsRead = 0;
      const unreadable: number[] = [];
      for (const r of o.ranges) {
        if (log.unreadable.has(r.partition)) {
          unreadable.push(r.partition);
          continue;
        }
        for (let off = r.start; off < r.end; off++) {
          const rec = log.partitions[r.partition][off];
          o.onRecord(r.partition, String(off), rec.key, rec.value);
          recordsRead++;
        }
      }
      return Promise.resolve({
        recordsRead,
        durationMs: 1,
        unreadable,
        problems: unreadable.length ? [`partition(s) ${unreadable.join(", ")} not read`] : [],
      });
    },
    tail: (o) => {
      // Polls the log as a consumer would, partitions interleaved, each record once.
      const next = new Map(o.from.map((f) => [f.partition, f.offset]));
      log.liveGroups.push(o.groupId);
      const stopsAt = log.liveGroups.length === 1
        ? Math.min(log.liveStopsAt, log.firstLiveStallsAt)
        : log.liveStopsAt;
      const timer = setInterval(() => {
        for (const [partition, at] of next) {
          const records = log.partitions[partition];
          for (let off = at; off < records.length && log.liveRead < stopsAt; off++) {
            if (!log.liveSkips.has(`${partition}/${off}`)) {
              o.onRecord(partition, String(off), records[off].key, records[off].value);
              log.liveRead++;
            }
            next.set(partition, off + 1);
          }
        }
      }, 5);
      return Promise.resolve({
        next: (partition) => next.get(partition) ?? 0,
        highWatermarks: () =>
          Promise.resolve(log.partitions.map((p, partition) => ({ partition, high: p.length }))),
        stop: () => {
          clearInterval(timer);
          return Promise.resolve();
        },
      });
    },
  };
}

export const env = {
  mode: "local",
  bootstrap: [],
  connection: PLAINTEXT,
  controlBootstrap: [],
  controlConnection: PLAINTEXT,
  brokerIds: [1],
  kafkaVersion: "test",
  toxiproxyUrl: null,
  toxiproxyVersion: "",
  proxyName: (id: number) => `broker-${id}`,
  memberBootstrap: null,
  brokers: null,
  partitionState: () => Promise.resolve({ leader: 1, replicas: [1] }),
  groupCoordinator: () => Promise.resolve(1),
  release: () => Promise.resolve(),
  description: "in memory",
} satisfies RunEnvironment;
