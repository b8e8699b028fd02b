/**
 * Classify every event of one variant by comparing its {@link Ledger} with
 * the records read back from the variant's topic.
 *
 * Feed every record read back to {@link Verifier.observe} (in offset order
 * within each partition; partitions may interleave), report partitions that
 * could not be read to their end with {@link Verifier.markUnreadable}, then
 * call {@link Verifier.finish}.
 *
 * ## Definitions (exact counts)
 *
 * A record is **foreign** when its value does not decode (see `decodeEvent`)
 * for this run id and variant index, or when it names a sequence number this
 * variant never sent (unused, not-sent or beyond the ledger). Foreign records
 * are counted per record; all other classes count events.
 *
 * For each sent event (status pending, acked or failed), `reads` is the number
 * of times it was read back.
 *
 * - **ok**: acked ∧ reads = 1 ∧ not reordered.
 * - **lost**: acked ∧ reads = 0 ∧ the partition it was acked in is readable.
 * - **duplicated**: reads > 1, whatever the status; **duplicates** = Σ (reads − 1).
 * - **phantom**: (failed ∨ still pending) ∧ reads ≥ 1: the producer did not
 *   report success, yet the event is in the log.
 * - **failedAbsent**: (failed ∨ still pending) ∧ reads = 0 ∧ the event's
 *   partition is known readable. Its partition is unknown, so this needs every
 *   partition readable; for a failed event acknowledged late (see below) its
 *   late-ack partition is used instead.
 * - **unverified**: reads = 0 and the partition where it should be (see lost
 *   and failedAbsent) is unreadable, or unknown while some partition is.
 * - **reordered**: only the first copy of each event counts for ordering. The
 *   first copy is reordered when a higher sequence of the same ordering group
 *   was already read (first copies only) in the same partition. Ordering group:
 *   with `keys: fixed N` the key (seq mod N) within the partition; with `none`
 *   and `per-event` keys the partition itself (one producer's order per
 *   partition). Any status.
 *
 * Overlaps: every sent event with reads = 0 is in exactly one of lost,
 * failedAbsent, unverified. Every sent event with reads ≥ 1 that is not acked
 * is phantom, and may also be duplicated and/or reordered. An acked event with
 * reads ≥ 1 is ok exactly when it is neither duplicated nor reordered. So:
 *
 *     sent = ok + lost + phantom + failedAbsent + unverified
 *            + |acked ∧ reads ≥ 1 ∧ (duplicated ∨ reordered)|
 *
 * and among sent events that are neither duplicated nor reordered, the classes
 * ok, lost, phantom, failedAbsent and unverified are a partition.
 *
 * **Late acks.** A failed event acknowledged afterwards (the client timed out,
 * then the send succeeded) stays failed: it is phantom when read back and
 * failedAbsent when not, classified by what is in the log.
 *
 * **Misplaced reads.** An acked event read back in a partition other than the
 * one it was acked in should not happen. Classification ignores the partition
 * (the event was read, so it is not lost); such reads (copies included) are
 * counted in {@link Verifier.misplaced}, outside the report's counts.
 *
 * ## Samples
 *
 * The first `samplesPerClass` events of each class except ok are kept as
 * examples: in read order for duplicated, phantom, reordered and foreign
 * (at the copy that made them so), in sequence order for lost, failedAbsent
 * and unverified. Foreign samples have `seq` -1 when the value did not decode.
 *
 * @example
 * ```ts
 * const verifier = new Verifier(ledger, { runId, variant: 0, keys: { kind: "none" }, partitions: 3 });
 * for (const r of records) verifier.observe(r.partition, r.offset, r.key, r.value);
 * const report = verifier.finish();
 * ```
 * @module
 */
import type { KeySpace } from "../scenario/types.ts";
import type { EventSample, VerificationCounts, VerificationReport } from "../report/types.ts";
import { decodeEvent, keyOf } from "../load/payload.ts";
import {
  type Ledger,
  STATUS_ACKED,
  STATUS_FAILED,
  STATUS_NOT_SENT,
  STATUS_PENDING,
  STATUS_UNUSED,
} from "./ledger.ts";

/** Options of a {@link Verifier}. */
export interface VerifierOptions {
  /** The run id every record value of this run starts with. */
  runId: Uint8Array;
  /** Index of the variant whose topic is read. */
  variant: number;
  /** Key space of the load, for ordering groups and sample keys. */
  keys: KeySpace;
  /** Partitions of the variant's topic. */
  partitions: number;
  /** Examples kept per class (default 5). */
  samplesPerClass?: number;
}

/** Read counts at or above this are kept in the overflow map. */
const READS_OVERFLOW = 255;
/** Above this many ordering groups, keep their state in a Map rather than an array. */
const MAX_DENSE_GROUPS = 1 << 22;
/** Longest foreign key text kept in a sample. */
const MAX_SAMPLE_KEY = 64;

type SampleClass = keyof VerificationCounts;
/** Classes whose samples are taken while reading, in read order. */
type ReadSampleClass = "duplicated" | "phantom" | "reordered" | "foreign";

/** Classifies one variant's events from a consume-back; see the module doc. */
export class Verifier {
  #ledger: Ledger;
  #runId: Uint8Array;
  #variant: number;
  #keys: KeySpace;
  #keyCount: number;
  #partitions: number;
  #samplesPerClass: number;
  #startedMs = performance.now();

  /** Times each event was read, saturating at READS_OVERFLOW. */
  #reads: Uint8Array;
  #readsOverflow = new Map<number, number>();
  /** One bit per event: its first copy was reordered. */
  #reorderedBits: Uint8Array;
  /** Highest sequence read (first copies) per ordering group; -1 when none. */
  #groupMax: Float64Array | null;
  #groupMaxSparse: Map<number, number> | null;
  #unreadable: Uint8Array;
  #anyUnreadable = false;

  #recordsRead = 0;
  #foreign = 0;
  #duplicated = 0;
  #duplicates = 0;
  #reordered = 0;
  #misplaced = 0;
  #samples: Record<ReadSampleClass, EventSample[]> = {
    duplicated: [],
    phantom: [],
    reordered: [],
    foreign: [],
  };

  /** A verifier for the events in `ledger`. */
  constructor(ledger: Ledger, opts: VerifierOptions) {
    if (!Number.isInteger(opts.partitions) || opts.partitions < 1) {
      throw new RangeError(`partitions must be a positive integer, got ${opts.partitions}`);
    }
    this.#ledger = ledger;
    this.#runId = opts.runId;
    this.#variant = opts.variant;
    this.#keys = opts.keys;
    this.#keyCount = opts.keys.kind === "fixed" ? opts.keys.count : 1;
    this.#partitions = opts.partitions;
    this.#samplesPerClass = opts.samplesPerClass ?? 5;
    this.#reads = new Uint8Array(ledger.capacity);
    this.#reorderedBits = new Uint8Array(Math.ceil(ledger.capacity / 8));
    const groups = opts.partitions * this.#keyCount;
    this.#groupMax = groups <= MAX_DENSE_GROUPS ? new Float64Array(groups).fill(-1) : null;
    this.#groupMaxSparse = this.#groupMax === null ? new Map() : null;
    this.#unreadable = new Uint8Array(opts.partitions);
  }

  /** Account for one record read back from `partition` at `offset`. */
  observe(
    partition: number,
    offset: string,
    key: Uint8Array | null,
    value: Uint8Array | null,
  ): void {
    this.#checkPartition(partition);
    this.#recordsRead++;
    const event = decodeEvent(value, this.#runId);
    if (event === null || event.variant !== this.#variant) {
      const detail = event === null
        ? "not written by this run"
        : `written by variant ${event.variant} of this run`;
      this.#foreignRecord(partition, offset, key, event === null ? -1 : event.seq, detail);
      return;
    }
    const seq = event.seq;
    const ledger = this.#ledger;
    if (!(seq >= 0 && seq < ledger.capacity) || !Number.isInteger(seq)) {
      this.#foreignRecord(partition, offset, key, seq, `sequence ${seq} outside the ledger`);
      return;
    }
    const status = ledger.statusCode(seq);
    if (status === STATUS_UNUSED || status === STATUS_NOT_SENT) {
      this.#foreignRecord(partition, offset, key, seq, `sequence ${seq} was never sent`);
      return;
    }

    const reads = this.#reads[seq];
    if (reads === 0) {
      this.#reads[seq] = 1;
      this.#firstCopy(seq, status, partition, offset);
    } else {
      if (reads === 1) {
        this.#duplicated++;
        this.#sample("duplicated", seq, partition, offset, undefined);
      }
      this.#duplicates++;
      if (reads < READS_OVERFLOW - 1) {
        this.#reads[seq] = reads + 1;
      } else if (reads === READS_OVERFLOW - 1) {
        this.#reads[seq] = READS_OVERFLOW;
        this.#readsOverflow.set(seq, READS_OVERFLOW);
      } else {
        this.#readsOverflow.set(seq, this.#readsOverflow.get(seq)! + 1);
      }
    }
    if (status === STATUS_ACKED || ledger.isAckedAfterFailure(seq)) {
      if (ledger.ackPartition(seq) !== partition) this.#misplaced++;
    }
  }

  /** Partition `partition` could not be read to its end. */
  markUnreadable(partition: number): void {
    this.#checkPartition(partition);
    this.#unreadable[partition] = 1;
    this.#anyUnreadable = true;
  }

  /** Acked events read back in a partition other than their ack's (not in the report). */
  get misplaced(): number {
    return this.#misplaced;
  }

  /** Times event `seq` has been read so far. */
  readsOf(seq: number): number {
    const reads = this.#reads[seq] ?? 0;
    return reads === READS_OVERFLOW ? this.#readsOverflow.get(seq)! : reads;
  }

  /**
   * Bytes of per-event state of the ledger and this verifier together
   * (typed arrays' byteLength / capacity; per-group and per-partition state excluded).
   */
  get bytesPerEvent(): number {
    const capacity = this.#ledger.capacity;
    if (capacity === 0) return 0;
    return this.#ledger.bytesPerEvent +
      (this.#reads.byteLength + this.#reorderedBits.byteLength) / capacity;
  }

  /**
   * Classify every event and build the report. `recordsRead` defaults to the
   * number of `observe` calls, `durationMs` to the time since construction.
   * May be called again after more observations.
   */
  finish(recordsRead?: number, durationMs?: number): VerificationReport {
    const ledger = this.#ledger;
    const counts: VerificationCounts = {
      ok: 0,
      lost: 0,
      duplicated: this.#duplicated,
      duplicates: this.#duplicates,
      phantom: 0,
      failedAbsent: 0,
      reordered: this.#reordered,
      foreign: this.#foreign,
      unverified: 0,
    };
    const lost: EventSample[] = [];
    const failedAbsent: EventSample[] = [];
    const unverified: EventSample[] = [];
    const room = this.#samplesPerClass;
    const size = ledger.size;
    for (let seq = 0; seq < size; seq++) {
      const status = ledger.statusCode(seq);
      if (status === STATUS_UNUSED || status === STATUS_NOT_SENT) continue;
      const reads = this.#reads[seq];
      if (status === STATUS_ACKED) {
        if (reads === 0) {
          const partition = ledger.ackPartition(seq);
          if (this.#unreadable[partition] === 1) {
            counts.unverified++;
            if (unverified.length < room) {
              unverified.push(this.#ackedSample(seq, `acked in unreadable partition ${partition}`));
            }
          } else {
            counts.lost++;
            if (lost.length < room) lost.push(this.#ackedSample(seq, "acked, never read"));
          }
        } else if (reads === 1 && !this.#isReordered(seq)) {
          counts.ok++;
        }
        continue;
      }
      // Failed or still pending.
      if (reads > 0) {
        counts.phantom++;
        continue;
      }
      const lateAck = ledger.isAckedAfterFailure(seq);
      const checkable = lateAck
        ? this.#unreadable[ledger.ackPartition(seq)] !== 1
        : !this.#anyUnreadable;
      if (checkable) {
        counts.failedAbsent++;
        if (failedAbsent.length < room) failedAbsent.push(this.#unansweredSample(seq, null));
      } else {
        counts.unverified++;
        if (unverified.length < room) {
          const why = lateAck
            ? `late ack in unreadable partition ${ledger.ackPartition(seq)}`
            : "partition unknown and a partition is unreadable";
          unverified.push(this.#unansweredSample(seq, why));
        }
      }
    }

    const samples: VerificationReport["samples"] = {};
    const duplicated = this.#samples.duplicated.map((s) => ({
      ...s,
      detail: `read ${this.readsOf(s.seq)} times${this.#ackText(s.seq)}`,
    }));
    const found: [SampleClass, EventSample[]][] = [
      ["lost", lost],
      ["duplicated", duplicated],
      ["phantom", this.#samples.phantom],
      ["failedAbsent", failedAbsent],
      ["reordered", this.#samples.reordered],
      ["foreign", this.#samples.foreign],
      ["unverified", unverified],
    ];
    for (const [name, list] of found) {
      if (list.length > 0) samples[name] = list.map((s) => ({ ...s }));
    }
    const unreadablePartitions: number[] = [];
    for (let p = 0; p < this.#partitions; p++) {
      if (this.#unreadable[p] === 1) unreadablePartitions.push(p);
    }
    return {
      counts,
      samples,
      recordsRead: recordsRead ?? this.#recordsRead,
      durationMs: durationMs ?? performance.now() - this.#startedMs,
      unreadablePartitions,
    };
  }

  /** First copy of a sent event: ordering check, phantom sample. */
  #firstCopy(seq: number, status: number, partition: number, offset: string): void {
    const group = partition * this.#keyCount + (this.#keyCount === 1 ? 0 : seq % this.#keyCount);
    let previous: number;
    if (this.#groupMax !== null) {
      previous = this.#groupMax[group];
      if (seq > previous) this.#groupMax[group] = seq;
    } else {
      previous = this.#groupMaxSparse!.get(group) ?? -1;
      if (seq > previous) this.#groupMaxSparse!.set(group, seq);
    }
    if (previous > seq) {
      this.#reordered++;
      this.#reorderedBits[seq >> 3] |= 1 << (seq & 7);
      this.#sample("reordered", seq, partition, offset, `after seq ${previous}`);
    }
    if (status === STATUS_FAILED || status === STATUS_PENDING) {
      if (this.#samples.phantom.length < this.#samplesPerClass) {
        this.#sample("phantom", seq, partition, offset, this.#unansweredDetail(seq));
      }
    }
  }

  #foreignRecord(
    partition: number,
    offset: string,
    key: Uint8Array | null,
    seq: number,
    detail: string,
  ): void {
    this.#foreign++;
    const list = this.#samples.foreign;
    if (list.length >= this.#samplesPerClass) return;
    const keyText = key === null ? null : new TextDecoder().decode(key.subarray(0, MAX_SAMPLE_KEY));
    list.push({ seq: Number.isFinite(seq) ? seq : -1, partition, offset, key: keyText, detail });
  }

  #sample(
    name: ReadSampleClass,
    seq: number,
    partition: number,
    offset: string,
    detail: string | undefined,
  ): void {
    const list = this.#samples[name];
    if (list.length >= this.#samplesPerClass) return;
    const sample: EventSample = { seq, partition, offset, key: keyOf(this.#keys, seq) };
    if (detail !== undefined) sample.detail = detail;
    list.push(sample);
  }

  /** Sample of an acked event at its ack position. */
  #ackedSample(seq: number, detail: string): EventSample {
    return {
      seq,
      partition: this.#ledger.ackPartition(seq),
      offset: String(this.#ledger.ackOffset(seq)),
      key: keyOf(this.#keys, seq),
      detail,
    };
  }

  /** Sample of a failed or pending event that was not read. */
  #unansweredSample(seq: number, why: string | null): EventSample {
    const lateAck = this.#ledger.isAckedAfterFailure(seq);
    const detail = this.#unansweredDetail(seq);
    return {
      seq,
      partition: lateAck ? this.#ledger.ackPartition(seq) : null,
      offset: lateAck ? String(this.#ledger.ackOffset(seq)) : null,
      key: keyOf(this.#keys, seq),
      detail: why === null ? detail : `${detail}; ${why}`,
    };
  }

  /** Producer error text (or "no answer"), plus the late ack if any. */
  #unansweredDetail(seq: number): string {
    const error = this.#ledger.errorOf(seq);
    const base = error === null ? "no answer from the producer" : error;
    if (!this.#ledger.isAckedAfterFailure(seq)) return base;
    return `${base}; acked late at ${this.#ledger.ackPartition(seq)}/${
      this.#ledger.ackOffset(seq)
    }`;
  }

  #ackText(seq: number): string {
    const partition = this.#ledger.ackPartition(seq);
    if (partition < 0) return "";
    return ` (acked at ${partition}/${this.#ledger.ackOffset(seq)})`;
  }

  #isReordered(seq: number): boolean {
    return (this.#reorderedBits[seq >> 3] & (1 << (seq & 7))) !== 0;
  }

  #checkPartition(partition: number): void {
    if (!(partition >= 0 && partition < this.#partitions) || !Number.isInteger(partition)) {
      throw new RangeError(`partition ${partition} outside 0..${this.#partitions - 1}`);
    }
  }
}
