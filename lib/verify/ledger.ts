/**
 * The per-variant event ledger: what the producer was told about every event.
 *
 * Events are numbered `0 … capacity-1` by sequence number. The send loop marks
 * each one as it goes (sent or not sent, then acknowledged or failed); the
 * verifier later compares the ledger with what it reads back from the topic.
 *
 * State lives in typed arrays allocated once, so every call is O(1) and
 * allocates nothing: 12 bytes per event (status u8, error index u8, ack
 * partition i16, ack offset f64). Error messages are counted per distinct text
 * in a small table; each failed event keeps only the index of its message.
 *
 * Status transitions:
 *
 * | from      | call            | to                                     |
 * |-----------|-----------------|----------------------------------------|
 * | unused    | `markSent`      | pending                                |
 * | unused    | `markNotSent`   | not-sent                               |
 * | pending   | `markAcked`     | acked                                  |
 * | pending   | `markFailed`    | failed                                 |
 * | failed    | `markAcked`     | failed, remembered as acked after failure |
 *
 * Any other transition is a bug in the caller and throws, except a repeated
 * `markAcked`/`markFailed` on an event that already has its answer: the first
 * answer stands (errors are still counted).
 *
 * @example
 * ```ts
 * const ledger = new Ledger(3);
 * ledger.markSent(0);
 * ledger.markAcked(0, 2, 41);
 * ledger.markSent(1);
 * ledger.markFailed(1, "Request timed out");
 * ledger.markNotSent(2);
 * ledger.counts(); // { intended: 3, sent: 2, acked: 1, failed: 1, notSent: 1 }
 * ```
 * @module
 */
import { type ErrorCount, ErrorTally } from "./error_tally.ts";

/** Status code of an event never marked. */
export const STATUS_UNUSED = 0;
/** Status code of an event dropped because outstanding sends were at their bound. */
export const STATUS_NOT_SENT = 1;
/** Status code of an event handed to the client that has no answer yet. */
export const STATUS_PENDING = 2;
/** Status code of an event the broker acknowledged. */
export const STATUS_ACKED = 3;
/** Status code of an event whose send the client reported as failed. */
export const STATUS_FAILED = 4;

/** Flag bit on a failed event's status byte: an acknowledgement arrived after the failure. */
export const LATE_ACK = 0x80;
const STATUS_MASK = 0x7f;

/** The status of one event, by name. */
export type EventStatus = "unused" | "not-sent" | "pending" | "acked" | "failed";

const STATUS_NAMES: readonly EventStatus[] = ["unused", "not-sent", "pending", "acked", "failed"];

/** Counts kept by the ledger, as `VariantReport.counts` wants them. */
export interface LedgerCounts {
  /** Events the schedule asked for: marked sent or not sent. */
  intended: number;
  /** Events handed to the client. */
  sent: number;
  /** Events acknowledged (a late ack after a failure does not count here). */
  acked: number;
  /** Events whose send failed. */
  failed: number;
  /** Events dropped at the outstanding bound. */
  notSent: number;
}

export type { ErrorCount };

/**
 * Told of each change the ledger records, after it checked it: the streaming verification
 * (`live.ts`) follows the producer side this way. A late acknowledgement is an `acked` of a
 * failed event; a second answer is not passed on.
 */
export interface LedgerObserver {
  sent(seq: number): void;
  notSent(seq: number): void;
  acked(seq: number, partition: number, offset: number): void;
  failed(seq: number, error: string): void;
}

/**
 * What the generator and the run ask of a ledger: the {@link Ledger} keeps every event's
 * answer for the end-of-run verifier; `CompactLedger` (`compact_ledger.ts`) only what long
 * runs can afford, for the live verification.
 */
export interface EventLedger {
  /** Number of sequence numbers the ledger can hold. */
  readonly capacity: number;
  observe(observer: LedgerObserver | null): void;
  markSent(seq: number): void;
  markNotSent(seq: number): void;
  markAcked(seq: number, partition: number, offset: number): void;
  markFailed(seq: number, error?: string): void;
  status(seq: number): EventStatus;
  counts(): LedgerCounts;
  readonly ackedAfterFailure: number;
  errors(): ErrorCount[];
}

/** Per-event record of sends and their answers for one variant; see the module doc. */
export class Ledger implements EventLedger {
  /** Number of sequence numbers the ledger can hold. */
  readonly capacity: number;
  #status: Uint8Array;
  #errorIndex: Uint8Array;
  #ackPartition: Int16Array;
  #ackOffset: Float64Array;
  #size = 0;
  #intended = 0;
  #sent = 0;
  #acked = 0;
  #failed = 0;
  #notSent = 0;
  #ackedAfterFailure = 0;
  #errors = new ErrorTally();
  #observer: LedgerObserver | null = null;

  /** A ledger for events `0 … capacity-1`. */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`ledger capacity must be a non-negative integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.#status = new Uint8Array(capacity);
    this.#errorIndex = new Uint8Array(capacity);
    this.#ackPartition = new Int16Array(capacity).fill(-1);
    this.#ackOffset = new Float64Array(capacity).fill(-1);
  }

  /** Tell `observer` of every change from now on (one observer; null: none). */
  observe(observer: LedgerObserver | null): void {
    this.#observer = observer;
  }

  /** The event was handed to the client. */
  markSent(seq: number): void {
    this.#expect(seq, STATUS_UNUSED, "markSent");
    this.#status[seq] = STATUS_PENDING;
    this.#intended++;
    this.#sent++;
    if (seq >= this.#size) this.#size = seq + 1;
    this.#observer?.sent(seq);
  }

  /** The event was not handed to the client (outstanding sends at their bound). */
  markNotSent(seq: number): void {
    this.#expect(seq, STATUS_UNUSED, "markNotSent");
    this.#status[seq] = STATUS_NOT_SENT;
    this.#intended++;
    this.#notSent++;
    if (seq >= this.#size) this.#size = seq + 1;
    this.#observer?.notSent(seq);
  }

  /**
   * The broker acknowledged the event at `partition`/`offset`. On a failed
   * event this records a late acknowledgement: the event stays failed.
   */
  markAcked(seq: number, partition: number, offset: number): void {
    const status = this.#answerable(seq, "markAcked");
    if (!Number.isInteger(partition) || partition < 0 || partition > 0x7fff) {
      throw new RangeError(`partition ${partition} out of range 0..32767`);
    }
    if (status === STATUS_PENDING) {
      this.#status[seq] = STATUS_ACKED;
      this.#acked++;
    } else if (this.#status[seq] === STATUS_FAILED) {
      this.#status[seq] = STATUS_FAILED | LATE_ACK;
      this.#ackedAfterFailure++;
    } else {
      return; // Already acked, or already acked late: the first answer stands.
    }
    this.#ackPartition[seq] = partition;
    this.#ackOffset[seq] = offset;
    this.#observer?.acked(seq, partition, offset);
  }

  /** The client reported the send as failed; `error` is counted by its text. */
  markFailed(seq: number, error = "unknown error"): void {
    const status = this.#answerable(seq, "markFailed");
    const index = this.#errors.add(error);
    if (status !== STATUS_PENDING) return; // The first answer stands.
    this.#status[seq] = STATUS_FAILED;
    this.#errorIndex[seq] = index;
    this.#failed++;
    this.#observer?.failed(seq, error);
  }

  /** The status of event `seq`. */
  status(seq: number): EventStatus {
    return STATUS_NAMES[this.statusCode(seq)];
  }

  /** The numeric status of event `seq` (one of the `STATUS_*` constants). */
  statusCode(seq: number): number {
    this.#check(seq);
    return this.#status[seq] & STATUS_MASK;
  }

  /** Whether failed event `seq` was acknowledged after its failure was reported. */
  isAckedAfterFailure(seq: number): boolean {
    this.#check(seq);
    return (this.#status[seq] & LATE_ACK) !== 0;
  }

  /** Partition the event was acknowledged in, or -1 if it never was. */
  ackPartition(seq: number): number {
    this.#check(seq);
    return this.#ackPartition[seq];
  }

  /** Offset the event was acknowledged at, or -1 if it never was. */
  ackOffset(seq: number): number {
    this.#check(seq);
    return this.#ackOffset[seq];
  }

  /** The error message event `seq` failed with, or null when it did not fail. */
  errorOf(seq: number): string | null {
    this.#check(seq);
    return this.#errors.text(this.#errorIndex[seq]);
  }

  /** Incrementally kept counts. */
  counts(): LedgerCounts {
    return {
      intended: this.#intended,
      sent: this.#sent,
      acked: this.#acked,
      failed: this.#failed,
      notSent: this.#notSent,
    };
  }

  /** Events still pending: sent, with neither an ack nor a failure. */
  get pending(): number {
    return this.#sent - this.#acked - this.#failed;
  }

  /** Failed events that were acknowledged afterwards (client timed out, then the send succeeded). */
  get ackedAfterFailure(): number {
    return this.#ackedAfterFailure;
  }

  /**
   * Reported errors grouped by message, most frequent first (ties by first
   * occurrence). Every `markFailed` call counts, including repeated ones.
   */
  errors(): ErrorCount[] {
    return this.#errors.list();
  }

  /** Highest sequence number marked, plus one. */
  get size(): number {
    return this.#size;
  }

  /** Bytes of per-event state (typed arrays' total byteLength / capacity). */
  get bytesPerEvent(): number {
    if (this.capacity === 0) return 0;
    const bytes = this.#status.byteLength + this.#errorIndex.byteLength +
      this.#ackPartition.byteLength + this.#ackOffset.byteLength;
    return bytes / this.capacity;
  }

  #check(seq: number): void {
    if (!(seq >= 0 && seq < this.capacity) || !Number.isInteger(seq)) {
      throw new RangeError(`sequence ${seq} outside ledger capacity ${this.capacity}`);
    }
  }

  #expect(seq: number, status: number, call: string): void {
    this.#check(seq);
    const actual = this.#status[seq] & STATUS_MASK;
    if (actual !== status) {
      throw new Error(`${call}(${seq}): event is ${STATUS_NAMES[actual]}`);
    }
  }

  /** The status of an event that may receive an answer (sent at some point). */
  #answerable(seq: number, call: string): number {
    this.#check(seq);
    const status = this.#status[seq] & STATUS_MASK;
    if (status === STATUS_UNUSED || status === STATUS_NOT_SENT) {
      throw new Error(`${call}(${seq}): event is ${STATUS_NAMES[status]}, never sent`);
    }
    return status;
  }
}
