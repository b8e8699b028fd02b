/**
 * The open-loop load generator. Each event has an intended send time from the
 * rate schedule; at that time it is handed to the send path, whatever state
 * earlier sends are in. When the outstanding events hit their bound, the
 * event is counted as not sent instead of queuing without limit.
 *
 * Send path:
 * - `pipelined`: a per-partition accumulator implements `linger.ms` and
 *   `batch.size` (KafkaJS has neither); each full or lingered batch is one
 *   client call, and calls overlap (the client's in-flight limit applies).
 * - `sync`: one event per client call, each awaited before the next; late
 *   events wait in order (up to the bound) and their latency shows the wait.
 *   Each send still lingers `linger.ms` first, as librdkafka and the Java
 *   client do for a lone record: nothing else can join its batch.
 *
 * `delivery.timeout.ms` is enforced here, as the Java client does: from the
 * moment an event enters the send path, the client has that long to report
 * success; after it the event counts as failed ("delivery timeout") even if the
 * client later succeeds (the verifier then sees a phantom).
 *
 * @module
 */
import { setImmediate } from "node:timers";
import type { LoadPlan, ProducerConfig, SendMode } from "../scenario/types.ts";
import type { ProducerDriver } from "./driver.ts";
import { keyOf, stampEvent, valueTemplate } from "./payload.ts";
import { createSchedule } from "./schedule.ts";
import type { Ledger } from "../verify/ledger.ts";
import type { LatencyRecorder } from "../metrics/latency.ts";
import type { TimelineRecorder } from "../metrics/timeline.ts";

/** Where the generator records what happens. One set per variant. */
export interface LoadRecorders {
  ledger: Ledger;
  /** Latency from the intended send time (warm-up excluded). */
  fromIntended: LatencyRecorder;
  /** Latency from the client call (warm-up excluded). */
  fromSend: LatencyRecorder;
  /** Lag between intended time and hand-off to the send path, µs: the generator's own precision. */
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

/** Options of {@link runLoad}. */
export interface LoadOptions {
  load: LoadPlan;
  send: SendMode;
  producer: ProducerConfig;
  driver: ProducerDriver;
  partitions: number;
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
}

/** What the load did, beyond what the recorders hold. */
export interface LoadResult {
  /** Events the schedule asked for. */
  intended: number;
  /** Events still outstanding when the drain period ended. */
  outstandingAtEnd: number;
  /** Epoch ms when the last event was due, and when the drain ended. */
  loadEndedEpochMs: number;
  drainEndedEpochMs: number;
  aborted: boolean;
  /** Application-level second sends made. */
  appResends: number;
}

interface Pending {
  seq: number;
  partition: number;
  key: string | null;
  value: Uint8Array;
  /** performance.now() when it entered the send path. */
  enteredAt: number;
  /** Intended time, ms since the load start. */
  intendedMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Run one variant's load to its end and drain. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const { load, producer, driver, recorders, partitions } = opts;
  const { ledger, timeline } = recorders;
  const totalMs = load.warmupMs + load.durationMs;
  const schedule = createSchedule(load.rate, totalMs);
  const template = valueTemplate(opts.runId, opts.variantIndex, load.messageSize);
  const lingerMs = producer["linger.ms"];
  const batchBytes = producer["batch.size"];
  const deliveryTimeoutMs = producer["delivery.timeout.ms"];
  const maxOutstanding = opts.send.maxOutstanding;

  // performance.now() at the load start, aligned with startEpochMs.
  const waitStart = opts.startEpochMs - Date.now();
  if (waitStart > 0) await sleep(waitStart);
  const t0 = performance.now() - (Date.now() - opts.startEpochMs);
  const epochOf = (perfMs: number) => opts.startEpochMs + (perfMs - t0);

  let outstanding = 0;
  let appResends = 0;
  const resendEvery = opts.appResendEvery ?? 0;
  /** The application sends an acknowledged event again: same bytes, a new send. */
  const resend = (ev: Pending) => {
    appResends++;
    outstanding++; // the drain waits for resends too
    driver.send(ev.partition, [{ key: ev.key, value: ev.value }]).catch(() => {}).finally(() => {
      outstanding--;
    });
  };
  let stickyPartition = 0;
  /** Set when the drain ends: the ledger is frozen for verification, late answers are ignored. */
  let closed = false;

  const settle = (
    batch: Pending[],
    calledAt: number,
    ok: boolean,
    baseOffset: number,
    partition: number,
    error?: string,
  ) => {
    if (closed) return;
    const now = performance.now();
    const nowEpoch = epochOf(now);
    for (let i = 0; i < batch.length; i++) {
      const ev = batch[i];
      if (ok) {
        ledger.markAcked(ev.seq, partition, baseOffset >= 0 ? baseOffset + i : -1);
        if (resendEvery > 0 && ev.seq % resendEvery === resendEvery - 1 && !closed) resend(ev);
        const latUs = (now - t0 - ev.intendedMs) * 1000;
        timeline.acked(nowEpoch, latUs);
        if (ev.intendedMs >= load.warmupMs) {
          recorders.fromIntended.record(latUs);
          recorders.fromSend.record((now - calledAt) * 1000);
        }
      } else {
        ledger.markFailed(ev.seq, error);
        timeline.failed(nowEpoch);
      }
    }
    outstanding -= batch.length;
  };

  /** One client call for a batch, under the delivery timeout of its oldest event. */
  const dispatch = (partition: number, batch: Pending[]): Promise<void> => {
    const calledAt = performance.now();
    let done = false;
    return new Promise<void>((resolve) => {
      const remaining = batch[0].enteredAt + deliveryTimeoutMs - calledAt;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        settle(batch, calledAt, false, -1, partition, `delivery timeout (${deliveryTimeoutMs} ms)`);
        resolve();
      }, Math.max(0, remaining));
      driver.send(partition, batch.map((e) => ({ key: e.key, value: e.value }))).then(
        (ack) => {
          if (done) {
            if (closed) return;
            // Late success after the delivery timeout: the ledger keeps it as failed but notes it.
            for (let i = 0; i < batch.length; i++) {
              ledger.markAcked(
                batch[i].seq,
                ack.partition,
                ack.baseOffset >= 0 ? ack.baseOffset + i : -1,
              );
            }
            return;
          }
          done = true;
          clearTimeout(timer);
          settle(batch, calledAt, true, ack.baseOffset, ack.partition);
          resolve();
        },
        (err: Error) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          settle(batch, calledAt, false, -1, partition, err?.message ?? String(err));
          resolve();
        },
      );
    });
  };

  // --- pipelined: per-partition accumulators -------------------------------------------
  // As in the Java client: a partition's batch grows until batch.size or linger.ms, then
  // is sealed; sealed batches go out while the partition has fewer sends in flight than
  // the driver allows, and otherwise wait (the open batch keeps growing meanwhile).
  interface Accumulator {
    events: Pending[];
    bytes: number;
    timer: ReturnType<typeof setTimeout> | null;
    /** The open batch's linger expired while no send slot was free. */
    lingered: boolean;
    sealed: Pending[][];
    inFlight: number;
  }
  const maxInFlight = driver.maxInFlightPerPartition;
  const acc: Accumulator[] = Array.from({ length: partitions }, () => ({
    events: [],
    bytes: 0,
    timer: null,
    lingered: false,
    sealed: [],
    inFlight: 0,
  }));
  const seal = (partition: number) => {
    const a = acc[partition];
    if (a.timer !== null) clearTimeout(a.timer);
    a.timer = null;
    a.lingered = false;
    if (a.events.length === 0) return;
    a.sealed.push(a.events);
    a.events = [];
    a.bytes = 0;
    if (load.keys.kind === "none" && partition === stickyPartition) {
      stickyPartition = (stickyPartition + 1) % partitions;
    }
  };
  const pump = (partition: number) => {
    const a = acc[partition];
    while (a.inFlight < maxInFlight) {
      if (a.sealed.length === 0 && a.lingered) seal(partition);
      const batch = a.sealed.shift();
      if (!batch) return;
      a.inFlight++;
      void dispatch(partition, batch).then(() => {
        a.inFlight--;
        pump(partition);
      });
    }
  };
  /** Linger expired, the batch is full, or the load ended: the open batch is ready to go. */
  const flush = (partition: number) => {
    const a = acc[partition];
    if (a.inFlight < maxInFlight || a.bytes >= batchBytes) seal(partition);
    else {
      if (a.timer !== null) clearTimeout(a.timer);
      a.timer = null;
      a.lingered = true;
    }
    pump(partition);
  };
  const enqueuePipelined = (ev: Pending) => {
    const a = acc[ev.partition];
    a.events.push(ev);
    a.bytes += ev.value.length + (ev.key?.length ?? 0);
    if (a.bytes >= batchBytes) flush(ev.partition);
    else if (a.timer === null && !a.lingered) {
      a.timer = setTimeout(() => flush(ev.partition), lingerMs);
    }
  };

  // --- sync: one call at a time -----------------------------------------------------------
  const syncQueue: Pending[] = [];
  let syncHead = 0;
  let syncBusy = false;
  const pumpSync = async () => {
    if (syncBusy) return;
    syncBusy = true;
    while (syncHead < syncQueue.length && !closed) {
      const ev = syncQueue[syncHead];
      syncQueue[syncHead++] = undefined as unknown as Pending; // let it be collected
      // An awaited send still waits linger.ms in the client's accumulator before going out.
      if (lingerMs > 0) await sleep(lingerMs);
      await dispatch(ev.partition, [ev]);
    }
    syncQueue.length = 0;
    syncHead = 0;
    syncBusy = false;
  };

  const emit = (seq: number, intendedMs: number) => {
    const now = performance.now();
    const nowEpoch = epochOf(now);
    if (outstanding >= maxOutstanding) {
      ledger.markNotSent(seq);
      timeline.notSent(nowEpoch);
      return;
    }
    const key = keyOf(load.keys, seq);
    let partition: number;
    if (key !== null) partition = driver.partitionForKey(key, partitions);
    else if (opts.send.kind === "sync") partition = seq % partitions;
    else partition = stickyPartition;
    const value = stampEvent(template, seq, (opts.startEpochMs + intendedMs) * 1000);
    outstanding++;
    ledger.markSent(seq);
    timeline.sent(nowEpoch);
    if (intendedMs >= load.warmupMs) recorders.dispatchLag.record((now - t0 - intendedMs) * 1000);
    const ev: Pending = { seq, partition, key, value, enteredAt: now, intendedMs };
    if (opts.send.kind === "sync") {
      syncQueue.push(ev);
      void pumpSync();
    } else enqueuePipelined(ev);
  };

  // --- the emit loop ------------------------------------------------------------------
  let seq = 0;
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
  while (seq < schedule.total) {
    if (opts.signal?.aborted) {
      aborted = true;
      break;
    }
    const now = performance.now() - t0;
    while (seq < schedule.total) {
      const due = schedule.timeOf(seq);
      if (due > now) break;
      emit(seq, due);
      seq++;
    }
    if (now - lastProgress >= 1000) {
      lastProgress = now;
      timeline.outstanding(epochOf(performance.now()), outstanding);
      progress();
    }
    if (seq < schedule.total) {
      const wait = schedule.timeOf(seq) - (performance.now() - t0);
      // Timers fire a millisecond late at best: sleep on a timer until close to the
      // next event, then yield with setImmediate (I/O still runs) until it is due.
      if (wait > 2) await sleep(wait - 1.5);
      else if (wait > 0) await new Promise<void>((r) => setImmediate(r));
    }
  }
  const loadEnded = performance.now();
  // Whatever is left lingering goes out now (or as soon as a send slot frees).
  for (let p = 0; p < partitions; p++) {
    seal(p);
    pump(p);
  }
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
  // Events still waiting in sismo's own sync queue never reached the client: they failed.
  const endEpoch = epochOf(performance.now());
  for (let i = syncHead; i < syncQueue.length; i++) {
    const ev = syncQueue[i];
    if (!ev) continue;
    ledger.markFailed(ev.seq, "still queued behind awaited sends when the run ended");
    timeline.failed(endEpoch);
    outstanding--;
  }
  syncQueue.length = 0;
  syncHead = 0;
  closed = true;
  timeline.outstanding(epochOf(performance.now()), outstanding);
  progress();
  return {
    intended: schedule.total,
    outstandingAtEnd: outstanding,
    loadEndedEpochMs: epochOf(loadEnded),
    drainEndedEpochMs: epochOf(performance.now()),
    aborted,
    appResends,
  };
}
