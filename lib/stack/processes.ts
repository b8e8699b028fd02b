/**
 * Child processes of the local stack: started detached with output to a log
 * file, recorded by pid and start time so a later invocation can find and stop
 * them even after a crash, and signalled for broker faults.
 *
 * @module
 */

/** A process sismo started, as recorded in the stack's state file. */
export interface ProcessRecord {
  /** `broker-1`, `toxiproxy`, … */
  name: string;
  pid: number;
  /** Kernel start time of the process (clock ticks since boot): guards against pid reuse. */
  startTime: number;
  /** Command and arguments, so a stopped broker can be started again the same way. */
  command: string[];
  log: string;
}

/** Kernel start time of a pid, or null when no such process runs. Zombies count as gone. */
export function processStartTime(pid: number): number | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the command name, which is in parentheses and may contain spaces.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (rest[0] === "Z" || rest[0] === "X") return null;
    return Number(rest[19]);
  } catch { // no /proc entry: the process is gone
    return null;
  }
}

/** Kernel state letter of a pid (`R`, `S`, `T` when stopped by SIGSTOP…), or null. */
export function processState(pid: number): string | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  } catch { // no /proc entry: the process is gone
    return null;
  }
}

/** Is the recorded process still the one running under that pid? */
export function isRunning(rec: Pick<ProcessRecord, "pid" | "startTime">): boolean {
  const st = processStartTime(rec.pid);
  return st !== null && st === rec.startTime;
}

/** Children spawned by this process: awaiting their status reaps them (no zombies). */
const children = new Map<number, Deno.ChildProcess>();

/**
 * SIGKILL every process this one started and that still runs (brokers, Toxiproxy), at once:
 * the last resort of a forced exit (Ctrl-C twice), which cannot wait for a clean stop but
 * must not leave them orphaned. Returns how many were signalled.
 */
export function killStartedProcesses(): number {
  let n = 0;
  for (const pid of children.keys()) {
    try {
      Deno.kill(pid, "SIGKILL");
      n++;
    } catch { // already gone
    }
  }
  return n;
}

/**
 * Count `child` among the processes {@link killStartedProcesses} kills (a forced exit), until
 * it exits.
 */
export function adoptChild(child: Deno.ChildProcess): void {
  children.set(child.pid, child);
  child.status.then(() => children.delete(child.pid)).catch(() => {});
}

/**
 * Start `command` detached (its own session, so Ctrl-C in the terminal does not
 * reach it directly; sismo stops it in order), appending stdout and stderr to `log`.
 */
export async function startProcess(
  name: string,
  command: string[],
  log: string,
): Promise<ProcessRecord> {
  const child = new Deno.Command("sh", {
    args: ["-c", 'exec "$@" >>"$SISMO_LOG" 2>&1', "sh", ...command],
    env: { SISMO_LOG: log },
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  child.unref();
  // Only reaps: stack processes are watched through /proc, not through their exit status.
  adoptChild(child);
  // The start time is readable as soon as the pid exists.
  let startTime: number | null = null;
  for (let i = 0; i < 50 && startTime === null; i++) {
    startTime = processStartTime(child.pid);
    if (startTime === null) await delay(10);
  }
  if (startTime === null) {
    const tail = await Deno.readTextFile(log).catch(() => ""); // no log: nothing to quote
    throw new Error(`${name} exited at once:\n${tail.slice(-2000)}`);
  }
  return { name, pid: child.pid, startTime, command, log };
}

/** Send a signal if the recorded process is still the same one. Returns whether it was sent. */
export function signal(rec: ProcessRecord, sig: Deno.Signal): boolean {
  if (!isRunning(rec)) return false;
  try {
    Deno.kill(rec.pid, sig);
    return true;
  } catch { // it exited between the check and the signal: "not sent" is the answer
    return false;
  }
}

/** Wait until the process is gone; false on timeout. */
export async function waitExit(rec: ProcessRecord, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!isRunning(rec)) return true;
    await delay(50);
  }
  return !isRunning(rec);
}

/**
 * SIGTERM (after SIGCONT, in case it is paused), then SIGKILL after `graceMs`.
 * Throws when the process outlives SIGKILL by 5 s (stuck in the kernel, say),
 * so that no caller reports it stopped.
 */
export async function stopProcess(rec: ProcessRecord, graceMs = 15000): Promise<void> {
  if (!isRunning(rec)) return;
  signal(rec, "SIGCONT");
  signal(rec, "SIGTERM");
  if (await waitExit(rec, graceMs)) return;
  signal(rec, "SIGKILL");
  if (await waitExit(rec, 5000)) return;
  throw new Error(
    `${rec.name} (pid ${rec.pid}) is still running 5 s after SIGKILL ` +
      `(process state ${processState(rec.pid) ?? "unknown"})`,
  );
}

/** Promise-based sleep. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The last `max` characters written to `stream` (a child's stderr), kept as it runs. */
export function outputTail(
  stream: ReadableStream<Uint8Array>,
  max = 4000,
): { text(): string; done: Promise<void> } {
  let text = "";
  const done = (async () => {
    const decoder = new TextDecoder();
    for await (const bytes of stream) {
      text = (text + decoder.decode(bytes, { stream: true })).slice(-max);
    }
  })();
  return { text: () => text, done };
}
