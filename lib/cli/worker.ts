/**
 * `sismo worker`: shares of split variants, for a coordinator (`scenario --workers N`).
 *
 * - Without options it is a worker process the coordinator started: the job comes on stdin,
 *   the answers go to stdout (JSON lines, `lib/segments/job.ts`).
 * - `--connect HOST:PORT` joins a coordinator over the network (`scenario --workers N
 *   --listen`), as a pod of a Kubernetes Indexed Job does; the share it asks for is its pod
 *   index (`JOB_COMPLETION_INDEX`) + 1, or `--segment-index`. It serves every variant.
 *
 * SIGINT or SIGTERM end the current load early (the partial result still goes out, marked
 * interrupted); the input closing means the coordinator is gone: the worker stops too.
 *
 * @module
 */
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import type { WorkerMessage } from "../segments/job.ts";
import { serveJobs } from "../segments/serve.ts";
import { jsonLineWriter, lines } from "../segments/lines.ts";
import { EXTERNAL_OPTIONS, readExternalCluster } from "./external.ts";
import { UsageError } from "./usage.ts";

/** Help text of `worker`. */
export const WORKER_HELP =
  `Usage: deno task worker                      (started by scenario … --workers N)
       deno task worker --connect HOST:PORT [options]

Produces shares of split variants for a coordinator: deno task scenario <name> --workers N
starts its worker processes itself; with --listen, it waits for N workers to connect.

Options:
  --connect HOST:PORT    The coordinator's address (its --listen)
  --segment-index I      The share to ask for, 1 to N (default: JOB_COMPLETION_INDEX + 1, the
                         pod's index in a Kubernetes Indexed Job; else any free share)
  --bootstrap H:P[,H:P]  The cluster as this worker reaches it (default: the coordinator's)
  --command-config FILE  How this worker connects (a Kafka client properties file, mounted
                         where it runs; default: the coordinator's settings)
  -h, --help             This help`;

/** Run `worker`; returns the exit code. */
export async function workerCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      connect: { type: "string" },
      "segment-index": { type: "string" },
      bootstrap: EXTERNAL_OPTIONS.bootstrap,
      "command-config": EXTERNAL_OPTIONS["command-config"],
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(WORKER_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`worker takes no arguments (got ${positionals})`);
  const own = await readExternalCluster(values);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    if (values.connect === undefined) {
      if (values["segment-index"] !== undefined) {
        throw new UsageError("--segment-index goes with --connect");
      }
      await serveJobs(lines(Deno.stdin.readable), jsonLineWriter<WorkerMessage>(Deno.stdout), {
        signal: stop.signal,
        ...own,
      });
      return 0;
    }
    const [host, port] = splitAddress(values.connect);
    const index = segmentIndex(values["segment-index"]);
    const conn = await connectWhenUp(host, port, stop.signal);
    const say = jsonLineWriter<WorkerMessage>(conn);
    await say({ hello: { index, host: hostname() } });
    const served = await serveJobs(lines(conn.readable), say, { signal: stop.signal, ...own });
    console.error(`worker: served ${served} job(s); the coordinator is done`);
    return 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
}

/** `host:port` (`[::1]:7070` too); a UsageError naming `flag` otherwise. */
export function splitAddress(text: string, flag = "--connect"): [string, number] {
  const match = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match || !match[1] || !(port >= 1 && port <= 65535)) {
    throw new UsageError(`${flag} must be HOST:PORT, got "${text}"`);
  }
  return [match[1], port];
}

/** How long a worker waits for its coordinator to listen, ms: pods start in any order. */
const CONNECT_WAIT_MS = 600_000;

/** Connect to the coordinator, retrying every 2 s while it is not listening yet. */
async function connectWhenUp(hostname: string, port: number, signal: AbortSignal) {
  const until = Date.now() + CONNECT_WAIT_MS;
  for (let said = false;; said = true) {
    try {
      return await Deno.connect({ hostname, port });
    } catch (e) {
      // Refused, or a Service name not resolvable yet: the coordinator is still starting.
      if (Date.now() > until || signal.aborted) {
        throw new Error(`worker: no coordinator at ${hostname}:${port}: ${(e as Error).message}`);
      }
      if (!said) console.error(`worker: waiting for the coordinator at ${hostname}:${port}…`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

/** The share to ask for: `--segment-index`, else the pod index + 1, else null (any). */
function segmentIndex(flag: string | undefined): number | null {
  if (flag !== undefined) {
    const n = Number(flag);
    if (!Number.isInteger(n) || n < 1) {
      throw new UsageError(`--segment-index must be a whole number from 1, got "${flag}"`);
    }
    return n;
  }
  const pod = Deno.env.get("JOB_COMPLETION_INDEX");
  return pod !== undefined && /^\d+$/.test(pod) ? Number(pod) + 1 : null;
}
