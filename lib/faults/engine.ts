/**
 * The fault engine (Jepsen's nemesis): plays a scenario's fault timeline
 * against Toxiproxy and the broker-control API, records when each fault really
 * started and ended, and on stop — normal end, error or Ctrl-C — removes every
 * toxic it added, re-enables the proxies it disabled and brings back the
 * brokers it stopped, killed or paused.
 *
 * One engine plays one timeline. Variants that run together share one engine
 * (see `shared.ts`): each fault is applied once, its target resolved once.
 *
 * How it holds up when things fail:
 * - A fault is made of parts, one per broker it targets (a toxic on a proxy, a
 *   proxy disabled, a broker stopped). Each part's undo is registered the
 *   moment that part is applied. When a part fails to apply, the fault did not
 *   start as planned: the parts already applied are undone at once.
 * - A fault that could not start, or a part that could not be undone (toxic
 *   not removed, proxy not enabled, broker not started or resumed), is an
 *   error: on its window (`FaultWindow.error`) and in {@link FaultOutcome.errors},
 *   which the caller must turn into run errors (the run fails). Nothing is
 *   swallowed.
 * - Faults that overlap on the same resource heal independently: a proxy
 *   disabled by two faults is enabled again when the last of them ends, a
 *   broker paused by one and stopped by another is resumed and started when
 *   the last ends. Operations on one resource never run concurrently.
 * - Toxic names are `sismo-<runTag>-e<n>-<fault id>-b<broker>`: `n` is unique
 *   per engine in the process and the run tag per run, so two engines never
 *   collide, and {@link removeSismoToxics} can remove one run's toxics.
 *
 * @module
 */
import type { FaultPlan, FaultTarget } from "../scenario/types.ts";
import { connectionsMember } from "../scenario/faults.ts";
import type { FaultWindow } from "../report/types.ts";
import {
  checkTag,
  message,
  TOXIC_PREFIX,
  type ToxicSpec,
  type ToxiproxyApi,
  toxiproxyHttp,
} from "./toxiproxy.ts";

export {
  removeSismoToxics,
  runToxicPrefix,
  TOXIC_PREFIX,
  type ToxicCleanup,
  type ToxicCleanupOptions,
  type ToxiproxyApi,
  toxiproxyHttp,
} from "./toxiproxy.ts";

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
  /**
   * Toxiproxy name of a broker's member proxy, which only the member whose connections the
   * timeline faults goes through; absent where there is none (external clusters).
   */
  memberProxyName?(brokerId: number): string;
  /** Null when brokers cannot be controlled (external cluster). */
  brokers: BrokerControl | null;
  brokerIds: number[];
  /**
   * Leader and replicas of a partition of ONE topic, now: `leader` and
   * `followers` targets are resolved against it, once per fault, whatever the
   * number of variants the engine serves.
   */
  partitionState(partition: number): Promise<{ leader: number; replicas: number[] }>;
  /** Name of the topic `partitionState` answers about (logged, and in {@link FaultOutcome}). */
  partitionTopic?: string;
  /**
   * The broker coordinating ONE consumer group now (`coordinator` targets), absent where no
   * variant has a group.
   */
  groupCoordinator?(): Promise<number>;
  /** Id of the group `groupCoordinator` answers about (logged). */
  groupId?: string;
}

/** Options of {@link FaultEngine} beyond the timeline and its environment. */
export interface FaultEngineOptions {
  /**
   * Letters and digits naming the run in toxic names (`sismo-<runTag>-…`), e.g.
   * the first 8 hex digits of the run id; clean with `runToxicPrefix(runTag)`.
   * Default: random, drawn once per process.
   */
  runTag?: string;
  /** Toxiproxy client instead of one on `env.toxiproxyUrl` (tests). */
  toxiproxy?: ToxiproxyApi;
}

/** What a timeline did, once the engine stopped. */
export interface FaultOutcome {
  /** Epoch ms the windows' times count from (the engine's start: the load start it was given). */
  startEpochMs: number;
  /** One per planned fault, in plan order; times in ms since `startEpochMs`. */
  windows: FaultWindow[];
  /**
   * One line per fault that could not start or was not healed, with the reason.
   * Not empty means the run did not get the faults it asked for, or left some
   * behind: the caller must fail the run with these.
   */
  errors: string[];
  /** The topic `leader`/`followers` targets were resolved against, when given. */
  resolvedOn: string | null;
}

/** Faults that cannot run in this environment, as messages; empty when all can. */
export function unsupportedFaults(
  faults: FaultPlan[],
  env: Omit<FaultEnvironment, "partitionState" | "groupCoordinator">,
): string[] {
  const problems: string[] = [];
  for (const f of faults) {
    const where = `fault ${f.id} (${f.label}, line ${f.source.line})`;
    if ((f.action.kind === "toxic" || f.action.kind === "proxy-down") && !env.toxiproxyUrl) {
      problems.push(`${where} needs Toxiproxy: give --toxiproxy URL, or run on the local stack`);
    }
    if (connectionsMember(f.action) !== undefined && !env.memberProxyName) {
      problems.push(
        `${where} needs member proxies, which only sismo's local stack has (a stack started by ` +
          "an older sismo has none: `deno task stack down` first)",
      );
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

/** How a fault went wrong. */
export type FaultFailure = "could not start" | "was not healed";

/** Note on `window` that its fault could not start or was not healed; the line to report. */
export function recordFaultProblem(
  window: FaultWindow,
  what: FaultFailure,
  reason: string,
): string {
  const line = `${what}: ${reason}`;
  window.error = window.error ? `${window.error}; ${line}` : line;
  window.problems = [...window.problems ?? [], {
    stage: what === "could not start" ? "start" : "heal",
    reason,
  }];
  return line;
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
    case "coordinator":
      if (!env.groupCoordinator) throw new Error("no consumer group to find the coordinator of");
      return [await env.groupCoordinator()];
    case "member":
    case "new-member":
      // A member fault hits no broker: the variant's consumer group plays it.
      return [];
  }
}

/** How one applied part of a fault is undone. */
interface Heal {
  fault: string;
  /** Same key, same operation: run once when several faults deferred it. */
  key: string;
  what: string;
  run: () => Promise<void>;
}

/** One part of a fault: what it does to one resource (a toxic, a proxy, a broker). */
interface Part {
  fault: string;
  /** Operations on one resource are serialised; a resource heals when its last holder ends. */
  resource: string;
  what: string;
  apply: () => Promise<void>;
  heal: Heal;
}

const RANDOM_TAG = Array.from(
  crypto.getRandomValues(new Uint8Array(4)),
  (b) => b.toString(16).padStart(2, "0"),
).join("");
let engineSerial = 0;

/** Plays one fault timeline (for one variant, or for the variants that run together). */
export class FaultEngine {
  /** Unique in this process; part of every toxic name (`sismo-<id>-…`). */
  readonly id: string;
  /** Name prefix of every toxic this engine adds. */
  readonly toxicPrefix: string;
  #plans: FaultPlan[];
  #env: FaultEnvironment;
  #start: number;
  #timers: ReturnType<typeof setTimeout>[] = [];
  #windows: FaultWindow[];
  #errors: string[] = [];
  /** Parts applied and not undone yet, in the order they were applied. */
  #holds: Part[] = [];
  /** Heals of released parts whose resource another fault still holds. */
  #deferred = new Map<string, Heal[]>();
  /**
   * Whether each proxy a proxy-down fault disabled was enabled before the first
   * such fault took it: one found disabled (someone else's doing, on an external
   * Toxiproxy) is left so when the faults end.
   */
  #proxyEnabledBefore = new Map<string, boolean>();
  #locks = new Map<string, Promise<void>>();
  #pending = new Set<Promise<unknown>>();
  #toxiproxy: ToxiproxyApi | null;
  #started = false;
  #stopped = false;
  #finished: Promise<FaultOutcome> | null = null;
  #log: (line: string) => void;
  /** Last known leader and replicas per partition, for when the cluster cannot answer in time. */
  #known = new Map<number, { leader: number; replicas: number[] }>();
  #knownCoordinator: number | null = null;

  constructor(
    plans: FaultPlan[],
    env: FaultEnvironment,
    startEpochMs: number,
    log: (line: string) => void = () => {},
    options: FaultEngineOptions = {},
  ) {
    const runTag = options.runTag ?? RANDOM_TAG;
    checkTag(runTag);
    this.id = `${runTag}-e${++engineSerial}`;
    this.toxicPrefix = `${TOXIC_PREFIX}${this.id}-`;
    this.#plans = plans;
    this.#env = env;
    this.#start = startEpochMs;
    this.#log = log;
    this.#toxiproxy = options.toxiproxy ??
      (env.toxiproxyUrl ? toxiproxyHttp(env.toxiproxyUrl) : null);
    this.#windows = plans.map((p) => ({
      id: p.id,
      label: p.label,
      kind: p.action.kind,
      target: p.target,
      action: p.action,
      brokers: [],
      plannedAtMs: p.atMs,
      plannedForMs: p.forMs,
      startedAtMs: null,
      endedAtMs: null,
    }));
  }

  /** Epoch ms the timeline and the windows count from. */
  get startEpochMs(): number {
    return this.#start;
  }

  /** Name of the toxic this engine adds for a fault on a broker. */
  toxicName(faultId: string, brokerId: number): string {
    return `${this.toxicPrefix}${faultId}-b${brokerId}`;
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
    if (this.#plans.some((p) => p.target.kind === "coordinator") && this.#env.groupCoordinator) {
      // The group may not have found its coordinator yet: the fault asks again when it starts.
      this.#knownCoordinator = await this.#env.groupCoordinator().catch(() => null);
    }
  }

  /** Partition state now, or the last known one if the cluster does not answer within 1.5 s. */
  #partitionState(partition: number): Promise<{ leader: number; replicas: number[] }> {
    return freshOrKnown(
      this.#env.partitionState(partition).then((s) => {
        this.#known.set(partition, s);
        return s;
      }),
      () => this.#known.get(partition),
      `partition ${partition}`,
    );
  }

  /** The group's coordinator now, or the last known one if the cluster does not answer in time. */
  #groupCoordinator(ask: () => Promise<number>): Promise<number> {
    return freshOrKnown(
      ask().then((id) => this.#knownCoordinator = id),
      () => this.#knownCoordinator ?? undefined,
      `the coordinator of group ${this.#env.groupId ?? "?"}`,
    );
  }

  /** Schedule every fault relative to the start. Does nothing after {@link stop} or a second time. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#plans.forEach((plan, i) => {
      const at = this.#start + plan.atMs - Date.now();
      this.#timers.push(
        setTimeout(() => this.#track(this.#begin(plan, this.#windows[i])), Math.max(0, at)),
      );
    });
  }

  /** Labels of the faults in force now, for the progress line. */
  activeLabels(): string[] {
    const ids = new Set(this.#holds.map((p) => p.fault));
    return this.#plans.filter((p) => ids.has(p.id)).map((p) => p.label);
  }

  #track(p: Promise<unknown>) {
    this.#pending.add(p);
    p.finally(() => this.#pending.delete(p));
  }

  #now(): number {
    return Date.now() - this.#start;
  }

  /** Run `fn` after every earlier operation on `resource` has settled. */
  #locked(resource: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.#locks.get(resource) ?? Promise.resolve();
    const next = prev.then(fn);
    const tail = next.catch(() => {}); // the caller gets `next`'s failure; the chain goes on
    this.#locks.set(resource, tail);
    tail.then(() => {
      if (this.#locks.get(resource) === tail) this.#locks.delete(resource);
    });
    return next;
  }

  #window(id: string): FaultWindow {
    return this.#windows[this.#plans.findIndex((p) => p.id === id)];
  }

  #plan(id: string): FaultPlan {
    return this.#plans.find((p) => p.id === id)!;
  }

  #fail(id: string, what: FaultFailure, reason: string) {
    const line = recordFaultProblem(this.#window(id), what, reason);
    this.#errors.push(`fault ${id} (${this.#plan(id).label}) ${line}`);
    this.#log(`fault ${id} ${line}`);
  }

  async #begin(plan: FaultPlan, window: FaultWindow): Promise<void> {
    if (this.#stopped) return;
    let brokers: number[];
    try {
      const ask = this.#env.groupCoordinator;
      brokers = await resolveTarget(plan.target, {
        ...this.#env,
        partitionState: (p) => this.#partitionState(p),
        groupCoordinator: ask && (() => this.#groupCoordinator(ask.bind(this.#env))),
      });
    } catch (e) {
      this.#fail(
        plan.id,
        "could not start",
        `target ${describeTarget(plan.target)}: ${message(e)}`,
      );
      return;
    }
    if (this.#stopped) return;
    window.brokers = brokers;
    if (plan.target.kind === "leader" || plan.target.kind === "followers") {
      const topic = this.#env.partitionTopic ? ` of topic ${this.#env.partitionTopic}` : "";
      this.#log(
        `fault ${plan.id}: ${describeTarget(plan.target)}${topic} is broker(s) ${
          brokers.join(", ")
        }`,
      );
    } else if (plan.target.kind === "coordinator") {
      this.#log(
        `fault ${plan.id}: the coordinator of group ${this.#env.groupId ?? "?"} is broker ${
          brokers.join(", ")
        }`,
      );
    }
    let parts: Part[];
    try {
      if (!brokers.length) throw new Error(`${describeTarget(plan.target)} names no broker`);
      parts = this.#parts(plan, brokers);
    } catch (e) {
      this.#fail(plan.id, "could not start", message(e));
      return;
    }
    // The fault starts when sismo acts (a broker's controlled shutdown takes seconds to finish).
    const startedAtMs = this.#now();
    const failures: string[] = [];
    let applied = 0;
    await Promise.all(parts.map((part) =>
      this.#locked(part.resource, async () => {
        if (this.#stopped) return; // stopping: what is not applied yet stays so
        try {
          await part.apply();
        } catch (e) {
          failures.push(`${part.what}: ${message(e)}`);
          return;
        }
        this.#holds.push(part); // its undo is registered as soon as it is applied
        applied++;
      })
    ));
    if (applied > 0) window.startedAtMs = startedAtMs;
    if (failures.length) {
      const undone = applied ? `; what had been applied is undone at once` : "";
      this.#fail(plan.id, "could not start", failures.join("; ") + undone);
      if (applied) await this.#end(plan.id);
      return;
    }
    if (!applied) return; // stopped before any part was applied
    this.#log(`fault ${plan.id} started: ${plan.label} (brokers ${brokers.join(", ")})`);
    if (plan.forMs !== null && !this.#stopped) {
      const endAt = this.#start + plan.atMs + plan.forMs - Date.now();
      this.#timers.push(setTimeout(() => this.#track(this.#end(plan.id)), Math.max(0, endAt)));
    }
  }

  /** Undo every part of a fault still applied (deferring what other faults still hold). */
  async #end(id: string): Promise<void> {
    const parts = this.#holds.filter((p) => p.fault === id);
    if (!parts.length) return;
    await Promise.all(parts.map((part) => this.#locked(part.resource, () => this.#release(part))));
    const w = this.#window(id);
    w.endedAtMs = this.#now();
    this.#log(`fault ${id} ended: ${w.label}${w.error ? ` (${w.error})` : ""}`);
  }

  /** Called under the resource's lock. */
  async #release(part: Part): Promise<void> {
    const i = this.#holds.indexOf(part);
    if (i < 0) return; // already released
    this.#holds.splice(i, 1);
    const heals = this.#deferred.get(part.resource) ?? [];
    if (!heals.some((h) => h.key === part.heal.key)) heals.push(part.heal);
    if (this.#holds.some((p) => p.resource === part.resource)) {
      this.#deferred.set(part.resource, heals); // another fault still holds it: heal later
      return;
    }
    this.#deferred.delete(part.resource);
    for (const heal of heals) {
      try {
        await heal.run();
      } catch (e) {
        this.#fail(heal.fault, "was not healed", `${heal.what}: ${message(e)}`);
      }
    }
  }

  #parts(plan: FaultPlan, brokers: number[]): Part[] {
    const action = plan.action;
    const fault = plan.id;
    switch (action.kind) {
      case "toxic": {
        const tp = this.#need(this.#toxiproxy, "Toxiproxy");
        return brokers.map((id) => {
          const proxy = this.#proxy(id, action.member);
          const toxic: ToxicSpec = {
            name: this.toxicName(fault, id),
            type: action.type,
            stream: action.stream,
            toxicity: action.toxicity,
            attributes: action.attributes,
          };
          return {
            fault,
            resource: `toxic:${proxy}/${toxic.name}`,
            what: `toxic ${toxic.name} on proxy ${proxy}`,
            apply: () => tp.addToxic(proxy, toxic),
            heal: {
              fault,
              key: `remove ${toxic.name} from ${proxy}`,
              what: `remove toxic ${toxic.name} from proxy ${proxy}`,
              run: async () => {
                if (!await tp.removeToxic(proxy, toxic.name)) {
                  this.#log(`fault ${fault}: toxic ${toxic.name} on ${proxy} was already gone`);
                }
              },
            },
          };
        });
      }
      case "proxy-down": {
        const tp = this.#need(this.#toxiproxy, "Toxiproxy");
        return brokers.map((id) => {
          const proxy = this.#proxy(id, action.member);
          const resource = `proxy:${proxy}`;
          return {
            fault,
            resource,
            what: `disable proxy ${proxy}`,
            // Called under the resource's lock: no hold yet means the first fault on it.
            apply: async () => {
              if (!this.#holds.some((p) => p.resource === resource)) {
                const before = await tp.getProxy(proxy);
                this.#proxyEnabledBefore.set(proxy, before?.enabled !== false);
              }
              await tp.setEnabled(proxy, false);
            },
            heal: {
              fault,
              key: `enable ${proxy}`,
              what: `enable proxy ${proxy}`,
              run: async () => {
                if (this.#proxyEnabledBefore.get(proxy) === false) {
                  this.#log(`proxy ${proxy} was disabled before the fault: left disabled`);
                  return;
                }
                await tp.setEnabled(proxy, true);
              },
            },
          };
        });
      }
      case "broker": {
        const control = this.#need(this.#env.brokers, "broker control");
        const op = action.op;
        const back = op === "pause" ? "resume" : "start";
        return brokers.map((id) => ({
          fault,
          resource: `broker:${id}`,
          what: `${op} broker ${id}`,
          apply: () => control[op](id),
          heal: {
            fault,
            key: `${back} ${id}`,
            what: `${back} broker ${id}`,
            run: () => control[back](id),
          },
        }));
      }
      case "member":
        // Played by the variant's consumer group, never by this engine (see faultTimeline).
        return [];
    }
  }

  /** The proxy carrying every client's connections to a broker, or one member's. */
  #proxy(brokerId: number, member: number | undefined): string {
    if (member === undefined) return this.#env.proxyName(brokerId);
    if (!this.#env.memberProxyName) throw new Error("no member proxy in this environment");
    return this.#env.memberProxyName(brokerId);
  }

  #need<T>(x: T | null, what: string): T {
    if (!x) throw new Error(`no ${what} in this environment`);
    return x;
  }

  /**
   * Cancel faults not yet started, wait for those being applied, undo every
   * part still applied, and return what happened. Safe to call more than once
   * and from several callers: all get the same outcome.
   */
  finish(): Promise<FaultOutcome> {
    return this.#finished ??= this.#finish();
  }

  async #finish(): Promise<FaultOutcome> {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    while (this.#pending.size) await Promise.allSettled([...this.#pending]);
    const ids = [...new Set(this.#holds.map((p) => p.fault))];
    await Promise.all(ids.map((id) => this.#end(id)));
    // Nothing should be left; if something is, undo it rather than leave it.
    for (const [resource, heals] of [...this.#deferred]) {
      this.#deferred.delete(resource);
      for (const heal of heals) {
        await heal.run().catch((e) =>
          this.#fail(heal.fault, "was not healed", `${heal.what}: ${message(e)}`)
        );
      }
    }
    return {
      startEpochMs: this.#start,
      windows: this.#windows.map((w) => ({ ...w, brokers: [...w.brokers] })),
      errors: [...this.#errors],
      resolvedOn:
        this.#plans.some((p) => p.target.kind === "leader" || p.target.kind === "followers")
          ? this.#env.partitionTopic ?? null
          : null,
    };
  }
}

function describeTarget(t: FaultTarget): string {
  switch (t.kind) {
    case "all":
      return "all brokers";
    case "brokers":
      return `broker(s) ${t.ids.join(", ")}`;
    case "leader":
      return `leader of partition ${t.partition}`;
    case "followers":
      return `followers of partition ${t.partition}`;
    case "coordinator":
      return "the group coordinator";
    case "member":
      return `member ${t.index}`;
    case "new-member":
      return "a new member";
  }
}

/**
 * `fresh`, or what `known` gives if `fresh` has not answered within 1.5 s: during a fault
 * (brokers paused, say) the cluster may not answer in time.
 */
function freshOrKnown<T>(fresh: Promise<T>, known: () => T | undefined, what: string): Promise<T> {
  const fallback = new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => {
      const last = known();
      if (last !== undefined) resolve(last);
      else reject(new Error(`no answer about ${what} within 1.5 s`));
    }, 1500);
    fresh.then(() => clearTimeout(t), () => clearTimeout(t));
  });
  fresh.catch(() => {}); // a late failure after the fallback answered is of no interest
  return Promise.race([fresh, fallback]);
}
