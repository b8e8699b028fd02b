/**
 * `deno task bench --max`: the highest rate sismo sustains, per client, on one
 * local broker, next to Kafka's own ProducerPerformance on the same stack.
 *
 * 1. One broker is started on its own port block (`--base-port`, default 32000,
 *    so that a stack on 29000/30000/31000 is neither reused nor disturbed) and
 *    stopped at the end, whatever happens.
 * 2. ProducerPerformance (kafka-tools, provisioned like the broker jars by
 *    `lib/stack/perf_tool.ts`) sends `--pp-records` records of 512 B as fast as
 *    it can (`--throughput -1`) through the same proxy the drivers use.
 * 3. For each client of the registry: trials at constant rates, each on a fresh
 *    topic (3 partitions, RF 1) with a fresh producer, `--warmup` s of warm-up
 *    then `--seconds` s measured. The rate starts at `--start`, doubles while
 *    trials hold, then is bisected a few steps (within `--budget` s per client).
 *    A trial holds when
 *    - the acknowledgements received during the measured window are at least
 *      99 % of rate × seconds,
 *    - the dispatch lag (hand-off to the client − intended send time) has p99
 *      under 2 ms (`--lag-p99-ms` to change it: on a machine whose cores are
 *      busy with something else, the event loop's lag alone exceeds 2 ms),
 *    - nothing was left unsent (max.outstanding 200000), nothing failed, and
 *      every event was acknowledged by the end of the drain.
 *    The generator sleeps precisely between events at every rate here (ordinary
 *    runs do below 10,000/s on timers, which wake a few ms late): the lag then
 *    says when the generator or its event loop is saturated, not a timer's lag.
 *    The load is driven by `runLoad` directly: no consume-back verification
 *    (the figure is the producer's rate, and reading millions of records back
 *    would cost more than the trial).
 *
 * Producer settings, identical for ProducerPerformance and every client:
 * acks=all, enable.idempotence=true (Kafka's default with acks=all; `--idempotence
 * false` to change), linger.ms=5, batch.size=65536, no compression. Keyless
 * records.
 *
 * The two figures are not measured the same way: ProducerPerformance reports
 * the throughput of a closed loop as fast as it can go (its `send` blocks when
 * its buffer is full), while sismo's figure is the highest *open-loop* rate
 * that met every criterion above, to the precision of the search.
 *
 * `--workers 1,2,4` adds the same search for librdkafka split over that many
 * local worker processes (`scenario --workers N`: a job, one start, merged
 * shares; the criteria apply to the merged figures), each count's highest
 * aggregate rate next to one worker's, as ratios within the run.
 *
 * CPU: utime + stime of this process (every thread, librdkafka's included) over
 * each trial's load window, from /proc/self/stat. A client in a child process
 * (the java driver's JVM) is not in it.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { parseScenario } from "../lib/scenario/load.ts";
import { stackDown, type StackState, stackUp } from "../lib/stack/local.ts";
import { withAdmin } from "../lib/stack/admin.ts";
import { partitionOffsets } from "../lib/verify/consume.ts";
import { ensureKafkaTools, runProducerPerformance } from "../lib/stack/perf_tool.ts";
import { CLIENTS } from "../lib/clients/registry.ts";
import type { ClientName } from "../lib/clients/names.ts";
import { DeliveryRouter, runLoad } from "../lib/load/generator.ts";
import { createSchedule } from "../lib/load/schedule.ts";
import { Ledger } from "../lib/verify/ledger.ts";
import { LatencyRecorder } from "../lib/metrics/latency.ts";
import { TimelineRecorder } from "../lib/metrics/timeline.ts";
import { newRunId, runIdHex } from "../lib/load/payload.ts";
import { localWorkers } from "../lib/segments/local_workers.ts";
import { mergeShares } from "../lib/segments/merge.ts";
import { JOB_FORMAT } from "../lib/segments/job.ts";
import { PLAINTEXT } from "../lib/connection/settings.ts";

const RECORD_SIZE = 512;
const PARTITIONS = 3;
const MAX_OUTSTANDING = 200_000;
const DRAIN_MS = 10_000;
/** Criteria of a sustained rate. */
const MIN_ACKED_RATIO = 0.99;
/** Default dispatch-lag p99 bound, ms (`--lag-p99-ms`). */
const MAX_LAG_P99_MS = 2;
/** The issue's target: librdkafka at least this fraction of ProducerPerformance. */
const TARGET_RATIO = 0.8;
/** Rates above this are not tried (the ledger holds rate × seconds events). */
const RATE_CAP = 640_000;
/** When the starting rate fails: halve it at most this many times before bisecting. */
const MAX_HALVINGS = 3;
/** Bisection stops when the bracket is this narrow, relative to the rate held. */
const PRECISION = 0.05;

/** One trial at one rate. */
export interface Trial {
  rate: number;
  holds: boolean;
  /** Acks received during the measured window / (rate × seconds). */
  ackedRatio: number;
  lagP99Ms: number;
  lagMaxMs: number;
  ackP50Ms: number;
  ackP99Ms: number;
  intended: number;
  acked: number;
  failed: number;
  notSent: number;
  outstandingAtEnd: number;
  /** CPU time of this process over the load window / its wall time (1 = one core). */
  cores: number;
  cpuSeconds: number;
  why: string[];
  error?: string;
}

/** One client's search. */
export interface ClientResult {
  /** A client of the registry, or `librdkafka × N workers`. */
  client: string;
  version: string;
  /** Highest rate that held; 0 when none did. */
  best: number;
  bestTrial: Trial | null;
  /** Lowest rate that failed, if any. */
  failedAt: number | null;
  trials: Trial[];
  skipped?: string;
  seconds: number;
}

interface Settings {
  seconds: number;
  warmup: number;
  start: number;
  budgetS: number;
  bisections: number;
  idempotence: boolean;
  ppRecords: number;
  /** Dispatch-lag p99 bound of a trial that holds, ms. */
  lagP99Ms: number;
}

const CLK_TCK = 100;

/** CPU seconds (user + system, every thread) of this process so far. */
function cpuSeconds(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime
}

function producerProps(s: Settings): Record<string, string> {
  return {
    acks: "all",
    "enable.idempotence": String(s.idempotence),
    "linger.ms": "5",
    "batch.size": "65536",
    "compression.type": "none",
  };
}

function planFor(s: Settings, client: ClientName, rate: number) {
  return parseScenario(
    `
name: bench-max
description: Highest sustained rate of one client.
cluster: {brokers: 1}
topic: {partitions: ${PARTITIONS}, replication.factor: 1}
load:
  rate: ${rate}
  warmup: ${s.warmup}s
  duration: ${s.seconds}s
  message.size: ${RECORD_SIZE}
  keys: none
  send: {mode: pipelined, max.outstanding: ${MAX_OUTSTANDING}}
drain: ${DRAIN_MS / 1000}s
variants:
  - name: max
    producer:
      acks: all
      enable.idempotence: ${s.idempotence}
      linger.ms: 5
      batch.size: 65536
      compression.type: none
`,
    "bench-max",
    { client },
  );
}

async function createTopic(state: StackState, topic: string): Promise<void> {
  await withAdmin(state.directBootstrap, (admin) =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
    }));
  const until = Date.now() + 30_000;
  for (;;) {
    const offsets = await partitionOffsets(state.directBootstrap, topic).catch(() => null);
    if (offsets?.length === PARTITIONS) return;
    if (Date.now() > until) throw new Error(`topic ${topic} not readable 30 s after its creation`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function deleteTopic(state: StackState, topic: string): Promise<void> {
  await withAdmin(
    state.directBootstrap,
    (admin) => admin.deleteTopics({ topics: [topic], timeout: 10000 }),
  ).catch(() => {});
}

let topicCount = 0;
function freshTopic(runHex: string, what: string): string {
  return `sismo.max.${what}.${runHex}.${++topicCount}`;
}

/** One trial of `client` at `rate`. */
async function trial(
  state: StackState,
  s: Settings,
  client: ClientName,
  rate: number,
  runId: Uint8Array,
  signal: AbortSignal,
): Promise<Trial> {
  const plan = planFor(s, client, rate);
  const variant = plan.variants[0];
  const topic = freshTopic(runIdHex(runId).slice(0, 8), client);
  await createTopic(state, topic);
  const totalMs = plan.load.warmupMs + plan.load.durationMs;
  const schedule = createSchedule(plan.load.rate, totalMs);
  const ledger = new Ledger(Math.max(1, schedule.total));
  const fromIntended = new LatencyRecorder();
  const fromSend = new LatencyRecorder();
  const dispatchLag = new LatencyRecorder();
  const deliveries = new DeliveryRouter();
  const clientErrors = new Map<string, number>();
  try {
    const driver = await CLIENTS[client].create({
      bootstrap: state.bootstrap,
      topic,
      partitions: PARTITIONS,
      producer: variant.producer,
      properties: variant.properties,
      clientId: `sismo-max-${client}`,
      onDelivery: deliveries.onDelivery,
      onClientLog: (level, message) => {
        if (level === "error") clientErrors.set(message, (clientErrors.get(message) ?? 0) + 1);
      },
    });
    const startEpochMs = Date.now() + 100;
    const timeline = new TimelineRecorder(startEpochMs);
    let cpu0 = 0, wall0 = 0, cpu1 = 0, wall1 = 0;
    let result;
    try {
      // The window starts when the load does (runLoad waits for startEpochMs).
      const startTimer = setTimeout(() => {
        cpu0 = cpuSeconds();
        wall0 = performance.now();
      }, Math.max(0, startEpochMs - Date.now()));
      result = await runLoad({
        load: plan.load,
        send: variant.send,
        driver,
        deliveries,
        runId,
        variantIndex: 0,
        recorders: { ledger, fromIntended, fromSend, dispatchLag, timeline },
        startEpochMs,
        signal,
        drainMs: plan.drainMs,
        // Precise sleeping at every rate: below 10,000/s ordinary runs sleep on timers, whose
        // own lag (a few ms) would fail the dispatch-lag criterion of the slower clients.
        preciseAbovePerSecond: 0,
        onLoadEnd: () => {
          cpu1 = cpuSeconds();
          wall1 = performance.now();
          return Promise.resolve();
        },
      });
      clearTimeout(startTimer);
    } finally {
      await driver.close();
    }
    if (wall0 === 0) { // the timer fired late or not at all: approximate from the start
      wall0 = wall1;
      cpu0 = cpu1;
    }
    return judge(s, rate, {
      windowAcked: result.window.acked,
      lag: dispatchLag.summary(),
      ack: fromIntended.summary(),
      counts: ledger.counts(),
      intended: schedule.total,
      topError: ledger.errors()[0]?.message ?? [...clientErrors.keys()][0] ?? "",
      aborted: result.aborted,
      outstandingAtEnd: result.outstandingAtEnd,
      cpu: cpu1 - cpu0,
      wall: (wall1 - wall0) / 1000,
    });
  } finally {
    await deleteTopic(state, topic);
  }
}

/**
 * One trial of librdkafka split over `workers` local worker processes at `rate` in all: the
 * coordinator's path of `--workers N` (job, one start, merged shares), without verification.
 * CPU is not measured (the workers are child processes).
 */
async function workersTrial(
  state: StackState,
  s: Settings,
  workers: number,
  rate: number,
  runId: Uint8Array,
  signal: AbortSignal,
): Promise<Trial> {
  const plan = planFor(s, "librdkafka", rate);
  const topic = freshTopic(runIdHex(runId).slice(0, 8), `workers-${workers}`);
  await createTopic(state, topic);
  try {
    const outcome = await localWorkers(workers).run({
      format: JOB_FORMAT,
      plan,
      variantIndex: 0,
      topic,
      runId: runIdHex(runId),
      bootstrap: state.bootstrap,
      connection: PLAINTEXT,
      preciseAbovePerSecond: 0,
    }, {
      start: () => Promise.resolve(Date.now() + 100),
      signal,
      log: () => {},
    });
    if (outcome.problems.length) throw new Error(outcome.problems.join("; "));
    const { merged, problems } = mergeShares(outcome.parts);
    if (problems.length) throw new Error(problems.join("; "));
    const counts = merged.ledger.counts();
    const intended = createSchedule(plan.load.rate, plan.load.warmupMs + plan.load.durationMs)
      .total;
    return judge(s, rate, {
      windowAcked: merged.result.window.acked,
      lag: merged.dispatchLag.summary(),
      ack: merged.fromIntended.summary(),
      counts,
      intended,
      topError: merged.errors[0]?.message ?? "",
      aborted: merged.result.aborted,
      outstandingAtEnd: merged.result.outstandingAtEnd,
      cpu: 0,
      wall: 0,
    });
  } finally {
    await deleteTopic(state, topic);
  }
}

/** Whether a trial at `rate` holds, from what it recorded; see the module doc. */
function judge(s: Settings, rate: number, r: {
  windowAcked: number;
  lag: { p99: number; max: number };
  ack: { p50: number; p99: number };
  counts: ReturnType<Ledger["counts"]>;
  intended: number;
  topError: string;
  aborted: boolean;
  outstandingAtEnd: number;
  cpu: number;
  wall: number;
}): Trial {
  const { counts, lag, ack } = r;
  const ackedRatio = r.windowAcked / (rate * s.seconds);
  const why: string[] = [];
  if (ackedRatio < MIN_ACKED_RATIO) {
    why.push(`acked in window ${(ackedRatio * 100).toFixed(1)} %`);
  }
  if (!(lag.p99 < s.lagP99Ms)) why.push(`lag p99 ${lag.p99.toFixed(2)} ms`);
  if (counts.notSent > 0) why.push(`${counts.notSent} not sent`);
  if (counts.failed > 0) {
    why.push(`${counts.failed} failed${r.topError ? ` (${r.topError.slice(0, 80)})` : ""}`);
  }
  if (counts.acked + counts.failed + counts.notSent < r.intended) {
    why.push(`${r.intended - counts.acked - counts.failed - counts.notSent} unanswered`);
  }
  if (r.aborted) why.push("interrupted");
  return {
    rate,
    holds: why.length === 0,
    ackedRatio,
    lagP99Ms: lag.p99,
    lagMaxMs: lag.max,
    ackP50Ms: ack.p50,
    ackP99Ms: ack.p99,
    intended: r.intended,
    acked: counts.acked,
    failed: counts.failed,
    notSent: counts.notSent,
    outstandingAtEnd: r.outstandingAtEnd,
    cores: r.wall > 0 ? r.cpu / r.wall : 0,
    cpuSeconds: r.cpu,
    why,
  };
}

const roundRate = (r: number) =>
  r >= 10_000 ? Math.round(r / 1000) * 1000 : Math.max(100, Math.round(r / 100) * 100);

/** The search of one client's highest sustained rate. */
async function searchClient(
  state: StackState,
  s: Settings,
  client: ClientName,
  runId: Uint8Array,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<ClientResult> {
  const t0 = performance.now();
  const elapsedS = () => (performance.now() - t0) / 1000;
  const out: ClientResult = {
    client,
    version: "",
    best: 0,
    bestTrial: null,
    failedAt: null,
    trials: [],
    seconds: 0,
  };
  try {
    const { version } = await CLIENTS[client].prepare(log);
    out.version = version;
    const plan = planFor(s, client, s.start);
    const problems = CLIENTS[client].check(plan.variants[0].producer, plan.variants[0].properties);
    if (problems.length) throw new Error(problems.map((p) => p.message).join("; "));
  } catch (e) {
    out.skipped = `prepare failed: ${(e as Error).message.split("\n")[0]}`;
    return out;
  }
  await searchRate(
    out,
    s,
    (rate) => trial(state, s, client, rate, runId, signal),
    signal,
    log,
    t0,
  );
  out.seconds = elapsedS();
  return out;
}

/**
 * The search of the highest rate at which `trialAt` holds, into `out` (named `out.client`):
 * a warm-up trial, doubling while trials hold, then bisection.
 */
async function searchRate(
  out: ClientResult,
  s: Settings,
  trialAt: (rate: number) => Promise<Trial>,
  signal: AbortSignal,
  log: (line: string) => void,
  /** When the search began (`performance.now()`): the time budget counts from there. */
  t0 = performance.now(),
): Promise<void> {
  const elapsedS = () => (performance.now() - t0) / 1000;
  const client = out.client;
  // A trial costs its load, the drain of what is left, and a topic and producer to set up.
  const trialS = s.warmup + s.seconds + 4;
  // One trial first that does not count: the first producer of a process pays for JIT
  // compilation and the client's start-up, which is not its sustained rate (a first trial
  // failing on that alone once capped the whole search).
  try {
    const warm = await trialAt(roundRate(s.start / 2));
    log(`${trialLine(client, warm)}  (warm-up, not counted)`);
  } catch (e) {
    log(`  [${client}] warm-up trial failed: ${(e as Error).message.split("\n")[0]}`);
  }
  let lo = 0; // highest rate held
  let hi = Infinity; // lowest rate failed
  let rate = roundRate(s.start);
  let halvings = 0;
  let bisections = 0;
  while (!signal.aborted) {
    if (out.trials.length > 0 && elapsedS() + trialS > s.budgetS) {
      log(`  [${client}] time budget (${s.budgetS} s) reached`);
      break;
    }
    let t: Trial;
    try {
      t = await trialAt(rate);
    } catch (e) {
      const message = (e as Error).message.split("\n")[0];
      if (out.trials.length === 0) {
        out.skipped = `could not run: ${message}`;
        break;
      }
      t = {
        rate,
        holds: false,
        ackedRatio: 0,
        lagP99Ms: NaN,
        lagMaxMs: NaN,
        ackP50Ms: NaN,
        ackP99Ms: NaN,
        intended: 0,
        acked: 0,
        failed: 0,
        notSent: 0,
        outstandingAtEnd: 0,
        cores: 0,
        cpuSeconds: 0,
        why: [`error: ${message}`],
        error: message,
      };
    }
    out.trials.push(t);
    log(trialLine(client, t));
    if (t.holds) {
      lo = rate;
      if (lo > out.best) {
        out.best = lo;
        out.bestTrial = t;
      }
    } else hi = Math.min(hi, rate);
    out.failedAt = hi === Infinity ? null : hi;
    let next: number;
    if (hi === Infinity) {
      next = rate * 2;
      if (next > RATE_CAP) break;
    } else if (lo === 0) {
      if (halvings++ >= MAX_HALVINGS) break;
      next = roundRate(hi / 2);
      if (next < 1000) break;
    } else {
      if ((hi - lo) / lo <= PRECISION || bisections++ >= s.bisections) break;
      next = roundRate((lo + hi) / 2);
    }
    if (next === lo || next === hi) break;
    rate = next;
  }
}

function fmtRate(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function trialLine(client: string, t: Trial): string {
  const verdict = t.holds ? "holds" : `fails: ${t.why.join(", ")}`;
  if (t.error) return `  [${client}] ${fmtRate(t.rate)}/s  ${verdict}`;
  return `  [${client}] ${fmtRate(t.rate).padStart(7)}/s  acked in window ${
    (t.ackedRatio * 100).toFixed(1).padStart(5)
  } %  lag p99 ${t.lagP99Ms.toFixed(2).padStart(6)} ms  ack p50/p99 ${t.ackP50Ms.toFixed(1)}/${
    t.ackP99Ms.toFixed(1)
  } ms  CPU ${t.cores.toFixed(2)} core  ${verdict}`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
    .map((r) => r.join("  ")).join("\n");
}

function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}

/** Run the benchmark; resolves to the exit code. */
export async function runMaxBench(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      clients: { type: "string" },
      seconds: { type: "string", default: "8" },
      warmup: { type: "string", default: "2" },
      start: { type: "string", default: "10000" },
      budget: { type: "string", default: "240" },
      bisections: { type: "string", default: "3" },
      idempotence: { type: "string", default: "true" },
      "pp-records": { type: "string", default: "600000" },
      "base-port": { type: "string", default: "32000" },
      "lag-p99-ms": { type: "string", default: String(MAX_LAG_P99_MS) },
      workers: { type: "string" },
    },
  });
  const workerCounts = values.workers?.split(",").map(Number) ?? [];
  if (workerCounts.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) {
    console.error(`--workers takes counts from 1 to 16, e.g. 1,2,4 (got ${values.workers})`);
    return 2;
  }
  const s: Settings = {
    seconds: Number(values.seconds),
    warmup: Number(values.warmup),
    start: Number(values.start),
    budgetS: Number(values.budget),
    bisections: Number(values.bisections),
    idempotence: values.idempotence !== "false",
    ppRecords: Number(values["pp-records"]),
    lagP99Ms: Number(values["lag-p99-ms"]),
  };
  const basePort = Number(values["base-port"]);
  const clients = (values.clients?.split(",") ?? Object.keys(CLIENTS)) as ClientName[];
  for (const c of clients) {
    if (!(c in CLIENTS)) {
      console.error(`unknown client ${c}; known: ${Object.keys(CLIENTS).join(", ")}`);
      return 2;
    }
  }
  const log = (line: string) => console.log(line);
  const props = producerProps(s);
  console.log(
    `== highest sustained rate: 1 broker (base port ${basePort}), ${RECORD_SIZE} B records, ` +
      `${PARTITIONS} partitions RF 1, keyless`,
  );
  console.log(
    `   producer: ${Object.entries(props).map(([k, v]) => `${k}=${v}`).join(" ")}`,
  );
  console.log(
    `   trials: ${s.warmup}s warm-up + ${s.seconds}s measured, from ${
      fmtRate(s.start)
    }/s doubling, then ${s.bisections} bisection steps, ${s.budgetS}s per client; ` +
      `holds = acked in window >= ${
        MIN_ACKED_RATIO * 100
      } %, dispatch lag p99 < ${s.lagP99Ms} ms, ` +
      `0 not sent (max.outstanding ${MAX_OUTSTANDING}), 0 failed`,
  );
  console.log(
    `   load average at start: ${loadAverage()} (${navigator.hardwareConcurrency} cores)`,
  );

  const tools = await ensureKafkaTools((l) => console.error(l));
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  Deno.addSignalListener("SIGINT", onSigint);
  const runId = newRunId();
  const runHex = runIdHex(runId).slice(0, 8);
  const results: ClientResult[] = [];
  let pp: Awaited<ReturnType<typeof runProducerPerformance>> | null = null;
  let ppError: string | null = null;
  let state: StackState | null = null;
  try {
    state = await stackUp({ brokers: 1, basePort, progress: (l) => console.error(l) });

    console.log(
      `\n== ProducerPerformance (kafka-tools ${tools.version}): ${
        fmtRate(s.ppRecords)
      } records, --throughput -1, -Xmx512m`,
    );
    const ppTopic = freshTopic(runHex, "producer-performance");
    try {
      await createTopic(state, ppTopic);
      pp = await runProducerPerformance({
        classpath: tools.classpath,
        bootstrap: state.bootstrap,
        topic: ppTopic,
        records: s.ppRecords,
        recordSize: RECORD_SIZE,
        throughput: -1,
        props,
        signal: controller.signal,
      });
      console.log(`  ${pp.line}`);
    } catch (e) {
      ppError = (e as Error).message;
      console.log(`  failed: ${ppError}`);
    } finally {
      await deleteTopic(state, ppTopic);
    }

    for (const client of clients) {
      if (controller.signal.aborted) break;
      console.log(`\n== ${client}`);
      const r = await searchClient(state, s, client, runId, controller.signal, log);
      if (r.skipped) console.log(`  skipped: ${r.skipped}`);
      results.push(r);
    }
    for (const n of workerCounts) {
      if (controller.signal.aborted) break;
      const name = `librdkafka × ${n} worker${n > 1 ? "s" : ""}`;
      console.log(`\n== ${name} (local worker processes, aggregate rate)`);
      const out: ClientResult = {
        client: name,
        version: (await CLIENTS.librdkafka.prepare(log)).version,
        best: 0,
        bestTrial: null,
        failedAt: null,
        trials: [],
        seconds: 0,
      };
      const t0 = performance.now();
      const st = state;
      await searchRate(
        out,
        s,
        (rate) => workersTrial(st, s, n, rate, runId, controller.signal),
        controller.signal,
        log,
      );
      out.seconds = (performance.now() - t0) / 1000;
      results.push(out);
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
    console.error(`Stopping the stack on base port ${basePort}…`);
    await stackDown({ basePort }).catch((e) => console.error(`stack down: ${e.message}`));
  }
  if (controller.signal.aborted) return 130;

  const ppRate = pp?.recordsPerSecond ?? null;
  console.log(`\n== summary (load average now: ${loadAverage()})`);
  const rows = [[
    "client",
    "highest sustained",
    "first failing",
    "ratio to PP",
    "CPU at best",
    "lag p99",
    "ack p99",
    "trials",
  ]];
  rows.push([
    "ProducerPerformance",
    ppRate ? `${fmtRate(ppRate)}/s` : "failed",
    "-",
    ppRate ? "1.00" : "-",
    "-",
    "-",
    pp?.p99Ms != null ? `${pp.p99Ms} ms` : "-",
    "1",
  ]);
  for (const r of results) {
    if (r.skipped) {
      rows.push([r.client, "skipped", "-", "-", "-", "-", "-", String(r.trials.length)]);
      continue;
    }
    const b = r.bestTrial;
    rows.push([
      `${r.client} ${r.version}`,
      r.best ? `${fmtRate(r.best)}/s` : "none held",
      r.failedAt ? `${fmtRate(r.failedAt)}/s` : "-",
      ppRate && r.best ? (r.best / ppRate).toFixed(2) : "-",
      b ? `${b.cores.toFixed(2)} core` : "-",
      b ? `${b.lagP99Ms.toFixed(2)} ms` : "-",
      b ? `${b.ackP99Ms.toFixed(1)} ms` : "-",
      `${r.trials.length} (${Math.round(r.seconds)} s)`,
    ]);
  }
  console.log(table(rows));
  console.log(
    "CPU = CPU time of the sismo process (all threads) / wall time over the load window " +
      "(the java driver's JVM and the workers are child processes, not counted).",
  );
  const one = results.find((r) => r.client === "librdkafka × 1 worker");
  if (one?.best) {
    const split = results.filter((r) => r.client.includes("×"));
    console.log(
      `Split over workers, aggregate against one worker: ${
        split.map((r) => `${r.client.split("× ")[1]} ${(r.best / one.best).toFixed(2)}`).join(", ")
      }`,
    );
  }

  const lib = results.find((r) => r.client === "librdkafka");
  if (!ppRate || !lib || lib.skipped) {
    console.log(`\nNo ratio for librdkafka: ${ppError ?? lib?.skipped ?? "not run"}`);
    return 1;
  }
  const ratio = lib.best / ppRate;
  if (ratio < TARGET_RATIO) {
    console.log(
      `\nBelow target: librdkafka ${
        ratio.toFixed(2)
      } of ProducerPerformance (want >= ${TARGET_RATIO})`,
    );
    return 1;
  }
  console.log(
    `\nlibrdkafka at ${ratio.toFixed(2)} of ProducerPerformance (target >= ${TARGET_RATIO}).`,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await runMaxBench(Deno.args));
