/**
 * Produce requests, bytes sent and retries over a whole run, from librdkafka's statistics.
 *
 * librdkafka counts these per broker handle, and since 2.8 it removes the handle of a broker
 * that leaves the metadata or cannot be reached (a re-bootstrap), then makes a new one, from
 * zero, when the broker is back: the sum of one snapshot's brokers then misses everything the
 * removed handles sent. Seen on a single broker behind a 2 s latency toxic: the handle went,
 * the bootstrap one came back, and the run's final snapshot held 70 % of its bytes. So each
 * handle's last counts are kept, and carried over once it is gone.
 *
 * Handles have no identity in the statistics. A learned broker is known by its node id (its
 * name follows its advertised address), others by name. A removed handle lingers until its
 * thread ends, listed beside its successor under the same name: the statistics text is read
 * with every entry kept (`JSON.parse` keeps the last of equal keys). From one snapshot to the
 * next, a handle still there has counts that did not go down: handles whose counts did not
 * change are matched first (a lingering one is frozen), then the newest first (librdkafka lists
 * new handles first). What a handle sent between its last snapshot and its removal is not
 * seen; nor is a handle replaced and past its predecessor's counts within one interval.
 *
 * @example
 * ```ts
 * import { WireCounts } from "./wire_counts.ts";
 * const counts = new WireCounts();
 * counts.add([{ name: "b:9092/1", nodeid: 1, txbytes: 500, req: { Produce: 4 } }]);
 * // Broker 1's handle was removed; the bootstrap one is back.
 * counts.add([{ name: "b:9092/bootstrap", nodeid: -1, txbytes: 40 }]);
 * // And broker 1's handle made again, from zero.
 * counts.add([{ name: "b:9092/1", nodeid: 1, txbytes: 100, req: { Produce: 1 } }]);
 * counts.total(); // { produceRequests: 5, requestBytes: 640, retries: 0 }
 * ```
 * @module
 */
import type { DriverStats } from "../contract.ts";

/** One broker's entry in librdkafka's statistics JSON (the fields read here). */
export interface BrokerStats {
  name: string;
  /** -1 for bootstrap and logical (coordinator) handles. */
  nodeid: number;
  tx?: number;
  txbytes?: number;
  txretries?: number;
  req?: Record<string, number>;
}

/**
 * The `brokers` entries of a statistics JSON text, in librdkafka's order, every one kept: two
 * handles may share a name (each entry opens with `"<name>": { "name":`).
 */
export function brokerEntries(statsJson: string): BrokerStats[] {
  let n = 0;
  const unique = statsJson.replace(
    /"([^"\\]*)": \{ "name":/g,
    (_, name: string) => `"${name} #${n++}": { "name":`,
  );
  return Object.values(JSON.parse(unique).brokers ?? {});
}

/** A handle's counts; `requests` (every request type) only tells a handle from another. */
interface HandleCounts {
  requests: number;
  produceRequests: number;
  bytes: number;
  retries: number;
}

const countsOf = (b: BrokerStats): HandleCounts => ({
  requests: b.tx ?? 0,
  produceRequests: b.req?.Produce ?? 0,
  bytes: b.txbytes ?? 0,
  retries: b.txretries ?? 0,
});

const FIELDS = ["requests", "produceRequests", "bytes", "retries"] as const;
const same = (a: HandleCounts, b: HandleCounts) => FIELDS.every((f) => a[f] === b[f]);
/** `now` can be `before` later on (counters only grow). */
const grewFrom = (now: HandleCounts, before: HandleCounts) =>
  FIELDS.every((f) => now[f] >= before[f]);

/** Run totals over statistics snapshots; see the module doc. */
export class WireCounts {
  /** Counts of handles gone. */
  #carried: HandleCounts = { requests: 0, produceRequests: 0, bytes: 0, retries: 0 };
  /** Each broker's handles in the last snapshot, newest first. */
  #last = new Map<string, HandleCounts[]>();

  /** One snapshot's broker entries ({@link brokerEntries}), in librdkafka's order. */
  add(brokers: readonly BrokerStats[]): void {
    const now = new Map<string, HandleCounts[]>();
    for (const b of brokers) {
      const key = b.nodeid >= 0 ? `node ${b.nodeid}` : `name ${b.name}`;
      now.set(key, [...now.get(key) ?? [], countsOf(b)]);
    }
    for (const [key, before] of this.#last) {
      for (const gone of unmatched(before, now.get(key) ?? [])) this.#carry(gone);
    }
    this.#last = now;
  }

  /** The run's totals so far. */
  total(): DriverStats {
    const sum = { ...this.#carried };
    for (const c of [...this.#last.values()].flat()) {
      sum.produceRequests += c.produceRequests;
      sum.bytes += c.bytes;
      sum.retries += c.retries;
    }
    return { produceRequests: sum.produceRequests, requestBytes: sum.bytes, retries: sum.retries };
  }

  #carry(c: HandleCounts): void {
    for (const f of FIELDS) this.#carried[f] += c[f];
  }
}

/** The handles of `before` that none of `now` continues (see the module doc). */
function unmatched(before: HandleCounts[], now: HandleCounts[]): HandleCounts[] {
  const free = new Set(now.keys());
  const gone: HandleCounts[] = [];
  const left: HandleCounts[] = [];
  for (const b of before) {
    const i = [...free].find((j) => same(now[j], b));
    if (i === undefined) left.push(b);
    else free.delete(i);
  }
  for (const b of left) {
    const i = [...free].find((j) => grewFrom(now[j], b));
    if (i === undefined) gone.push(b);
    else free.delete(i);
  }
  return gone;
}
