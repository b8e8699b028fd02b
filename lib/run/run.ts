/**
 * A whole scenario run: acquire the cluster, run every variant (one after
 * another, or in parallel against the same faults), build the report, and
 * clean up on any exit path — Ctrl-C included — keeping a partial report.
 *
 * @module
 */
import { deadLetterTopic } from "./consumer_group.ts";
import { CONSUMER_CLIENTS } from "../clients/consumer_registry.ts";
import { join } from "node:path";
import type { Plan } from "../scenario/types.ts";
import { REPORT_SCHEMA_VERSION, type RunReport, type VariantReport } from "../report/types.ts";
import { newRunId, runIdHex } from "../load/payload.ts";
import { acquireEnvironment, type RunEnvironment } from "./environment.ts";
import {
  faultTimeline,
  kafkaCluster,
  runVariant,
  topicName,
  type VariantCluster,
  type VariantProgress,
  type VariantRunOptions,
} from "./variant.ts";
import { unsupportedFaults } from "../faults/engine.ts";
import type { SharedFaults } from "../faults/shared.ts";
import { disabledProxies, removeSismoToxics, runToxicPrefix } from "../faults/toxiproxy.ts";
import { UnsupportedSettingError } from "../clients/contract.ts";
import { clientFactory } from "../clients/registry.ts";
import { environmentInfo, SISMO_VERSION } from "./about.ts";
import { type ConnectionSettings, secretsOf } from "../connection/settings.ts";
import { knownSecretsRedactor, maskStrings } from "../report/redact.ts";
import type { ShareRunner } from "../segments/job.ts";
import { localWorkers } from "../segments/local_workers.ts";
import { MAX_EVENTS_PER_SHARE } from "../segments/partial.ts";
import { createSchedule } from "../load/schedule.ts";
import { remoteWorkers } from "../segments/remote_workers.ts";

/** Options of {@link runScenario}. */
export interface RunOptions {
  bootstrap?: string[];
  /** How to connect to the `bootstrap` cluster (`--command-config`); plaintext when absent. */
  connection?: ConnectionSettings;
  toxiproxyUrl?: string;
  /** Parent folder of run directories (default `reports`). */
  reportsDir?: string;
  /** Keep the variants' topics after verification. */
  keepTopics?: boolean;
  /** Stop a variant's load at the first anomaly that breaks an expectation for good. */
  failFast?: boolean;
  /**
   * Keep every line each variant's producer client logs, info and the debug lines it was asked
   * for included, in `client-logs/<variant>.log` of the run's folder (`--client-log`).
   */
  clientLog?: boolean;
  /** Split each variant's load over this many worker processes (`--workers N`). */
  workers?: number;
  /** Wait for the workers to connect here instead of starting them (`--listen`). */
  listen?: { hostname: string; port: number };
  signal: AbortSignal;
  onProgress?: (p: VariantProgress) => void;
  log?: (line: string) => void;
  /** What the run stands on, replaced in tests (Kafka, its stack and the clients by default). */
  seams?: RunSeams;
}

/** The orchestration's seams: the cluster, the variants' side of it, the producers. */
export interface RunSeams {
  environment?: () => Promise<RunEnvironment>;
  cluster?: (env: RunEnvironment) => VariantCluster;
  createDriver?: VariantRunOptions["createDriver"];
  /** Where the shares of a split load run (`--workers N`): local worker processes by default. */
  shares?: (count: number) => ShareRunner;
}

/** A finished (or interrupted) run. */
export interface RunOutcome {
  report: RunReport;
  dir: string;
}

/**
 * Refuse, before anything starts, what this run cannot do: each client is
 * provisioned (a native library, jars) and checks every variant's settings;
 * each property it rejects is named with its file and line.
 */
export async function preflight(plan: Plan, log: (line: string) => void = () => {}) {
  const problems: string[] = [];
  const clients = [...new Set(plan.variants.map((v) => v.client))];
  for (const name of clients) await clientFactory(name).prepare(log);
  for (const v of plan.variants) {
    for (const p of clientFactory(v.client).check(v.producer, v.properties)) {
      const line = v.propertyLines[p.property] ?? v.source.line;
      // Given in client.properties (the variant's or the scenario's: the line tells which).
      const field = v.clientProperties[v.client]?.properties[p.property] !== undefined
        ? `client.properties.${v.client}.${p.property}`
        : `${v.source.path}.producer.${p.property}`;
      problems.push(
        `${plan.file}:${line} ${field} ` +
          `(variant ${v.name}, client ${v.client}): ${p.message}`,
      );
    }
  }
  for (const v of plan.variants) {
    if (!v.consumer) continue;
    const where = `${plan.file}:${v.consumer.source.line} ${v.consumer.source.path}`;
    const factory = CONSUMER_CLIENTS[v.client];
    if (!factory) {
      problems.push(
        `${where} (variant ${v.name}): client ${v.client} has no consumer in sismo yet ` +
          `(consumers: ${Object.keys(CONSUMER_CLIENTS).join(", ")})`,
      );
      continue;
    }
    await factory.prepare(log);
    for (const p of factory.check(v.consumer.properties)) {
      const line = v.consumer.propertyLines[p.property] ?? v.consumer.source.line;
      problems.push(
        `${plan.file}:${line} ${v.consumer.source.path}.properties.${p.property} ` +
          `(variant ${v.name}, client ${v.client}): ${p.message}`,
      );
    }
  }
  if (problems.length) throw new UnsupportedSettingError(problems.join("\n"));
}

/** A start shared by parallel variants; see {@link startBarrier}. */
export interface StartBarrier {
  /** This variant is ready: resolves, for all, once the last one is, to the same instant. */
  arrive(): Promise<number>;
  /** This variant will never arrive (it failed before): the others no longer wait for it. */
  leave(): void;
}

/**
 * A start shared by `n` parallel variants: resolves for all once the last one is
 * ready (or left), to the same instant shortly after.
 */
export function startBarrier(n: number): StartBarrier {
  let expected = n;
  let waiting = 0;
  let release: (t: number) => void;
  const start = new Promise<number>((r) => (release = r));
  const check = () => {
    if (waiting > 0 && waiting >= expected) release(Date.now() + 200);
  };
  return {
    arrive() {
      waiting++;
      check();
      return start;
    },
    leave() {
      expected--;
      check();
    },
  };
}

/**
 * A run's outcome, most serious first: interrupted (Ctrl-C), error (setup, or a fault that did
 * not start or heal), inconclusive (verification could not cover every event: whatever the
 * expectations say), failed (an expectation did not hold, or a variant is missing), passed.
 */
export function runOutcome(o: {
  aborted: boolean;
  errors: readonly string[];
  variants: readonly VariantReport[];
  /** Variants the plan has. */
  planned: number;
}): RunReport["outcome"] {
  if (o.aborted) return "interrupted";
  if (o.errors.length) return "error";
  if (o.variants.some((v) => (v.inconclusive ?? []).length > 0)) return "inconclusive";
  const allPassed = o.variants.every((v) => v.expectations.every((e) => e.passed));
  return allPassed && o.variants.length === o.planned ? "passed" : "failed";
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/[:]/g, "-").replace(/\.\d+Z$/, "Z");
}

/** Run a validated plan end to end. Throws only for setup errors (bad environment). */
export async function runScenario(plan: Plan, opts: RunOptions): Promise<RunOutcome> {
  // Known secrets are masked in every line and in the report, whatever a client quoted.
  let mask = knownSecretsRedactor(opts.connection ? secretsOf(opts.connection) : []);
  const log = (line: string) => opts.log?.(mask(line));
  await preflight(plan, log);
  if (opts.listen && plan.parallel) {
    // Connected workers serve one job at a time: parallel variants would wait on each other.
    throw new UnsupportedSettingError(
      `${plan.file}: parallel variants cannot share workers that connect (--listen); run the ` +
        "scenario with --workers N alone (local worker processes), or its variants one after another",
    );
  }
  if (opts.workers !== undefined) {
    const events = createSchedule(plan.load.rate, plan.load.warmupMs + plan.load.durationMs).total;
    const perShare = Math.ceil(events / opts.workers);
    if (perShare > MAX_EVENTS_PER_SHARE) {
      throw new UnsupportedSettingError(
        `${plan.file}: ${perShare.toLocaleString("en-US")} events per worker with --workers ` +
          `${opts.workers}; a worker takes at most ${
            MAX_EVENTS_PER_SHARE.toLocaleString("en-US")
          }` +
          `: use --workers ${Math.ceil(events / MAX_EVENTS_PER_SHARE)} or more, or a shorter load`,
      );
    }
  }
  const started = new Date();
  const runId = newRunId();
  const dir = join(opts.reportsDir ?? "reports", plan.name, timestamp(started));

  const env: RunEnvironment = opts.seams?.environment
    ? await opts.seams.environment()
    : await acquireEnvironment({
      brokers: plan.cluster.brokers,
      bootstrap: opts.bootstrap,
      connection: opts.connection,
      toxiproxyUrl: opts.toxiproxyUrl,
      progress: log,
    });
  mask = knownSecretsRedactor([...secretsOf(env.connection), ...secretsOf(env.controlConnection)]);
  const cluster = opts.seams?.cluster?.(env) ?? kafkaCluster(env, plan);
  const variants: VariantReport[] = [];
  const errors: string[] = [];
  const runTag = runIdHex(runId).slice(0, 8);
  const faultGroup = (holders: number, first: Plan["variants"][number]) =>
    faultTimeline(
      plan,
      env,
      topicName(plan, first, runId),
      runTag,
      holders,
      (line) => log(`[faults] ${line}`),
    );
  const shares = opts.workers === undefined
    ? undefined
    : opts.seams?.shares
    ? opts.seams.shares(opts.workers)
    : opts.listen
    ? remoteWorkers({ count: opts.workers, ...opts.listen })
    : localWorkers(opts.workers);
  const proxies = [
    ...env.brokerIds.map(env.proxyName),
    ...(env.memberProxyName ? env.brokerIds.map(env.memberProxyName) : []),
  ];
  const downFaults = plan.faults.some((f) => f.action.kind === "proxy-down");
  // On someone else's Toxiproxy, a proxy already disabled before the run stays disabled.
  const leaveDisabled = env.toxiproxyUrl && env.mode !== "local" && downFaults
    ? await disabledProxies(env.toxiproxyUrl, proxies)
    : [];
  // Toxics this run added and could not remove, on a local or an external Toxiproxy alike.
  const cleanToxics = async (when: string) => {
    if (!env.toxiproxyUrl) return;
    const r = await removeSismoToxics({
      toxiproxy: env.toxiproxyUrl,
      proxies,
      prefix: runToxicPrefix(runTag),
      enableProxies: env.mode === "local" || downFaults,
      leaveDisabled,
    });
    errors.push(...r.errors.map((e) => `Toxiproxy clean-up ${when}: ${e}`));
  };
  const restoreBrokers = async (when: string) => {
    await env.brokers?.restoreAll().catch((e) => {
      errors.push(`brokers not restored ${when}: ${(e as Error).message}`);
    });
  };
  // A fault that did not start or was not healed fails the run, with its reason.
  const afterGroup = async (timeline: SharedFaults, when: string) => {
    errors.push(...(await timeline.stop()).errors);
    await cleanToxics(when);
    await restoreBrokers(when);
  };
  try {
    log(`cluster: ${env.description}`);
    const problems = unsupportedFaults(plan.faults, env);
    if (problems.length) throw new UnsupportedSettingError(problems.join("\n"));
    if (env.brokerIds.length < plan.topic.replicationFactor) {
      throw new UnsupportedSettingError(
        `replication.factor ${plan.topic.replicationFactor} needs ${plan.topic.replicationFactor} brokers; the cluster has ${env.brokerIds.length}`,
      );
    }
    const one = async (
      i: number,
      startAt: () => Promise<number>,
      timeline: SharedFaults,
      onJoin: () => void = () => {},
    ) => {
      const v = plan.variants[i];
      log(`variant ${v.name}: starting`);
      try {
        return await runVariant({
          plan,
          variant: v,
          variantIndex: i,
          env,
          runId,
          startAt,
          faults: (t) => {
            onJoin();
            return timeline.join(t);
          },
          signal: opts.signal,
          onProgress: opts.onProgress,
          failFast: opts.failFast,
          cluster,
          createDriver: opts.seams?.createDriver,
          shares,
          log,
          // Kept with the reports, as a history: a verdict can be checked by hand.
          processingDir: v.consumer ? join(dir, "processing", v.name) : undefined,
          clientLogPath: opts.clientLog ? join(dir, "client-logs", `${v.name}.log`) : undefined,
          clientLogMask: mask,
        });
      } finally {
        // Also when the variant failed after creating its topic: a run leaves nothing behind.
        if (!opts.keepTopics) {
          const topic = topicName(plan, v, runId);
          // A consumer group's dead-letter topic goes with it, whatever became of the run.
          const topics = v.consumer?.deadLetter ? [topic, deadLetterTopic(topic)] : [topic];
          for (const t of topics) {
            const problem = await cluster.deleteTopic(t);
            if (problem) {
              errors.push(problem);
              log(`run error: ${problem}`);
            }
          }
        }
      }
    };
    const failed = (name: string, e: unknown) => {
      const message = `variant ${name}: ${(e as Error).message}`;
      errors.push(message);
      log(`run error: ${message}`);
    };
    if (plan.parallel) {
      // One fault timeline for all, targets resolved on the first variant's topic; each
      // variant's report survives the others' failures.
      const timeline = faultGroup(plan.variants.length, plan.variants[0]);
      const start = startBarrier(plan.variants.length);
      const settled = await Promise.allSettled(plan.variants.map(async (_, i) => {
        let arrived = false;
        let joined = false;
        const startAt = () => (arrived = true, start.arrive());
        try {
          return await one(i, startAt, timeline, () => joined = true);
        } catch (e) {
          if (!arrived) start.leave();
          // The others neither wait for a holder that will not come nor lose their faults; a
          // variant that joined released its lease when it failed.
          if (!joined) timeline.leave();
          throw e;
        }
      }));
      settled.forEach((s, i) => {
        if (s.status === "fulfilled") variants.push(s.value);
        else failed(plan.variants[i].name, s.reason);
      });
      await afterGroup(timeline, "after the parallel variants");
    } else {
      for (let i = 0; i < plan.variants.length && !opts.signal.aborted; i++) {
        const v = plan.variants[i];
        const timeline = faultGroup(1, v);
        try {
          variants.push(await one(i, () => Promise.resolve(Date.now() + 200), timeline));
        } catch (e) {
          failed(v.name, e);
          break;
        } finally {
          await afterGroup(timeline, `after variant ${v.name}`);
        }
      }
    }
  } catch (e) {
    errors.push((e as Error).message);
    log(`run error: ${(e as Error).message}`);
  } finally {
    // Workers that serve every variant (--listen) go once the last one is done.
    await shares?.close?.().catch((e) => {
      errors.push(`workers not let go: ${(e as Error).message}`);
    });
    await cleanToxics("at the end of the run");
    await restoreBrokers("at the end of the run");
    // A stack that fails to stop is a finding of this run, not a reason to lose its report.
    await env.release().catch((e) => {
      errors.push(`cluster not released: ${(e as Error).message}`);
    });
  }
  const inconclusive = variants.flatMap((v) => v.inconclusive ?? []);
  const outcome = runOutcome({
    aborted: opts.signal.aborted,
    errors,
    variants,
    planned: plan.variants.length,
  });
  const report: RunReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: "sismo", version: SISMO_VERSION },
    runId: runIdHex(runId),
    scenario: { name: plan.name, description: plan.description, file: plan.file, resolved: plan },
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    environment: environmentInfo(env),
    outcome,
    ...(inconclusive.length ? { inconclusive } : {}),
    variants,
    errors,
  };
  return { report: maskStrings(report, mask), dir };
}
