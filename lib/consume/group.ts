/**
 * A consumer group of member processes, seen from sismo (issue 11): each member is a child
 * process (`main.ts member`) that faults can kill (SIGKILL: a crash), freeze (SIGSTOP, a
 * long pause) and thaw (SIGCONT), stop (it leaves the group cleanly) or start again (a new
 * process with the same job, appending to the same processing log). What each member said
 * is kept: its assignments over time, its progress, its client's warnings, how it ended.
 *
 * No member outlives sismo: every child is adopted (`stack/processes.ts`), so a forced exit
 * kills it with the stack; {@link MemberGroup.close} thaws the frozen and stops the rest,
 * killing any that has not left within the grace period.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { adoptChild, outputTail } from "../stack/processes.ts";
import { jsonLineWriter, lines } from "../segments/lines.ts";
import type { MemberResult } from "./member.ts";
import { type FromMember, type MemberJob, parseFromMember, type ToMember } from "./member_job.ts";

/** The sismo entry point members run. */
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

/** The command of a member process: this sismo's `member`. */
export const MEMBER_COMMAND: readonly string[] = [
  Deno.execPath(),
  "run",
  "--allow-all",
  MAIN,
  "member",
];

/** How a member process ended. */
export type MemberEnd =
  | { kind: "done"; result: MemberResult }
  | { kind: "failed"; message: string }
  | { kind: "killed"; signal: string }
  | { kind: "exited"; code: number; stderr: string };

/** One run of a member's process, from start to end. */
export interface MemberLife {
  member: number;
  pid: number;
  startedAtMs: number;
  readyAtMs: number | null;
  client: { name: string; version: string } | null;
  /** Each assignment the member saw, in order. */
  assignments: { atMs: number; partitions: number[] }[];
  /** The last progress line. */
  progress: { processed: number; deadLettered: number; atMs: number } | null;
  /** The client's warnings and errors (the last 200). */
  logs: { level: "error" | "warn"; message: string }[];
  /** Signals sent to it, in order (SIGSTOP, SIGCONT, SIGKILL). */
  signals: { atMs: number; signal: string }[];
  end: MemberEnd | null;
  endedAtMs: number | null;
}

/** A running member process. */
class MemberProcess {
  readonly life: MemberLife;
  readonly #child: Deno.ChildProcess;
  readonly #send: (m: ToMember) => Promise<void>;
  readonly #ready: Promise<void>;
  readonly ended: Promise<void>;
  #paused = false;

  constructor(job: MemberJob, command: readonly string[]) {
    const child = this.#child = new Deno.Command(command[0], {
      args: command.slice(1),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      // Its own process group: a Ctrl-C in the terminal reaches sismo, which stops members
      // in order; a member whose sismo is gone sees its input close and leaves.
      detached: true,
    }).spawn();
    adoptChild(child);
    const life: MemberLife = this.life = {
      member: job.member,
      pid: child.pid,
      startedAtMs: Date.now(),
      readyAtMs: null,
      client: null,
      assignments: [],
      progress: null,
      logs: [],
      signals: [],
      end: null,
      endedAtMs: null,
    };
    const stdin = child.stdin.getWriter();
    const write = jsonLineWriter<MemberJob | ToMember>({
      write: async (bytes) => (await stdin.write(bytes), bytes.length),
    });
    this.#send = (m) => write(m).catch(() => {}); // gone: its status says why
    write(job).catch(() => {});
    const stderr = outputTail(child.stderr);
    let said: MemberEnd | null = null;
    let readyResolve = () => {};
    let readyReject = (_: Error) => {};
    this.#ready = new Promise((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    this.#ready.catch(() => {}); // awaited by start(), or not at all
    const handle = (m: FromMember) => {
      switch (m.type) {
        case "ready":
          life.readyAtMs = Date.now();
          life.client = m.client;
          readyResolve();
          break;
        case "assignment":
          life.assignments.push({ atMs: m.atMs, partitions: m.partitions });
          break;
        case "progress":
          life.progress = { processed: m.processed, deadLettered: m.deadLettered, atMs: m.atMs };
          break;
        case "log":
          life.logs.push({ level: m.level, message: m.message });
          if (life.logs.length > 200) life.logs.shift();
          break;
        case "done":
          said = { kind: "done", result: m.result };
          break;
        case "failed":
          said = { kind: "failed", message: m.message };
          readyReject(new Error(m.message));
          break;
      }
    };
    this.ended = (async () => {
      for await (const line of lines(child.stdout)) {
        const m = parseFromMember(line);
        if (m) handle(m);
      }
      const status = await child.status;
      await stderr.done;
      await stdin.close().catch(() => {});
      life.endedAtMs = Date.now();
      life.end = said ??
        (status.signal ? { kind: "killed", signal: status.signal } : {
          kind: "exited",
          code: status.code,
          stderr: stderr.text().trim().split("\n").slice(-5).join("\n"),
        });
      readyReject(new Error(`member ${job.member} ended before it was ready`));
    })();
  }

  /** Resolves once the member subscribed; rejects when it failed or ended first. */
  ready(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`member ${this.life.member} not ready after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    return Promise.race([this.#ready, timeout]).finally(() => clearTimeout(timer));
  }

  get running(): boolean {
    return this.life.end === null;
  }

  signal(sig: "SIGKILL" | "SIGSTOP" | "SIGCONT"): void {
    if (!this.running) return;
    try {
      this.#child.kill(sig);
      this.life.signals.push({ atMs: Date.now(), signal: sig });
      if (sig === "SIGSTOP") this.#paused = true;
      if (sig === "SIGCONT") this.#paused = false;
    } catch { // exited meanwhile: its status tells
    }
  }

  /** Ask it to leave (`drain`: after the records in hand); killed if not gone within `graceMs`. */
  async stop(graceMs: number, drain = false): Promise<void> {
    if (!this.running) return;
    if (this.#paused) this.signal("SIGCONT");
    await this.#send({ type: "stop", ...(drain ? { drain } : {}) });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), graceMs));
    const how = await Promise.race([this.ended.then(() => "ended" as const), late]);
    clearTimeout(timer);
    if (how === "late") this.signal("SIGKILL");
    await this.ended;
  }
}

/** Options of {@link MemberGroup}. */
export interface MemberGroupOptions {
  /** The command of a member process (default {@link MEMBER_COMMAND}). */
  command?: readonly string[];
  /** How long a member may take to subscribe, ms (default 60,000). */
  readyTimeoutMs?: number;
  /** How long a member may take to leave when stopped, ms (default 15,000). */
  stopGraceMs?: number;
}

/** A group's member processes; see the module doc. */
export class MemberGroup {
  readonly #command: readonly string[];
  readonly #readyTimeoutMs: number;
  readonly #stopGraceMs: number;
  readonly #current = new Map<number, MemberProcess>();
  readonly #jobs = new Map<number, MemberJob>();
  /** Every process each member ran, in order. */
  readonly lives: MemberLife[] = [];

  constructor(o: MemberGroupOptions = {}) {
    this.#command = o.command ?? MEMBER_COMMAND;
    this.#readyTimeoutMs = o.readyTimeoutMs ?? 60_000;
    this.#stopGraceMs = o.stopGraceMs ?? 15_000;
  }

  /** Start a process for `job`'s member (again, after it ended); resolves once it subscribed. */
  async start(job: MemberJob): Promise<MemberLife> {
    const running = this.#current.get(job.member);
    if (running?.running) throw new Error(`member ${job.member} is already running`);
    const p = new MemberProcess(job, this.#command);
    this.#current.set(job.member, p);
    this.#jobs.set(job.member, job);
    this.lives.push(p.life);
    await p.ready(this.#readyTimeoutMs);
    return p.life;
  }

  /** Start `member` again with its last job. */
  restart(member: number): Promise<MemberLife> {
    const job = this.#jobs.get(member);
    if (!job) throw new Error(`member ${member} never started`);
    return this.start(job);
  }

  /** The member's running process; a fault on a member that is not running does not start. */
  #member(member: number): MemberProcess {
    const p = this.#current.get(member);
    if (!p) throw new Error(`no member ${member}`);
    if (!p.running) throw new Error(`member ${member} is not running`);
    return p;
  }

  /** SIGKILL: a crash. Resolves once the process is gone. */
  async kill(member: number): Promise<void> {
    const p = this.#member(member);
    p.signal("SIGKILL");
    await p.ended;
  }

  /** SIGSTOP: frozen, connections open. */
  pause(member: number): void {
    this.#member(member).signal("SIGSTOP");
  }

  /** SIGCONT. */
  resume(member: number): void {
    this.#member(member).signal("SIGCONT");
  }

  /** Leave the group cleanly (killed after the grace period). */
  stop(member: number): Promise<void> {
    return this.#member(member).stop(this.#stopGraceMs);
  }

  /**
   * Thaw the frozen, stop every member (in parallel); none is left when this resolves. With
   * `drain` (the end of a run) each first finishes the records its last poll handed over, and
   * may take `graceMs` to (then it is killed).
   */
  async close(o: { drain?: boolean; graceMs?: number } = {}): Promise<void> {
    const grace = o.graceMs ?? this.#stopGraceMs;
    await Promise.all([...this.#current.values()].map((p) => p.stop(grace, o.drain)));
  }
}
