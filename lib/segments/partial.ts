/**
 * A worker's partial result: what one process recorded while it sent one share
 * (share i/N of `--workers N`) of one variant's events. Plain JSON, written by the worker and
 * read by the coordinator, which merges the N shares (`merge.ts`) before it reads
 * the topic back and classifies every event once.
 *
 * Everything in it adds up exactly across shares: the ledger holds the share's
 * own events, latencies are whole HdrHistograms and bucketed per-second
 * timelines, counts are counts. Nothing is a percentile of percentiles.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { LoadResult } from "../load/generator.ts";
import { eventsOf, firstOwnedFrom, type LoadSegment } from "../load/segment.ts";
import {
  LATE_ACK,
  Ledger,
  STATUS_ACKED,
  STATUS_FAILED,
  STATUS_NOT_SENT,
  STATUS_UNUSED,
} from "../verify/ledger.ts";
import type { ErrorCount } from "../verify/error_tally.ts";
import type { SharedTimeline } from "../metrics/timeline.ts";
import type { DriverStats } from "../clients/contract.ts";
import type { Phrase, WorkerMachine } from "../report/types.ts";

/** The format tag of a partial result file. */
export const PARTIAL_FORMAT = "sismo-partial/1";

/**
 * Most events one worker's share may hold: its partial result is one JSON line of about 21
 * characters per event, to stay well within what one string can hold (2^29 characters).
 */
export const MAX_EVENTS_PER_SHARE = 20_000_000;

/** A latency recorder's whole state (see `LatencyRecorder.shared`). */
export interface SharedLatency {
  histogram: string;
  clamped: number;
}

/**
 * The share's events, in sequence order (`seq = index - 1 + k × count`), as base64 of typed
 * arrays: status byte (the ledger's codes, 0x80 set on a failure acknowledged afterwards),
 * acknowledged partition (i16, -1 when none), offset (f64, -1), error text (u8 index into
 * `texts`, 0 when none). `errors` counts every failure report, repeated ones included.
 */
export interface SharedLedger {
  events: number;
  status: string;
  partition: string;
  offset: string;
  error: string;
  texts: string[];
  errors: ErrorCount[];
}

/** One client error seen in the client's log: count, first and last seen (epoch ms). */
export interface ClientLogError {
  message: string;
  count: number;
  first: number;
  last: number;
}

/** What one worker recorded for its share of one variant's events. */
export interface PartialResult {
  format: typeof PARTIAL_FORMAT;
  /** What the share belongs to: the same for every share of one variant's run. */
  run: {
    id: string;
    scenario: string;
    variant: string;
    variantIndex: number;
    topic: string;
    /** The shared start of the load, epoch ms. */
    startEpochMs: number;
    /** Events of the whole load, every share together. */
    events: number;
  };
  segment: LoadSegment;
  worker: {
    host: string;
    pid: number;
    startedAt: string;
    finishedAt: string;
    client: { name: string; version: string };
    /** How late the worker's load clock was ready after the shared start, ms (0 when early). */
    startLagMs: number;
    /** The worker's clock minus the coordinator's, ms (measured by a ping at the job's start). */
    clockOffsetMs: number;
    machine: WorkerMachine;
  };
  load: Omit<LoadResult, "latencies">;
  /** Per share event (same order as the ledger), ms from intended time to ack, base64 f32. */
  latencies: string | null;
  ledger: SharedLedger;
  histograms: { fromIntended: SharedLatency; fromSend: SharedLatency; dispatchLag: SharedLatency };
  timeline: SharedTimeline;
  clientErrors: ClientLogError[];
  notes: Phrase[];
  network: DriverStats;
}

const base64 = (a: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

/** A typed array of `length` elements from base64; throws when the byte count is wrong. */
function fromBase64<T>(
  text: string,
  make: new (buffer: ArrayBuffer) => T & { length: number },
  bytesPer: number,
  length: number,
  what: string,
): T {
  const bytes = Buffer.from(text, "base64");
  if (bytes.byteLength !== length * bytesPer) {
    throw new Error(`${what}: ${bytes.byteLength} bytes for ${length} events`);
  }
  // A copy: its own aligned buffer.
  return new make(new Uint8Array(bytes).buffer);
}

/** The events of `segment`'s share of a load of `total` events, from `ledger` (see {@link SharedLedger}). */
export function shareLedger(ledger: Ledger, segment: LoadSegment, total: number): SharedLedger {
  const events = eventsOf(segment, total);
  const status = new Uint8Array(events);
  const partition = new Int16Array(events);
  const offset = new Float64Array(events);
  const error = new Uint8Array(events);
  const texts: string[] = [""];
  const textIndex = new Map<string, number>();
  let k = 0;
  for (let seq = firstOwnedFrom(segment, 0); seq < total; seq += segment.count, k++) {
    const code = ledger.statusCode(seq);
    status[k] = code | (ledger.isAckedAfterFailure(seq) ? LATE_ACK : 0);
    partition[k] = ledger.ackPartition(seq);
    offset[k] = ledger.ackOffset(seq);
    const text = code === STATUS_FAILED ? ledger.errorOf(seq) : null;
    if (text !== null) {
      let index = textIndex.get(text);
      if (index === undefined) {
        index = texts.length;
        texts.push(text);
        textIndex.set(text, index);
      }
      error[k] = index;
    }
  }
  return {
    events,
    status: base64(status),
    partition: base64(partition),
    offset: base64(offset),
    error: base64(error),
    texts,
    errors: ledger.errors(),
  };
}

/**
 * Replay a share's events into `ledger` (the whole load's) with the marks the generator made,
 * so that the ledger's observer hears of them as it would have. Throws when the share's arrays
 * do not match its event count.
 */
export function replayShare(
  ledger: Ledger,
  shared: SharedLedger,
  segment: LoadSegment,
  total: number,
): void {
  const events = eventsOf(segment, total);
  if (shared.events !== events) {
    throw new Error(
      `ledger: ${shared.events} events, share ${segment.index}/${segment.count} of ${total} has ${events}`,
    );
  }
  const status = fromBase64(shared.status, Uint8Array, 1, events, "ledger.status");
  const partition = fromBase64(shared.partition, Int16Array, 2, events, "ledger.partition");
  const offset = fromBase64(shared.offset, Float64Array, 8, events, "ledger.offset");
  const error = fromBase64(shared.error, Uint8Array, 1, events, "ledger.error");
  let k = 0;
  for (let seq = firstOwnedFrom(segment, 0); seq < total; seq += segment.count, k++) {
    const code = status[k] & ~LATE_ACK;
    // Never marked: the load was interrupted before the event was due.
    if (code === STATUS_UNUSED) continue;
    if (code === STATUS_NOT_SENT) {
      ledger.markNotSent(seq);
      continue;
    }
    ledger.markSent(seq);
    if (code === STATUS_FAILED) ledger.markFailed(seq, shared.texts[error[k]] ?? "unknown error");
    if (code === STATUS_ACKED || (status[k] & LATE_ACK) !== 0) {
      ledger.markAcked(seq, partition[k], offset[k]);
    }
  }
}

/** Per share event, ms from intended time to acknowledgement (see {@link PartialResult.latencies}). */
export function shareLatencies(
  latencies: Float32Array,
  segment: LoadSegment,
  total: number,
): string {
  const out = new Float32Array(eventsOf(segment, total));
  let k = 0;
  for (let seq = firstOwnedFrom(segment, 0); seq < total; seq += segment.count) {
    out[k++] = latencies[seq];
  }
  return base64(out);
}

/** Write a share's latencies into the whole load's array (`into`, one slot per event). */
export function replayLatencies(
  text: string,
  segment: LoadSegment,
  total: number,
  into: Float32Array,
): void {
  const events = eventsOf(segment, total);
  const share = fromBase64(text, Float32Array, 4, events, "latencies");
  let k = 0;
  for (let seq = firstOwnedFrom(segment, 0); seq < total; seq += segment.count) {
    into[seq] = share[k++];
  }
}

/** What a worker hands {@link partialResult}: its share's recorders after the load. */
export interface ShareRecord {
  run: PartialResult["run"];
  segment: LoadSegment;
  worker: PartialResult["worker"];
  result: LoadResult;
  ledger: Ledger;
  fromIntended: { shared(): SharedLatency };
  fromSend: { shared(): SharedLatency };
  dispatchLag: { shared(): SharedLatency };
  timeline: { shared(): SharedTimeline };
  clientErrors: ClientLogError[];
  notes: Phrase[];
  network: DriverStats;
}

/** The partial result of a worker's share, ready to be written as JSON. */
export function partialResult(r: ShareRecord): PartialResult {
  const { latencies, ...load } = r.result;
  const total = r.run.events;
  return {
    format: PARTIAL_FORMAT,
    run: r.run,
    segment: r.segment,
    worker: r.worker,
    load,
    latencies: latencies ? shareLatencies(latencies, r.segment, total) : null,
    ledger: shareLedger(r.ledger, r.segment, total),
    histograms: {
      fromIntended: r.fromIntended.shared(),
      fromSend: r.fromSend.shared(),
      dispatchLag: r.dispatchLag.shared(),
    },
    timeline: r.timeline.shared(),
    clientErrors: r.clientErrors,
    notes: r.notes,
    network: r.network,
  };
}
