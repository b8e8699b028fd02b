/**
 * One variant's shares over worker links, whatever carries them (a child process's stdin and
 * stdout, a TCP connection): each worker gets the job and its segment, the start goes out
 * once every worker still there is ready, progress is summed, and each worker's partial
 * result is collected; a worker gone without one is a problem, named with how it went.
 *
 * @module
 */
import type { LoadProgress } from "../load/generator.ts";
import type { LoadSegment } from "../load/segment.ts";
import {
  type CoordinatorMessage,
  type ShareJob,
  type ShareRunner,
  type SharesOutcome,
  sumProgress,
  type WorkerMessage,
} from "./job.ts";
import type { PartialResult } from "./partial.ts";

/** How long an interrupted worker has to answer before its link is cut, ms. */
export const INTERRUPTED_GRACE_MS = 30_000;

/**
 * How long a worker has to create its producer and say it is ready, ms: one that hangs there
 * is cut off, and the others start without it.
 */
export const READY_TIMEOUT_MS = 120_000;

/** A coordinator's line to one worker, for one job. */
export interface WorkerLink {
  /** `worker 2/4 (pid 1234)`, for messages. */
  readonly label: string;
  readonly segment: LoadSegment;
  send(message: CoordinatorMessage): Promise<void>;
  /** The worker's lines for this job, until its answer (or its end); non-JSON lines as text. */
  messages(): AsyncIterable<WorkerMessage | string>;
  /** Ask the worker to end its load early (Ctrl-C). */
  interrupt(): void;
  /** Cut the worker off (it did not answer after an interrupt). */
  cut(): void;
  /** How the worker went when it answered nothing: `exited with code 3 (<stderr>)`. */
  gone(): Promise<string>;
  /** Resolves once the worker is done with this job (a worker process: once it exited). */
  finished(): Promise<void>;
}

/** Run `job` over `links`; see the module doc. */
export async function runSharesOver(
  links: readonly WorkerLink[],
  job: ShareJob,
  o: Parameters<ShareRunner["run"]>[1],
): Promise<SharesOutcome> {
  const latest = new Map<number, LoadProgress>();
  const ready = new Set<WorkerLink>();
  const ended = new Set<WorkerLink>();
  const partials = new Map<WorkerLink, PartialResult>();
  /** Each worker's clock minus the coordinator's, ms, from its answer to a ping. */
  const offsets = new Map<WorkerLink, number>();
  /** Workers that said why they could not do their share. */
  const failures = new Map<WorkerLink, string>();
  let started = false;
  let startFailed: unknown = null;
  // The start goes out once every worker still there is ready and its clock measured.
  const maybeStart = async () => {
    const set = (l: WorkerLink) => ended.has(l) || (ready.has(l) && offsets.has(l));
    if (started || ready.size === 0 || !links.every(set)) return;
    started = true;
    // Interrupted before the start: no start, no faults; the workers were told to stop.
    if (o.signal.aborted) return;
    try {
      const start = await o.start();
      for (const l of ready) {
        if (!ended.has(l)) await l.send({ start, clockOffsetMs: offsets.get(l) ?? 0 });
      }
    } catch (e) {
      startFailed = e;
      for (const l of links) l.interrupt();
    }
  };
  let cutTimer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => {
    for (const l of links) if (!ended.has(l)) l.interrupt();
    cutTimer = setTimeout(() => {
      for (const l of links) if (!ended.has(l)) l.cut();
    }, INTERRUPTED_GRACE_MS);
  };
  o.signal.addEventListener("abort", onAbort, { once: true });
  if (o.signal.aborted) onAbort();
  const readyTimeoutMs = o.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const readyTimer = setTimeout(() => {
    for (const l of links) {
      if (ready.has(l) || ended.has(l)) continue;
      o.log(`${l.label} not ready after ${readyTimeoutMs / 1000} s: cut off`);
      l.cut();
    }
  }, readyTimeoutMs);
  try {
    for (const l of links) await l.send({ job, segment: l.segment });
    await Promise.all(links.map(async (l) => {
      for await (const message of l.messages()) {
        if (typeof message === "string") o.log(`${l.label}: ${message}`); // a client's own output
        else if ("ready" in message) {
          // Its clock is measured once it is ready: idle, it answers at once (while it was
          // still loading, the round trip would be its start-up time).
          ready.add(l);
          await l.send({ ping: Date.now() });
        } else if ("pong" in message) {
          // Half the round trip each way: the worker read its clock mid-way.
          offsets.set(l, Math.round(message.at - (message.pong + Date.now()) / 2));
          await maybeStart();
        } else if ("failed" in message) {
          failures.set(l, message.failed);
          break;
        } else if ("progress" in message) {
          latest.set(l.segment.index, message.progress);
          o.onProgress?.(sumProgress(latest.values()));
        } else if ("partial" in message) {
          partials.set(l, message.partial);
          break;
        }
      }
      ended.add(l);
      await maybeStart();
    }));
    // No worker process outlives its job.
    await Promise.all(links.map((l) => l.finished()));
  } finally {
    o.signal.removeEventListener("abort", onAbort);
    clearTimeout(cutTimer);
    clearTimeout(readyTimer);
  }
  if (startFailed) throw startFailed;
  const problems: string[] = [];
  for (const l of links) {
    const failure = failures.get(l);
    if (failure !== undefined) problems.push(`${l.label} failed: ${failure}`);
    else if (!partials.has(l)) problems.push(`${l.label} ${await l.gone()} and sent no result`);
  }
  return { parts: [...partials.values()], problems };
}

/** A worker's line parsed: its message, or the line itself when it is not JSON. */
export function parseWorkerLine(line: string): WorkerMessage | string {
  try {
    const message = JSON.parse(line);
    return message !== null && typeof message === "object" ? message : line;
  } catch {
    return line;
  }
}
