/**
 * A ledger for runs too long to keep every event's answer: the same calls and
 * counts as {@link Ledger}, with memory that grows with the places where
 * answers differ from "acknowledged", not with the number of events.
 *
 * Each event's status is a code in {@link SeqRuns}: acknowledged is the
 * default and costs nothing, so a steady run is a few runs (the events still
 * pending near the head); a burst of failures is one run. Acknowledged
 * partitions and offsets are not kept: the live verification
 * (`live.ts`) gets them as they come, through the observer, and is then the
 * run's only verification (the end-of-run verifier needs the whole ledger).
 *
 * @example
 * ```ts
 * const ledger = new CompactLedger(1_000_000_000);
 * ledger.markSent(0);
 * ledger.markAcked(0, 2, 41);
 * ledger.markSent(1);
 * ledger.markFailed(1, "Request timed out");
 * ledger.counts(); // { intended: 2, sent: 2, acked: 1, failed: 1, notSent: 0 }
 * ledger.byteLength; // a few runs, whatever the capacity
 * ```
 * @module
 */
import type {
  ErrorCount,
  EventLedger,
  EventStatus,
  LedgerCounts,
  LedgerObserver,
} from "./ledger.ts";
import { ErrorTally } from "./error_tally.ts";
import { SeqRuns } from "./streaming_runs.ts";

const ACKED = 0;
const PENDING = 1;
const FAILED = 2;
const FAILED_ACKED_LATE = 3;
const NOT_SENT = 4;
/** Skipped: never intended (the generator marks every sequence number in order). */
const UNUSED = 5;

/** Per-variant answers in runs of equal status; see the module doc. */
export class CompactLedger implements EventLedger {
  readonly capacity: number;
  #codes = new SeqRuns();
  /** Highest sequence number marked, plus one: events at or above it are unused. */
  #size = 0;
  #sent = 0;
  #acked = 0;
  #failed = 0;
  #notSent = 0;
  #ackedAfterFailure = 0;
  #errors = new ErrorTally();
  #observer: LedgerObserver | null = null;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`ledger capacity must be a non-negative integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  observe(observer: LedgerObserver | null): void {
    this.#observer = observer;
  }

  markSent(seq: number): void {
    this.#next(seq, "markSent");
    this.#codes.set(seq, PENDING);
    this.#sent++;
    this.#observer?.sent(seq);
  }

  markNotSent(seq: number): void {
    this.#next(seq, "markNotSent");
    this.#codes.set(seq, NOT_SENT);
    this.#notSent++;
    this.#observer?.notSent(seq);
  }

  markAcked(seq: number, partition: number, offset: number): void {
    const code = this.#answerable(seq, "markAcked");
    if (!Number.isInteger(partition) || partition < 0 || partition > 0x7fff) {
      throw new RangeError(`partition ${partition} out of range 0..32767`);
    }
    if (code === PENDING) {
      this.#codes.set(seq, ACKED);
      this.#acked++;
    } else if (code === FAILED) {
      this.#codes.set(seq, FAILED_ACKED_LATE);
      this.#ackedAfterFailure++;
    } else {
      return; // The first answer stands.
    }
    this.#observer?.acked(seq, partition, offset);
  }

  markFailed(seq: number, error = "unknown error"): void {
    const code = this.#answerable(seq, "markFailed");
    this.#errors.add(error);
    if (code !== PENDING) return; // The first answer stands.
    this.#codes.set(seq, FAILED);
    this.#failed++;
    this.#observer?.failed(seq, error);
  }

  status(seq: number): EventStatus {
    this.#check(seq);
    if (seq >= this.#size) return "unused";
    switch (this.#codes.get(seq)) {
      case ACKED:
        return "acked";
      case PENDING:
        return "pending";
      case NOT_SENT:
        return "not-sent";
      case UNUSED:
        return "unused";
      default:
        return "failed";
    }
  }

  counts(): LedgerCounts {
    return {
      intended: this.#sent + this.#notSent,
      sent: this.#sent,
      acked: this.#acked,
      failed: this.#failed,
      notSent: this.#notSent,
    };
  }

  get ackedAfterFailure(): number {
    return this.#ackedAfterFailure;
  }

  errors(): ErrorCount[] {
    return this.#errors.list();
  }

  /** Bytes of state (the runs; the error table aside). */
  get byteLength(): number {
    return this.#codes.byteLength;
  }

  /** Sequence numbers come in order: every event below `seq` was marked before it. */
  #next(seq: number, call: string): void {
    this.#check(seq);
    if (seq < this.#size) throw new Error(`${call}(${seq}): already marked`);
    // Skipped sequence numbers would read as acknowledged: mark them.
    for (let s = this.#size; s < seq; s++) this.#codes.set(s, UNUSED);
    this.#size = seq + 1;
  }

  #answerable(seq: number, call: string): number {
    this.#check(seq);
    const code = seq < this.#size ? this.#codes.get(seq) : -1;
    if (code === -1 || code === NOT_SENT || code === UNUSED) {
      throw new Error(`${call}(${seq}): never sent`);
    }
    return code;
  }

  #check(seq: number): void {
    if (!(seq >= 0 && seq < this.capacity) || !Number.isInteger(seq)) {
      throw new RangeError(`sequence ${seq} outside ledger capacity ${this.capacity}`);
    }
  }
}
