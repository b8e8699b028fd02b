/**
 * The member faults of a variant's consumer group (issue 11), on the load's clock, as the
 * broker and proxy faults are: each is applied at its time and always healed, at the end of
 * its window or when the load ends (Jepsen's nemesis: a fault is a value, its healing part
 * of it).
 *
 * | fault          | applied                              | healed                              |
 * | -------------- | ------------------------------------ | ----------------------------------- |
 * | `member: kill` | SIGKILL: a crash, nothing committed  | a new process for the same member   |
 * | `member: pause`| SIGSTOP: frozen with its connections | SIGCONT                             |
 * | `member: leave`| it stops cleanly and leaves the group| a new process for the same member   |
 * | `member: join` | a new member (the group's next index)| it stops cleanly and leaves          |
 *
 * @module
 */
import type { FaultWindow } from "../report/types.ts";
import { type FaultFailure, recordFaultProblem } from "./engine.ts";
import type { FaultPlan } from "../scenario/types.ts";

/** What the timeline does to members (`lib/consume/group.ts`'s MemberGroup). */
export interface MemberControl {
  kill(member: number): Promise<void>;
  pause(member: number): void;
  resume(member: number): void;
  stop(member: number): Promise<void>;
  /** Start the member again; resolves once it subscribed. */
  restart(member: number): Promise<unknown>;
  /** Start a new member; resolves to its index once it subscribed. */
  join(): Promise<number>;
}

/** A variant's member faults, started at the load's start; see the module doc. */
export class MemberFaults {
  readonly #plans: FaultPlan[];
  readonly #control: MemberControl;
  readonly #startEpochMs: number;
  readonly #log: (line: string) => void;
  readonly #windows: FaultWindow[];
  readonly #timers: ReturnType<typeof setTimeout>[] = [];
  /** Heals of the faults in force, by fault id. */
  readonly #inForce = new Map<string, () => Promise<void>>();
  #running: Promise<void>[] = [];
  readonly #errors: string[] = [];
  #stopped = false;

  constructor(
    faults: readonly FaultPlan[],
    control: MemberControl,
    startEpochMs: number,
    log: (line: string) => void = () => {},
  ) {
    this.#plans = faults.filter((f) => f.action.kind === "member");
    this.#control = control;
    this.#startEpochMs = startEpochMs;
    this.#log = log;
    this.#windows = this.#plans.map((f) => ({
      id: f.id,
      label: f.label,
      kind: "member",
      target: f.target,
      action: f.action,
      brokers: [],
      plannedAtMs: f.atMs,
      plannedForMs: f.forMs,
      startedAtMs: null,
      endedAtMs: null,
    }));
    this.#plans.forEach((f, i) => {
      const at = startEpochMs + f.atMs - Date.now();
      this.#timers.push(setTimeout(() => this.#track(this.#apply(f, this.#windows[i])), at));
    });
  }

  /** Labels of the member faults in force now. */
  activeLabels(): string[] {
    return this.#plans.filter((f) => this.#inForce.has(f.id)).map((f) => f.label);
  }

  #track(p: Promise<void>): void {
    this.#running.push(p);
  }

  #since(): number {
    return Date.now() - this.#startEpochMs;
  }

  #fail(w: FaultWindow, what: FaultFailure, reason: string): void {
    const line = recordFaultProblem(w, what, reason);
    this.#errors.push(`fault ${w.id} (${w.label}) ${line}`);
    this.#log(`fault ${w.id} ${line}`);
  }

  /** Faults that could not start or were not healed, as the variant reports them. */
  errors(): string[] {
    return [...this.#errors];
  }

  async #apply(f: FaultPlan, w: FaultWindow): Promise<void> {
    if (this.#stopped || f.action.kind !== "member") return;
    let member = f.target.kind === "member" ? f.target.index : -1;
    const op = f.action.op;
    // The fault starts when it is sent: a leave takes a while (the record in progress, the
    // commit, the close), and what follows is measured from here.
    w.startedAtMs = this.#since();
    try {
      if (op === "kill") await this.#control.kill(member);
      else if (op === "pause") this.#control.pause(member);
      else if (op === "join") member = await this.#control.join();
      else await this.#control.stop(member);
    } catch (e) {
      w.startedAtMs = null;
      this.#fail(w, "could not start", (e as Error).message);
      return;
    }
    this.#log(`fault ${f.id} started: ${f.label}`);
    const heal = async () => {
      this.#inForce.delete(f.id);
      try {
        if (op === "pause") this.#control.resume(member);
        else if (op === "join") await this.#control.stop(member);
        else await this.#control.restart(member);
        w.endedAtMs = this.#since();
        this.#log(`fault ${f.id} healed`);
      } catch (e) {
        this.#fail(w, "was not healed", (e as Error).message);
      }
    };
    this.#inForce.set(f.id, heal);
    if (f.forMs !== null) {
      const at = this.#startEpochMs + f.atMs + f.forMs - Date.now();
      this.#timers.push(setTimeout(() => {
        if (this.#inForce.get(f.id) === heal) this.#track(heal());
      }, Math.max(0, at)));
    }
  }

  /** The load ended: nothing more starts, every fault in force is healed; the windows. */
  async stop(): Promise<FaultWindow[]> {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    // A fault being applied finishes first, then is healed with the rest.
    while (this.#running.length) {
      const running = this.#running;
      this.#running = [];
      await Promise.all(running);
    }
    await Promise.all([...this.#inForce.values()].map((heal) => heal()));
    return this.#windows;
  }
}
