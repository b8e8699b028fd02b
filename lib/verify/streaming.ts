/**
 * Verification that runs alongside the load: the same classification as the
 * end-of-run `Verifier` (`verifier.ts`, whose definitions this follows),
 * fed as things happen, with memory bounded by the events whose fate is not
 * settled yet plus a compact summary of the settled ones. Pure: no Kafka I/O,
 * not wired into runs yet.
 *
 * ## Feeding it
 *
 * Two streams, interleaved in any order that respects causality (an event is
 * marked sent before any copy of it is read):
 * - the producer side, as the ledger sees it: {@link sent} / {@link notSent}
 *   in sequence order, then {@link acked} (partition, offset) or
 *   {@link failed} (the error text as the ledger keeps it, persistence status
 *   included) in any order; a later acknowledgement of a failed event is a
 *   late ack, any other second answer is ignored (the first answer stands);
 * - the consume-back: {@link record} per partition in offset order,
 *   partitions interleaved, and {@link readTo} when a partition is read to an
 *   offset without a record there (caught up with its end).
 *
 * ## Settling rule
 *
 * The checker is told a bound per partition: {@link settle}`(p, offset, below)`
 * states that from `offset` on, partition `p` holds no copy of any event below
 * sequence number `below` (first sends, retries and application resends
 * alike), and that the producer will answer no event below `below` any more.
 * It takes effect once `p` has been read to `offset`; per partition the bound
 * only rises. {@link HandOffHorizon} (`streaming_horizon.ts`) derives `below`
 * from the client's delivery timeout. Let S(p) be the bound in force on `p`
 * and G the lowest S(p) over every partition. Then:
 *
 * - an acknowledged event read at least once settles when a copy was read at
 *   its acknowledged position, or `p` was read past that offset (or, with
 *   acks=0, S(p) passed it), or G passed it; and its first copy's ordering
 *   mark is final (see `streaming_order.ts`: final once S of the partition it
 *   was read in passed the piles it sits on);
 * - an acknowledged event never read settles as lost once G passes it: no
 *   partition can hold it any more;
 * - a failed event settles once G passes it (phantom when read, failed-absent
 *   when not): its partition is unknown, and a late acknowledgement may still
 *   come until then;
 * - a pending event never settles; {@link finish} classifies what is left.
 *
 * **Why it is safe.** Under the bound, after an event settles nothing can
 * change its class except another copy of an event already read (a
 * duplicate). The summary keeps, per settled sequence number, a code that
 * says how to count that copy exactly (ok → duplicated, phantom read once →
 * twice, …), as runs of equal codes ({@link SeqRuns}): ok is the default
 * and costs nothing, and each anomaly adds at most a run. Per-partition
 * counters of settled lost and failed-absent events let {@link finish} turn
 * them into unverified when their partition is declared unreadable, as the
 * end-of-run verifier does.
 *
 * ## Exactness and limits
 *
 * With the bound holding, every count of the report (classes, duplicates,
 * reordered, foreign, misplaced, recordsRead) equals the end-of-run
 * verifier's on the same answers and the same records read in the same order
 * (with copies in several partitions, the one read first decides the ordering
 * group, for both), however answers and records interleave.
 * Reordering is exact in bounded memory because a pile prefix below the bound
 * can no longer change the verifier's choice of a longest increasing
 * subsequence. A record below the bound, or an answer for a settled phantom,
 * breaks it: such events are still counted, approximately in the ways
 * `streaming_order.ts` and `#ackOfSettled` describe, and {@link stats}
 * reports them as `boundViolations` (the run should then distrust the
 * streaming counts). A record of an event not yet marked sent is foreign at
 * once (causality). Samples are examples, chosen as the verifier chooses
 * where the information is still at hand (foreign and duplicated in read
 * order, lost, failed-absent and unverified the lowest sequence numbers), else
 * in settling order (phantom, misplaced).
 *
 * Memory: 26 bytes per unresolved event (ring slots; a straggler costs about
 * 40 more in the spill area), 24 bytes per summary run, 16 per open pile; see
 * {@link stats}. Unresolved events are about rate × (delivery horizon + read
 * lag) in a steady run.
 *
 * @example
 * ```ts
 * const runId = new Uint8Array(8);
 * const v = new StreamingVerifier({ runId, variant: 0, keys: { kind: "none" }, partitions: 1, events: 10 });
 * v.sent(0);
 * v.acked(0, 0, 0);
 * // v.record(0, "0", null, value) for each record read back; v.settle(0, end, below) as the horizon moves
 * const report = v.finish();
 * ```
 * @module
 */
import type { KeySpace } from "../scenario/types.ts";
import type { VerificationCounts, VerificationReport } from "../report/types.ts";
import { decodeRecord, foreignSample } from "./verifier.ts";
import { SeqRuns } from "./streaming_runs.ts";
import { StreamingOrder } from "./streaming_order.ts";
import {
  ACKED,
  AT_ACK,
  EventTable,
  FAILED,
  LATE_ACK,
  MARKED,
  ORDER_FINAL,
  PENDING,
} from "./streaming_events.ts";
import { SampleBook } from "./streaming_samples.ts";

export { HandOffHorizon } from "./streaming_horizon.ts";

/** Options of a {@link StreamingVerifier}. */
export interface StreamingVerifierOptions {
  /** The run id every record value of this run starts with. */
  runId: Uint8Array;
  /** Index of the variant whose topic is read. */
  variant: number;
  /** Key space of the load, for ordering groups and sample keys. */
  keys: KeySpace;
  /** Partitions of the variant's topic. */
  partitions: number;
  /** Sequence numbers of the variant: `0 … events-1` (the ledger's capacity). */
  events: number;
  /** Examples kept per class (default 5). */
  samplesPerClass?: number;
}

/** Memory and progress figures, for the progress line and the benchmark. */
export interface StreamingStats {
  /** Events not settled yet (held one slot each). */
  unresolved: number;
  /** Of which held in the spill area (stragglers). */
  spilled: number;
  /** Runs of the settled events' summary. */
  summaryRuns: number;
  /** Ordering piles not finalized, over every group. */
  openPiles: number;
  /** Every event below this sequence number is settled or pending (G, the lowest bound). */
  settledBelow: number;
  /** Records below the bound and answers after it: counts may then differ from the verifier's. */
  boundViolations: number;
  /** Estimated bytes of all state. */
  estimatedBytes: number;
}

/**
 * Codes of settled events in the summary: what another copy of the event read later means.
 * OK (0, the default) is acknowledged, read once, in order.
 */
const OK = 0;
const ACKED_ONCE_MARKED = 1;
const ACKED_MULTI = 2;
const PHANTOM_ONCE = 3;
const PHANTOM_MULTI = 4;
const PHANTOM_ONCE_LATE_ACK = 5;
const PHANTOM_MULTI_LATE_ACK = 6;
const FAILED_ABSENT = 7;
const NOT_SENT = 8;
/** Skipped by the generator (never intended). */
const UNUSED = 9;
/** Lost, acknowledged in partition p: LOST_IN + 2p. */
const LOST_IN = 16;
/** Failed-absent, acknowledged late in partition p: FAILED_ABSENT_ACKED_IN + 2p. */
const FAILED_ABSENT_ACKED_IN = 17;

/** A partition's bound statements not in force yet, by offset. */
interface PendingBounds {
  offsets: number[];
  below: number[];
}

/** A streaming twin of the end-of-run `Verifier`; see the module doc. */
export class StreamingVerifier {
  readonly #runId: Uint8Array;
  readonly #variant: number;
  readonly #partitions: number;
  readonly #events: number;
  readonly #startedMs = performance.now();

  readonly #table = new EventTable();
  readonly #order: StreamingOrder;
  readonly #summary = new SeqRuns();
  readonly #samples: SampleBook;
  /** Next sequence number sent/notSent may name. */
  #frontier = 0;
  /** Error texts of unresolved failed events. */
  #errors = new Map<number, string>();
  /** Copies read before the event was acknowledged, after the first: [partition, offset, …]. */
  #earlyCopies = new Map<number, number[]>();

  /** Per partition: next offset to read, bound in force, statements waiting. */
  #next: Float64Array;
  #bound: Float64Array;
  #waiting: PendingBounds[];
  /** G: the lowest bound over all partitions; events below it were scanned for settling. */
  #settledBelow = 0;
  #unreadable: Uint8Array;
  #anyUnreadable = false;

  #ok = 0;
  #phantom = 0;
  #duplicated = 0;
  #duplicates = 0;
  #foreign = 0;
  #misplaced = 0;
  #failedAbsent = 0;
  /** Settled absent events per acknowledged partition (unverified if it turns unreadable). */
  #lostIn: Float64Array;
  #failedAbsentAckedIn: Float64Array;
  #violations = 0;
  #recordsRead = 0;
  #finishing = false;
  #report: VerificationReport | null = null;

  /** A checker for one variant's events and topic. */
  constructor(opts: StreamingVerifierOptions) {
    if (!Number.isInteger(opts.partitions) || opts.partitions < 1 || opts.partitions > 0x7fff) {
      throw new RangeError(`partitions must be an integer in 1..32767, got ${opts.partitions}`);
    }
    if (!Number.isSafeInteger(opts.events) || opts.events < 0 || opts.events > 0x7fffffff) {
      throw new RangeError(`events must be an integer in 0..2^31-1, got ${opts.events}`);
    }
    this.#runId = opts.runId;
    this.#variant = opts.variant;
    this.#partitions = opts.partitions;
    this.#events = opts.events;
    this.#samples = new SampleBook(opts.keys, opts.samplesPerClass ?? 5);
    const stride = opts.keys.kind === "fixed" ? opts.keys.count : 1;
    this.#order = new StreamingOrder(stride, {
      linkOf: (seq) => {
        const slot = this.#table.slot(seq);
        return slot < 0 ? -1 : this.#table.cols.link[slot];
      },
      setLink: (seq, replaced) => {
        const slot = this.#table.slot(seq);
        if (slot >= 0) this.#table.cols.link[slot] = replaced;
      },
    }, (seq, marked) => this.#ordered(seq, marked));
    const p = opts.partitions;
    this.#next = new Float64Array(p);
    this.#bound = new Float64Array(p);
    this.#waiting = Array.from({ length: p }, () => ({ offsets: [], below: [] }));
    this.#unreadable = new Uint8Array(p);
    this.#lostIn = new Float64Array(p);
    this.#failedAbsentAckedIn = new Float64Array(p);
  }

  // --- the producer side ------------------------------------------------------------------

  /** Event `seq` was handed to the client (sequence numbers increase from call to call). */
  sent(seq: number): void {
    this.#intend(seq);
    this.#table.add(seq);
  }

  /** Event `seq` was not handed to the client (outstanding sends at their bound). */
  notSent(seq: number): void {
    this.#intend(seq);
    this.#summary.set(seq, NOT_SENT);
  }

  /** The broker acknowledged event `seq` at `partition`/`offset` (-1: no offset, acks=0). */
  acked(seq: number, partition: number, offset: number): void {
    this.#checkOpen();
    this.#checkPartition(partition);
    const table = this.#table;
    const slot = table.slot(seq);
    if (slot < 0) {
      this.#ackOfSettled(seq, partition);
      return;
    }
    const c = table.cols;
    const status = table.status(slot);
    if (status === PENDING) {
      table.setStatus(slot, ACKED);
    } else if (status === FAILED && (c.flags[slot] & LATE_ACK) === 0) {
      c.flags[slot] |= LATE_ACK;
    } else {
      return; // The first answer stands.
    }
    c.ackPartition[slot] = partition;
    c.ackOffset[slot] = offset;
    this.#samples.acknowledged(seq, partition, offset);
    if (c.reads[slot] > 0) {
      let atAck = matches(c.firstPartition[slot], c.firstOffset[slot], partition, offset);
      const more = this.#earlyCopies.get(seq) ?? [];
      for (let i = 0; i < more.length && !atAck; i += 2) {
        atAck = matches(more[i], more[i + 1], partition, offset);
      }
      if (atAck) c.flags[slot] |= AT_ACK;
    }
    this.#earlyCopies.delete(seq);
    this.#trySettle(seq, slot);
  }

  /** The client reported the send of `seq` as failed, with `error` (as the ledger words it). */
  failed(seq: number, error = "unknown error"): void {
    this.#checkOpen();
    const slot = this.#table.slot(seq);
    if (slot < 0) {
      this.#settledCode(seq, "failed"); // throws when never sent; else the first answer stands
      return;
    }
    if (this.#table.status(slot) !== PENDING) return;
    this.#table.setStatus(slot, FAILED);
    this.#errors.set(seq, error);
    this.#trySettle(seq, slot);
  }

  /**
   * An acknowledgement for an event already settled. Exact for a failed-absent event (it
   * moves to the partition of its late ack, which decides whether it is checkable) and for
   * a repeated answer (ignored). For a phantom it breaks the bound: whether a copy was at
   * the acknowledged position is no longer known, it is counted as not misplaced.
   */
  #ackOfSettled(seq: number, partition: number): void {
    const code = this.#settledCode(seq, "acked");
    if (code === FAILED_ABSENT) {
      this.#summary.set(seq, FAILED_ABSENT_ACKED_IN + 2 * partition);
      this.#failedAbsent--;
      this.#failedAbsentAckedIn[partition]++;
    } else if (code === PHANTOM_ONCE || code === PHANTOM_MULTI) {
      this.#summary.set(
        seq,
        code === PHANTOM_ONCE ? PHANTOM_ONCE_LATE_ACK : PHANTOM_MULTI_LATE_ACK,
      );
      this.#violations++;
    }
  }

  // --- the consume-back -------------------------------------------------------------------

  /** One record read back from `partition` at `offset` (offset order within a partition). */
  record(
    partition: number,
    offset: string,
    key: Uint8Array | null,
    value: Uint8Array | null,
  ): void {
    this.#checkOpen();
    this.#checkPartition(partition);
    this.#recordsRead++;
    const at = Number(offset);
    this.readTo(partition, at);
    const { seq, foreign } = decodeRecord(value, this.#runId, this.#variant, this.#events);
    const why = foreign ?? this.#copy(seq, partition, at, offset);
    if (why !== null) {
      this.#foreign++;
      this.#samples.foreign(() => foreignSample(partition, offset, key, seq, why));
    }
    this.readTo(partition, at + 1);
  }

  /** Every record of `partition` below `offset` has been passed to {@link record}. */
  readTo(partition: number, offset: number): void {
    this.#checkPartition(partition);
    if (offset > this.#next[partition]) this.#next[partition] = offset;
    const waiting = this.#waiting[partition];
    let raised = false;
    let taken = 0;
    while (taken < waiting.offsets.length && waiting.offsets[taken] <= this.#next[partition]) {
      if (waiting.below[taken] > this.#bound[partition]) {
        this.#bound[partition] = waiting.below[taken];
        raised = true;
      }
      taken++;
    }
    if (taken > 0) {
      waiting.offsets.splice(0, taken);
      waiting.below.splice(0, taken);
    }
    if (raised) this.#raised(partition);
  }

  /**
   * From `offset` on, `partition` holds no copy of any event below `belowSeq`, and no event
   * below it will be answered any more (see Settling rule in the module doc).
   */
  settle(partition: number, offset: number, belowSeq: number): void {
    this.#checkOpen();
    this.#checkPartition(partition);
    const waiting = this.#waiting[partition];
    let at = waiting.offsets.length;
    while (at > 0 && waiting.offsets[at - 1] > offset) at--;
    // One before it at most as far with a bound at least as high makes it redundant; at the
    // same offset keep the higher bound: a partition not read meanwhile keeps one statement.
    if (at > 0 && waiting.below[at - 1] >= belowSeq) return;
    if (at > 0 && waiting.offsets[at - 1] === offset) waiting.below[at - 1] = belowSeq;
    else {
      waiting.offsets.splice(at, 0, offset);
      waiting.below.splice(at, 0, belowSeq);
    }
    this.readTo(partition, this.#next[partition]);
  }

  /** Partition `partition` could not be read to its end. */
  markUnreadable(partition: number): void {
    this.#checkPartition(partition);
    this.#unreadable[partition] = 1;
    this.#anyUnreadable = true;
  }

  // --- figures ----------------------------------------------------------------------------

  /** Counts of the events settled so far (and duplicates, foreign, reordered as read): live verdicts. */
  settledCounts(): VerificationCounts {
    let lost = 0;
    let failedAbsent = this.#failedAbsent;
    for (let p = 0; p < this.#partitions; p++) {
      lost += this.#lostIn[p];
      failedAbsent += this.#failedAbsentAckedIn[p];
    }
    return {
      ok: this.#ok,
      lost,
      duplicated: this.#duplicated,
      duplicates: this.#duplicates,
      phantom: this.#phantom,
      failedAbsent,
      reordered: this.#order.reordered,
      foreign: this.#foreign,
      unverified: 0,
    };
  }

  /** Whether event `seq` is still held, its fate not settled. */
  holds(seq: number): boolean {
    return this.#table.slot(seq) >= 0;
  }

  /** Memory and settling figures; see {@link StreamingStats}. */
  stats(): StreamingStats {
    let waiting = 0;
    for (const w of this.#waiting) waiting += w.offsets.length;
    let early = 0;
    for (const copies of this.#earlyCopies.values()) early += 48 + copies.length * 8;
    const bytes = this.#table.byteLength + this.#summary.byteLength +
      this.#order.openPiles * 16 + this.#order.groups * 120 + waiting * 16 +
      this.#errors.size * 48 + early + this.#partitions * 40 + this.#samples.byteLength;
    return {
      unresolved: this.#table.size,
      spilled: this.#table.spilled,
      summaryRuns: this.#summary.count,
      openPiles: this.#order.openPiles,
      settledBelow: this.#settledBelow,
      boundViolations: this.#violations,
      estimatedBytes: bytes,
    };
  }

  /**
   * Classify what is left as the end-of-run verifier would and build the same report.
   * `recordsRead` defaults to the number of records, `durationMs` to the time since
   * construction. Final: later calls return the same report, and feeding it afterwards throws.
   */
  finish(recordsRead?: number, durationMs?: number): VerificationReport {
    if (this.#report !== null) return this.#report;
    this.#finishing = true; // the marks below only flag events: #buildReport classifies them
    this.#order.finishAll();
    this.#report = this.#buildReport(recordsRead, durationMs);
    return this.#report;
  }

  // --- internals --------------------------------------------------------------------------

  #intend(seq: number): void {
    this.#checkOpen();
    if (!Number.isInteger(seq) || seq < this.#frontier || seq >= this.#events) {
      throw new RangeError(
        `sequence ${seq}: expected an integer in ${this.#frontier}..${this.#events - 1}`,
      );
    }
    for (let s = this.#frontier; s < seq; s++) this.#summary.set(s, UNUSED);
    this.#frontier = seq + 1;
  }

  /** The summary code of settled event `seq`; throws when it was never sent. */
  #settledCode(seq: number, call: string): number {
    const code = seq < this.#frontier ? this.#summary.get(seq) : UNUSED;
    if (code === NOT_SENT || code === UNUSED) throw new Error(`${call}(${seq}): never sent`);
    return code;
  }

  /** A copy of event `seq`; returns why the record is foreign, or null. */
  #copy(seq: number, partition: number, at: number, offset: string): string | null {
    if (seq < this.#bound[partition]) this.#violations++;
    const slot = this.#table.slot(seq);
    if (slot < 0) return this.#copyOfSettled(seq, partition, offset);
    this.#copyOfUnresolved(seq, slot, partition, at, offset);
    return null;
  }

  /** A copy of an event still held. */
  #copyOfUnresolved(seq: number, slot: number, partition: number, at: number, offset: string) {
    const table = this.#table;
    const c = table.cols;
    const status = table.status(slot);
    const acknowledged = status === ACKED || (c.flags[slot] & LATE_ACK) !== 0;
    if (acknowledged && matches(partition, at, c.ackPartition[slot], c.ackOffset[slot])) {
      c.flags[slot] |= AT_ACK;
    }
    const reads = c.reads[slot];
    if (reads === 0) {
      c.reads[slot] = 1;
      c.firstPartition[slot] = partition;
      c.firstOffset[slot] = at;
      if (seq < this.#bound[partition]) {
        if (this.#order.firstBelowBound(seq, partition)) c.flags[slot] |= ORDER_FINAL | MARKED;
      } else {
        const replaced = this.#order.first(seq, partition);
        if (replaced >= 0) {
          const r = table.slot(replaced);
          const replacedOffset = r < 0 ? null : String(table.cols.firstOffset[r]);
          this.#samples.replacement(seq, partition, offset, replaced, replacedOffset);
        }
      }
    } else {
      if (reads === 1) {
        c.reads[slot] = 2;
        this.#duplicated++;
        const ack = c.ackPartition[slot] < 0
          ? ""
          : ` (acked at ${c.ackPartition[slot]}/${c.ackOffset[slot]})`;
        this.#samples.duplicate(seq, partition, offset, ack);
      }
      this.#duplicates++;
      this.#samples.copy(seq);
      if (!acknowledged) {
        const more = this.#earlyCopies.get(seq);
        if (more === undefined) this.#earlyCopies.set(seq, [partition, at]);
        else more.push(partition, at);
      }
    }
    this.#trySettle(seq, table.slot(seq));
  }

  /** A copy of an event already settled; returns why the record is foreign (never sent), or null. */
  #copyOfSettled(seq: number, partition: number, offset: string): string | null {
    const code = seq < this.#frontier ? this.#summary.get(seq) : UNUSED;
    if (code === NOT_SENT || code === UNUSED) return `sequence ${seq} was never sent`;
    let next = code;
    if (code === OK || code === ACKED_ONCE_MARKED) {
      if (code === OK) this.#ok--;
      next = ACKED_MULTI;
    } else if (code === PHANTOM_ONCE) {
      next = PHANTOM_MULTI;
    } else if (code === PHANTOM_ONCE_LATE_ACK) {
      next = PHANTOM_MULTI_LATE_ACK;
    } else if (code >= LOST_IN || code === FAILED_ABSENT) {
      this.#firstCopyOfAbsent(seq, code, partition);
      return null;
    }
    if (next !== code) {
      this.#summary.set(seq, next);
      this.#duplicated++;
      this.#samples.duplicate(seq, partition, offset);
    }
    this.#duplicates++;
    this.#samples.copy(seq);
    return null;
  }

  /**
   * A first copy of an event settled as absent: only when the bound broke (counted by the
   * caller). Reclassified as read, its misplacement guessed (a lost event read: misplaced).
   */
  #firstCopyOfAbsent(seq: number, code: number, partition: number): void {
    const marked = this.#order.firstBelowBound(seq, partition);
    if (code === FAILED_ABSENT || (code - LOST_IN) % 2 === 1) {
      if (code === FAILED_ABSENT) this.#failedAbsent--;
      else this.#failedAbsentAckedIn[(code - FAILED_ABSENT_ACKED_IN) / 2]--;
      this.#phantom++;
      this.#summary.set(seq, code === FAILED_ABSENT ? PHANTOM_ONCE : PHANTOM_ONCE_LATE_ACK);
      return;
    }
    this.#lostIn[(code - LOST_IN) / 2]--;
    this.#misplaced++;
    if (!marked) this.#ok++;
    this.#summary.set(seq, marked ? ACKED_ONCE_MARKED : OK);
  }

  /** The ordering mark of `seq`'s first copy is final. */
  #ordered(seq: number, marked: boolean): void {
    this.#samples.ordered(seq, marked);
    const slot = this.#table.slot(seq);
    if (slot < 0) {
      // A pile started by a copy below the bound (see #firstCopyOfAbsent).
      if (marked && seq < this.#frontier && this.#summary.get(seq) === OK) {
        this.#ok--;
        this.#summary.set(seq, ACKED_ONCE_MARKED);
      }
      return;
    }
    this.#table.cols.flags[slot] |= ORDER_FINAL | (marked ? MARKED : 0);
    if (!this.#finishing) this.#trySettle(seq, slot);
  }

  /** Settle event `seq` (in `slot`) if its fate is decided; see Settling rule. */
  #trySettle(seq: number, slot: number): void {
    const table = this.#table;
    const c = table.cols;
    const flags = c.flags[slot];
    const status = table.status(slot);
    if (status === PENDING) return;
    const reads = c.reads[slot];
    if (reads > 0 && (flags & ORDER_FINAL) === 0) return;
    const gone = seq < this.#settledBelow;
    const partition = c.ackPartition[slot];
    const atAck = (flags & AT_ACK) !== 0;
    let code: number;
    if (status === ACKED) {
      if (reads === 0) {
        if (!gone) return;
        this.#lostIn[partition]++;
        code = LOST_IN + 2 * partition;
        this.#samples.lost(seq, partition, c.ackOffset[slot]);
      } else {
        const offset = c.ackOffset[slot];
        const passed = offset >= 0 ? this.#next[partition] > offset : this.#bound[partition] > seq;
        if (!atAck && !gone && !passed) return;
        if (!atAck) this.#misplacedAt(seq, slot);
        code = reads > 1 ? ACKED_MULTI : (flags & MARKED) !== 0 ? ACKED_ONCE_MARKED : OK;
        if (code === OK) this.#ok++;
      }
    } else {
      if (!gone) return;
      const late = (flags & LATE_ACK) !== 0;
      if (reads === 0) {
        if (late) this.#failedAbsentAckedIn[partition]++;
        else this.#failedAbsent++;
        code = late ? FAILED_ABSENT_ACKED_IN + 2 * partition : FAILED_ABSENT;
        this.#samples.failedAbsent(seq, this.#unanswered(seq, slot), ...this.#lateAck(slot));
      } else {
        this.#phantom++;
        if (late && !atAck) this.#misplacedAt(seq, slot);
        code = late
          ? (reads > 1 ? PHANTOM_MULTI_LATE_ACK : PHANTOM_ONCE_LATE_ACK)
          : (reads > 1 ? PHANTOM_MULTI : PHANTOM_ONCE);
        this.#samples.phantom(
          seq,
          c.firstPartition[slot],
          c.firstOffset[slot],
          this.#unanswered(seq, slot),
        );
      }
    }
    this.#summary.set(seq, code);
    this.#errors.delete(seq);
    this.#earlyCopies.delete(seq);
    table.remove(seq, slot);
  }

  #misplacedAt(seq: number, slot: number): void {
    this.#misplaced++;
    const c = this.#table.cols;
    this.#samples.misplaced(
      seq,
      c.ackPartition[slot],
      c.ackOffset[slot],
      c.firstPartition[slot],
      c.firstOffset[slot],
    );
  }

  /** The late ack's partition and offset of a failed event, or [-1, -1]. */
  #lateAck(slot: number): [number, number] {
    const c = this.#table.cols;
    if ((c.flags[slot] & LATE_ACK) === 0) return [-1, -1];
    return [c.ackPartition[slot], c.ackOffset[slot]];
  }

  /** Producer error text (or "no answer"), plus the late ack if any, as the verifier says it. */
  #unanswered(seq: number, slot: number): string {
    const c = this.#table.cols;
    const base = this.#errors.get(seq) ?? "no answer from the producer";
    if ((c.flags[slot] & LATE_ACK) === 0) return base;
    return `${base}; acked late at ${c.ackPartition[slot]}/${c.ackOffset[slot]}`;
  }

  /** The bound of `partition` rose: finalize its ordering, then settle what G now passes. */
  #raised(partition: number): void {
    this.#order.settle(partition, this.#bound[partition]);
    let lowest = Infinity;
    for (let p = 0; p < this.#partitions; p++) lowest = Math.min(lowest, this.#bound[p]);
    if (lowest <= this.#settledBelow) return;
    const from = this.#settledBelow;
    this.#settledBelow = lowest;
    const settle = (seq: number, slot: number) => this.#trySettle(seq, slot);
    this.#table.forEachInRing(from, lowest, settle);
    this.#table.forEachSpilled((seq, slot) => {
      if (seq < lowest) this.#trySettle(seq, slot);
    });
  }

  #buildReport(recordsRead?: number, durationMs?: number): VerificationReport {
    const counts = this.settledCounts();
    counts.lost = 0;
    counts.failedAbsent = 0;
    let misplaced = this.#misplaced;
    const unreadable = this.#unreadable;
    // Settled absences: unverified where their partition turned out unreadable.
    for (let p = 0; p < this.#partitions; p++) {
      if (unreadable[p] === 1) counts.unverified += this.#lostIn[p] + this.#failedAbsentAckedIn[p];
      else {
        counts.lost += this.#lostIn[p];
        counts.failedAbsent += this.#failedAbsentAckedIn[p];
      }
    }
    if (this.#anyUnreadable) counts.unverified += this.#failedAbsent;
    else counts.failedAbsent += this.#failedAbsent;
    this.#samples.settleUnreadable(unreadable, this.#anyUnreadable);
    // What is left, as the end-of-run verifier classifies it.
    const table = this.#table;
    const c = table.cols;
    table.forEach((seq, slot) => {
      const flags = c.flags[slot];
      const status = table.status(slot);
      const reads = c.reads[slot];
      const late = (flags & LATE_ACK) !== 0;
      const partition = c.ackPartition[slot];
      if (reads > 0 && (status === ACKED || late) && (flags & AT_ACK) === 0) {
        misplaced++;
        this.#samples.misplaced(
          seq,
          partition,
          c.ackOffset[slot],
          c.firstPartition[slot],
          c.firstOffset[slot],
        );
      }
      if (status === ACKED) {
        if (reads === 0) {
          if (unreadable[partition] === 1) {
            counts.unverified++;
            this.#samples.unverifiedAcked(seq, partition, c.ackOffset[slot]);
          } else {
            counts.lost++;
            this.#samples.lost(seq, partition, c.ackOffset[slot]);
          }
        } else if (reads === 1 && (flags & MARKED) === 0) {
          counts.ok++;
        }
        return;
      }
      if (reads > 0) {
        counts.phantom++;
        this.#samples.phantom(
          seq,
          c.firstPartition[slot],
          c.firstOffset[slot],
          this.#unanswered(seq, slot),
        );
        return;
      }
      const checkable = late ? unreadable[partition] !== 1 : !this.#anyUnreadable;
      if (checkable) {
        counts.failedAbsent++;
        this.#samples.failedAbsent(seq, this.#unanswered(seq, slot), ...this.#lateAck(slot));
      } else {
        counts.unverified++;
        const detail = this.#unanswered(seq, slot);
        this.#samples.unverifiedUnanswered(seq, detail, ...this.#lateAck(slot));
      }
    });
    const unreadablePartitions: number[] = [];
    for (let p = 0; p < this.#partitions; p++) {
      if (unreadable[p] === 1) unreadablePartitions.push(p);
    }
    return {
      counts,
      samples: this.#samples.bySample(),
      recordsRead: recordsRead ?? this.#recordsRead,
      durationMs: durationMs ?? performance.now() - this.#startedMs,
      unreadablePartitions,
      misplaced,
      misplacedSamples: this.#samples.misplacedSamples(),
    };
  }

  #checkOpen(): void {
    if (this.#report !== null) throw new Error("streaming verifier already finished");
  }

  #checkPartition(partition: number): void {
    if (!(partition >= 0 && partition < this.#partitions) || !Number.isInteger(partition)) {
      throw new RangeError(`partition ${partition} outside 0..${this.#partitions - 1}`);
    }
  }
}

/** A copy at `partition`/`offset` is where the acknowledgement said (any offset when it gave none). */
function matches(partition: number, offset: number, ackPartition: number, ackOffset: number) {
  return partition === ackPartition && (ackOffset < 0 || offset === ackOffset);
}
