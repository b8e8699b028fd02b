/**
 * Benchmark of the verifier: a synthetic ledger of 1,000,000 events and their
 * records (with a few anomalies planted), then `observe` for every record and
 * `finish`. Reports records/s and the per-event state of ledger and verifier.
 *
 * Run: `deno run -A bench/verify_bench.ts`. Exits non-zero when observe runs
 * below 200,000 records/s or per-event state exceeds 16 bytes.
 *
 * @module
 */
import { Ledger } from "../lib/verify/ledger.ts";
import { Verifier } from "../lib/verify/verifier.ts";
import { newRunId, stampEvent, valueTemplate } from "../lib/load/payload.ts";
import type { VerificationCounts } from "../lib/report/types.ts";

/** Events in the synthetic ledger. */
const EVENTS = 1_000_000;
const PARTITIONS = 6;
const KEYS = 32;
const MESSAGE_SIZE = 64;
/** One anomaly of each kind every this many events. */
const ANOMALY_EVERY = 10_007;

/** Minimum acceptable `observe` throughput. */
export const MIN_RECORDS_PER_SECOND = 200_000;
/** Maximum acceptable per-event state, ledger and verifier together. */
export const MAX_BYTES_PER_EVENT = 16;

/** Result of {@link runVerifyBench}. */
export interface VerifyBenchResult {
  recordsPerSecond: number;
  bytesPerEvent: number;
}

interface Synthetic {
  ledger: Ledger;
  runId: Uint8Array;
  partitions: number[];
  offsets: string[];
  values: Uint8Array[];
}

/** Build the ledger and the records read back, in one interleaved read order. */
function synthesize(): Synthetic {
  const runId = newRunId();
  const template = valueTemplate(runId, 0, MESSAGE_SIZE);
  const ledger = new Ledger(EVENTS);
  const nextOffset = new Array(PARTITIONS).fill(0);
  const partitions: number[] = [];
  const offsets: string[] = [];
  const values: Uint8Array[] = [];
  // Values live in one buffer; records are views into it, as a consumer's would be.
  const buffer = new Uint8Array((EVENTS + EVENTS / 100) * MESSAGE_SIZE);
  let used = 0;
  const push = (partition: number, bytes: Uint8Array) => {
    const view = buffer.subarray(used, used + bytes.length);
    view.set(bytes);
    used += bytes.length;
    partitions.push(partition);
    offsets.push(String(nextOffset[partition]++));
    values.push(view);
  };
  let held = -1; // an event held back to be written after its successor: reordered
  for (let seq = 0; seq < EVENTS; seq++) {
    const partition = (seq % KEYS) % PARTITIONS;
    const anomaly = seq % ANOMALY_EVERY;
    ledger.markSent(seq);
    if (anomaly === 1) {
      ledger.markAcked(seq, partition, -1); // lost: never written
      continue;
    }
    if (anomaly === 2) ledger.markFailed(seq, "Request timed out"); // phantom below
    else ledger.markAcked(seq, partition, nextOffset[partition]);
    if (anomaly === 3) {
      held = seq;
      continue;
    }
    push(partition, stampEvent(template, seq, 0));
    if (anomaly === 4) push(partition, stampEvent(template, seq, 0)); // duplicated
    if (anomaly === 5) push(partition, new Uint8Array(MESSAGE_SIZE)); // foreign
    if (held >= 0 && seq === held + KEYS) {
      push((held % KEYS) % PARTITIONS, stampEvent(template, held, 0));
      held = -1;
    }
  }
  return { ledger, runId, partitions, offsets, values };
}

/** Time `observe` over every record and `finish`; see the module doc. */
export function runVerifyBench(): Promise<VerifyBenchResult> {
  const { ledger, runId, partitions, offsets, values } = synthesize();
  const verifier = new Verifier(ledger, {
    runId,
    variant: 0,
    keys: { kind: "fixed", count: KEYS },
    partitions: PARTITIONS,
  });
  const records = values.length;
  const start = performance.now();
  for (let i = 0; i < records; i++) verifier.observe(partitions[i], offsets[i], null, values[i]);
  const observed = performance.now();
  const report = verifier.finish();
  const finished = performance.now();

  const anomalies = Math.ceil((EVENTS - 1) / ANOMALY_EVERY);
  const expected: Partial<VerificationCounts> = {
    lost: anomalies,
    phantom: anomalies,
    reordered: anomalies,
    duplicated: anomalies,
    foreign: anomalies,
  };
  for (const [name, count] of Object.entries(expected)) {
    const actual = report.counts[name as keyof VerificationCounts];
    if (actual !== count) throw new Error(`bench data wrong: ${name} ${actual} != ${count}`);
  }

  const recordsPerSecond = records / ((observed - start) / 1000);
  console.log(`records observed:  ${records}`);
  console.log(`observe:           ${(observed - start).toFixed(0)} ms`);
  console.log(`finish:            ${(finished - observed).toFixed(0)} ms`);
  console.log(`records/s:         ${Math.round(recordsPerSecond)}`);
  console.log(`ledger bytes/event: ${ledger.bytesPerEvent.toFixed(3)}`);
  console.log(`total bytes/event:  ${verifier.bytesPerEvent.toFixed(3)} (ledger + verifier)`);
  console.log(`counts:            ${JSON.stringify(report.counts)}`);
  return Promise.resolve({ recordsPerSecond, bytesPerEvent: verifier.bytesPerEvent });
}

if (import.meta.main) {
  const { recordsPerSecond, bytesPerEvent } = await runVerifyBench();
  let failed = false;
  if (recordsPerSecond < MIN_RECORDS_PER_SECOND) {
    console.error(`FAIL: ${Math.round(recordsPerSecond)} records/s < ${MIN_RECORDS_PER_SECOND}`);
    failed = true;
  }
  if (bytesPerEvent > MAX_BYTES_PER_EVENT) {
    console.error(`FAIL: ${bytesPerEvent} bytes/event > ${MAX_BYTES_PER_EVENT}`);
    failed = true;
  }
  Deno.exit(failed ? 1 : 0);
}
