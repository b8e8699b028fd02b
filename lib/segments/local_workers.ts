/**
 * `--workers N` on one machine: for each variant, N worker processes (`main.ts worker`),
 * each producing one share of its load, behind the same {@link ShareRunner} seam as workers
 * that connect over the network (`remote_workers.ts`). The coordinator speaks JSON lines
 * with each over its stdin and stdout (`job.ts`).
 *
 * No worker outlives the run: Ctrl-C reaches them as SIGINT (they end their load and still
 * answer); one that has not answered 30 s later is killed; a forced exit kills them with the
 * stack; and a worker whose coordinator died sees its stdin close and stops.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { adoptChild, outputTail } from "../stack/processes.ts";
import type { CoordinatorMessage, ShareRunner } from "./job.ts";
import { jsonLineWriter, lines } from "./lines.ts";
import { parseWorkerLine, runSharesOver, type WorkerLink } from "./sessions.ts";

/** The sismo entry point the workers run. */
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

/** The command of a worker process: this sismo's `worker`, by default. */
export const WORKER_COMMAND: readonly string[] = [
  Deno.execPath(),
  "run",
  "--allow-all",
  "--v8-flags=--heap-growing-percent=25",
  MAIN,
  "worker",
];

/** N local worker processes running `command`; see the module doc. */
export function localWorkers(
  count: number,
  command: readonly string[] = WORKER_COMMAND,
): ShareRunner {
  return {
    count,
    run(job, o) {
      const links = Array.from({ length: count }, (_, i) => spawnWorker(command, i + 1, count));
      return runSharesOver(links, job, o);
    },
  };
}

/** A worker process for share `index`/`count`, as a {@link WorkerLink}. */
function spawnWorker(command: readonly string[], index: number, count: number): WorkerLink {
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  adoptChild(child);
  const stdin = child.stdin.getWriter();
  const write = jsonLineWriter<CoordinatorMessage>({
    write: async (bytes) => (await stdin.write(bytes), bytes.length),
  });
  const stderr = outputTail(child.stderr);
  const signal = (sig: Deno.Signal) => {
    try {
      child.kill(sig);
    } catch { // exited meanwhile: its status tells
    }
  };
  return {
    label: `worker ${index}/${count} (pid ${child.pid})`,
    segment: { index, count },
    // A worker gone cannot be written to: its exit status says why.
    send: (m) => write(m).catch(() => {}),
    async *messages() {
      try {
        for await (const line of lines(child.stdout)) yield parseWorkerLine(line);
      } finally {
        // One job per process: closing its stdin tells the worker there is no other.
        await stdin.close().catch(() => {}); // closed already when it died
      }
    },
    interrupt: () => signal("SIGINT"),
    cut: () => signal("SIGKILL"),
    finished: async () => void await child.status,
    async gone() {
      const status = await child.status;
      await stderr.done;
      const how = status.signal
        ? `was killed by ${status.signal}`
        : `exited with code ${status.code}`;
      const why = stderr.text().trim().split("\n").slice(-3).join(" / ");
      return why ? `${how} (${why})` : how;
    },
  };
}
