/**
 * One variant, start to finish: fresh topic, load and faults on the same
 * clock, drain, consume-back verification, expectations.
 *
 * @module
 */
import "../stack/quiet_kafkajs.ts";
import type { Plan, VariantPlan } from "../scenario/types.ts";
import type { FaultWindow, Phrase, VariantReport } from "../report/types.ts";
import { clientFactory } from "../clients/registry.ts";
import { DeliveryRouter, type LoadProgress, runLoad } from "../load/generator.ts";
import { createSchedule, firstSeqAt } from "../load/schedule.ts";
import { Ledger } from "../verify/ledger.ts";
import { type SecondAnomalies, Verifier } from "../verify/verifier.ts";
import { consumeRanges, type ConsumeResult, partitionOffsets } from "../verify/consume.ts";
import type { DriverOptions, ProducerDriver } from "../clients/contract.ts";
import { readBackEnds } from "../verify/read_back.ts";
import { intendedLatency, LatencyRecorder } from "../metrics/latency.ts";
import { TimelineRecorder } from "../metrics/timeline.ts";
import { faultPhasesOf } from "../metrics/phases.ts";
import { FaultEngine, type FaultOutcome } from "../faults/engine.ts";
import { type FaultLease, SharedFaults } from "../faults/shared.ts";
import type { RunEnvironment } from "./environment.ts";
import { evaluateExpectations } from "./expectations.ts";
import { createTopicWithLeaders, withAdmin } from "../stack/admin.ts";
import { runIdHex } from "../load/payload.ts";

/** Live state of a variant for the progress line. */
export interface VariantProgress extends LoadProgress {
  variant: string;
  phase: "load" | "drain" | "verify";
  p99Ms: number | null;
  faults: string[];
}

/** Options of {@link runVariant}. */
export interface VariantRunOptions {
  plan: Plan;
  variant: VariantPlan;
  variantIndex: number;
  env: RunEnvironment;
  runId: Uint8Array;
  /**
   * Called once the variant's topic and producer are ready; resolves to the epoch ms at
   * which its load starts. In parallel mode every variant gets the same start.
   */
  startAt: () => Promise<number>;
  signal: AbortSignal;
  onProgress?: (p: VariantProgress) => void;
  log?: (line: string) => void;
  /** Extra dispatch-lag recorder for the benchmark. */
  dispatchLag?: LatencyRecorder;
  /**
   * Join the fault timeline shared with the variants running together, once this variant's
   * load clock is known (see {@link faultTimeline}). Absent: the variant plays the scenario's
   * faults on its own timeline and reports their errors among its own.
   */
  faults?: (startEpochMs: number) => Promise<FaultLease>;
  /** The cluster side of the variant (topic, offsets, read-back); Kafka's by default. */
  cluster?: VariantCluster;
  /** Create the producer; the registry's driver for the variant's client by default. */
  createDriver?: (opts: DriverOptions) => Promise<ProducerDriver>;
}

/**
 * What a variant asks of the cluster besides producing: the orchestration's seam, so that
 * tests can run a variant against an in-memory log.
 */
export interface VariantCluster {
  /** Create the variant's fresh topic (the plan's partitions, replication and configs). */
  createTopic(topic: string): Promise<void>;
  /** High watermark of every partition, in partition order; throws when they cannot be read. */
  offsets(topic: string): Promise<{ partition: number; high: number }[]>;
  /** Read ranges of the topic back (see `consumeRanges`). */
  consume(opts: Parameters<typeof consumeRanges>[0]): Promise<ConsumeResult>;
}

/** The Kafka side of a variant, on the environment's control listeners. */
export function kafkaCluster(env: RunEnvironment, plan: Plan): VariantCluster {
  return {
    createTopic: async (topic) => {
      await withAdmin(env.controlBootstrap, (admin) =>
        createTopicWithLeaders(admin, {
          topic,
          numPartitions: plan.topic.partitions,
          replicationFactor: plan.topic.replicationFactor,
          configEntries: Object.entries(plan.topic.configs).map(([name, value]) => ({
            name,
            value,
          })),
        }));
    },
    offsets: (topic) => partitionOffsets(env.controlBootstrap, topic),
    consume: consumeRanges,
  };
}

/**
 * The fault timeline of `holders` variants running together: one engine, each fault applied
 * once, `leader`/`followers` targets resolved against `topic` (the first variant's), toxics
 * named after the run (`runTag`).
 */
export function faultTimeline(
  plan: Plan,
  env: RunEnvironment,
  topic: string,
  runTag: string,
  holders: number,
  log: (line: string) => void,
): SharedFaults {
  return new SharedFaults(holders, (startEpochMs) =>
    new FaultEngine(
      plan.faults,
      {
        toxiproxyUrl: env.toxiproxyUrl,
        proxyName: env.proxyName,
        brokers: env.brokers,
        brokerIds: env.brokerIds,
        partitionState: (p) => env.partitionState(topic, p),
        partitionTopic: topic,
      },
      startEpochMs,
      log,
      { runTag },
    ));
}

/** Kafka-safe topic name of a variant's fresh topic. */
export function topicName(plan: Plan, variant: VariantPlan, runId: Uint8Array): string {
  return `sismo.${plan.name}.${variant.name}.${runIdHex(runId).slice(0, 8)}`;
}

/**
 * Offsets of every partition of `topic` once all of them answer, or null after
 * `timeoutMs`. A fresh topic's leaders learn of it a moment after the controller
 * created it; after a fault, stopped brokers may still be starting.
 */
async function readableOffsets(
  cluster: VariantCluster,
  topic: string,
  partitions: number,
  timeoutMs: number,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    // Not answering yet is what this waits out; the read-back records a lasting failure.
    const offsets = await cluster.offsets(topic).catch(() => null);
    if (offsets?.length === partitions) return offsets;
    if (Date.now() > until) return null;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Per partition, the highest offset an acknowledgement named + 1 (acks=0 names none). */
function ackedEnds(ledger: Ledger, events: number): Map<number, number> {
  const ends = new Map<number, number>();
  for (let seq = 0; seq < events; seq++) {
    const partition = ledger.ackPartition(seq);
    const offset = ledger.ackOffset(seq);
    if (partition < 0 || offset < 0) continue;
    if (offset + 1 > (ends.get(partition) ?? 0)) ends.set(partition, offset + 1);
  }
  return ends;
}

/** Delete a variant's topic after verification (best effort). */
export async function deleteTopic(env: RunEnvironment, topic: string): Promise<void> {
  await withAdmin(
    env.controlBootstrap,
    (admin) => admin.deleteTopics({ topics: [topic], timeout: 10000 }),
  )
    .catch(() => {});
}

/** Run one variant; never throws for a Kafka-side failure (it is measured), only for setup errors. */
export async function runVariant(o: VariantRunOptions): Promise<VariantReport> {
  const { plan, variant, env } = o;
  const log = o.log ?? (() => {});
  const startedAt = new Date().toISOString();
  const topic = topicName(plan, variant, o.runId);
  const cluster = o.cluster ?? kafkaCluster(env, plan);
  await cluster.createTopic(topic).catch((e) => {
    // Right after a cluster starts, waiting for the new topic's leaders can fail with a
    // retriable error ("does not host this topic-partition") although the topic was created:
    // the wait for readable partitions below decides.
    if (!(e as { retriable?: boolean })?.retriable) throw e;
    log(`[${variant.name}] topic ${topic}: ${(e as Error).message}; waiting for its partitions`);
  });
  const before = await readableOffsets(cluster, topic, plan.topic.partitions, 30000);
  if (!before) throw new Error(`topic ${topic} not readable 30 s after its creation`);

  const totalMs = plan.load.warmupMs + plan.load.durationMs;
  const schedule = createSchedule(plan.load.rate, totalMs);
  const ledger = new Ledger(Math.max(1, schedule.total));
  const fromIntended = new LatencyRecorder();
  const fromSend = new LatencyRecorder();
  /** Client log errors by message: count, first and last seen (epoch ms). */
  const clientErrors = new Map<string, { count: number; first: number; last: number }>();
  const deliveries = new DeliveryRouter();
  const createDriver = o.createDriver ??
    ((d: DriverOptions) => clientFactory(variant.client).create(d));
  const driver = await createDriver({
    bootstrap: env.bootstrap,
    topic,
    partitions: plan.topic.partitions,
    producer: variant.producer,
    properties: variant.properties,
    clientId: `sismo-${variant.name}`,
    onDelivery: deliveries.onDelivery,
    onClientLog: (level, message) => {
      if (level !== "error") return;
      const now = Date.now();
      const seen = clientErrors.get(message) ?? { count: 0, first: now, last: now };
      clientErrors.set(message, { count: seen.count + 1, first: seen.first, last: now });
    },
  });

  // The clock starts once everything is ready, so the first events are not already late.
  const startEpochMs = await o.startAt();
  const timeline = new TimelineRecorder(startEpochMs);
  // The run hands a timeline shared by the variants that run together; alone (the benchmark),
  // the variant has its own, and reports its errors itself.
  const ownFaults = o.faults
    ? null
    : faultTimeline(plan, env, topic, runIdHex(o.runId).slice(0, 8), 1, (line) =>
      log(`[${variant.name}] ${line}`));
  const joinFaults = o.faults ?? ((t: number) => ownFaults!.join(t));

  let phase: VariantProgress["phase"] = "load";
  let windows: FaultWindow[] = [];
  let lease: FaultLease | null = null;
  let faultsStopped: Promise<FaultOutcome | null> | null = null;
  const stopFaults = async () => {
    faultsStopped ??= lease
      ? lease.release()
      : ownFaults
      ? ownFaults.stop()
      : Promise.resolve(null);
    return (await faultsStopped)?.windows ?? [];
  };
  const dispatchLag = o.dispatchLag ?? new LatencyRecorder();
  let result;
  try {
    lease = await joinFaults(startEpochMs);
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
      signal: o.signal,
      drainMs: plan.drainMs,
      appResendEvery: variant.appResendEvery,
      onLoadEnd: async () => {
        phase = "drain";
        windows = await stopFaults();
      },
      onProgress: (p) => {
        const pts = timeline.points();
        const last = pts.length ? pts[pts.length - 1] : null;
        o.onProgress?.({
          ...p,
          variant: variant.name,
          phase,
          p99Ms: last?.p99 ?? null,
          faults: lease?.activeLabels() ?? [],
        });
      },
    });
  } finally {
    // The faults end (or this variant's hold on a shared timeline does); the run brings back
    // brokers and removes leftover toxics after each variant or group.
    windows = await stopFaults();
    await driver.close();
  }
  const ownFaultErrors = ownFaults ? (await ownFaults.stop()).errors : [];

  // --- verification -----------------------------------------------------------------------
  phase = "verify";
  let verification: VariantReport["verification"] = null;
  const inconclusive: string[] = [];
  const readNotes: string[] = [];
  let anomalies: Map<number, SecondAnomalies> | null = null;
  if (!result.aborted) {
    const verifier = new Verifier(ledger, {
      runId: o.runId,
      variant: o.variantIndex,
      keys: plan.load.keys,
      partitions: plan.topic.partitions,
      secondOf: (seq) => Math.floor(schedule.timeOf(seq) / 1000),
    });
    // Brokers a fault stopped may still be starting: read back once every partition answers,
    // up to where the acknowledgements say records are (see lib/verify/read_back.ts).
    const after = await readableOffsets(cluster, topic, plan.topic.partitions, 60000);
    if (!after) log(`[${variant.name}] topic still unreadable after 60 s`);
    const ends = await readBackEnds({
      before,
      ackedEnd: ackedEnds(ledger, schedule.total),
      offsets: () => cluster.offsets(topic),
      deadlineMs: after ? 15_000 : 1_000,
    });
    readNotes.push(...ends.notes);
    for (const u of ends.unreadable) {
      verifier.markUnreadable(u.partition);
      inconclusive.push(`[${variant.name}] ${u.reason}`);
    }
    const totalRecords = ends.ranges.reduce((s, r) => s + (r.end - r.start), 0);
    const read = await cluster.consume({
      bootstrap: env.controlBootstrap,
      topic,
      ranges: ends.ranges,
      groupId: `sismo-verify-${runIdHex(o.runId)}-${variant.name}`,
      timeoutMs: 30000 + totalRecords / 20,
      onRecord: (p, off, k, v) => verifier.observe(p, off, k, v),
    });
    for (const p of read.unreadable) verifier.markUnreadable(p);
    for (const problem of read.problems) inconclusive.push(`[${variant.name}] ${problem}`);
    verification = verifier.finish(read.recordsRead, read.durationMs);
    anomalies = verifier.anomaliesBySecond();
    if (verification.counts.unverified > 0) {
      inconclusive.push(
        `[${variant.name}] ${verification.counts.unverified} event(s) unverified: partition(s) ${
          verification.unreadablePartitions.join(", ")
        } could not be read to their end`,
      );
    }
    log(
      `[${variant.name}] verified ${read.recordsRead} records in ${
        (read.durationMs / 1000).toFixed(1)
      }s`,
    );
  }

  const counts = ledger.counts();
  const windowSeconds = result.window.ms / 1000;
  const perWindowSecond = (n: number) => windowSeconds > 0 ? n / windowSeconds : 0;
  // Every event intended in the measured window (a Ctrl-C shortens the window).
  const windowEvents = firstSeqAt(schedule, plan.load.warmupMs + result.window.ms) -
    firstSeqAt(schedule, plan.load.warmupMs);
  const points = timeline.points();
  if (anomalies !== null) {
    // Anomalies by the second their events were intended in, zero where none.
    for (const p of points) {
      if (!p.intended) continue;
      p.intended.anomalies = anomalies.get(p.t) ??
        { lost: 0, duplicated: 0, phantom: 0, reordered: 0 };
    }
  }
  const ledgerErrors = ledger.errors();
  // The client's errors, grouped and most frequent first (at most 20 kinds) …
  const clientSide: VariantReport["errors"] = ledgerErrors.map((e) => ({
    message: e.message,
    count: e.count,
    source: "send",
  }));
  for (const [message, seen] of clientErrors) {
    if (!clientSide.some((e) => e.message === message)) {
      clientSide.push({
        message: `client log: ${message}`,
        count: seen.count,
        source: "client-log",
        firstMs: seen.first - startEpochMs,
        lastMs: seen.last - startEpochMs,
      });
    }
  }
  clientSide.sort((a, b) => b.count - a.count);
  // … after sismo's own findings, which are never cut.
  const errors: VariantReport["errors"] = [];
  // Each finding with its phrase, so that a report in another language can say it.
  const finding = (count: number, message: string, phrase?: Phrase) => {
    if (count > 0) errors.push({ message, count, source: "sismo", ...(phrase ? { phrase } : {}) });
  };
  finding(
    result.unansweredAfterPurge,
    "the client never answered, even after the purge (counted as pending)",
    { id: "finding.unansweredAfterPurge" },
  );
  finding(
    result.outstandingAtEnd,
    `still outstanding after the ${plan.drainMs} ms drain: purged (each failed with the ` +
      "client's answer)",
    { id: "finding.purgedAfterDrain", params: { ms: plan.drainMs } },
  );
  for (const e of ownFaultErrors) finding(1, `fault: ${e}`);
  finding(result.appResendsFailed, "application resends that failed", {
    id: "finding.appResendsFailed",
  });
  finding(
    ledger.ackedAfterFailure,
    "acknowledged after the client had reported them failed (kept as failed)",
    { id: "finding.ackedAfterFailure" },
  );
  finding(
    fromIntended.clamped + fromSend.clamped,
    "latencies out of the histogram's range (clamped to 0 or 1 h)",
    { id: "finding.clamped" },
  );
  for (const note of readNotes) finding(1, `read-back: ${note}`);
  errors.push(...clientSide.slice(0, 20));
  const partial: Omit<VariantReport, "expectations"> = {
    name: variant.name,
    description: variant.description,
    client: driver.client,
    notes: driver.notes,
    network: driver.stats(),
    appResends: result.appResends,
    producer: variant.producer,
    properties: variant.properties,
    send: variant.send,
    topic,
    startedAt,
    finishedAt: new Date().toISOString(),
    counts: {
      intended: schedule.total,
      sent: counts.sent,
      acked: counts.acked,
      failed: counts.failed,
      notSent: counts.notSent,
      ackedAfterFailure: ledger.ackedAfterFailure,
    },
    throughput: {
      ackedPerSecond: perWindowSecond(result.window.acked),
      sentPerSecond: perWindowSecond(result.window.sent),
      bytesPerSecond: perWindowSecond(result.window.acked * plan.load.messageSize),
      drain: { acked: result.drain.acked, seconds: result.drain.ms / 1000 },
    },
    latency: {
      allIntended: intendedLatency(fromIntended, windowEvents),
      fromIntended: fromIntended.summary(),
      fromSend: fromSend.summary(),
      scheduleLag: dispatchLag.summary(),
    },
    timeline: points,
    faults: windows,
    phases: faultPhasesOf(windows, {
      schedule,
      latencies: result.latencies,
      loadEndMs: plan.load.warmupMs + result.window.ms,
    }),
    verification,
    ...(inconclusive.length ? { inconclusive } : {}),
    errors,
  };
  return { ...partial, expectations: evaluateExpectations(variant.expectations, partial) };
}
