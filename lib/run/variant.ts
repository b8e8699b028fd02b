/**
 * One variant, start to finish: fresh topic, load and faults on the same
 * clock, drain, consume-back verification, expectations. The load is produced
 * by this process (`produce.ts`) or, split with `--workers N`, by workers whose
 * shares are merged (`lib/segments/`); the rest is the same either way.
 *
 * @module
 */
import "../stack/quiet_kafkajs.ts";
import type { ConsumerGroupPlan, FaultPlan, Plan, VariantPlan } from "../scenario/types.ts";
import { faultedMember } from "../scenario/faults.ts";
import type { ConsumerGroupReport, Phrase, VariantReport } from "../report/types.ts";
import type { LoadProgress } from "../load/generator.ts";
import { createSchedule, firstSeqAt } from "../load/schedule.ts";
import { Ledger } from "../verify/ledger.ts";
import { type SecondAnomalies, Verifier } from "../verify/verifier.ts";
import { consumeRanges, type ConsumeResult, partitionOffsets } from "../verify/consume.ts";
import type { DriverOptions, ProducerDriver } from "../clients/contract.ts";
import { readBackEnds } from "../verify/read_back.ts";
import { type TailOptions, type TailReader, tailTopic } from "../verify/tail.ts";
import type { VerificationCounts, VerificationReport } from "../report/types.ts";
import { intendedLatency, LatencyRecorder } from "../metrics/latency.ts";
import { faultPhasesOf } from "../metrics/phases.ts";
import { FaultEngine } from "../faults/engine.ts";
import { type FaultLease, SharedFaults } from "../faults/shared.ts";
import type { RunEnvironment } from "./environment.ts";
import { evaluateExpectations } from "./expectations.ts";
import { createTopicWithLeaders, withAdmin } from "../stack/admin.ts";
import { runIdHex } from "../load/payload.ts";
import { type Produced, produceHere } from "./produce.ts";
import { type VariantFaults, variantFaults } from "./variant_faults.ts";
import { groupIdOf, OffsetSeqs, VariantGroup } from "./consumer_group.ts";
import { produceInShares } from "../segments/coordinate.ts";
import type { ShareRunner } from "../segments/job.ts";

/** Live state of a variant for the progress line. */
export interface VariantProgress extends LoadProgress {
  variant: string;
  phase: "load" | "drain" | "verify";
  p99Ms: number | null;
  faults: string[];
  /**
   * What the live verification read and settled so far, and the events it still holds
   * unsettled with its state's bytes; null when it does not run.
   */
  live: {
    recordsRead: number;
    counts: VerificationCounts;
    unsettled: number;
    stateBytes: number;
  } | null;
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
  /**
   * Where the consumer group's members keep their processing logs, kept with the reports so
   * that a verdict can be checked by hand (one 32-byte record per record finished,
   * `lib/consume/processing_log.ts`). Absent: a temporary folder, removed after the run.
   */
  processingDir?: string;
  /** Keep every line the producer's client logs in this file (`--client-log`). */
  clientLogPath?: string;
  /** Masks the connection's known secrets in the client's lines (the reports' mask). */
  clientLogMask?: (text: string) => string;
  /** The command of a consumer group member process (tests); `main.ts member` by default. */
  memberCommand?: readonly string[];
  /** Verify while the load runs too, and compare with the end-of-run verification (default true). */
  live?: boolean;
  /** Restart a live read that passed on no record for this long while behind, ms (15,000). */
  liveRestartAfterMs?: number;
  /**
   * Keep a compact ledger (no per-event answers or latencies: memory flat over long runs) and
   * verify with the live verification only; by default when the full ledger would pass
   * `FULL_LEDGER_BYTES` (`lib/scenario/limits.ts`).
   */
  compactLedger?: boolean;
  /**
   * Stop the load at the first anomaly the live verification settles that already breaks an
   * expectation (`--fail-fast`); the variant is still verified and reported.
   */
  failFast?: boolean;
  /**
   * Split the load over workers (`--workers N`): they produce the shares, this process plays
   * the faults once and verifies the merged result. No live verification then.
   */
  shares?: ShareRunner;
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
  /** Read the topic live while it is written (see `tailTopic`). */
  tail(opts: TailOptions): Promise<TailReader>;
  /** Delete the topic; resolves to why it could not be, null when it was (or never existed). */
  deleteTopic(topic: string): Promise<string | null>;
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
        }), env.controlConnection);
    },
    offsets: (topic) => partitionOffsets(env.controlBootstrap, topic, env.controlConnection),
    consume: (o) => consumeRanges({ ...o, connection: env.controlConnection }),
    tail: (o) => tailTopic({ ...o, connection: env.controlConnection }),
    deleteTopic: (topic) => deleteTopic(env, topic),
  };
}

/**
 * The fault timeline of `holders` variants running together: one engine, each fault applied
 * once, `leader`/`followers` targets resolved against `topic` (the first variant's), and
 * `coordinator` against its consumer group's, toxics
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
      // Member faults are each variant's own group's business (consumer_group.ts).
      plan.faults.filter((f) => f.action.kind !== "member"),
      {
        toxiproxyUrl: env.toxiproxyUrl,
        proxyName: env.proxyName,
        memberProxyName: env.memberProxyName,
        brokers: env.brokers,
        brokerIds: env.brokerIds,
        partitionState: (p) => env.partitionState(topic, p),
        partitionTopic: topic,
        groupCoordinator: () => env.groupCoordinator(groupIdOf(topic)),
        groupId: groupIdOf(topic),
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

/**
 * Delete a variant's topic after verification, or after the variant failed. Resolves to why it
 * could not be deleted (a topic that does not exist is not a failure), null when it was.
 */
export async function deleteTopic(env: RunEnvironment, topic: string): Promise<string | null> {
  try {
    await withAdmin(
      env.controlBootstrap,
      (admin) => admin.deleteTopics({ topics: [topic], timeout: 10000 }),
      env.controlConnection,
    );
    return null;
  } catch (e) {
    const error = e as Error & { type?: string };
    if (error.type === "UNKNOWN_TOPIC_OR_PARTITION") return null;
    return `topic ${topic} not deleted: ${error.message}`;
  }
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
  // The run hands a timeline shared by the variants that run together; alone (the benchmark),
  // the variant has its own, and reports its errors itself.
  const faults = variantFaults(
    o.faults ? { shared: o.faults } : {
      own: faultTimeline(
        plan,
        env,
        topic,
        runIdHex(o.runId).slice(0, 8),
        1,
        (line) => log(`[${variant.name}] ${line}`),
      ),
    },
  );
  // A consumer group reads the topic while the load runs; it subscribes first.
  let group: VariantGroup | null = null;
  let groupDir: string | null = null;
  if (variant.consumer) {
    groupDir = o.processingDir ?? await Deno.makeTempDir({ prefix: "sismo-group-" });
    group = await VariantGroup.start({
      variant: variant as VariantPlan & { consumer: ConsumerGroupPlan },
      env,
      cluster,
      topic,
      partitions: plan.topic.partitions,
      runIdHex: runIdHex(o.runId),
      dir: groupDir,
      log,
      memberCommand: o.memberCommand,
      faultedMember: faultedMember(plan.faults),
    });
  }
  const ctx = { topic, schedule, faults: withGroupFaults(faults, group, plan.faults), log };
  let produced: Produced;
  try {
    produced = o.shares
      ? await produceInShares(o, o.shares, ctx)
      : await produceHere(o, { ...ctx, before, cluster });
  } catch (e) {
    await group?.abort();
    if (groupDir && !o.processingDir) {
      await Deno.remove(groupDir, { recursive: true }).catch(() => {});
    }
    throw e;
  }
  const { ledger, ackedEnd, live, liveErrors, result, stoppedEarly, timeline, startEpochMs } =
    produced;
  const { fromIntended, fromSend, dispatchLag, clientErrors, windows } = produced;
  const ownFaultErrors = produced.faultErrors;

  // --- verification -----------------------------------------------------------------------
  let verification: VariantReport["verification"] = null;
  // Shares that do not add up to the whole load leave events nobody can vouch for.
  const inconclusive: string[] = produced.shareProblems.map((p) => `[${variant.name}] ${p}`);
  const readNotes: string[] = [];
  let anomalies: Map<number, SecondAnomalies> | null = null;
  let consumer: ConsumerGroupReport | undefined;
  const groupFindings: string[] = [];
  let liveReport: VariantReport["live"];
  // Ctrl-C skips verification; --fail-fast cut the load short but the events are verified.
  if (result.aborted && (stoppedEarly === undefined || o.signal.aborted)) await live?.stop();
  else {
    try {
      // The end-of-run verifier needs every event's answer: only the full ledger has them.
      const verifier = ledger instanceof Ledger
        ? new Verifier(ledger, {
          runId: o.runId,
          variant: o.variantIndex,
          keys: plan.load.keys,
          partitions: plan.topic.partitions,
          // Split over workers, each producer's order is its own.
          producers: o.shares?.count ?? 1,
          secondOf: (seq) => Math.floor(schedule.timeOf(seq) / 1000),
        })
        : null;
      // Brokers a fault stopped may still be starting: read back once every partition answers,
      // up to where the acknowledgements say records are (see lib/verify/read_back.ts).
      const after = await readableOffsets(cluster, topic, plan.topic.partitions, 60000);
      if (!after) log(`[${variant.name}] topic still unreadable after 60 s`);
      const ends = await readBackEnds({
        before,
        ackedEnd,
        offsets: () => cluster.offsets(topic),
        deadlineMs: after ? 15_000 : 1_000,
      });
      readNotes.push(...ends.notes);
      for (const u of ends.unreadable) {
        verifier?.markUnreadable(u.partition);
        inconclusive.push(`[${variant.name}] ${u.reason}`);
      }
      const totalRecords = ends.ranges.reduce((s, r) => s + (r.end - r.start), 0);
      // Which event each record is, for the consumer group's end-to-end latency and lag.
      const seqs = group ? new OffsetSeqs(ends.ranges, o.runId) : null;
      let reference: VerificationReport | null = null;
      const unreadable = ends.unreadable.map((u) => u.partition);
      if (verifier) {
        const read = await cluster.consume({
          bootstrap: env.controlBootstrap,
          topic,
          ranges: ends.ranges,
          groupId: `sismo-verify-${runIdHex(o.runId)}-${variant.name}`,
          timeoutMs: 30000 + totalRecords / 20,
          onRecord: (p, off, k, v) => {
            verifier.observe(p, off, k, v);
            seqs?.observe(p, Number(off), v);
          },
        });
        for (const p of read.unreadable) verifier.markUnreadable(p);
        for (const problem of read.problems) inconclusive.push(`[${variant.name}] ${problem}`);
        unreadable.push(...read.unreadable);
        reference = verifier.finish(read.recordsRead, read.durationMs);
        anomalies = verifier.anomaliesBySecond();
        log(
          `[${variant.name}] verified ${read.recordsRead} records in ${
            (read.durationMs / 1000).toFixed(1)
          }s`,
        );
      }
      let liveResult: VerificationReport | null = null;
      if (live) {
        try {
          const done = await live.finish({
            ranges: ends.ranges,
            unreadable,
            timeoutMs: 30000 + totalRecords / 20,
          });
          liveResult = done.report;
          // A live read that did not reach the ends (its consumer lost its coordinator to a
          // broker fault) is not a disagreement: nothing to compare; the end-of-run read judges.
          const complete = done.notes.length === 0;
          if (!complete) liveErrors.push(`did not complete: ${done.notes.join("; ")}`);
          const compared = reference !== null && complete;
          const differences = compared && reference
            ? verificationDifferences(done.report, reference)
            : [];
          liveReport = {
            counts: done.report.counts,
            misplaced: done.report.misplaced,
            recordsRead: done.report.recordsRead,
            agrees: compared ? differences.length === 0 : null,
            differences,
            ...done.figures,
            problems: [...done.figures.problems, ...done.notes],
          };
        } catch (e) {
          await live.stop();
          liveErrors.push(`failed: ${(e as Error).message}`);
        }
        if (liveReport?.agrees === false) {
          // Two checkers of the same events disagree: sismo cannot defend either verdict.
          inconclusive.push(
            `[${variant.name}] the live verification disagrees with the end-of-run read ` +
              `(live ≠ end of run): ${liveReport.differences.join("; ")}`,
          );
        }
      }
      if (group) {
        // Which record is which event is known from the full read-back only.
        const times = seqs && verifier
          ? {
            seqs,
            intendedEpochMs: (seq: number) => startEpochMs + schedule.timeOf(seq),
            ackedEpochMs: (seq: number) => {
              const ms = result.latencies?.[seq];
              return ms === undefined || Number.isNaN(ms)
                ? null
                : startEpochMs + schedule.timeOf(seq) + ms;
            },
          }
          : null;
        consumer = await group.finish(ends.ranges, times, windows, o.signal);
        group = null;
        const c = consumer.counts;
        if (c) {
          log(
            `[${variant.name}] consumer group: ${c.records} records, ${c.processedOnce} processed ` +
              `once, ${c.processedMoreThanOnce} more than once, ${c.deadLettered} dead-lettered, ` +
              `${c.lost} lost, ${c.unprocessed} unprocessed`,
          );
        }
        if (times === null && consumer.pauseMaxMs !== null) {
          // Without knowing each record's event, a wait for a leader counts as the group's.
          groupFindings.push(
            "consumer pauses counted from the previous record processed, not from each " +
              "record's acknowledgement (a compact ledger keeps no acknowledgement times); " +
              "they include any time a partition had no leader",
          );
        }
        if (consumer.catchUpMs === null) {
          groupFindings.push(
            `the consumer group did not finish the topic within catch.up ` +
              `(${variant.consumer!.catchUpMs} ms after the load): what it had not processed ` +
              "counts as unprocessed",
          );
        }
      }
      // A compact ledger's run has the live verification only.
      verification = reference ?? liveResult;
      if (verification === null) {
        inconclusive.push(
          `[${variant.name}] not verified: the run kept a compact ledger (too many events to ` +
            "keep each answer) and its live verification did not complete",
        );
      } else if (verification.counts.unverified > 0) {
        inconclusive.push(
          `[${variant.name}] ${verification.counts.unverified} event(s) unverified: partition(s) ${
            verification.unreadablePartitions.join(", ")
          } could not be read to their end`,
        );
      }
    } catch (e) {
      // The load happened and is reported; what could not be checked makes it inconclusive.
      verification = null;
      anomalies = null;
      inconclusive.push(`[${variant.name}] verification failed: ${(e as Error).message}`);
    } finally {
      // Stopped already unless verification failed on the way: no live read outlives it.
      await live?.stop();
    }
  }
  // Interrupted, or verification failed before the group was read: no member outlives this.
  if (group) {
    await group.abort();
    inconclusive.push(`[${variant.name}] the consumer group's processing was not checked`);
  }
  if (groupDir && !o.processingDir) {
    await Deno.remove(groupDir, { recursive: true }).catch(() => {});
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
  const ledgerErrors = produced.sendErrors;
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
  for (const note of groupFindings) finding(1, note);
  for (const e of liveErrors) {
    finding(1, `live verification: ${e}`, { id: "finding.live", params: { error: { quoted: e } } });
  }
  if (liveReport?.agrees === false) {
    const differences = liveReport.differences.join("; ");
    finding(
      1,
      `the live verification disagrees with the end-of-run read (live ≠ end of run): ${differences}`,
      { id: "finding.liveDisagrees", params: { differences: { quoted: differences } } },
    );
  }
  errors.push(...clientSide.slice(0, 20));
  const measured: Omit<VariantReport, "expectations"> = {
    name: variant.name,
    description: variant.description,
    client: produced.client,
    notes: produced.notes,
    network: produced.network,
    ...(produced.workers ? { workers: produced.workers } : {}),
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
    // Phase figures come from each event's latency, which a compact run does not keep.
    phases: result.latencies
      ? faultPhasesOf(windows, {
        schedule,
        latencies: result.latencies,
        loadEndMs: plan.load.warmupMs + result.window.ms,
      })
      : windows.map((w) => ({
        faultId: w.id,
        before: null,
        during: null,
        after: null,
        recoveredMs: null,
      })),
    verification,
    ...(liveReport ? { live: liveReport } : {}),
    ...(stoppedEarly ? { stoppedEarly } : {}),
    ...(inconclusive.length ? { inconclusive } : {}),
    errors,
    ...(consumer ? { consumer } : {}),
  };
  return { ...measured, expectations: evaluateExpectations(variant.expectations, measured) };
}

/** How the live verification's counts differ from the end-of-run one's: `lost: 3 ≠ 4` (live first). */
export function verificationDifferences(
  live: VerificationReport,
  end: VerificationReport,
): string[] {
  const differences: string[] = [];
  const names = Object.keys(end.counts) as (keyof VerificationCounts)[];
  for (const k of names) {
    if (live.counts[k] !== end.counts[k]) {
      differences.push(`${k}: ${live.counts[k]} ≠ ${end.counts[k]}`);
    }
  }
  if (live.misplaced !== end.misplaced) {
    differences.push(`misplaced: ${live.misplaced} ≠ ${end.misplaced}`);
  }
  return differences;
}

/**
 * The variant's faults with its consumer group's member faults on the same clock: joined,
 * listed and stopped together, their windows in the timeline's order.
 */
function withGroupFaults(
  faults: VariantFaults,
  group: VariantGroup | null,
  planned: readonly FaultPlan[],
): VariantFaults {
  if (!group) return faults;
  return {
    async join(startEpochMs) {
      group.playFaults(planned, startEpochMs);
      await faults.join(startEpochMs);
    },
    activeLabels: () => [...faults.activeLabels(), ...group.activeLabels()],
    async stop() {
      const [shared, members] = await Promise.all([faults.stop(), group.endLoad()]);
      const order = planned.map((f) => f.id);
      return [...shared, ...members].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    },
    // A member fault that went wrong is the variant's finding, as its own timeline's are.
    ownErrors: async () => [...await faults.ownErrors(), ...group.faultErrors()],
  };
}
