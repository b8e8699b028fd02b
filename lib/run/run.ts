/**
 * A whole scenario run: acquire the cluster, run every variant (one after
 * another, or in parallel against the same faults), build the report, and
 * clean up on any exit path — Ctrl-C included — keeping a partial report.
 *
 * @module
 */
import { join } from "node:path";
import type { Plan } from "../scenario/types.ts";
import { REPORT_SCHEMA_VERSION, type RunReport, type VariantReport } from "../report/types.ts";
import { newRunId, runIdHex } from "../load/payload.ts";
import { acquireEnvironment, type RunEnvironment } from "./environment.ts";
import { deleteTopic, runVariant, type VariantProgress } from "./variant.ts";
import { resetToxiproxy, unsupportedFaults } from "../faults/engine.ts";
import { UnsupportedSettingError } from "../clients/contract.ts";
import { clientFactory } from "../clients/registry.ts";
import { environmentInfo, SISMO_VERSION } from "./about.ts";

/** Options of {@link runScenario}. */
export interface RunOptions {
  bootstrap?: string[];
  toxiproxyUrl?: string;
  /** Parent folder of run directories (default `reports`). */
  reportsDir?: string;
  /** Keep the variants' topics after verification. */
  keepTopics?: boolean;
  signal: AbortSignal;
  onProgress?: (p: VariantProgress) => void;
  log?: (line: string) => void;
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
      problems.push(
        `${plan.file}:${line} ${v.source.path}.producer.${p.property} ` +
          `(variant ${v.name}, client ${v.client}): ${p.message}`,
      );
    }
  }
  if (problems.length) throw new UnsupportedSettingError(problems.join("\n"));
}

/**
 * A start shared by `n` parallel variants: resolves for all once the last one is
 * ready, to the same instant shortly after.
 */
export function startBarrier(n: number): () => Promise<number> {
  let waiting = 0;
  let release: (t: number) => void;
  const start = new Promise<number>((r) => (release = r));
  return () => {
    if (++waiting === n) release(Date.now() + 200);
    return start;
  };
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/[:]/g, "-").replace(/\.\d+Z$/, "Z");
}

/** Run a validated plan end to end. Throws only for setup errors (bad environment). */
export async function runScenario(plan: Plan, opts: RunOptions): Promise<RunOutcome> {
  const log = opts.log ?? (() => {});
  await preflight(plan, log);
  const started = new Date();
  const runId = newRunId();
  const dir = join(opts.reportsDir ?? "reports", plan.name, timestamp(started));

  const env: RunEnvironment = await acquireEnvironment({
    brokers: plan.cluster.brokers,
    bootstrap: opts.bootstrap,
    toxiproxyUrl: opts.toxiproxyUrl,
    progress: log,
  });
  const variants: VariantReport[] = [];
  const errors: string[] = [];
  try {
    log(`cluster: ${env.description}`);
    const problems = unsupportedFaults(plan.faults, env);
    if (problems.length) throw new UnsupportedSettingError(problems.join("\n"));
    if (env.brokerIds.length < plan.topic.replicationFactor) {
      throw new UnsupportedSettingError(
        `replication.factor ${plan.topic.replicationFactor} needs ${plan.topic.replicationFactor} brokers; the cluster has ${env.brokerIds.length}`,
      );
    }
    const one = async (i: number, startAt: () => Promise<number>) => {
      const v = plan.variants[i];
      log(`variant ${v.name}: starting`);
      const report = await runVariant({
        plan,
        variant: v,
        variantIndex: i,
        env,
        runId,
        startAt,
        signal: opts.signal,
        onProgress: opts.onProgress,
        log,
      });
      if (!opts.keepTopics) await deleteTopic(env, report.topic);
      return report;
    };
    try {
      if (plan.parallel) {
        const start = startBarrier(plan.variants.length);
        variants.push(...await Promise.all(plan.variants.map((_, i) => one(i, start))));
      } else {
        for (let i = 0; i < plan.variants.length && !opts.signal.aborted; i++) {
          variants.push(await one(i, () => Promise.resolve(Date.now() + 200)));
        }
      }
    } catch (e) {
      errors.push((e as Error).message);
      log(`run error: ${(e as Error).message}`);
    }
  } finally {
    if (env.toxiproxyUrl && env.mode === "local") {
      await resetToxiproxy(env.toxiproxyUrl).catch(() => {});
    }
    await env.brokers?.restoreAll().catch(() => {});
    await env.release();
  }
  const allPassed = variants.every((v) => v.expectations.every((e) => e.passed));
  const outcome: RunReport["outcome"] = opts.signal.aborted
    ? "interrupted"
    : errors.length
    ? "error"
    : allPassed && variants.length === plan.variants.length
    ? "passed"
    : "failed";
  const report: RunReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: "sismo", version: SISMO_VERSION },
    runId: runIdHex(runId),
    scenario: { name: plan.name, description: plan.description, file: plan.file, resolved: plan },
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    environment: environmentInfo(env),
    outcome,
    variants,
    errors,
  };
  return { report, dir };
}
