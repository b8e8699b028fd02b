/**
 * Produce requests, bytes sent and retries over a whole run, from librdkafka's statistics.
 *
 * librdkafka counts these per broker handle, and since 2.8 it removes the handle of a broker
 * that leaves the metadata or cannot be reached (a re-bootstrap), then makes a new one, from
 * zero, when the broker is back: the sum of one snapshot's brokers then misses everything the
 * removed handles sent. Seen on a single broker behind a 2 s latency toxic: the handle went,
 * the bootstrap one came back, and the run's final snapshot held 70 % of its bytes. So each
 * handle's last counts are kept, and carried over when it leaves the snapshot or starts again
 * from a lower count under the same name.
 *
 * What a handle sent between its last snapshot and its removal is not seen (the handle is
 * usually unreachable by then); nor is a handle replaced and past its predecessor's counts
 * within one statistics interval.
 *
 * @example
 * ```ts
 * import { WireCounts } from "./wire_counts.ts";
 * const counts = new WireCounts();
 * counts.add({ "b:9092/1": { txbytes: 500, req: { Produce: 4 } } });
 * counts.add({ "b:9092/bootstrap": { txbytes: 40 } }); // broker 1's handle was removed
 * counts.add({ "b:9092/1": { txbytes: 100, req: { Produce: 1 } } }); // and made again
 * counts.total(); // { produceRequests: 5, requestBytes: 640, retries: 0 }
 * ```
 * @module
 */
import type { DriverStats } from "../contract.ts";

/** One broker's entry in librdkafka's statistics JSON (the fields read here). */
export interface BrokerStats {
  tx?: number;
  txbytes?: number;
  txretries?: number;
  req?: Record<string, number>;
}

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

/** A counter that went down: the name now belongs to a new handle. */
const restarted = (now: HandleCounts, before: HandleCounts) =>
  now.requests < before.requests || now.produceRequests < before.produceRequests ||
  now.bytes < before.bytes || now.retries < before.retries;

/** Run totals over statistics snapshots; see the module doc. */
export class WireCounts {
  /** Counts of handles gone (removed, or replaced under the same name). */
  #carried: HandleCounts = { requests: 0, produceRequests: 0, bytes: 0, retries: 0 };
  /** Each handle's counts in the last snapshot, by its statistics name. */
  #last = new Map<string, HandleCounts>();

  /** One snapshot's `brokers` object. */
  add(brokers: Record<string, BrokerStats>): void {
    const seen = new Set<string>();
    for (const [name, broker] of Object.entries(brokers)) {
      const now = countsOf(broker);
      const before = this.#last.get(name);
      if (before && restarted(now, before)) this.#carry(before);
      this.#last.set(name, now);
      seen.add(name);
    }
    for (const [name, before] of this.#last) {
      if (seen.has(name)) continue;
      this.#carry(before);
      this.#last.delete(name);
    }
  }

  /** The run's totals so far. */
  total(): DriverStats {
    const sum = { ...this.#carried };
    for (const c of this.#last.values()) {
      sum.produceRequests += c.produceRequests;
      sum.bytes += c.bytes;
      sum.retries += c.retries;
    }
    return { produceRequests: sum.produceRequests, requestBytes: sum.bytes, retries: sum.retries };
  }

  #carry(c: HandleCounts): void {
    this.#carried.requests += c.requests;
    this.#carried.produceRequests += c.produceRequests;
    this.#carried.bytes += c.bytes;
    this.#carried.retries += c.retries;
  }
}
