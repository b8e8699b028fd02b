/**
 * The streaming checker against the end-of-run verifier, then its parts against plain
 * references. A simulated variant: events handed off one per time unit, each with a planted
 * fate (see {@link ROLES}), records written within a delivery horizon of their hand-off and
 * read back with a lag; then one timeline of everything the two checkers see, replayed into
 * the end-of-run verifier and the streaming one.
 */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { Ledger } from "../../lib/verify/ledger.ts";
import { Verifier } from "../../lib/verify/verifier.ts";
import { HandOffHorizon, StreamingVerifier } from "../../lib/verify/streaming.ts";
import { SeqRuns } from "../../lib/verify/streaming_runs.ts";
import { EventTable, FAILED, PRESENT } from "../../lib/verify/streaming_events.ts";
import { encodeEvent } from "../../lib/load/payload.ts";
import type { KeySpace } from "../../lib/scenario/types.ts";
import type { VerificationReport } from "../../lib/report/types.ts";
import { prng } from "./prng.ts";

const RUN_ID = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const OTHER_RUN = new Uint8Array([8, 7, 6, 5, 4, 3, 2, 1]);

/** Fates planted on events, with their weights (normal fills the rest). */
const ROLES = {
  notSent: 2,
  lost: 2,
  lostNoOffset: 1,
  dupSame: 2,
  dupSameAckedSecond: 1,
  dupOther: 2,
  resend: 2,
  phantom: 2,
  phantomLateAck: 1,
  failedAbsent: 2,
  failedAbsentLateAck: 1,
  pendingRead: 1,
  pendingAbsent: 1,
  reordered: 4,
  reorderedPhantom: 1,
  misplacedPartition: 1,
  misplacedOffset: 1,
  noOffset: 2,
  noOffsetElsewhere: 1,
};
type Role = keyof typeof ROLES | "normal";

/** How the consume-back trails the writes. */
type ReadMode = "early" | "late" | "mixed";

interface SimOptions {
  seed: number;
  events: number;
  partitions: number;
  keys: KeySpace;
  /** Share of events with a planted anomaly. */
  anomalyRate: number;
  mode: ReadMode;
  /** Delivery horizon, in events (one hand-off per time unit). */
  horizon?: number;
  /** Time between two bound statements per partition. */
  settleEvery?: number;
  /** Foreign records written. */
  foreign?: number;
  /** A partition whose reads stop at half its records (then declared unreadable). */
  unreadable?: number;
  /** Latest write of an ordinary event after its hand-off, as a share of the horizon. */
  writeJitter?: number;
}

type Action =
  | { kind: "sent" | "notSent"; seq: number }
  | { kind: "acked"; seq: number; write: Write | null; partition: number; offset: number }
  | { kind: "failed"; seq: number; error: string }
  | { kind: "read"; write: Write }
  | { kind: "settle"; partition: number; offset: number; below: number };

interface Write {
  seq: number;
  partition: number;
  time: number;
  value: Uint8Array;
  offset: number;
}

interface Timed {
  time: number;
  /** Among equal times: hand-offs first, then writes' reads and answers, statements last. */
  rank: number;
  tie: number;
  action: Action;
}

/** A simulated run: the timeline both checkers see, and what the log holds. */
interface Sim {
  opts: SimOptions;
  timeline: Timed[];
  logs: Write[][];
  /** Records delivered per partition (all, or half for the unreadable one). */
  readCount: number[];
}

function value(seq: number, runId = RUN_ID): Uint8Array {
  return encodeEvent({ runId, variant: 0, seq, intendedUs: 1e15 + seq }, 40);
}

function pickRole(random: () => number, anomalyRate: number): Role {
  if (random() >= anomalyRate) return "normal";
  const total = Object.values(ROLES).reduce((a, b) => a + b, 0);
  let x = random() * total;
  for (const [role, weight] of Object.entries(ROLES)) {
    x -= weight;
    if (x < 0) return role as Role;
  }
  return "normal";
}

/** Build a simulated run; see the module doc. */
function simulate(opts: SimOptions): Sim {
  const random = prng(opts.seed);
  const P = opts.partitions;
  const D = opts.horizon ?? 40;
  const writes: Write[] = [];
  const timed: Timed[] = [];
  const handOffs: { seq: number; time: number }[] = [];
  const at = (time: number, rank: number, action: Action) =>
    timed.push({ time, rank, tie: random(), action });
  const write = (seq: number, partition: number, time: number, v = value(seq)) => {
    const w = { seq, partition, time, value: v, offset: -1 };
    writes.push(w);
    return w;
  };
  const partitionOf = (seq: number) => {
    if (opts.keys.kind === "fixed") return (seq % opts.keys.count) % P;
    if (opts.keys.kind === "none") return Math.floor(seq / 8) % P; // sticky batches
    return Math.floor(random() * P);
  };
  const other = (p: number) => P === 1 ? p : (p + 1 + Math.floor(random() * (P - 1))) % P;
  /** Answers are linked to writes, whose offsets are known only once all are placed. */
  const acks: {
    seq: number;
    time: number;
    write: Write | null;
    partition: number;
    offset: number;
  }[] = [];
  const within = (from: number, to: number) => from + random() * (to - from);

  for (let seq = 0; seq < opts.events; seq++) {
    const t = seq;
    const role = pickRole(random, opts.anomalyRate);
    if (role === "notSent") {
      at(t, 0, { kind: "notSent", seq });
      continue;
    }
    at(t, 0, { kind: "sent", seq });
    handOffs.push({ seq, time: t });
    const p = partitionOf(seq);
    const end = t + D - 1e-6;
    const fail = (from: number) => {
      const time = within(from, end);
      at(time, 1, { kind: "failed", seq, error: "Request timed out (possibly-persisted)" });
      return time;
    };
    const ack = (w: Write | null, time: number, partition: number, offset = -2) =>
      acks.push({ seq, time, write: w, partition, offset });
    const jitter = opts.writeJitter ?? 0.3;
    const writeSoon = (partition = p) => write(seq, partition, within(t, t + D * jitter));
    switch (role) {
      case "normal": {
        const w = writeSoon();
        ack(w, within(w.time, end), p);
        break;
      }
      case "lost":
        ack(null, within(t, end), p, 1e9 + seq);
        break;
      case "lostNoOffset":
        ack(null, within(t, end), p, -1);
        break;
      case "dupSame": {
        const w = writeSoon();
        write(seq, p, within(w.time, end));
        ack(w, within(w.time, end), p);
        break;
      }
      case "dupSameAckedSecond": { // a retry written twice, acknowledged at the second copy
        const first = writeSoon();
        const second = write(seq, p, within(first.time, end));
        ack(second, within(second.time, end), p);
        break;
      }
      case "dupOther": {
        const w = writeSoon();
        write(seq, other(p), within(w.time, end));
        ack(w, within(w.time, end), p);
        break;
      }
      case "resend": { // an application resend as the ack arrives: a late copy anywhere
        const w = writeSoon();
        const again = within(w.time, end);
        ack(w, again, p);
        handOffs.push({ seq, time: again });
        write(seq, Math.floor(random() * P), within(again, again + D - 1e-6));
        break;
      }
      case "phantom":
        fail(writeSoon().time);
        break;
      case "phantomLateAck": {
        const w = writeSoon();
        const failedAt = fail(t);
        ack(w, within(Math.max(failedAt, w.time), end), p);
        break;
      }
      case "failedAbsent":
        fail(t);
        break;
      case "failedAbsentLateAck":
        ack(null, within(fail(t), end), p, 1e9 + seq);
        break;
      case "pendingRead":
        writeSoon();
        break;
      case "pendingAbsent":
        break;
      case "reordered": {
        const w = write(seq, p, within(t + D * 0.5, end));
        ack(w, within(w.time, end), p);
        break;
      }
      case "reorderedPhantom":
        fail(write(seq, p, within(t + D * 0.5, end)).time);
        break;
      case "misplacedPartition": {
        const w = writeSoon(other(p));
        ack(null, within(w.time, end), p, 1e9 + seq);
        break;
      }
      case "misplacedOffset": {
        const w = writeSoon();
        ack(null, within(w.time, end), p, 1e9 + seq);
        break;
      }
      case "noOffset": {
        const w = writeSoon();
        ack(null, within(w.time, end), p, -1);
        break;
      }
      case "noOffsetElsewhere": {
        const w = writeSoon(other(p));
        ack(null, within(w.time, end), p, -1);
        break;
      }
    }
  }
  for (let i = 0; i < (opts.foreign ?? 0); i++) {
    const time = random() * opts.events;
    write(-1, Math.floor(random() * P), time, value(i, OTHER_RUN));
  }

  // The log: writes in time order per partition.
  writes.sort((a, b) => a.time - b.time);
  const logs: Write[][] = Array.from({ length: P }, () => []);
  for (const w of writes) {
    w.offset = logs[w.partition].length;
    logs[w.partition].push(w);
  }
  for (const a of acks) {
    const offset = a.write !== null ? a.write.offset : a.offset;
    at(a.time, 1, { kind: "acked", seq: a.seq, write: a.write, partition: a.partition, offset });
  }

  // Reads: in offset order per partition, each after its write, trailing by the mode's lag.
  const readCount = logs.map((log) => log.length);
  if (opts.unreadable !== undefined) {
    readCount[opts.unreadable] = Math.floor(readCount[opts.unreadable] / 2);
  }
  logs.forEach((log, p) => {
    let last = 0;
    const stallAt = random() * opts.events;
    for (let o = 0; o < readCount[p]; o++) {
      const w = log[o];
      let lag = opts.mode === "early" ? random() * 0.5 : opts.mode === "late" ? 2 * D : 0;
      if (opts.mode === "mixed") {
        lag = random() * D * (1 + p); // partitions trail by different amounts
        if (w.time > stallAt && w.time < stallAt + 3 * D) lag += 3 * D; // a stalled read
      }
      last = Math.max(last + 1e-9, w.time + lag); // strictly after the previous read
      at(last, 1, { kind: "read", write: w });
    }
  });

  // Bound statements from the delivery horizon, with the log's end at each moment.
  handOffs.sort((a, b) => a.time - b.time);
  const horizon = new HandOffHorizon(D, 1);
  const every = opts.settleEvery ?? 5;
  let fed = 0;
  const ends = new Array(P).fill(0);
  let next = 0;
  for (let time = every; time < opts.events + 4 * D; time += every) {
    while (fed < handOffs.length && handOffs[fed].time <= time) {
      horizon.handedOff(handOffs[fed].seq, handOffs[fed].time);
      fed++;
    }
    while (next < writes.length && writes[next].time <= time) ends[writes[next++].partition]++;
    const below = horizon.belowSeq(time);
    for (let p = 0; p < P; p++) {
      at(time, 2, { kind: "settle", partition: p, offset: ends[p], below });
    }
  }
  timed.sort((a, b) => a.time - b.time || a.rank - b.rank || a.tie - b.tie);
  return { opts, timeline: timed, logs, readCount };
}

/** The end-of-run verifier's report: the ledger from the answers, then every record, read in the same order. */
function endOfRun(sim: Sim): VerificationReport {
  const ledger = new Ledger(sim.opts.events);
  for (const { action: a } of sim.timeline) {
    if (a.kind === "sent") ledger.markSent(a.seq);
    else if (a.kind === "notSent") ledger.markNotSent(a.seq);
    else if (a.kind === "acked") ledger.markAcked(a.seq, a.partition, a.offset);
    else if (a.kind === "failed") ledger.markFailed(a.seq, a.error);
  }
  const v = new Verifier(ledger, {
    runId: RUN_ID,
    variant: 0,
    keys: sim.opts.keys,
    partitions: sim.opts.partitions,
  });
  // The same interleaving of partitions: with copies in two partitions, which copy is read
  // first decides the ordering group, for the end-of-run verifier too.
  for (const { action: a } of sim.timeline) {
    if (a.kind === "read") {
      v.observe(a.write.partition, String(a.write.offset), null, a.write.value);
    }
  }
  if (sim.opts.unreadable !== undefined) v.markUnreadable(sim.opts.unreadable);
  return v.finish();
}

/** Replay the timeline into a streaming checker; `onStep` sees it after every action. */
/** A streaming checker for this file's run id, variant 0. */
function checkerFor(keys: KeySpace, partitions: number, events: number): StreamingVerifier {
  return new StreamingVerifier({ runId: RUN_ID, variant: 0, keys, partitions, events });
}

function streaming(
  sim: Sim,
  onStep?: (v: StreamingVerifier, step: number) => void,
): { report: VerificationReport; checker: StreamingVerifier; lateCopies: number } {
  const v = checkerFor(sim.opts.keys, sim.opts.partitions, sim.opts.events);
  /** Copies of events already read once and settled by then: duplicates arriving late. */
  let lateCopies = 0;
  const read = new Set<number>();
  sim.timeline.forEach(({ action: a }, step) => {
    switch (a.kind) {
      case "sent":
        v.sent(a.seq);
        break;
      case "notSent":
        v.notSent(a.seq);
        break;
      case "acked":
        v.acked(a.seq, a.partition, a.offset);
        break;
      case "failed":
        v.failed(a.seq, a.error);
        break;
      case "read": {
        const seq = a.write.seq;
        if (seq >= 0 && read.has(seq) && !v.holds(seq)) lateCopies++;
        read.add(seq);
        v.record(a.write.partition, String(a.write.offset), null, a.write.value);
        break;
      }
      case "settle":
        v.settle(a.partition, a.offset, a.below);
        break;
    }
    onStep?.(v, step);
  });
  if (sim.opts.unreadable !== undefined) v.markUnreadable(sim.opts.unreadable);
  return { report: v.finish(), checker: v, lateCopies };
}

/** The figures both reports must agree on. */
function figures(r: VerificationReport) {
  return {
    counts: r.counts,
    misplaced: r.misplaced,
    recordsRead: r.recordsRead,
    unreadablePartitions: r.unreadablePartitions,
  };
}

/** Simulate, check both ways; the end-of-run report and the late copies the streaming one saw. */
function agree(opts: SimOptions): { reference: VerificationReport; lateCopies: number } {
  const sim = simulate(opts);
  const reference = endOfRun(sim);
  const { report, checker, lateCopies } = streaming(sim);
  const what = JSON.stringify({ ...opts, keys: opts.keys.kind });
  strictEqual(checker.stats().boundViolations, 0, `the simulated bound held: ${what}`);
  deepStrictEqual(figures(report), figures(reference), what);
  return { reference, lateCopies };
}

const NONE: KeySpace = { kind: "none" };
const KEY_SPACES: KeySpace[] = [
  NONE,
  { kind: "fixed", count: 5 },
  { kind: "per-event" },
];

Deno.test("streaming: every planted class counts as the end-of-run verifier counts it", () => {
  const seen = new Set<string>();
  for (const mode of ["early", "late", "mixed"] as const) {
    let late = 0;
    for (const keys of KEY_SPACES) {
      for (let seed = 1; seed <= 6; seed++) {
        const { reference: r, lateCopies } = agree({
          seed: seed * 101 + mode.length,
          events: 1500,
          partitions: 1 + (seed % 4),
          keys,
          anomalyRate: 0.25,
          mode,
          foreign: 7,
        });
        for (const [name, count] of Object.entries(r.counts)) if (count > 0) seen.add(name);
        if (r.misplaced > 0) seen.add("misplaced");
        late += lateCopies;
      }
    }
    // Partitions read at different lags: copies in a trailing partition come after their
    // original settled (read in step with the writes, the bound waits for every copy).
    if (mode === "mixed") {
      strictEqual(late > 0, true, "duplicates arrived after their event settled");
    }
  }
  // The runs above did plant every class (unverified has its own test).
  deepStrictEqual([...seen].sort(), [
    "duplicated",
    "duplicates",
    "failedAbsent",
    "foreign",
    "lost",
    "misplaced",
    "ok",
    "phantom",
    "reordered",
  ]);
});

Deno.test("streaming: dense anomalies, one partition and many keys", () => {
  for (let seed = 1; seed <= 12; seed++) {
    const keys: KeySpace = seed % 2 ? { kind: "fixed", count: 1 + seed } : { kind: "none" };
    agree({
      seed,
      events: 800,
      partitions: seed % 3 === 0 ? 1 : 3,
      keys,
      anomalyRate: 0.8,
      mode: (["early", "late", "mixed"] as const)[seed % 3],
      horizon: 10 + seed * 7,
      settleEvery: 1 + (seed % 5) * 4,
    });
  }
});

Deno.test("streaming: an unreadable partition turns its settled absences unverified", () => {
  for (let seed = 1; seed <= 6; seed++) {
    const { reference: r } = agree({
      seed: 500 + seed,
      events: 1200,
      partitions: 3,
      keys: { kind: "none" },
      anomalyRate: 0.3,
      mode: (["early", "late", "mixed"] as const)[seed % 3],
      unreadable: seed % 3,
    });
    strictEqual(r.counts.unverified > 0, true);
  }
});

Deno.test("streaming: late duplicates in another partition after the original settled", () => {
  // Every event acknowledged in partition 0, its copy read there early; a second copy in
  // partition 1 read after partition 0's bound passed the event (its original settled).
  const v = checkerFor(NONE, 2, 6);
  for (let seq = 0; seq < 6; seq++) {
    v.sent(seq);
    v.acked(seq, 0, seq);
    v.record(0, String(seq), null, value(seq));
  }
  strictEqual(v.stats().unresolved, 6, "their order is not final yet");
  v.settle(0, 6, 6); // partition 0: nothing below 6 from offset 6 on
  strictEqual(v.stats().unresolved, 0, "read once at the acknowledged place and in order: ok");
  deepStrictEqual(v.settledCounts().ok, 6);
  v.settle(1, 0, 3); // partition 1 may still hold 3, 4 and 5
  v.record(1, "0", null, value(4));
  v.record(1, "1", null, value(4));
  v.record(1, "2", null, value(5));
  const report = v.finish();
  strictEqual(v.stats().boundViolations, 0);
  deepStrictEqual(report.counts, {
    ok: 4,
    lost: 0,
    duplicated: 2,
    duplicates: 3,
    phantom: 0,
    failedAbsent: 0,
    reordered: 0,
    foreign: 0,
    unverified: 0,
  });
  deepStrictEqual(report.samples.duplicated?.map((s) => [s.seq, s.detail]), [
    [4, "read 3 times"],
    [5, "read 2 times"],
  ]);
});

Deno.test("streaming: a failed event that turns out written is a phantom, late or not", () => {
  const v = checkerFor(NONE, 1, 3);
  v.sent(0);
  v.sent(1);
  v.sent(2);
  v.failed(0, "Request timed out (possibly-persisted)");
  v.failed(1, "Request timed out (not-persisted)");
  v.acked(2, 0, 1);
  v.settle(0, 0, 2); // nothing below 2 from offset 0: 0 and 1 are settled absent…
  deepStrictEqual(v.settledCounts().failedAbsent, 2);
  v.record(0, "0", null, value(0)); // …and a copy of 0 breaks the bound: counted, flagged
  v.record(0, "1", null, value(2));
  const report = v.finish();
  strictEqual(v.stats().boundViolations, 1);
  strictEqual(report.counts.phantom, 1);
  strictEqual(report.counts.failedAbsent, 1);
  strictEqual(report.counts.ok, 1);
});

Deno.test("streaming: memory stays flat over a long steady stream", () => {
  const horizon = 400;
  const sim = simulate({
    seed: 7,
    events: 200_000,
    partitions: 4,
    keys: { kind: "fixed", count: 16 },
    anomalyRate: 0.002,
    mode: "mixed",
    horizon,
    settleEvery: 50,
    writeJitter: 0, // written in send order: reordering only where planted
  });
  const samples: { unresolved: number; bytes: number; runs: number }[] = [];
  const steps = sim.timeline.length;
  const { report, checker } = streaming(sim, (v, step) => {
    if (step % Math.floor(steps / 20) === 0) {
      const s = v.stats();
      samples.push({ unresolved: s.unresolved, bytes: s.estimatedBytes, runs: s.summaryRuns });
    }
  });
  strictEqual(checker.stats().boundViolations, 0);
  // Unresolved: about the horizon plus the read lag of the slowest partition (4 × horizon,
  // plus a stall of 3 × horizon), never the run.
  const most = Math.max(...samples.map((s) => s.unresolved));
  strictEqual(most < 12 * horizon, true, `unresolved peaked at ${most}`);
  // Bytes: after the first quarter, within 10 % of the quarter's peak: the ring does not grow
  // with the run, and the summary grows only with the anomalies (about 400 here).
  const quarter = samples.slice(5, 10).reduce((a, s) => Math.max(a, s.bytes), 0);
  const late = samples.slice(10, -1).reduce((a, s) => Math.max(a, s.bytes), 0);
  strictEqual(late <= quarter * 1.1, true, `bytes ${quarter} then ${late}`);
  strictEqual(Math.max(...samples.map((s) => s.runs)) < 2000, true);
  strictEqual(report.counts.ok > 199_000, true);
});

Deno.test("streaming: a record of an event not yet sent is foreign; finish is final", () => {
  const v = checkerFor(NONE, 1, 4);
  v.record(0, "0", null, value(2)); // not sent yet: written by someone else
  v.sent(0);
  v.notSent(1);
  v.record(0, "1", null, value(1));
  v.record(0, "2", null, value(99));
  v.acked(0, 0, 3);
  v.record(0, "3", null, value(0));
  throws(() => v.sent(0), RangeError); // out of order
  throws(() => v.acked(1, 0, 0), /never sent/);
  throws(() => v.record(1, "0", null, null), RangeError);
  const report = v.finish();
  strictEqual(report.counts.foreign, 3);
  strictEqual(report.counts.ok, 1);
  deepStrictEqual(report.samples.foreign?.map((s) => s.detail), [
    "sequence 2 was never sent",
    "sequence 1 was never sent",
    "sequence 99 outside the ledger",
  ]);
  strictEqual(v.finish(), report);
  throws(() => v.sent(2), /finished/);
});

// --- the parts against plain references -----------------------------------------------------

Deno.test("streaming runs: every code as a map would hold it, merged runs", () => {
  for (let trial = 0; trial < 50; trial++) {
    const random = prng(trial);
    const runs = new SeqRuns();
    const reference = new Map<number, number>();
    const span = 5 + Math.floor(random() * 200);
    for (let i = 0; i < 1000; i++) {
      const seq = Math.floor(random() * span);
      const code = random() < 0.3 ? 0 : Math.floor(random() * 3);
      runs.set(seq, code);
      if (code === 0) reference.delete(seq);
      else reference.set(seq, code);
    }
    let expectedRuns = 0;
    for (let seq = -1; seq <= span; seq++) {
      const code = reference.get(seq) ?? 0;
      strictEqual(runs.get(seq), code, `trial ${trial} seq ${seq}`);
      if (code !== 0 && (reference.get(seq - 1) ?? 0) !== code) expectedRuns++;
    }
    strictEqual(runs.count, expectedRuns, "neighbours with the same code are one run");
  }
  const steady = new SeqRuns();
  for (let seq = 0; seq < 10_000; seq++) steady.set(seq, seq === 5000 ? 2 : 1);
  strictEqual(steady.count, 3);
});

Deno.test("streaming event table: a map's contents through growth and spills", () => {
  for (let trial = 0; trial < 20; trial++) {
    const random = prng(100 + trial);
    const table = new EventTable();
    const reference = new Map<number, number>(); // seq → reads, as a payload
    let next = 0;
    /** Step at which each event settles: within 300 steps, except every 997th (a straggler). */
    const due = new Map<number, number[]>();
    for (let step = 0; step < 30_000; step++) {
      const seq = next++;
      const slot = table.add(seq);
      table.cols.reads[slot] = seq % 3;
      table.setStatus(slot, FAILED);
      reference.set(seq, seq % 3);
      if (seq % 997 !== 0) {
        const at = step + 1 + Math.floor(random() * 300);
        due.set(at, [...due.get(at) ?? [], seq]);
      }
      for (const settled of due.get(step) ?? []) {
        table.remove(settled, table.slot(settled));
        reference.delete(settled);
      }
      due.delete(step);
    }
    strictEqual(table.size, reference.size);
    strictEqual(table.spilled > 0, true, "old stragglers went to the spill area");
    for (let seq = 0; seq < next; seq++) {
      const slot = table.slot(seq);
      strictEqual(slot >= 0, reference.has(seq), `trial ${trial} seq ${seq}`);
      if (slot >= 0) {
        strictEqual(table.cols.reads[slot], reference.get(seq));
        strictEqual(table.status(slot), FAILED);
        strictEqual(table.cols.flags[slot] & PRESENT, PRESENT);
      }
    }
    const visited: number[] = [];
    table.forEach((seq) => visited.push(seq));
    deepStrictEqual(visited.sort((a, b) => a - b), [...reference.keys()].sort((a, b) => a - b));
    // Held events are the recent ones plus a few stragglers: the ring spans far less than all.
    strictEqual(table.byteLength < next * 26 / 4, true, `bytes ${table.byteLength}`);
  }
});

Deno.test("streaming horizon: the lowest sequence number handed off within the horizon", () => {
  for (let trial = 0; trial < 30; trial++) {
    const random = prng(200 + trial);
    const horizonMs = 10 + Math.floor(random() * 100);
    const horizon = new HandOffHorizon(horizonMs, 1 + Math.floor(random() * 10));
    const handOffs: { seq: number; time: number }[] = [];
    let time = 0;
    let seq = 0;
    for (let step = 0; step < 3000; step++) {
      time += random() * 3;
      if (random() < 0.1 && seq > 0) {
        const old = Math.max(0, seq - 1 - Math.floor(random() * 50)); // an application resend
        horizon.handedOff(old, time);
        handOffs.push({ seq: old, time });
      } else {
        horizon.handedOff(seq, time);
        handOffs.push({ seq: seq++, time });
      }
      if (step % 7 === 0) {
        const below = horizon.belowSeq(time);
        // Safe: nothing handed off within the horizon (or later) is below it.
        for (const h of handOffs) {
          if (h.time >= time - horizonMs) strictEqual(h.seq >= below, true, `trial ${trial}`);
        }
        // Useful: it moves up with the load, a bounded distance behind the last send.
        if (time > 10 * horizonMs) strictEqual(seq - below < 200, true, `${seq} vs ${below}`);
      }
    }
  }
});
