/**
 * Benchmark of the streaming checker against the end-of-run verifier, on one
 * synthetic run in memory: 1,000,000 events on 6 partitions and 32 keys, each
 * written as it is sent (a few reordered, duplicated in another partition,
 * lost, failed yet written, and foreign records planted), acknowledged
 * `ACK_LAG` events later and read back `READ_LAG` events later, with a bound
 * statement per partition every `SETTLE_EVERY` events (delivery horizon
 * `HORIZON` events).
 *
 * Both are fed the same answers and the same records in the same read order:
 * the end-of-run side marks its ledger as the answers come and observes every
 * record after the load; the streaming side gets everything interleaved as it
 * happens. Figures, as ratios within this run: events/s (streaming ÷
 * end-of-run, ledger marking included on both sides), and state (the
 * streaming checker's peak estimated bytes ÷ ledger + verifier bytes), plus
 * the streaming state at each quarter of the run to show it is flat (what
 * still grows is the summary, one run per planted anomaly, and the reordered
 * sample candidates, capped at `MAX_REORDER_PAIRS` as in the verifier). The
 * counts of both must be equal, else the bench throws.
 *
 * Run: `deno run -A bench/verify_streaming_bench.ts [--events N]`. Not part of
 * `deno task bench` yet (its task runs `bench/run.ts` only).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Ledger } from "../lib/verify/ledger.ts";
import { Verifier } from "../lib/verify/verifier.ts";
import { StreamingVerifier } from "../lib/verify/streaming.ts";
import { newRunId, stampEvent, valueTemplate } from "../lib/load/payload.ts";
import type { VerificationReport } from "../lib/report/types.ts";

const PARTITIONS = 6;
const KEYS = 32;
const MESSAGE_SIZE = 64;
/** Events between a send and its acknowledgement, and between a write and its read. */
const ACK_LAG = 50;
const READ_LAG = 2_000;
/** Every record is written within this many events of its send (the delivery horizon). */
const HORIZON = 100;
const SETTLE_EVERY = 1_000;
/** One anomaly of each kind every this many events. */
const ANOMALY_EVERY = 10_007;

/** What happens, in time order: producer answers, records read, bound statements. */
const SENT = 0;
const ACKED = 1;
const FAILED = 2;
const READ = 3;
const SETTLE = 4;

/** The synthetic run: one array per field, op i at index i, sorted by time. */
interface Ops {
  kind: Uint8Array;
  /** Sequence number (SENT, ACKED, FAILED), or partition (READ, SETTLE). */
  a: Float64Array;
  /** Partition (ACKED), offset (READ, SETTLE). */
  b: Float64Array;
  /** Offset (ACKED), record index (READ), lowest sequence number still writable (SETTLE). */
  c: Float64Array;
  count: number;
  values: Uint8Array[];
  runId: Uint8Array;
}

/** Build the run; see the module doc. */
function synthesize(events: number): Ops {
  const runId = newRunId();
  const template = valueTemplate(runId, 0, MESSAGE_SIZE);
  const foreign = valueTemplate(newRunId(), 0, MESSAGE_SIZE);
  const raw: { time: number; kind: number; a: number; b: number; c: number }[] = [];
  const writes: { time: number; partition: number; value: Uint8Array; seq: number }[] = [];
  const partitionOf = (seq: number) => (seq % KEYS) % PARTITIONS;
  for (let seq = 0; seq < events; seq++) {
    const anomaly = seq % ANOMALY_EVERY;
    const p = partitionOf(seq);
    raw.push({ time: seq, kind: SENT, a: seq, b: 0, c: 0 });
    if (anomaly === 2) {
      raw.push({ time: seq + ACK_LAG, kind: FAILED, a: seq, b: 0, c: 0 }); // yet written
    } else {
      raw.push({ time: seq + ACK_LAG, kind: ACKED, a: seq, b: p, c: -1 }); // offset set below
    }
    if (anomaly === 1) continue; // lost: acknowledged, never written
    const value = stampEvent(template, seq, 0);
    writes.push({ time: anomaly === 3 ? seq + HORIZON / 2 : seq, partition: p, value, seq });
    if (anomaly === 4) {
      const other = (p + 1) % PARTITIONS;
      writes.push({ time: seq + HORIZON / 2, partition: other, value, seq: -1 });
    }
    if (anomaly === 5) writes.push({ time: seq, partition: p, value: foreign, seq: -1 });
  }
  // Offsets in write order; acknowledgements point at their record.
  writes.sort((x, y) => x.time - y.time);
  const ends = new Array(PARTITIONS).fill(0);
  const ackOffset = new Float64Array(events).fill(1e12); // lost: an offset never written
  const values: Uint8Array[] = [];
  for (const w of writes) {
    const offset = ends[w.partition]++;
    if (w.seq >= 0) ackOffset[w.seq] = offset;
    raw.push({ time: w.time + READ_LAG, kind: READ, a: w.partition, b: offset, c: values.length });
    values.push(w.value);
  }
  for (const op of raw) if (op.kind === ACKED) op.c = ackOffset[op.a];
  // Bound statements: the log's end at each moment, and the horizon behind it.
  let w = 0;
  const logEnds = new Array(PARTITIONS).fill(0);
  for (let time = SETTLE_EVERY; time < events + READ_LAG + HORIZON; time += SETTLE_EVERY) {
    while (w < writes.length && writes[w].time <= time) logEnds[writes[w++].partition]++;
    const below = Math.max(0, time - HORIZON);
    for (let p = 0; p < PARTITIONS; p++) {
      raw.push({ time: time + 0.5, kind: SETTLE, a: p, b: logEnds[p], c: below });
    }
  }
  raw.sort((x, y) => x.time - y.time || x.kind - y.kind);
  const ops: Ops = {
    kind: new Uint8Array(raw.length),
    a: new Float64Array(raw.length),
    b: new Float64Array(raw.length),
    c: new Float64Array(raw.length),
    count: raw.length,
    values,
    runId,
  };
  raw.forEach((op, i) => {
    ops.kind[i] = op.kind;
    ops.a[i] = op.a;
    ops.b[i] = op.b;
    ops.c[i] = op.c;
  });
  return ops;
}

/** The end-of-run path: the ledger as answers come, then every record, then finish. */
function endOfRun(ops: Ops, events: number) {
  const start = performance.now();
  const ledger = new Ledger(events);
  for (let i = 0; i < ops.count; i++) {
    const kind = ops.kind[i];
    if (kind === SENT) ledger.markSent(ops.a[i]);
    else if (kind === ACKED) ledger.markAcked(ops.a[i], ops.b[i], ops.c[i]);
    else if (kind === FAILED) ledger.markFailed(ops.a[i], "Request timed out");
  }
  const verifier = new Verifier(ledger, {
    runId: ops.runId,
    variant: 0,
    keys: { kind: "fixed", count: KEYS },
    partitions: PARTITIONS,
  });
  for (let i = 0; i < ops.count; i++) {
    if (ops.kind[i] === READ) {
      verifier.observe(ops.a[i], String(ops.b[i]), null, ops.values[ops.c[i]]);
    }
  }
  const report = verifier.finish();
  return { ms: performance.now() - start, bytes: verifier.bytesPerEvent * events, report };
}

/** The streaming path: everything as it happens, then finish. */
function streaming(ops: Ops, events: number) {
  const start = performance.now();
  const checker = new StreamingVerifier({
    runId: ops.runId,
    variant: 0,
    keys: { kind: "fixed", count: KEYS },
    partitions: PARTITIONS,
    events,
  });
  let peak = 0;
  const quarters: number[] = [];
  const quarter = Math.floor(ops.count / 4);
  for (let i = 0; i < ops.count; i++) {
    switch (ops.kind[i]) {
      case SENT:
        checker.sent(ops.a[i]);
        break;
      case ACKED:
        checker.acked(ops.a[i], ops.b[i], ops.c[i]);
        break;
      case FAILED:
        checker.failed(ops.a[i], "Request timed out");
        break;
      case READ:
        checker.record(ops.a[i], String(ops.b[i]), null, ops.values[ops.c[i]]);
        break;
      case SETTLE: {
        checker.settle(ops.a[i], ops.b[i], ops.c[i]);
        if (ops.a[i] === PARTITIONS - 1) peak = Math.max(peak, checker.stats().estimatedBytes);
        break;
      }
    }
    if (i % quarter === quarter - 1) quarters.push(checker.stats().estimatedBytes);
  }
  const stats = checker.stats();
  const report = checker.finish();
  return { ms: performance.now() - start, peak, quarters, stats, report };
}

function sameCounts(a: VerificationReport, b: VerificationReport): boolean {
  return JSON.stringify([a.counts, a.misplaced, a.recordsRead]) ===
    JSON.stringify([b.counts, b.misplaced, b.recordsRead]);
}

/** Result of {@link runStreamingBench}: ratios within one run. */
export interface StreamingBenchResult {
  /** Streaming events/s ÷ end-of-run events/s. */
  throughputRatio: number;
  /** Streaming peak state ÷ end-of-run state (ledger + verifier). */
  memoryRatio: number;
  /** Streaming state at the end of each quarter ÷ at the end of the first. */
  flatness: number[];
}

/** Run both paths on the same synthetic run; see the module doc. */
export function runStreamingBench(events = 1_000_000): StreamingBenchResult {
  // A small run first, so both paths are compiled before they are timed.
  const warm = synthesize(50_000);
  endOfRun(warm, 50_000);
  streaming(warm, 50_000);

  const ops = synthesize(events);
  const end = endOfRun(ops, events);
  const live = streaming(ops, events);
  if (!sameCounts(end.report, live.report)) {
    throw new Error(
      `counts differ: end-of-run ${JSON.stringify(end.report.counts)}, streaming ${
        JSON.stringify(live.report.counts)
      }`,
    );
  }
  const perSecond = (ms: number) => events / (ms / 1000);
  const result: StreamingBenchResult = {
    throughputRatio: perSecond(live.ms) / perSecond(end.ms),
    memoryRatio: live.peak / end.bytes,
    flatness: live.quarters.map((b) => b / live.quarters[0]),
  };
  console.log(`events:                 ${events} (${ops.values.length} records)`);
  console.log(
    `end-of-run:             ${perSecond(end.ms).toFixed(0)} events/s, ${end.bytes} bytes`,
  );
  console.log(
    `streaming:              ${perSecond(live.ms).toFixed(0)} events/s, peak ${live.peak} bytes ` +
      `(${live.stats.unresolved} unresolved, ${live.stats.summaryRuns} summary runs at the end)`,
  );
  console.log(
    `throughput ratio:       ${result.throughputRatio.toFixed(2)} (streaming ÷ end-of-run)`,
  );
  console.log(
    `memory ratio:           ${result.memoryRatio.toFixed(4)} (streaming peak ÷ end-of-run)`,
  );
  console.log(`state by quarter:       ${result.flatness.map((r) => r.toFixed(2)).join(" ")}`);
  console.log(`counts (equal):         ${JSON.stringify(live.report.counts)}`);
  return result;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { events: { type: "string", default: "1000000" } },
  });
  runStreamingBench(Number(values.events));
}
