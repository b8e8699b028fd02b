/**
 * `deno task bench --soak`: a long run whose memory must stay flat. One variant
 * with `ci-soak`'s producer (acks=all, idempotence, lz4, linger 5 ms) keeps a
 * compact ledger and is verified live only (see `lib/verify/live.ts`); the
 * process's resident memory is sampled every minute, and after the run an
 * independent read of the whole topic (records, distinct events, extra
 * copies) is compared with the live verification's counts.
 *
 * Flags: `--minutes M` (default 60), `--rate N` (default 20000),
 * `--brokers 1|3` (default 1), `--sample-seconds S` (default 60).
 *
 * Passes when the resident memory sampled during the load after its first five
 * minutes stays within 10 % of the first such sample, every event was sent, and
 * the counts agree. (Memory after the load, when the live state is released, is
 * printed but not judged: a drop there is not growth.)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { parseScenario } from "../lib/scenario/load.ts";
import { acquireEnvironment } from "../lib/run/environment.ts";
import { deleteTopic, runVariant } from "../lib/run/variant.ts";
import { newRunId } from "../lib/load/payload.ts";
import { consumeRanges, partitionOffsets } from "../lib/verify/consume.ts";
import { decodeRecord } from "../lib/verify/verifier.ts";
import { createSchedule } from "../lib/load/schedule.ts";

/** Resident memory may move this much (ratio) around its value at five minutes. */
export const FLAT_WITHIN = 0.1;

/** The load's first minutes fill the live state up to its steady size; judged after them. */
export const WARM_UP_MINUTES = 5;

/** Run the soak; returns the exit code. */
export async function runSoakBench(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      minutes: { type: "string", default: "60" },
      rate: { type: "string", default: "20000" },
      brokers: { type: "string", default: "1" },
      "sample-seconds": { type: "string", default: "60" },
    },
  });
  const minutes = Number(values.minutes);
  const rate = Number(values.rate);
  const brokers = Number(values.brokers);
  const sampleMs = Number(values["sample-seconds"]) * 1000;
  const plan = parseScenario(
    `
name: bench-soak
description: ci-soak's producer for a long time, memory sampled.
cluster: {brokers: ${brokers}}
topic: {partitions: 6, replication.factor: ${brokers}}
load:
  rate: ${rate}
  duration: ${minutes}m
  message.size: 512
  keys: 100
  # 10 s of events may be outstanding: a GC pause or a slow second is absorbed, not dropped.
  send: {mode: pipelined, max.outstanding: ${rate * 10}}
drain: 20s
variants:
  - name: soak
    producer:
      acks: all
      enable.idempotence: true
      compression.type: lz4
      linger.ms: 5
      request.timeout.ms: 30000
      delivery.timeout.ms: 120000
`,
    "bench-soak",
  );
  const events = createSchedule(plan.load.rate, plan.load.durationMs).total;
  console.log(
    `== soak: ${rate}/s of 512 B for ${minutes} min (${events.toLocaleString("en-US")} events), ` +
      `${brokers} broker(s), compact ledger, live verification`,
  );
  // Ctrl-C ends the load; the stack is released below, whatever happens.
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  Deno.addSignalListener("SIGINT", onSigint);
  const env = await acquireEnvironment({ brokers, progress: (l) => console.error(l) });
  const failures: string[] = [];
  const samples: { minute: number; rssMiB: number; heapMiB: number }[] = [];
  // Set by the progress callback, read by the sampler.
  let liveNow = null as { unsettled: number; stateBytes: number } | null;
  const t0 = Date.now();
  const sample = () => {
    const m = Deno.memoryUsage();
    const s = {
      minute: (Date.now() - t0) / 60_000,
      rssMiB: m.rss / 2 ** 20,
      heapMiB: m.heapUsed / 2 ** 20,
    };
    samples.push(s);
    const unsettled = liveNow
      ? `  unsettled ${String(liveNow.unsettled).padStart(8)} events, ` +
        `${(liveNow.stateBytes / 2 ** 20).toFixed(0)} MiB`
      : "";
    const mib = (n: number) => (n / 2 ** 20).toFixed(0).padStart(4);
    console.log(
      `  ${s.minute.toFixed(1).padStart(5)} min  rss ${mib(m.rss)} MiB (${anonymousMemory()})  ` +
        `heap ${mib(m.heapUsed)}/${mib(m.heapTotal)} MiB  external ${mib(m.external)} MiB` +
        unsettled,
    );
  };
  try {
    const runId = newRunId();
    let last = "";
    const timer = setInterval(sample, sampleMs);
    const v = await runVariant({
      plan,
      variant: plan.variants[0],
      variantIndex: 0,
      env,
      runId,
      startAt: () => Promise.resolve(Date.now() + 200),
      signal: controller.signal,
      compactLedger: true,
      onProgress: (p) => {
        liveNow = p.live;
        last = `${(p.elapsedMs / 1000).toFixed(0)} s: acked ${p.acked}, read back ${
          p.live?.recordsRead ?? 0
        }, not sent ${p.notSent}`;
      },
    }).finally(() => clearInterval(timer));
    const duringLoad = samples.length;
    sample();
    if (controller.signal.aborted) {
      await deleteTopic(env, v.topic);
      console.log("\nInterrupted (Ctrl-C): no figure; the stack is released.");
      return 130;
    }
    console.log(`last progress           ${last}`);
    const live = v.live!;
    const c = v.verification!.counts;
    console.log(
      `sent / acked / not sent ${v.counts.sent} / ${v.counts.acked} / ${v.counts.notSent}`,
    );
    console.log(
      `live verification       ok ${c.ok}, lost ${c.lost}, duplicated ${c.duplicated} ` +
        `(${c.duplicates} copies), phantom ${c.phantom}, reordered ${c.reordered}, ` +
        `unverified ${c.unverified}; peak ${live.peakUnresolved} events unsettled, ` +
        `${(live.peakBytes / 2 ** 20).toFixed(1)} MiB`,
    );
    const read = await independentRead(env.controlBootstrap, v.topic, runId, events);
    await deleteTopic(env, v.topic);
    console.log(
      `independent read        ${read.records} records, ${read.distinct} events, ` +
        `${read.extraCopies} extra copies`,
    );
    if (read.records !== live.recordsRead) {
      failures.push(`records: live ${live.recordsRead}, independent ${read.records}`);
    }
    const distinct = c.ok + c.duplicated + c.phantom;
    if (read.distinct !== distinct) {
      failures.push(`distinct events: live ${distinct}, independent ${read.distinct}`);
    }
    if (read.extraCopies !== c.duplicates) {
      failures.push(`extra copies: live ${c.duplicates}, independent ${read.extraCopies}`);
    }
    if (v.counts.notSent > 0) failures.push(`${v.counts.notSent} events not sent`);
    const steady = samples.slice(0, duringLoad).filter((s) => s.minute >= WARM_UP_MINUTES - 0.05);
    if (steady.length >= 2) {
      const base = steady[0].rssMiB;
      const worst = Math.max(...steady.map((s) => Math.abs(s.rssMiB / base - 1)));
      console.log(
        `resident memory         ${base.toFixed(0)} MiB at ${steady[0].minute.toFixed(1)} min, ` +
          `at most ${(worst * 100).toFixed(1)} % away from it in ${steady.length - 1} ` +
          `later samples during the load`,
      );
      if (worst > FLAT_WITHIN) failures.push(`resident memory moved ${(worst * 100).toFixed(1)} %`);
    } else {
      failures.push(`too short: fewer than two memory samples after ${WARM_UP_MINUTES} minutes`);
    }
  } finally {
    await env.release();
    Deno.removeSignalListener("SIGINT", onSigint);
  }
  if (failures.length) {
    console.log(`\nBelow target: ${failures.join("; ")}`);
    return 1;
  }
  console.log("\nMemory flat, counts agree.");
  return 0;
}

/**
 * Where the resident memory is, from `/proc/self/status`: anonymous (heaps,
 * typed arrays, the native client's allocations) against file-backed (code).
 */
function anonymousMemory(): string {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const kb = (field: string) =>
      Number(status.match(new RegExp(`^${field}:\\s+(\\d+)`, "m"))?.[1] ?? 0);
    return `anon ${(kb("RssAnon") / 1024).toFixed(0)}, file ${(kb("RssFile") / 1024).toFixed(0)}`;
  } catch {
    return "anon ?";
  }
}

/** Read the whole topic: records, distinct events of this run, extra copies. */
async function independentRead(
  bootstrap: string[],
  topic: string,
  runId: Uint8Array,
  events: number,
) {
  const seen = new Uint8Array(Math.ceil(events / 8));
  let records = 0;
  let distinct = 0;
  let extraCopies = 0;
  const offsets = await partitionOffsets(bootstrap, topic);
  await consumeRanges({
    bootstrap,
    topic,
    ranges: offsets.map((o) => ({ partition: o.partition, start: o.low, end: o.high })),
    groupId: `bench-soak-independent-${crypto.randomUUID()}`,
    timeoutMs: 600_000,
    onRecord: (_p, _o, _k, value) => {
      records++;
      const { seq, foreign } = decodeRecord(value, runId, 0, events);
      if (foreign !== null) return;
      const bit = 1 << (seq & 7);
      if (seen[seq >> 3] & bit) extraCopies++;
      else {
        seen[seq >> 3] |= bit;
        distinct++;
      }
    },
  });
  return { records, distinct, extraCopies };
}

if (import.meta.main) Deno.exit(await runSoakBench(Deno.args));
