/**
 * What KafkaJS 2.2.4 lacks, emulated for its driver only: a per-partition
 * record accumulator with `linger.ms` and `batch.size`, the sticky partitioner
 * for keyless records, and `delivery.timeout.ms`. KafkaJS takes whole batches
 * (`producer.send({ messages })`); the Java client and librdkafka take one
 * record at a time and batch themselves. This module turns the second shape
 * into the first.
 *
 * As in the Java client: a partition's batch grows until `batch.size` or
 * `linger.ms`, then is sealed; sealed batches go out while the partition has
 * fewer sends in flight than allowed, and otherwise wait (the open batch keeps
 * growing meanwhile). A keyless record goes to the sticky partition, which
 * moves on when its batch is sealed.
 *
 * Delivery timeout: each record has `delivery.timeout.ms` from the moment it
 * entered the accumulator. A batch whose oldest record is already past it
 * when its turn comes fails without being sent (not persisted: nothing left
 * sismo). Once sent, KafkaJS cannot cancel it: when the time runs out first,
 * the records are reported failed as possibly persisted, and a success that
 * comes later is reported again as `lateSuccess` (the record may be a phantom).
 *
 * @module
 */
import { type DeliveryReport, notSent, type OutRecord } from "../contract.ts";

/** Where a sealed batch landed. */
export interface BatchResult {
  /** Offset of the first record; -1 when unknown (acks=0). */
  baseOffset: number;
}

/** Options of {@link Accumulator}. */
export interface AccumulatorOptions {
  partitions: number;
  lingerMs: number;
  batchBytes: number;
  deliveryTimeoutMs: number;
  /** Sends of one partition in flight at once (Infinity: KafkaJS's own per-connection limit). */
  maxInFlightPerPartition: number;
  /** Partition of a keyed record (the client's partitioner). */
  partitionForKey: (key: string) => number;
  /** One client call for a sealed batch; rejects with the client's error. */
  sendBatch: (partition: number, records: OutRecord[]) => Promise<BatchResult>;
  onDelivery: (report: DeliveryReport) => void;
  /** Clock in ms (performance.now by default); tests pass their own. */
  now?: () => number;
}

interface Entry {
  record: OutRecord;
  /** Clock time it entered the accumulator. */
  enteredAt: number;
}

interface PartitionQueue {
  open: Entry[];
  bytes: number;
  timer: ReturnType<typeof setTimeout> | null;
  /** The open batch's linger expired while no send slot was free. */
  lingered: boolean;
  sealed: Entry[][];
  inFlight: number;
}

/** In-flight batches, so that a purge can answer for them. */
interface Flight {
  partition: number;
  entries: Entry[];
  done: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

/** The per-partition accumulator of the KafkaJS driver; see the module doc. */
export class Accumulator {
  #o: AccumulatorOptions;
  #now: () => number;
  #queues: PartitionQueue[];
  #sticky = 0;
  #flights = new Set<Flight>();
  #closed = false;

  constructor(o: AccumulatorOptions) {
    this.#o = o;
    this.#now = o.now ?? (() => performance.now());
    this.#queues = Array.from({ length: o.partitions }, () => ({
      open: [],
      bytes: 0,
      timer: null,
      lingered: false,
      sealed: [],
      inFlight: 0,
    }));
  }

  /** Add one record: to its key's partition, or to the sticky partition. */
  append(record: OutRecord): void {
    if (this.#closed) {
      this.#o.onDelivery(notSent(record.token, "producer closed"));
      return;
    }
    const partition = record.key !== null ? this.#o.partitionForKey(record.key) : this.#sticky;
    const q = this.#queues[partition];
    q.open.push({ record, enteredAt: this.#now() });
    q.bytes += record.value.length + (record.key?.length ?? 0);
    if (q.bytes >= this.#o.batchBytes) this.#flush(partition);
    else if (q.timer === null && !q.lingered) {
      q.timer = setTimeout(() => this.#flush(partition), this.#o.lingerMs);
    }
  }

  /** Records not yet answered: in the accumulator or in flight. */
  get pending(): number {
    let n = 0;
    for (const q of this.#queues) {
      n += q.open.length;
      for (const b of q.sealed) n += b.length;
    }
    for (const f of this.#flights) if (!f.done) n += f.entries.length;
    return n;
  }

  /**
   * Fail everything still held: queued records as not persisted, records in
   * flight as possibly persisted (KafkaJS cannot take a request back).
   */
  purge(): void {
    for (let p = 0; p < this.#queues.length; p++) {
      const q = this.#queues[p];
      if (q.timer !== null) clearTimeout(q.timer);
      q.timer = null;
      q.lingered = false;
      const queued = [...q.sealed.flat(), ...q.open];
      q.sealed = [];
      q.open = [];
      q.bytes = 0;
      this.#fail(p, queued, "not-persisted", "purged before it was sent");
    }
    for (const f of this.#flights) {
      if (f.done) continue;
      f.done = true;
      if (f.timer !== null) clearTimeout(f.timer);
      this.#fail(f.partition, f.entries, "possibly-persisted", "purged while in flight");
    }
  }

  /** Purge, then refuse further records. */
  close(): void {
    this.purge();
    this.#closed = true;
  }

  #fail(
    partition: number,
    entries: Entry[],
    status: DeliveryReport["status"],
    error: string,
  ): void {
    for (const e of entries) {
      this.#o.onDelivery({ token: e.record.token, partition, offset: -1, status, error });
    }
  }

  #seal(partition: number): void {
    const q = this.#queues[partition];
    if (q.timer !== null) clearTimeout(q.timer);
    q.timer = null;
    q.lingered = false;
    if (q.open.length === 0) return;
    q.sealed.push(q.open);
    q.open = [];
    q.bytes = 0;
    if (partition === this.#sticky) this.#sticky = (this.#sticky + 1) % this.#queues.length;
  }

  #pump(partition: number): void {
    const q = this.#queues[partition];
    while (q.inFlight < this.#o.maxInFlightPerPartition) {
      if (q.sealed.length === 0 && q.lingered) this.#seal(partition);
      const batch = q.sealed.shift();
      if (!batch) return;
      const sent = this.#dispatch(partition, batch);
      if (!sent) continue;
      q.inFlight++;
      void sent.then(() => {
        q.inFlight--;
        this.#pump(partition);
      });
    }
  }

  /** Linger expired or the batch is full: the open batch is ready to go. */
  #flush(partition: number): void {
    const q = this.#queues[partition];
    if (q.inFlight < this.#o.maxInFlightPerPartition || q.bytes >= this.#o.batchBytes) {
      this.#seal(partition);
    } else {
      if (q.timer !== null) clearTimeout(q.timer);
      q.timer = null;
      q.lingered = true;
    }
    this.#pump(partition);
  }

  /**
   * One client call for a batch under the delivery timeout of its oldest
   * record; null when every record had already expired (nothing sent).
   */
  #dispatch(partition: number, batch: Entry[]): Promise<void> | null {
    const timeout = this.#o.deliveryTimeoutMs;
    const now = this.#now();
    const live = batch.filter((e) => e.enteredAt + timeout > now);
    if (live.length < batch.length) {
      this.#fail(
        partition,
        batch.filter((e) => e.enteredAt + timeout <= now),
        "not-persisted",
        `delivery timeout (${timeout} ms) expired before the batch was sent`,
      );
    }
    if (live.length === 0) return null;
    const flight: Flight = { partition, entries: live, done: false, timer: null };
    this.#flights.add(flight);
    return new Promise<void>((resolve) => {
      flight.timer = setTimeout(() => {
        if (flight.done) return;
        flight.done = true;
        this.#fail(partition, live, "possibly-persisted", `delivery timeout (${timeout} ms)`);
        resolve();
      }, Math.max(0, live[0].enteredAt + timeout - now));
      this.#o.sendBatch(partition, live.map((e) => e.record)).then(
        (res) => {
          this.#flights.delete(flight);
          const late = flight.done;
          flight.done = true;
          if (flight.timer !== null) clearTimeout(flight.timer);
          for (let i = 0; i < live.length; i++) {
            this.#o.onDelivery({
              token: live[i].record.token,
              partition,
              offset: res.baseOffset >= 0 ? res.baseOffset + i : -1,
              status: "persisted",
              ...(late ? { lateSuccess: true } : {}),
            });
          }
          resolve();
        },
        (err: unknown) => {
          this.#flights.delete(flight);
          if (flight.done) return resolve();
          flight.done = true;
          if (flight.timer !== null) clearTimeout(flight.timer);
          // KafkaJS retried and gave up: a request may have reached the broker.
          const message = err instanceof Error ? err.message : String(err);
          this.#fail(partition, live, "possibly-persisted", message);
          resolve();
        },
      );
    });
  }
}
