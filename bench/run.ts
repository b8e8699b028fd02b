/**
 * `deno task bench`: the figures the issue asks for, each a ratio or a quantity
 * within one run (never a wall-clock threshold in a test).
 *
 * 1. Generator on the local cluster: 5,000 events/s of 512 B, one variant.
 *    Achieved rate vs target, and p99 of (hand-off − intended send time).
 *    Also the consume-back rate of the real verification that follows.
 * 2. Verifier in memory: records/s of classification, and bytes of state per event.
 * 3. Streaming verifier against the end-of-run one on the same synthetic run: speed and
 *    peak state as ratios, and its state at each quarter of the run (flat when bounded).
 *
 * Flags: `--rate N` (default 5000), `--seconds S` (default 20), `--brokers 1|3` (default 1).
 *
 * `--max` runs `bench/max.ts` instead: the highest rate each client sustains on
 * one broker, next to Kafka's ProducerPerformance (its own flags follow `--max`).
 * `--soak` runs `bench/soak.ts` instead: an hour at 20,000 events/s with a compact ledger and
 * the live verification, resident memory sampled every minute (its own flags follow `--soak`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { parseScenario } from "../lib/scenario/load.ts";
import { acquireEnvironment } from "../lib/run/environment.ts";
import { deleteTopic, runVariant } from "../lib/run/variant.ts";
import { LatencyRecorder } from "../lib/metrics/latency.ts";
import { newRunId } from "../lib/load/payload.ts";
import { MAX_BYTES_PER_EVENT, MIN_RECORDS_PER_SECOND, runVerifyBench } from "./verify_bench.ts";
import { runStreamingBench } from "./verify_streaming_bench.ts";

/**
 * V8 flags of the soak: its heap may grow by 25 % before the next full collection. Without
 * them, resident memory swung by ±10 % around 800 MiB in a 10-minute soak; with them it held
 * 482-485 MiB. They are given at start (V8 ignores them once the heap is set up), and only to
 * the soak: the extra collections' pauses would weigh on the other benches' dispatch lag.
 */
const SOAK_V8_FLAGS = "--heap-growing-percent=25";

if (Deno.args.includes("--soak")) {
  if (Deno.env.get("SISMO_BENCH_SOAK_CHILD") !== "1") {
    // Run again with the soak's V8 flags: one child, stopped with this process.
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        `--v8-flags=${SOAK_V8_FLAGS}`,
        import.meta.filename!,
        ...Deno.args,
      ],
      env: { SISMO_BENCH_SOAK_CHILD: "1" },
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    // Ctrl-C reaches the child too (same process group): it cleans up, this waits for it.
    Deno.addSignalListener("SIGINT", () => {});
    Deno.addSignalListener("SIGTERM", () => child.kill("SIGTERM"));
    Deno.exit((await child.status).code);
  }
  const { runSoakBench } = await import("./soak.ts");
  Deno.exit(await runSoakBench(Deno.args.filter((a) => a !== "--soak")));
}

if (Deno.args.includes("--max")) {
  const { runMaxBench } = await import("./max.ts");
  Deno.exit(await runMaxBench(Deno.args.filter((a) => a !== "--max")));
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rate: { type: "string", default: "5000" },
    seconds: { type: "string", default: "20" },
    brokers: { type: "string", default: "1" },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const brokers = Number(values.brokers);

const plan = parseScenario(
  `
name: bench-generator
description: Generator precision at a steady rate.
cluster: {brokers: ${brokers}}
topic: {partitions: 3, replication.factor: ${brokers}}
load:
  rate: ${rate}
  warmup: 3s
  duration: ${seconds}s
  message.size: 512
  keys: none
  send: {mode: pipelined, max.outstanding: 50000}
drain: 10s
variants:
  - name: steady
    producer: {acks: all, linger.ms: 5, batch.size: 65536}
`,
  "bench",
);

console.log(`== generator: ${rate}/s of 512 B for ${seconds}s (+3s warm-up), ${brokers} broker(s)`);
const env = await acquireEnvironment({ brokers, progress: (l) => console.error(l) });
const failures: string[] = [];
try {
  const dispatchLag = new LatencyRecorder();
  const v = await runVariant({
    plan,
    variant: plan.variants[0],
    variantIndex: 0,
    env,
    runId: newRunId(),
    startAt: () => Promise.resolve(Date.now() + 200),
    signal: new AbortController().signal,
    dispatchLag,
  });
  await deleteTopic(env, v.topic);
  const achieved = v.throughput.sentPerSecond;
  const ratio = achieved / rate;
  const lag = dispatchLag.summary();
  const ackedRatio = v.throughput.ackedPerSecond / rate;
  console.log(
    `achieved send rate      ${achieved.toFixed(1)}/s = ${(ratio * 100).toFixed(2)} % of target`,
  );
  console.log(
    `acknowledged rate       ${v.throughput.ackedPerSecond.toFixed(1)}/s = ${
      (ackedRatio * 100).toFixed(2)
    } % of target`,
  );
  console.log(`not sent (bound hit)    ${v.counts.notSent}`);
  console.log(
    `dispatch lag p50/p99/max  ${lag.p50.toFixed(3)} / ${lag.p99.toFixed(3)} / ${
      lag.max.toFixed(3)
    } ms`,
  );
  console.log(
    `ack latency p50/p99     ${v.latency.fromIntended.p50.toFixed(1)} / ${
      v.latency.fromIntended.p99.toFixed(1)
    } ms (from intended time)`,
  );
  const ver = v.verification!;
  const verifyRate = ver.recordsRead / (ver.durationMs / 1000);
  console.log(
    `consume-back + verify   ${ver.recordsRead} records in ${
      (ver.durationMs / 1000).toFixed(2)
    } s = ${verifyRate.toFixed(0)} records/s (KafkaJS consumer included)`,
  );
  console.log(
    `verification            ok ${ver.counts.ok}, lost ${ver.counts.lost}, duplicated ${ver.counts.duplicated}`,
  );
  if (Math.abs(ratio - 1) > 0.01) {
    failures.push(`achieved rate ${(ratio * 100).toFixed(2)} % of target (want within 1 %)`);
  }
  if (lag.p99 >= 2) failures.push(`dispatch lag p99 ${lag.p99.toFixed(3)} ms (want < 2 ms)`);
} finally {
  await env.release();
}

console.log("\n== verifier in memory: 1,000,000 synthetic events");
const vb = await runVerifyBench();
console.log(`classification          ${vb.recordsPerSecond.toFixed(0)} records/s`);
console.log(`state per event         ${vb.bytesPerEvent.toFixed(3)} bytes (ledger + verifier)`);
if (vb.recordsPerSecond < MIN_RECORDS_PER_SECOND) {
  failures.push(`verifier ${vb.recordsPerSecond.toFixed(0)} records/s`);
}
if (vb.bytesPerEvent > MAX_BYTES_PER_EVENT) failures.push(`${vb.bytesPerEvent} bytes/event`);

console.log("\n== streaming verifier against the end-of-run one: 1,000,000 synthetic events");
const sb = runStreamingBench();
// Streaming must stay far below the end-of-run state and flat over the run (issue 15).
if (sb.memoryRatio > 0.1) {
  failures.push(`streaming state ${sb.memoryRatio.toFixed(3)} of end-of-run`);
}
if (Math.max(...sb.flatness) > 1.5) failures.push(`streaming state grew ${sb.flatness.join(" ")}`);

if (failures.length) {
  console.log(`\nBelow target: ${failures.join("; ")}`);
  Deno.exit(1);
}
console.log("\nAll figures within target.");
