/**
 * What a coordinator hands the workers of one variant's split load ({@link ShareJob}), what
 * they say back while they run ({@link WorkerMessage}), and the seam behind which the
 * shares run ({@link ShareRunner}: local worker processes, or in-process in tests).
 *
 * A worker and its coordinator speak JSON lines: the coordinator writes the job, a ping once
 * the worker is ready, then the shared start time once every worker is; each worker writes
 * `ready`, a `pong`, `progress` once a second, and finally its partial result.
 *
 * @module
 */
import type { Plan } from "../scenario/types.ts";
import type { ConnectionSettings } from "../connection/settings.ts";
import type { LoadProgress } from "../load/generator.ts";
import type { LoadSegment } from "../load/segment.ts";
import type { PartialResult } from "./partial.ts";

/** The format tag of a job. */
export const JOB_FORMAT = "sismo-job/1";

/**
 * One variant's split load, as every worker receives it. A worker that connects over the
 * network may replace `bootstrap` and `connection` with its own (secrets mounted where it
 * runs, never sent).
 */
export interface ShareJob {
  format: typeof JOB_FORMAT;
  plan: Plan;
  variantIndex: number;
  /** The variant's topic, created by the coordinator. */
  topic: string;
  /** The run id, hex: every share stamps it into its events. */
  runId: string;
  /** The producers' bootstrap servers and how to connect. */
  bootstrap: string[];
  /**
   * How to connect; null over the network when it holds credentials: the worker then brings
   * its own (`worker --command-config`, a mounted secret).
   */
  connection: ConnectionSettings | null;
  /** The generator's precise-sleep threshold (`LoadOptions.preciseAbovePerSecond`): the bench's. */
  preciseAbovePerSecond?: number;
}

/**
 * What the coordinator writes to a worker, one JSON line each: a job and the worker's share
 * of it, a `ping` to measure the worker's clock, the shared start (on the coordinator's
 * clock, with the worker's measured offset from it), `stop` (end the load early: Ctrl-C),
 * `done` (no more jobs).
 */
export type CoordinatorMessage =
  | { job: ShareJob; segment: LoadSegment }
  | { ping: number }
  | { start: number; clockOffsetMs: number }
  | { stop: true }
  | { done: true };

/**
 * What a worker writes back, one JSON line each: `hello` first over the network (the share
 * it asks for, its pod's index; null: any), then per job `ready`, `pong` (its clock,
 * answering the `ping` that follows `ready`), `progress`, and `partial`, or `failed` with why
 * it could not do its share.
 */
export type WorkerMessage =
  | { hello: { index: number | null; host: string } }
  | { pong: number; at: number }
  | { ready: true }
  | { progress: LoadProgress }
  | { partial: PartialResult }
  | { failed: string };

/** How the shares of a run went: the partial results, and why any share has none. */
export interface SharesOutcome {
  parts: PartialResult[];
  problems: string[];
}

/** Runs the N shares of a variant's load elsewhere; see the module doc. */
export interface ShareRunner {
  /** Shares each variant's load is split into. */
  readonly count: number;
  run(job: ShareJob, o: {
    /**
     * Every worker is ready (producer created): resolves to the shared start, epoch ms, at
     * which the coordinator's faults also start.
     */
    start: () => Promise<number>;
    signal: AbortSignal;
    /** The shares' progress, summed. */
    onProgress?: (p: LoadProgress) => void;
    log: (line: string) => void;
    /** How long a worker may take to be ready before it is cut off, ms (120 s). */
    readyTimeoutMs?: number;
  }): Promise<SharesOutcome>;
  /** The run is over: let the workers go (those that serve several jobs). */
  close?(): Promise<void>;
}

/** The sum of the workers' latest progress (elapsed time: the furthest along). */
export function sumProgress(latest: Iterable<LoadProgress>): LoadProgress {
  const sum: LoadProgress = {
    elapsedMs: 0,
    totalMs: 0,
    sent: 0,
    acked: 0,
    failed: 0,
    notSent: 0,
    outstanding: 0,
  };
  for (const p of latest) {
    sum.elapsedMs = Math.max(sum.elapsedMs, p.elapsedMs);
    sum.totalMs = Math.max(sum.totalMs, p.totalMs);
    sum.sent += p.sent;
    sum.acked += p.acked;
    sum.failed += p.failed;
    sum.notSent += p.notSent;
    sum.outstanding += p.outstanding;
  }
  return sum;
}
