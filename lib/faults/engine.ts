/**
 * The fault engine (Jepsen's nemesis): plays a scenario's fault timeline
 * against Toxiproxy and the broker-control API, records when each fault really
 * started and ended, and on stop — normal end, error or Ctrl-C — removes every
 * toxic it added, re-enables the proxies it disabled and brings back the
 * brokers it stopped, killed or paused.
 *
 * @module
 */
import { Toxiproxy } from "toxiproxy-node-client";
import type { FaultPlan, FaultTarget } from "../scenario/types.ts";
import type { FaultWindow } from "../report/types.ts";

/** Broker control as the fault engine needs it (the local stack provides one). */
export interface BrokerControl {
  stop(id: number): Promise<void>;
  kill(id: number): Promise<void>;
  pause(id: number): Promise<void>;
  resume(id: number): Promise<void>;
  start(id: number): Promise<void>;
}

/** What the engine acts on. */
export interface FaultEnvironment {
  /** Toxiproxy API URL, or null when the cluster has no proxies (external without --toxiproxy). */
  toxiproxyUrl: string | null;
  /** Toxiproxy proxy name of a broker. */
  proxyName(brokerId: number): string;
  /** Null when brokers cannot be controlled (external cluster). */
  brokers: BrokerControl | null;
  brokerIds: number[];
  /** Leader and replicas of a partition of the variant's topic, now. */
  partitionState(partition: number): Promise<{ leader: number; replicas: number[] }>;
}

/** Faults that cannot run in this environment, as messages; empty when all can. */
export function unsupportedFaults(
  faults: FaultPlan[],
  env: Omit<FaultEnvironment, "partitionState">,
): string[] {
  const problems: string[] = [];
  for (const f of faults) {
    const where = `fault ${f.id} (${f.label}, line ${f.source.line})`;
    if ((f.action.kind === "toxic" || f.action.kind === "proxy-down") && !env.toxiproxyUrl) {
      problems.push(`${where} needs Toxiproxy: give --toxiproxy URL, or run on the local stack`);
    }
    if (f.action.kind === "broker" && !env.brokers) {
      problems.push(
        `${where} needs broker control, which only the local stack has (an external cluster cannot be stopped by sismo)`,
      );
    }
    if (f.target.kind === "brokers") {
      const unknown = f.target.ids.filter((id) => !env.brokerIds.includes(id));
      if (unknown.length) problems.push(`${where} targets unknown broker(s) ${unknown.join(", ")}`);
    }
  }
  return problems;
}

/** Resolve a target to broker ids, now. */
export async function resolveTarget(target: FaultTarget, env: FaultEnvironment): Promise<number[]> {
  switch (target.kind) {
    case "all":
      return [...env.brokerIds];
    case "brokers":
      return [...target.ids];
    case "leader":
      return [(await env.partitionState(target.partition)).leader];
    case "followers": {
      const s = await env.partitionState(target.partition);
      return s.replicas.filter((r) => r !== s.leader);
    }
  }
}

interface Active {
  plan: FaultPlan;
  window: FaultWindow;
  undo: () => Promise<void>;
}

/** Runs one variant's fault timeline. */
export class FaultEngine {
  #plans: FaultPlan[];
  #env: FaultEnvironment;
  #start: number;
  #timers: ReturnType<typeof setTimeout>[] = [];
  #windows: FaultWindow[];
  #active = new Map<string, Active>();
  #pending = new Set<Promise<unknown>>();
  #toxiproxy: Toxiproxy | null;
  #stopped = false;
  #log: (line: string) => void;
  /** Last known leader and replicas per partition, for when the cluster cannot answer in time. */
  #known = new Map<number, { leader: number; replicas: number[] }>();

  constructor(
    plans: FaultPlan[],
    env: FaultEnvironment,
    startEpochMs: number,
    log: (line: string) => void = () => {},
  ) {
    this.#plans = plans;
    this.#env = env;
    this.#start = startEpochMs;
    this.#log = log;
    this.#toxiproxy = env.toxiproxyUrl ? new Toxiproxy(env.toxiproxyUrl) : null;
    this.#windows = plans.map((p) => ({
      id: p.id,
      label: p.label,
      kind: p.action.kind,
      target: p.target,
      brokers: [],
      plannedAtMs: p.atMs,
      plannedForMs: p.forMs,
      startedAtMs: null,
      endedAtMs: null,
    }));
  }

  /**
   * Learn the leaders and replicas the timeline's targets name, before the load:
   * during a fault (brokers paused, say) the cluster may not answer in time.
   */
  async prepare(): Promise<void> {
    const partitions = new Set<number>();
    for (const p of this.#plans) {
      if (p.target.kind === "leader" || p.target.kind === "followers") {
        partitions.add(p.target.partition);
      }
    }
    for (const p of partitions) this.#known.set(p, await this.#env.partitionState(p));
  }

  /** Partition state now, or the last known one if the cluster does not answer within 1.5 s. */
  #partitionState(partition: number): Promise<{ leader: number; replicas: number[] }> {
    const fresh = this.#env.partitionState(partition).then((s) => {
      this.#known.set(partition, s);
      return s;
    });
    const fallback = new Promise<{ leader: number; replicas: number[] }>((resolve, reject) => {
      const t = setTimeout(() => {
        const known = this.#known.get(partition);
        if (known) resolve(known);
        else reject(new Error(`no answer about partition ${partition} within 1.5 s`));
      }, 1500);
      fresh.then(() => clearTimeout(t), () => clearTimeout(t));
    });
    fresh.catch(() => {}); // a late failure after the fallback answered is of no interest
    return Promise.race([fresh, fallback]);
  }

  /** Schedule every fault relative to the load start. */
  start(): void {
    this.#plans.forEach((plan, i) => {
      const at = this.#start + plan.atMs - Date.now();
      this.#timers.push(
        setTimeout(() => this.#track(this.#begin(plan, this.#windows[i])), Math.max(0, at)),
      );
    });
  }

  /** Labels of the faults in force now, for the progress line. */
  activeLabels(): string[] {
    return [...this.#active.values()].map((a) => a.plan.label);
  }

  #track(p: Promise<unknown>) {
    this.#pending.add(p);
    p.finally(() => this.#pending.delete(p));
  }

  #now(): number {
    return Date.now() - this.#start;
  }

  async #begin(plan: FaultPlan, window: FaultWindow): Promise<void> {
    if (this.#stopped) return;
    try {
      const brokers = await resolveTarget(plan.target, {
        ...this.#env,
        partitionState: (p) => this.#partitionState(p),
      });
      window.brokers = brokers;
      // The fault starts when sismo acts (a broker's controlled shutdown takes seconds to finish).
      const startedAtMs = this.#now();
      const undo = await this.#apply(plan, brokers);
      window.startedAtMs = startedAtMs;
      this.#log(`fault ${plan.id} started: ${plan.label} (brokers ${brokers.join(", ")})`);
      this.#active.set(plan.id, { plan, window, undo });
      if (plan.forMs !== null) {
        const endAt = this.#start + plan.atMs + plan.forMs - Date.now();
        this.#timers.push(setTimeout(() => this.#track(this.#end(plan.id)), Math.max(0, endAt)));
      }
    } catch (e) {
      window.error = `could not start: ${(e as Error).message}`;
      this.#log(`fault ${plan.id} failed to start: ${(e as Error).message}`);
    }
  }

  async #end(id: string): Promise<void> {
    const a = this.#active.get(id);
    if (!a) return;
    this.#active.delete(id);
    try {
      await a.undo();
      a.window.endedAtMs = this.#now();
      this.#log(`fault ${id} ended: ${a.plan.label}`);
    } catch (e) {
      a.window.endedAtMs = this.#now();
      a.window.error = `could not end cleanly: ${(e as Error).message}`;
    }
  }

  async #apply(plan: FaultPlan, brokers: number[]): Promise<() => Promise<void>> {
    const action = plan.action;
    switch (action.kind) {
      case "toxic": {
        const tp = this.#toxiproxy!;
        const added: { proxy: string; name: string }[] = [];
        for (const id of brokers) {
          const proxy = await tp.get(this.#env.proxyName(id));
          const name = `sismo-${plan.id}-${action.stream}`;
          await proxy.addToxic({
            name,
            type: action.type,
            stream: action.stream,
            toxicity: action.toxicity,
            attributes: action.attributes,
          });
          added.push({ proxy: proxy.name, name });
        }
        return async () => {
          for (const t of added) {
            const proxy = await tp.get(t.proxy);
            const toxic = await proxy.getToxic(t.name).catch(() => null);
            await toxic?.remove();
          }
        };
      }
      case "proxy-down": {
        const tp = this.#toxiproxy!;
        for (const id of brokers) await setProxyEnabled(tp, this.#env.proxyName(id), false);
        return async () => {
          for (const id of brokers) await setProxyEnabled(tp, this.#env.proxyName(id), true);
        };
      }
      case "broker": {
        const control = this.#env.brokers!;
        const op = action.op;
        await Promise.all(brokers.map((id) => control[op](id)));
        return async () => {
          await Promise.all(
            brokers.map((id) => op === "pause" ? control.resume(id) : control.start(id)),
          );
        };
      }
    }
  }

  /**
   * Cancel faults not yet started, end those in force, and return the windows
   * as they really happened. Safe to call more than once.
   */
  async stop(): Promise<FaultWindow[]> {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    await Promise.allSettled([...this.#pending]);
    for (const id of [...this.#active.keys()]) await this.#end(id);
    return this.#windows.map((w) => ({ ...w, brokers: [...w.brokers] }));
  }
}

async function setProxyEnabled(tp: Toxiproxy, name: string, enabled: boolean): Promise<void> {
  const proxy = await tp.get(name);
  await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
}

/**
 * Last-resort cleanup for a local stack: remove every toxic and enable every
 * proxy (Toxiproxy's reset), used on Ctrl-C or a crash.
 */
export async function resetToxiproxy(url: string): Promise<void> {
  await new Toxiproxy(url).reset();
}
