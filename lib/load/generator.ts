/**
 * The open-loop load generator. Each event has an intended send time from the
 * rate schedule; at that time it is handed to the client driver, one record
 * per call, whatever state earlier sends are in. The client batches, lingers,
 * partitions, retries and times out as it does for an application; the
 * generator knows no client (see `lib/clients/contract.ts`).
 *
 * - `pipelined`: every due event goes to the driver at once; when the events
 *   outstanding (handed over, not yet answered) hit `max.outstanding`, the
 *   event is counted as not sent instead of queuing without limit.
 * - `sync`: one event outstanding at a time, as an application awaiting each
 *   send; late events wait in order (up to the bound) and their latency from
 *   the intended time shows the wait.
 *
 * While the load runs, the generator's thread asks Linux for a short scheduler
 * slice (`scheduler_slice.ts`), and events that fall due while the client
 * hands over a burst of delivery reports go out from within the burst: both
 * keep the hand-off close to the intended time on a machine whose cores are
 * shared with the brokers.
 *
 * Split over workers (`--workers N`, `segment.ts`), the generator emits only
 * its share of the events, each at the time the whole load intends it.
 *
 * Every record gets one delivery report from the driver. When the drain ends
 * (or on Ctrl-C) the generator purges what the client still holds, so each
 * event ends acknowledged or failed with the client's own reason, and then
 * freezes the ledger: answers that come later are ignored.
 *
 * @module
 */
import { setImmediate } from "node:timers";
import type { LoadPlan, SendMode } from "../scenario/types.ts";
import type { DeliveryReport, ProducerDriver } from "../clients/contract.ts";
import { keyOf, stampEvent, valueTemplate } from "./payload.ts";
import { createSchedule, eventsPerSecond } from "./schedule.ts";
import { eventsOf, firstOwnedFrom, type LoadSegment, WHOLE_LOAD } from "./segment.ts";
import { requestShortSlice } from "./scheduler_slice.ts";
import { HandOffTimes } from "./hand_off_times.ts";
import type { EventLedger } from "../verify/ledger.ts";
import type { LatencyRecorder } from "../metrics/latency.ts";
import type { TimelineRecorder } from "../metrics/timeline.ts";

/** Where the generator records what happens. One set per variant. */
export interface LoadRecorders {
  ledger: EventLedger;
  /** Latency from the intended send time (warm-up excluded). */
  fromIntended: LatencyRecorder;
  /** Latency from the hand-off to the client (warm-up excluded): the same clock for every client. */
  fromSend: LatencyRecorder;
  /** Lag between intended time and hand-off to the client, µs: the generator's own precision. */
  dispatchLag: LatencyRecorder;
  timeline: TimelineRecorder;
}

/** A snapshot for the live progress line. */
export interface LoadProgress {
  elapsedMs: number;
  totalMs: number;
  sent: number;
  acked: number;
  failed: number;
  notSent: number;
  outstanding: number;
}

/**
 * Connects a driver's delivery reports to the generator. The driver is created
 * (and its `onDelivery` fixed) before the load starts; the load then listens.
 */
export class DeliveryRouter {
  #listener: (r: DeliveryReport) => void = () => {};
  /** Give this to the driver factory as `onDelivery`. */
  readonly onDelivery = (r: DeliveryReport): void => this.#listener(r);
  /** The generator listens from here on. */
  listen(fn: (r: DeliveryReport) => void): void {
    this.#listener = fn;
  }
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  load: LoadPlan;
  send: SendMode;
  driver: ProducerDriver;
  /** Where the driver's delivery reports arrive. */
  deliveries: DeliveryRouter;
  runId: Uint8Array;
  variantIndex: number;
  recorders: LoadRecorders;
  /** Epoch ms at which the load starts (shared by the fault engine). */
  startEpochMs: number;
  /** Stop emitting early (Ctrl-C). */
  signal?: AbortSignal;
  /** How long to wait after the load for outstanding events. */
  drainMs: number;
  /**
   * Every n-th event is sent a second time by the "application" once its first
   * send is acknowledged: a new record as far as Kafka and idempotence know.
   */
  appResendEvery?: number;
  /** Called once the last event is due, before the drain (the runner ends the faults here). */
  onLoadEnd?: () => Promise<void>;
  onProgress?: (p: LoadProgress) => void;
  /**
   * Keep each event's latency for exact figures by intended time (`LoadResult.latencies`,
   * 4 bytes per event; default true). Long runs leave it out so that memory stays flat.
   */
  keepLatencies?: boolean;
  /**
   * Rate (events/s) above which the generator sleeps precisely between events instead of on
   * timers (default {@link HIGH_RATE}). The maximum-rate bench sets 0: its dispatch-lag
   * criterion tells a saturated generator, which a timer's own lag would hide.
   */
  preciseAbovePerSecond?: number;
  /**
   * Emit only this share of the events (share i/N of `--workers N`, see `segment.ts`); the
   * others are another worker's and stay unmarked in the ledger. The whole load by default.
   */
  segment?: LoadSegment;
}

/** What the load did, beyond what the recorders hold. */
export interface LoadResult {
  /** Events the schedule asked for (of the segment's share, when split). */
  intended: number;
  /** Events still unanswered when the drain ended, before the purge. */
  outstandingAtEnd: number;
  /** Events with no answer even after the purge (the client never reported them). */
  unansweredAfterPurge: number;
  /** Epoch ms when the last event was due, and when the drain ended. */
  loadEndedEpochMs: number;
  drainEndedEpochMs: number;
  aborted: boolean;
  /** Application-level second sends made, and how many of them failed. */
  appResends: number;
  appResendsFailed: number;
  /**
   * Within the measured window (from the end of the warm-up to the end of the load): events
   * handed to the client, and acknowledgements received.
   */
  window: { sent: number; acked: number; ms: number };
  /** Acknowledgements received after the load, during the drain, and how long it lasted. */
  drain: { acked: number; ms: number };
  /**
   * Per event (by sequence): ms from its intended send time to its acknowledgement; NaN when
   * it was never acknowledged. What exact figures of any window by intended time come from.
   * Null when `keepLatencies` was false.
   */
  latencies: Float32Array | null;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Events per second above which the generator sleeps precisely instead of on timers. */
export const HIGH_RATE = 10_000;
/** Longest precise sleep between two event-loop turns. */
const FINE_SLICE_MS = 0.5;
/** A cell nobody notifies: `Atomics.wait` on it is a sleep with sub-millisecond precision. */
const fineSleep = new Int32Array(new SharedArrayBuffer(4));

/** Delivery reports handled between two checks for due events. */
const DUE_CHECK_EVERY = 8;

/** How long the generator waits for the client's answers after a purge. */
const PURGE_WAIT_MS = 5000;

/** The generator thread's scheduler slice while the load runs, µs (see `scheduler_slice.ts`). */
const GENERATOR_SLICE_US = 100;

/** Run one variant's load to its end and drain. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  // Short scheduler turns for this thread: it wakes thousands of times a second for due events.
  const slice = requestShortSlice(GENERATOR_SLICE_US);
  try {
    return await loadAndDrain(opts);
  } finally {
    slice.release();
  }
}

async function loadAndDrain(opts: LoadOptions): Promise<LoadResult> {
  const { load, driver, recorders } = opts;
  const { ledger, timeline } = recorders;
  const totalMs = load.warmupMs + load.durationMs;
  const schedule = createSchedule(load.rate, totalMs);
  const template = valueTemplate(opts.runId, opts.variantIndex, load.messageSize);
  // Every event's value is written here in turn: drivers copy what they keep (see OutRecord).
  const valueBuffer = new Uint8Array(template.length);
  const maxOutstanding = opts.send.maxOutstanding;
  const sync = opts.send.kind === "sync";
  // Per event, ms from its intended time to its acknowledgement; NaN when never acknowledged.
  const eventMs = opts.keepLatencies === false
    ? null
    : new Float32Array(Math.max(1, schedule.total)).fill(NaN);
  // Hand-off of each event not answered yet, ms after the load start (for latency from send):
  // a fixed ring, plus the events outstanding for longer than a turn of it.
  const handedOffAt = new HandOffTimes();

  // performance.now() at the load start, aligned with startEpochMs.
  const waitStart = opts.startEpochMs - Date.now();
  if (waitStart > 0) await sleep(waitStart);
  const t0 = performance.now() - (Date.now() - opts.startEpochMs);
  const epochOf = (perfMs: number) => opts.startEpochMs + (perfMs - t0);

  const segment = opts.segment ?? WHOLE_LOAD;
  timeline.intend(segmentEventsPerSecond(eventsPerSecond(schedule, totalMs), segment));
  // Acknowledgements and hand-offs within the measured window, acknowledgements in the drain.
  let ackedInWindow = 0;
  let sentInWindow = 0;
  let ackedInDrain = 0;
  const inWindow = (ms: number) => ms >= load.warmupMs && ms < totalMs;

  let outstanding = 0;
  let appResends = 0;
  let appResendsFailed = 0;
  const resendEvery = opts.appResendEvery ?? 0;
  /** Set when the ledger is frozen for verification: late answers are ignored. */
  let closed = false;
  /** The next event to hand over: the segment's share only, every `segment.count`-th. */
  let seq = firstOwnedFrom(segment, 0);
  /** Set while due events are being handed over (a refused send answers synchronously). */
  let emitting = false;
  let reportsSinceCheck = 0;

  // --- sync: one event outstanding at a time ----------------------------------------------
  const syncQueue: number[] = [];
  let syncHead = 0;
  let syncBusy = false;
  const handOff = (seq: number) => {
    const now = performance.now();
    const intended = schedule.timeOf(seq);
    handedOffAt.set(seq, now - t0);
    if (inWindow(now - t0)) sentInWindow++;
    const value = stampEvent(template, seq, (opts.startEpochMs + intended) * 1000, valueBuffer);
    driver.send({ token: seq, key: keyOf(load.keys, seq), value });
  };
  const pumpSync = () => {
    if (syncBusy || closed || syncHead >= syncQueue.length) return;
    syncBusy = true;
    handOff(syncQueue[syncHead++]);
    if (syncHead > 4096 && syncHead * 2 > syncQueue.length) {
      syncQueue.splice(0, syncHead);
      syncHead = 0;
    }
  };

  // --- delivery reports -------------------------------------------------------------------
  const onReport = (r: DeliveryReport) => {
    if (closed) return;
    if (r.token < 0) { // an application resend
      if (r.lateSuccess) return;
      outstanding--;
      if (r.error !== undefined) appResendsFailed++;
      return;
    }
    const seq = r.token;
    if (r.lateSuccess) {
      // Success after a failure the client already reported: kept as failed, noted.
      if (ledger.status(seq) === "failed") ledger.markAcked(seq, r.partition, r.offset);
      return;
    }
    if (ledger.status(seq) !== "pending") return; // a second answer: the first stands
    const now = performance.now();
    const handedOff = handedOffAt.take(seq);
    const nowEpoch = epochOf(now);
    const intended = schedule.timeOf(seq);
    const intendedEpoch = opts.startEpochMs + intended;
    if (r.error === undefined) {
      ledger.markAcked(seq, r.partition, r.offset);
      const latUs = (now - t0 - intended) * 1000;
      timeline.acked(nowEpoch, latUs);
      timeline.intendedAcked(intendedEpoch, latUs);
      if (inWindow(now - t0)) ackedInWindow++;
      else if (now - t0 >= totalMs) ackedInDrain++;
      if (intended >= load.warmupMs) {
        recorders.fromIntended.record(latUs);
        if (handedOff !== undefined) recorders.fromSend.record((now - t0 - handedOff) * 1000);
      }
      if (eventMs) eventMs[seq] = now - t0 - intended;
      if (resendEvery > 0 && seq % resendEvery === resendEvery - 1) {
        appResends++;
        outstanding++; // the drain waits for resends too
        driver.send({ token: -1 - seq, key: keyOf(load.keys, seq), value: resendValue(seq) });
      }
    } else {
      ledger.markFailed(seq, `${r.error} (${r.status})`);
      timeline.failed(nowEpoch);
      timeline.intendedFailed(intendedEpoch);
    }
    outstanding--;
    if (sync) {
      syncBusy = false;
      pumpSync();
    }
    // A client answers in bursts (one batch's reports at a time, up to a few hundred): events
    // falling due meanwhile go out from here rather than after the burst, which would add the
    // burst's length to their dispatch lag (p99 1.5-1.9 ms at 20,000/s on librdkafka before).
    if (++reportsSinceCheck >= DUE_CHECK_EVERY) {
      reportsSinceCheck = 0;
      emitDue();
    }
  };
  const resendValue = (seq: number) =>
    stampEvent(template, seq, (opts.startEpochMs + schedule.timeOf(seq)) * 1000, valueBuffer);
  opts.deliveries.listen(onReport);

  const emit = (seq: number, intendedMs: number) => {
    const now = performance.now();
    const nowEpoch = epochOf(now);
    if (outstanding >= maxOutstanding) {
      ledger.markNotSent(seq);
      timeline.notSent(nowEpoch);
      timeline.intendedNotSent(opts.startEpochMs + intendedMs);
      return;
    }
    outstanding++;
    ledger.markSent(seq);
    timeline.sent(nowEpoch);
    if (intendedMs >= load.warmupMs) recorders.dispatchLag.record((now - t0 - intendedMs) * 1000);
    if (sync) {
      syncQueue.push(seq);
      pumpSync();
    } else handOff(seq);
  };

  // --- the emit loop ------------------------------------------------------------------
  /** Hand over every event due by now, unless the load is over or interrupted. */
  function emitDue(): void {
    if (emitting || closed || opts.signal?.aborted) return;
    emitting = true;
    const now = performance.now() - t0;
    while (seq < schedule.total) {
      const due = schedule.timeOf(seq);
      if (due > now) break;
      emit(seq, due);
      seq += segment.count;
    }
    emitting = false;
  }
  let lastProgress = 0;
  const progress = () => {
    const c = ledger.counts();
    opts.onProgress?.({
      elapsedMs: performance.now() - t0,
      totalMs,
      sent: c.sent,
      acked: c.acked,
      failed: c.failed,
      notSent: c.notSent,
      outstanding,
    });
  };
  let aborted = false;
  let highRate = false;
  const preciseAbove = opts.preciseAbovePerSecond ?? HIGH_RATE;
  while (seq < schedule.total) {
    if (opts.signal?.aborted) {
      aborted = true;
      break;
    }
    emitDue();
    const now = performance.now() - t0;
    if (now - lastProgress >= 1000) {
      lastProgress = now;
      timeline.outstanding(epochOf(performance.now()), outstanding);
      progress();
    }
    if (seq < schedule.total) {
      const wait = schedule.timeOf(seq) - (performance.now() - t0);
      // A worker sends its share: its own rate is the schedule's over the shares.
      highRate = !sync &&
        schedule.rateAt(schedule.timeOf(seq)) / segment.count > preciseAbove;
      // Below HIGH_RATE the main thread sleeps on a timer until the next event is due. Deno's
      // timers wake about 2 ms late, so events go out in small bursts a little after their
      // intended time (the lag is inside the latency, measured from the intended time). A
      // setImmediate spin near each due time was exact, but it kept a core busy: on two
      // cores shared with three brokers it tripled the brokers' tail latency (pipelined
      // p99 at 1,200/s on a fresh stack: 336-639 ms spinning, 154 ms on timers; sismo's own
      // CPU: 0.8 core spinning, 0.15 on timers) and slowed awaited sends (40/s against 62/s
      // and 211/s). Above HIGH_RATE the next event is always less than a timer's lag away:
      // there the main thread sleeps precisely between event-loop turns (Atomics.wait, at
      // most FINE_SLICE_MS at a time).
      if (!highRate) await sleep(Math.max(0, wait - 1));
      else if (wait > 2) await sleep(wait - 1.5);
      else {
        await new Promise<void>((r) => setImmediate(r));
        const left = schedule.timeOf(seq) - (performance.now() - t0);
        if (left > 0.01) Atomics.wait(fineSleep, 0, 0, Math.min(left, FINE_SLICE_MS));
      }
    }
  }
  const loadEnded = performance.now();
  await opts.onLoadEnd?.();

  // --- drain ----------------------------------------------------------------------------
  const drainUntil = loadEnded + (aborted ? 0 : opts.drainMs);
  while (outstanding > 0 && performance.now() < drainUntil && !opts.signal?.aborted) {
    await sleep(50);
    if (performance.now() - t0 - lastProgress >= 1000) {
      lastProgress = performance.now() - t0;
      timeline.outstanding(epochOf(performance.now()), outstanding);
      progress();
    }
  }
  const outstandingAtEnd = outstanding;
  // Events still waiting in sismo's own sync queue never reached the client: they failed.
  const endEpoch = epochOf(performance.now());
  for (let i = syncHead; i < syncQueue.length; i++) {
    ledger.markFailed(syncQueue[i], "still queued behind awaited sends when the run ended");
    timeline.failed(endEpoch);
    timeline.intendedFailed(opts.startEpochMs + schedule.timeOf(syncQueue[i]));
    outstanding--;
  }
  syncQueue.length = 0;
  syncHead = 0;
  // What the client still holds is cancelled, so that each event gets the client's answer.
  if (outstanding > 0) {
    await driver.purge();
    const purgeUntil = performance.now() + PURGE_WAIT_MS;
    while (outstanding > 0 && performance.now() < purgeUntil) await sleep(20);
  }
  const unansweredAfterPurge = outstanding;
  closed = true;
  const drainEnded = performance.now();
  timeline.outstanding(epochOf(performance.now()), outstanding);
  progress();
  return {
    intended: eventsOf(segment, schedule.total),
    outstandingAtEnd,
    unansweredAfterPurge,
    loadEndedEpochMs: epochOf(loadEnded),
    drainEndedEpochMs: epochOf(drainEnded),
    aborted,
    appResends,
    appResendsFailed,
    window: {
      sent: sentInWindow,
      acked: ackedInWindow,
      // The window is the planned one, unless Ctrl-C cut it short.
      ms: aborted
        ? Math.max(0, Math.min(loadEnded - t0, totalMs) - load.warmupMs)
        : load.durationMs,
    },
    drain: { acked: ackedInDrain, ms: Math.max(0, drainEnded - Math.max(loadEnded, t0 + totalMs)) },
    latencies: eventMs,
  };
}

/** Of each second's intended events (`perSecond`, from event 0 on), those in `segment`'s share. */
export function segmentEventsPerSecond(
  perSecond: readonly number[],
  segment: LoadSegment,
): number[] {
  let before = 0;
  return perSecond.map((n) => {
    const share = eventsOf(segment, before + n) - eventsOf(segment, before);
    before += n;
    return share;
  });
}
