/**
 * `deno task test`: `deno test --allow-all` (on `tests/` unless paths are given), and no
 * process of the run left behind when it is interrupted or dies.
 *
 * Deno's test runner exits at once on Ctrl-C without running any teardown, `afterAll` and
 * `finally` blocks included (denoland/deno#27681). The local stacks the integration tests
 * start are detached (their own session, so that a Ctrl-C reaches sismo, which stops them in
 * order), so they would outlive it. Every process started under this run inherits
 * `SISMO_TEST_RUN=<id>` in its environment: once `deno test` has ended, the stacks whose
 * processes carry it are stopped as `deno task stack down` does, then any other such process
 * (a member, a client's JVM) is stopped, and named: a run that ended by itself should leave
 * none.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { readState, stackDir, stackDown } from "../lib/stack/local.ts";
import { delay } from "../lib/stack/processes.ts";

const MARK = "SISMO_TEST_RUN";

/** Pids (not this process) whose environment carries `MARK=id`. */
function processesOfRun(id: string): number[] {
  const needle = `${MARK}=${id}`;
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid) || pid === Deno.pid) continue;
    try {
      const environ = Deno.readTextFileSync(`/proc/${pid}/environ`);
      if (environ.split("\0").includes(needle)) pids.push(pid);
    } catch { // gone, or not ours to read: not a process of this run
    }
  }
  return pids;
}

/** Stop what the run left: its stacks in order, then anything else; what was stopped. */
async function stopLeftovers(id: string): Promise<string[]> {
  const stopped: string[] = [];
  let pids = new Set(processesOfRun(id));
  if (pids.size === 0) return stopped;
  const stacks = dirname(stackDir()); // each stack's folder is named by its base port
  const ports = existsSync(stacks)
    ? [...Deno.readDirSync(stacks)].map((e) => Number(e.name)).filter(Number.isInteger)
    : [];
  for (const basePort of ports) {
    const state = await readState(basePort).catch(() => null);
    if (!state?.processes.some((p) => pids.has(p.pid))) continue;
    await stackDown({ basePort }).then(
      () => stopped.push(`the local stack on base port ${basePort}`),
      (e) => console.error(`tests: ${(e as Error).message}`),
    );
  }
  pids = new Set(processesOfRun(id));
  const signal = (sig: Deno.Signal) => {
    for (const pid of pids) {
      try {
        Deno.kill(pid, sig);
      } catch { // already gone
      }
    }
  };
  if (pids.size > 0) stopped.push(`process(es) ${[...pids].join(", ")}`);
  signal("SIGCONT"); // a frozen member would not see the SIGTERM
  signal("SIGTERM");
  for (let i = 0; i < 50 && processesOfRun(id).length > 0; i++) {
    await delay(100);
  }
  pids = new Set(processesOfRun(id));
  signal("SIGKILL");
  return stopped;
}

/** `deno test`'s arguments: ours, with `tests/` unless a path is among them. */
function testArgs(args: string[]): string[] {
  const hasPath = args.some((a) => !a.startsWith("-") && existsSync(a));
  return ["test", "--allow-all", ...args, ...(hasPath ? [] : ["tests/"])];
}

if (import.meta.main) {
  const id = crypto.randomUUID();
  const child = new Deno.Command(Deno.execPath(), {
    args: testArgs(Deno.args),
    env: { [MARK]: id },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  let interrupted: Deno.Signal | null = null;
  // A Ctrl-C reaches both processes (one process group); a signal sent to this one alone is
  // passed on. Either way, this one waits for `deno test` to end, then cleans up.
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, () => {
      interrupted = sig;
      try {
        child.kill(sig);
      } catch { // already ended
      }
    });
  }
  const status = await child.status;
  const stopped = await stopLeftovers(id);
  const ended = interrupted !== null || status.signal !== null;
  if (stopped.length > 0) {
    console.error(
      `tests: ${ended ? "interrupted" : "ended"}; stopped what the run left: ${stopped.join("; ")}`,
    );
  }
  Deno.exit(ended && status.code === 0 ? 130 : status.code);
}
