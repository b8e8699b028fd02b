/**
 * The worker's side of the line protocol (`job.ts`), whatever carries it: jobs come one
 * after another (a process started for one job gets one; a worker connected over the
 * network serves every variant of the run), each answered with `ready`, `progress` and its
 * partial result. `stop` or the end of the input ends the current load early; `done` or the
 * end of the input ends the session.
 *
 * @module
 */
import type { ConnectionSettings } from "../connection/settings.ts";
import type { LoadSegment } from "../load/segment.ts";
import { type CoordinatorMessage, JOB_FORMAT, type ShareJob, type WorkerMessage } from "./job.ts";
import { runShare, type SharedStart, type ShareOptions } from "./share.ts";

/** Options of {@link serveJobs}. */
export interface ServeOptions {
  /** Ends the current load early, as `stop` does (SIGINT, SIGTERM). */
  signal: AbortSignal;
  /** How this worker connects to the cluster, instead of what the job says (its own secrets). */
  connection?: ConnectionSettings;
  bootstrap?: string[];
  /** Replaces the registry's driver (tests). */
  createDriver?: ShareOptions["createDriver"];
}

/** Serve the jobs of `input`, answering through `say`; resolves to how many were served. */
export async function serveJobs(
  input: AsyncIterable<string>,
  say: (m: WorkerMessage) => Promise<void>,
  o: ServeOptions,
): Promise<number> {
  const jobs: ({ job: ShareJob; segment: LoadSegment } | null)[] = [];
  let jobArrived: (() => void) | null = null;
  /** The job under way: what `start` and `stop` reach. */
  const running: {
    current: { start: (s: SharedStart) => void; stop: () => void } | null;
  } = {
    current: null,
  };
  const push = (item: { job: ShareJob; segment: LoadSegment } | null) => {
    jobs.push(item);
    jobArrived?.();
  };
  const reading = (async () => {
    for await (const line of input) {
      const message = JSON.parse(line) as CoordinatorMessage;
      if ("job" in message) push(message);
      else if ("ping" in message) say({ pong: message.ping, at: Date.now() }).catch(() => {});
      else if ("start" in message) {
        running.current?.start({
          startEpochMs: message.start,
          clockOffsetMs: message.clockOffsetMs,
        });
      } else if ("stop" in message) running.current?.stop();
      else if ("done" in message) break;
    }
    // The coordinator is done, or gone: whatever runs stops, nothing else comes.
    running.current?.stop();
    push(null);
  })();
  // The current load ends early; waiting for a job ends too.
  const onSignal = () => {
    running.current?.stop();
    push(null);
  };
  o.signal.addEventListener("abort", onSignal);
  let served = 0;
  // Interrupted (SIGINT, SIGTERM), the worker takes no further job.
  while (!o.signal.aborted) {
    while (jobs.length === 0) await new Promise<void>((r) => (jobArrived = r));
    const next = jobs.shift()!;
    if (next === null) break;
    if (next.job?.format !== JOB_FORMAT) {
      await say({ failed: `not a ${JOB_FORMAT} job: this worker is another version of sismo` });
      continue;
    }
    const stop = new AbortController();
    const start = Promise.withResolvers<SharedStart>();
    start.promise.catch(() => {}); // awaited only once the producer is ready
    running.current = {
      start: start.resolve,
      stop: () => {
        stop.abort();
        start.reject(new Error("stopped before the start (interrupted, or the coordinator left)"));
      },
    };
    const job = {
      ...next.job,
      ...(o.connection ? { connection: o.connection } : {}),
      ...(o.bootstrap ? { bootstrap: o.bootstrap } : {}),
    };
    try {
      const partial = await runShare(job, next.segment, {
        start: async () => {
          await say({ ready: true });
          return await start.promise;
        },
        signal: stop.signal,
        onProgress: (progress) => say({ progress }).catch(() => {}), // gone: the end says so
        createDriver: o.createDriver,
      });
      await say({ partial });
      served++;
    } catch (e) {
      // The coordinator hears why; a worker serving several jobs stays for the next one.
      await say({ failed: (e as Error).message }).catch(() => {});
    } finally {
      running.current = null;
    }
  }
  o.signal.removeEventListener("abort", onSignal);
  await reading;
  return served;
}
