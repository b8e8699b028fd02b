/**
 * A worker's share of a variant's load: its own producer, the events of its segment at the
 * whole load's intended times from the shared start, and its partial result. No fault, no
 * topic, no verification: the coordinator does those once for every share.
 *
 * @module
 */
import { hostname, release } from "node:os";
import type { DriverOptions, ProducerDriver } from "../clients/contract.ts";
import { type LoadProgress, runLoad } from "../load/generator.ts";
import { createSchedule } from "../load/schedule.ts";
import { runIdFromHex } from "../load/payload.ts";
import type { LoadSegment } from "../load/segment.ts";
import { Ledger } from "../verify/ledger.ts";
import { LatencyRecorder } from "../metrics/latency.ts";
import { TimelineRecorder } from "../metrics/timeline.ts";
import { openProducer } from "../run/produce.ts";
import { clientFactory } from "../clients/registry.ts";
import type { ShareJob } from "./job.ts";
import { type PartialResult, partialResult } from "./partial.ts";

/** The shared start as the coordinator gives it. */
export interface SharedStart {
  /** Epoch ms, on the coordinator's clock. */
  startEpochMs: number;
  /** This worker's clock minus the coordinator's, ms, as the coordinator measured it. */
  clockOffsetMs: number;
}

/** Options of {@link runShare}. */
export interface ShareOptions {
  /** Called once the producer is ready; resolves to the shared start. */
  start: () => Promise<SharedStart>;
  signal: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  /** Create the producer; the registry's driver for the variant's client by default. */
  createDriver?: (opts: DriverOptions) => Promise<ProducerDriver>;
}

/** Run `segment`'s share of `job` and return its partial result; see the module doc. */
export async function runShare(
  job: ShareJob,
  segment: LoadSegment,
  o: ShareOptions,
): Promise<PartialResult> {
  const plan = job.plan;
  const variant = plan.variants[job.variantIndex];
  if (!variant) throw new Error(`the job has no variant ${job.variantIndex}`);
  const startedAt = new Date().toISOString();
  const runId = runIdFromHex(job.runId);
  const total = createSchedule(plan.load.rate, plan.load.warmupMs + plan.load.durationMs).total;
  // A fresh process: the client's library or jars, from the cache the coordinator filled.
  if (!o.createDriver) await clientFactory(variant.client).prepare(() => {});
  if (job.connection === null) {
    throw new Error(
      "the cluster needs credentials, which the coordinator does not send: give this worker " +
        "its own --bootstrap and --command-config",
    );
  }
  const { driver, deliveries, clientErrors } = await openProducer({
    plan,
    variant,
    bootstrap: job.bootstrap,
    connection: job.connection,
    topic: job.topic,
    createDriver: o.createDriver,
  });
  try {
    // Allocated before the start, so that the load begins on time.
    const ledger = new Ledger(Math.max(1, total));
    const latency = {
      fromIntended: new LatencyRecorder(),
      fromSend: new LatencyRecorder(),
      dispatchLag: new LatencyRecorder(),
    };
    const { startEpochMs, clockOffsetMs } = await o.start();
    // The same instant on this worker's clock, which the load runs on.
    const localStart = startEpochMs + clockOffsetMs;
    // A worker that learns the start late sends its first events late: the report shows it.
    const startLagMs = Math.max(0, Date.now() - localStart);
    const recorders = { ledger, ...latency, timeline: new TimelineRecorder(localStart) };
    const result = await runLoad({
      load: plan.load,
      send: variant.send,
      driver,
      deliveries,
      runId,
      variantIndex: job.variantIndex,
      recorders,
      startEpochMs: localStart,
      signal: o.signal,
      drainMs: plan.drainMs,
      appResendEvery: variant.appResendEvery,
      onProgress: o.onProgress,
      segment,
      preciseAbovePerSecond: job.preciseAbovePerSecond,
    });
    return partialResult({
      run: {
        id: job.runId,
        scenario: plan.name,
        variant: variant.name,
        variantIndex: job.variantIndex,
        topic: job.topic,
        startEpochMs,
        events: total,
      },
      segment,
      worker: {
        host: hostname(),
        pid: Deno.pid,
        startedAt,
        finishedAt: new Date().toISOString(),
        client: driver.client,
        startLagMs,
        clockOffsetMs,
        machine: {
          os: `${Deno.build.os} ${release()}`,
          arch: Deno.build.arch,
          cpus: navigator.hardwareConcurrency,
          memoryBytes: Deno.systemMemoryInfo().total,
        },
      },
      // Back on the coordinator's clock, as every share's.
      result: {
        ...result,
        loadEndedEpochMs: result.loadEndedEpochMs - clockOffsetMs,
        drainEndedEpochMs: result.drainEndedEpochMs - clockOffsetMs,
      },
      ...recorders,
      clientErrors: [...clientErrors].map(([message, e]) => ({
        message,
        count: e.count,
        first: e.first - clockOffsetMs,
        last: e.last - clockOffsetMs,
      })),
      notes: driver.notes,
      network: driver.stats(),
    });
  } finally {
    await driver.close();
  }
}
