/**
 * A variant's load produced by this process: its producer, the live verification that reads
 * the topic while the load runs, the faults on the same clock, and what it all recorded
 * ({@link Produced}), which the end-of-run verification and the report read. Split over
 * workers, the same record comes from their merged shares (`lib/segments/coordinate.ts`).
 *
 * @module
 */
import type { Plan, VariantPlan } from "../scenario/types.ts";
import type { FaultWindow, Phrase, WorkerInfo } from "../report/types.ts";
import { clientFactory } from "../clients/registry.ts";
import type { DriverOptions, DriverStats, ProducerDriver } from "../clients/contract.ts";
import { DeliveryRouter, type LoadResult, runLoad } from "../load/generator.ts";
import type { Schedule } from "../load/schedule.ts";
import { runIdHex } from "../load/payload.ts";
import { type EventLedger, Ledger } from "../verify/ledger.ts";
import { CompactLedger } from "../verify/compact_ledger.ts";
import type { ErrorCount } from "../verify/error_tally.ts";
import { needsCompactLedger } from "../scenario/limits.ts";
import { anomalyCount, LiveVerification } from "../verify/live.ts";
import type { VerificationCounts } from "../report/types.ts";
import { LatencyRecorder } from "../metrics/latency.ts";
import { TimelineRecorder } from "../metrics/timeline.ts";
import { ClientLogFile } from "./client_log.ts";
import type { ConnectionSettings } from "../connection/settings.ts";
import { brokenForGood } from "./expectations.ts";
import type { VariantFaults } from "./variant_faults.ts";
import type { VariantCluster, VariantProgress, VariantRunOptions } from "./variant.ts";

/** Client log errors by message: count, first and last seen (epoch ms). */
export type ClientErrors = Map<string, { count: number; first: number; last: number }>;

/** What producing a variant's load recorded, wherever it ran. */
export interface Produced {
  /** The load clock's start, epoch ms. */
  startEpochMs: number;
  ledger: EventLedger;
  /** Send errors by text. */
  sendErrors: ErrorCount[];
  /** Per partition, the highest offset an acknowledgement named + 1 (acks=0 names none). */
  ackedEnd: Map<number, number>;
  fromIntended: LatencyRecorder;
  fromSend: LatencyRecorder;
  dispatchLag: LatencyRecorder;
  timeline: TimelineRecorder;
  result: LoadResult;
  clientErrors: ClientErrors;
  client: { name: string; version: string };
  notes: Phrase[];
  network: DriverStats;
  /** The live verification, still to finish; null when it did not run. */
  live: LiveVerification | null;
  /** What went wrong with the live verification itself (it never decides the verdict alone). */
  liveErrors: string[];
  windows: FaultWindow[];
  /** Errors of a fault timeline the variant played on its own. */
  faultErrors: string[];
  /** The expectation `--fail-fast` stopped the load for. */
  stoppedEarly?: string;
  /** The workers that produced the shares, when the load was split. */
  workers?: WorkerInfo[];
  /** Why the shares do not add up to the whole load (missing, twice, failed): inconclusive. */
  shareProblems: string[];
}

/** What {@link produceHere} and the coordinator share of the variant's run. */
export interface ProduceContext {
  topic: string;
  schedule: Schedule;
  faults: VariantFaults;
  log: (line: string) => void;
}

/** A producer for `variant` on `topic`, with the router of its reports and its log's errors. */
export async function openProducer(o: {
  plan: Plan;
  variant: VariantPlan;
  bootstrap: string[];
  connection: ConnectionSettings;
  topic: string;
  createDriver?: (opts: DriverOptions) => Promise<ProducerDriver>;
  /** Every line the client logs goes here too (`--client-log`). */
  clientLog?: ClientLogFile;
}): Promise<{ driver: ProducerDriver; deliveries: DeliveryRouter; clientErrors: ClientErrors }> {
  const clientErrors: ClientErrors = new Map();
  const deliveries = new DeliveryRouter();
  const createDriver = o.createDriver ??
    ((d: DriverOptions) => clientFactory(o.variant.client).create(d));
  const driver = await createDriver({
    bootstrap: o.bootstrap,
    connection: o.connection,
    topic: o.topic,
    partitions: o.plan.topic.partitions,
    producer: o.variant.producer,
    properties: o.variant.properties,
    clientId: `sismo-${o.variant.name}`,
    onDelivery: deliveries.onDelivery,
    verboseLog: o.clientLog !== undefined,
    onClientLog: (level, message) => {
      o.clientLog?.write(level, message);
      if (level !== "error") return;
      const now = Date.now();
      const seen = clientErrors.get(message) ?? { count: 0, first: now, last: now };
      clientErrors.set(message, { count: seen.count + 1, first: seen.first, last: now });
    },
  });
  return { driver, deliveries, clientErrors };
}

/** Produce the variant's whole load from this process; see the module doc. */
export async function produceHere(
  o: VariantRunOptions,
  ctx: ProduceContext & {
    before: { partition: number; high: number }[];
    cluster: VariantCluster;
  },
): Promise<Produced> {
  const { plan, variant, env } = o;
  const { topic, schedule, cluster, log, faults } = ctx;
  const compact = o.compactLedger ??
    needsCompactLedger(schedule.total, plan.load.keys, plan.topic.partitions);
  const ledger: EventLedger = compact
    ? new CompactLedger(Math.max(1, schedule.total))
    : new Ledger(Math.max(1, schedule.total));
  const ackedEnd = new Map<number, number>();
  const fromIntended = new LatencyRecorder();
  const fromSend = new LatencyRecorder();
  const liveErrors: string[] = [];
  const clientLog = o.clientLogPath
    ? ClientLogFile.open(o.clientLogPath, `variant ${variant.name} on ${variant.client}`, {
      mask: o.clientLogMask,
      onError: (message) => log(`[${variant.name}] client log: ${message}; no more lines kept`),
    })
    : undefined;
  if (clientLog) log(`[${variant.name}] client log: ${clientLog.path}`);
  const { driver: created, deliveries, clientErrors } = await openProducer({
    plan,
    variant,
    bootstrap: env.bootstrap,
    connection: env.connection,
    topic,
    createDriver: o.createDriver,
    clientLog,
  }).catch((e) => {
    clientLog?.close();
    throw e;
  });
  let live = o.live === false ? null : new LiveVerification({
    runId: o.runId,
    variant: o.variantIndex,
    keys: plan.load.keys,
    partitions: plan.topic.partitions,
    events: ledger.capacity,
    horizonMs: deliveryHorizonMs(variant, created.capabilities),
    from: ctx.before,
    tail: (t) =>
      cluster.tail({
        ...t,
        bootstrap: env.controlBootstrap,
        topic,
        groupId: `sismo-live-${runIdHex(o.runId)}-${variant.name}` +
          (t.attempt ? `-${t.attempt}` : ""),
      }),
    restartAfterMs: o.liveRestartAfterMs,
    log: (line) => log(`[${variant.name}] ${line}`),
  });
  if (live) {
    try {
      await live.start();
    } catch (e) {
      liveErrors.push(`could not start: ${(e as Error).message}`);
      await live.stop();
      live = null;
    }
  }
  const driver = live ? tapHandOffs(created, live) : created;
  ledger.observe(ackedEndObserver(ackedEnd, live));

  // The clock starts once everything is ready, so the first events are not already late.
  const startEpochMs = await o.startAt().catch(async (e) => {
    try {
      await live?.stop();
    } finally {
      await driver.close().finally(() => clientLog?.close());
    }
    throw e;
  });
  clientLog?.note("the load starts: 0 s on the report's timeline", startEpochMs);
  const timeline = new TimelineRecorder(startEpochMs);

  let phase: VariantProgress["phase"] = "load";
  let windows: FaultWindow[] = [];
  const dispatchLag = o.dispatchLag ?? new LatencyRecorder();
  // --fail-fast stops the load through its own signal, so that the variant is still verified.
  const failFast = new AbortController();
  /** Anomalies the live verification had found at the last progress tick. */
  let anomaliesFound = 0;
  let stoppedEarly: string | undefined;
  const loadSignal = o.failFast ? AbortSignal.any([o.signal, failFast.signal]) : o.signal;
  let result;
  try {
    await faults.join(startEpochMs);
    result = await runLoad({
      load: plan.load,
      send: variant.send,
      driver,
      deliveries,
      runId: o.runId,
      variantIndex: o.variantIndex,
      recorders: {
        ledger,
        fromIntended,
        fromSend,
        dispatchLag,
        timeline,
      },
      startEpochMs,
      signal: loadSignal,
      drainMs: plan.drainMs,
      appResendEvery: variant.appResendEvery,
      // One latency per planned event would grow with the run's length: a compact run keeps none.
      keepLatencies: !compact,
      onLoadEnd: async () => {
        phase = "drain";
        windows = await faults.stop();
      },
      onProgress: (p) => {
        // The last whole second: the timeline already spans the planned run.
        const p99Ms = timeline.p99Of(Math.floor((Date.now() - startEpochMs) / 1000) - 1);
        const liveCounts = live?.settledCounts() ?? null;
        if (liveCounts) {
          const anomalies = anomalyCount(liveCounts);
          timeline.found(Date.now(), anomalies - anomaliesFound);
          anomaliesFound = anomalies;
        }
        if (o.failFast && liveCounts && stoppedEarly === undefined) {
          const broken = brokenForGood(variant.expectations, liveCounts);
          if (broken) {
            stoppedEarly = broken.text;
            log(
              `[${variant.name}] --fail-fast: ${broken.text} broken, ${broken.metric} is ` +
                `already ${broken.observed}; stopping the load`,
            );
            failFast.abort();
          }
        }
        o.onProgress?.({
          ...p,
          variant: variant.name,
          phase,
          p99Ms,
          faults: faults.activeLabels(),
          live: live && liveCounts ? liveProgress(live, liveCounts) : null,
        });
      },
    });
  } catch (e) {
    await live?.stop();
    throw e;
  } finally {
    // The faults end (or this variant's hold on a shared timeline does); the run brings back
    // brokers and removes leftover toxics after each variant or group.
    try {
      windows = await faults.stop();
    } finally {
      await driver.close().finally(() => clientLog && closeClientLog(clientLog, windows));
    }
  }
  return {
    startEpochMs,
    ledger,
    sendErrors: ledger.errors(),
    ackedEnd,
    fromIntended,
    fromSend,
    dispatchLag,
    timeline,
    result,
    clientErrors,
    client: driver.client,
    // A verbose client is slower: the report says it ran so.
    notes: clientLog ? [...driver.notes, { id: "note.clientLog" }] : driver.notes,
    network: driver.stats(),
    live,
    liveErrors,
    windows,
    faultErrors: await faults.ownErrors(),
    ...(stoppedEarly !== undefined ? { stoppedEarly } : {}),
    shareProblems: [],
  };
}

/** The fault windows, on the report's clock, then the end of the client's log. */
function closeClientLog(clientLog: ClientLogFile, windows: readonly FaultWindow[]): void {
  const seconds = (ms: number | null) => ms === null ? "?" : `${(ms / 1000).toFixed(3)} s`;
  for (const w of windows) {
    clientLog.note(
      `fault ${w.id} (${w.label}): ${seconds(w.startedAtMs)} to ${seconds(w.endedAtMs)}`,
    );
  }
  clientLog.note("the producer is closed");
  clientLog.close();
}

/**
 * Keeps `ackedEnd` (per partition, the highest acknowledged offset + 1) and tells `live` of
 * every mark of the ledger.
 */
export function ackedEndObserver(ackedEnd: Map<number, number>, live: LiveVerification | null) {
  return {
    sent: (seq: number) => live?.events.sent(seq),
    notSent: (seq: number) => live?.events.notSent(seq),
    acked: (seq: number, partition: number, offset: number) => {
      if (offset >= 0 && offset + 1 > (ackedEnd.get(partition) ?? 0)) {
        ackedEnd.set(partition, offset + 1);
      }
      live?.events.acked(seq, partition, offset);
    },
    failed: (seq: number, error: string) => live?.events.failed(seq, error),
  };
}

/**
 * Longest time from handing a record to the client to its being readable, ms: the delivery
 * timeout, plus a request still on its way when the client gave up, plus a follower catching
 * up (replica.lag.time.max.ms, 30 s by default), plus, where the delivery timeout is emulated
 * (KafkaJS), the client's own retries, which the emulation cannot cancel. Generous on purpose:
 * it only costs memory, and delays the live verdicts on lost events.
 */
export function deliveryHorizonMs(
  variant: VariantPlan,
  capabilities: ProducerDriver["capabilities"],
): number {
  const p = variant.producer;
  const uncancelled = capabilities.deliveryTimeout === "native" ? 0 : 30_000;
  return p["delivery.timeout.ms"] + p["request.timeout.ms"] + 30_000 + uncancelled;
}

/** `driver`, telling `live` of every record handed to the client (resends included). */
function tapHandOffs(driver: ProducerDriver, live: LiveVerification): ProducerDriver {
  return {
    get client() {
      return driver.client;
    },
    get capabilities() {
      return driver.capabilities;
    },
    get notes() {
      return driver.notes;
    },
    send: (record) => {
      live.handedOff(record.token >= 0 ? record.token : -1 - record.token, Date.now());
      driver.send(record);
    },
    purge: () => driver.purge(),
    stats: () => driver.stats(),
    close: () => driver.close(),
  };
}

/** The live verification's part of the progress line. */
function liveProgress(live: LiveVerification, counts: VerificationCounts) {
  const stats = live.stats();
  return {
    recordsRead: live.recordsRead,
    counts,
    unsettled: stats.unresolved,
    stateBytes: stats.estimatedBytes,
  };
}
