/**
 * A report that holds every kind of text a report shows: faults of every kind
 * and target, driver notes, anomaly samples of every class as the verifier
 * writes them, errors of every source with every finding, inconclusive reasons,
 * an expectation on every metric, descriptions per language. Built from the
 * fixture report, with texts made by the code that makes them in a run where
 * it can run here (scenario parser, verifier, read-back).
 *
 * @module
 */
import { encodeEvent } from "../../lib/load/payload.ts";
import { METRICS } from "../../lib/scenario/expectation.ts";
import { parseScenario } from "../../lib/scenario/load.ts";
import type {
  EventSample,
  ExpectationOutcome,
  FaultWindow,
  RunReport,
  VerificationReport,
} from "../../lib/report/types.ts";
import { Ledger } from "../../lib/verify/ledger.ts";
import { readBackEnds } from "../../lib/verify/read_back.ts";
import { Verifier } from "../../lib/verify/verifier.ts";
import { fixture } from "./report_helpers.ts";

/** A fault of every kind, on every kind of target. */
const FAULTS_YAML = `name: every-fault
description: d
cluster: { brokers: 3 }
topic: { partitions: 3, replication.factor: 3 }
load: { rate: 100, duration: 35s, warmup: 5s }
variants: [{ name: a }]
faults:
  - { at: 1s, for: 2s, toxic: latency, attributes: { latency: 3000 } }
  - { at: 2s, for: 2s, toxic: latency, stream: upstream, toxicity: 0.5, attributes: { latency: 1000, jitter: 200 } }
  - { at: 3s, for: 2s, toxic: bandwidth, target: 2, attributes: { rate: 100 } }
  - { at: 4s, for: 2s, toxic: slow_close, target: [1, 3], attributes: { delay: 500 } }
  - { at: 5s, for: 2s, toxic: timeout, target: leader, attributes: { timeout: 0 } }
  - { at: 6s, for: 2s, toxic: timeout, target: followers, attributes: { timeout: 2000 } }
  - { at: 7s, for: 2s, toxic: reset_peer }
  - { at: 8s, for: 2s, toxic: reset_peer, attributes: { timeout: 100 } }
  - { at: 9s, for: 2s, toxic: slicer, attributes: { average_size: 64 } }
  - { at: 10s, for: 2s, toxic: limit_data, attributes: { bytes: 2048 } }
  - { at: 11s, for: 2s, proxy: down, target: { leader-of: 1 } }
  - { at: 12s, for: 2s, broker: stop, target: 2 }
  - { at: 13s, for: 2s, broker: kill, target: { followers-of: 2 } }
  - { at: 14s, for: 2s, broker: pause, target: [1, 2] }
  - { at: 15s, broker: pause }
`;

/** The fault windows of {@link FAULTS_YAML} as the engine records them, plus the odd ones. */
function faultWindows(): FaultWindow[] {
  const plan = parseScenario(FAULTS_YAML, "every-fault.yaml");
  const windows: FaultWindow[] = plan.faults.map((p) => ({
    id: p.id,
    label: p.label,
    kind: p.action.kind,
    target: p.target,
    action: p.action,
    brokers: [1, 2, 3],
    plannedAtMs: p.atMs,
    plannedForMs: p.forMs,
    startedAtMs: p.atMs + 5,
    endedAtMs: p.forMs === null ? null : p.atMs + p.forMs + 9,
  }));
  // One that could not start, one not healed (as the engine records them).
  Object.assign(windows[4], {
    startedAtMs: null,
    endedAtMs: null,
    error: "could not start: target leader of partition 0: no answer within 1.5 s",
    problems: [{ stage: "start", reason: "target leader of partition 0: no answer within 1.5 s" }],
  });
  Object.assign(windows[11], {
    error: "was not healed: start broker 2: exit code 1",
    problems: [{ stage: "heal", reason: "start broker 2: exit code 1" }],
  });
  // A window from a report older than `action`: its English label, quoted.
  windows.push({
    ...windows[0],
    id: "f16",
    label: "latency 3000ms downstream on all",
    action: undefined,
    error: "could not start: Toxiproxy answered 500",
  });
  delete windows[windows.length - 1].action;
  return windows;
}

const RUN_ID = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const value = (seq: number, variant = 0) =>
  encodeEvent({ runId: RUN_ID, variant, seq, intendedUs: 1e15 + seq }, 48);

/**
 * Samples of every class, as the verifier writes them: one verification with every partition
 * read (lost, duplicated, phantom, failed-absent, reordered, foreign), one with partition 2
 * unreadable (unverified).
 */
function verifierSamples(): VerificationReport["samples"] {
  const read = (unreadable: boolean) => {
    const ledger = new Ledger(40);
    const log: [number, number, Uint8Array | null][] = [];
    const offsets = [0, 0, 0];
    const append = (partition: number, v: Uint8Array | null) => {
      log.push([partition, offsets[partition], v]);
      return offsets[partition]++;
    };
    const acked = (seq: number, partition: number, copies = 1) => {
      ledger.markSent(seq);
      let offset = -1;
      for (let i = 0; i < copies; i++) offset = append(partition, value(seq));
      ledger.markAcked(seq, partition, offset);
    };
    for (let seq = 0; seq < 5; seq++) acked(seq, 0); // ok
    ledger.markSent(10);
    ledger.markAcked(10, 0, 100); // lost: acknowledged, never written
    acked(11, 0, 2); // duplicated
    ledger.markSent(12);
    ledger.markFailed(12, "Local: Message timed out");
    append(0, value(12)); // phantom
    ledger.markSent(13);
    ledger.markFailed(13, "Broker: Not enough in-sync replicas");
    ledger.markAcked(13, 0, append(0, value(13))); // phantom, acknowledged late
    ledger.markSent(14);
    ledger.markFailed(14, "Local: Message timed out"); // failed, absent
    ledger.markSent(15); // never answered, absent
    ledger.markSent(5);
    acked(6, 0);
    ledger.markAcked(5, 0, append(0, value(5))); // reordered: read after 6
    acked(20, 1);
    for (const seq of [21, 22, 23]) ledger.markSent(seq);
    acked(24, 1); // reordered: read before 21, 22 and 23
    for (const seq of [21, 22, 23]) ledger.markAcked(seq, 1, append(1, value(seq)));
    append(1, null); // foreign: not this run's
    append(1, value(3, 1)); // foreign: another variant's
    append(1, value(1000)); // foreign: outside the ledger
    append(1, value(30)); // foreign: never sent
    acked(25, 2); // unverified when partition 2 is unreadable
    ledger.markSent(27);
    ledger.markFailed(27, "Local: Message timed out");
    ledger.markAcked(27, 2, 99); // late acknowledgement in partition 2
    const verifier = new Verifier(ledger, {
      runId: RUN_ID,
      variant: 0,
      keys: { kind: "none" },
      partitions: 3,
    });
    if (unreadable) verifier.markUnreadable(2);
    for (const [partition, offset, v] of log) {
      if (!(unreadable && partition === 2)) verifier.observe(partition, String(offset), null, v);
    }
    return verifier.finish().samples;
  };
  const all = read(false);
  return { ...all, unverified: read(true).unverified };
}

/** sismo's findings as lib/run/variant.ts writes them, and the read-back's own words. */
async function findings(): Promise<{ notes: string[]; unreadable: string[] }> {
  const truncated = await readBackEnds({
    before: [{ partition: 1, high: 0 }],
    ackedEnd: new Map([[1, 100]]),
    offsets: () => Promise.resolve([{ partition: 1, high: 80 }]),
    pollMs: 1,
    deadlineMs: 20,
  });
  const unknown = await readBackEnds({
    before: [{ partition: 2, high: 0 }],
    ackedEnd: new Map(),
    offsets: () => Promise.reject(new Error("This server does not host this topic-partition")),
    pollMs: 1,
    deadlineMs: 20,
  });
  return { notes: truncated.notes, unreadable: unknown.unreadable.map((u) => u.reason) };
}

/** An expectation on every metric, in every state: held, failed, unbounded, not measured. */
function expectations(): ExpectationOutcome[] {
  // How each kind of metric is written: bound as written, operator, threshold, a value.
  const forms = {
    count: ["0", "==", 0, 1],
    latency: ["250ms", "<", 250, 120],
    rate: ["1800/s", ">=", 1800, 1750.5],
  } as const;
  const outcome = (
    metric: string,
    [written, op, threshold]: readonly [string, string, number, ...unknown[]],
    observed: number | null,
    passed: boolean,
  ): ExpectationOutcome => ({
    text: `${metric} ${op} ${written}`,
    metric,
    op,
    threshold,
    observed,
    passed,
    line: 20,
  });
  return [
    ...Object.entries(METRICS).map(([metric, kind], i) =>
      outcome(metric, forms[kind], forms[kind][3], i % 2 === 0)
    ),
    { ...outcome("p99", ["5s", "<", 5000], null, false), unbounded: true },
    outcome("duplicated", ["0", ">", 0], 12, true), // a negative control
    outcome("lost", forms.count, null, false),
  ];
}

/** The fixture report with every kind of text a report can show. */
export async function everythingReport(): Promise<RunReport> {
  const report = fixture();
  const [plain, idempotent] = report.variants;
  const resolved = report.scenario.resolved;
  resolved.descriptions = {
    en: "Lost acknowledgements: does idempotence stop the duplicates that retries create?",
    fr:
      "Acquittements perdus : l’idempotence empêche-t-elle les doublons que créent les nouvelles tentatives ?",
  };
  resolved.variants[0].descriptions = {
    en: "Retries without idempotence.",
    fr: "Nouvelles tentatives sans idempotence.",
  };
  // One description in English only, one in French only: each shown marked in the other report.
  resolved.variants[1].descriptions = { en: "Retries with idempotence." };
  report.variants.push({
    ...structuredClone(idempotent),
    name: "acks-all-java",
    client: { name: "java", version: "4.3.1" },
  });
  resolved.variants.push({
    ...structuredClone(resolved.variants[1]),
    name: "acks-all-java",
    descriptions: { fr: "Le producteur Java, avec `acks=all`." },
  });

  plain.faults = faultWindows();
  plain.notes = [
    { id: "note.java.sidecar", params: { version: "4.3.1" } },
    { id: "note.java.status" },
    { id: "note.java.metrics" },
    { id: "note.java.acks0" },
    { id: "note.kafkajs.emulated" },
    { id: "note.kafkajs.idempotent" },
    { id: "note.clientLog" },
    { id: "note.librdkafka.stats" },
    "a note from an older report, in English",
  ];
  const verification = plain.verification!;
  verification.samples = verifierSamples();
  // A sample whose facts are given as phrases.
  const structured: EventSample = {
    seq: 7,
    partition: 1,
    offset: "3",
    key: null,
    detail: "read 2 times",
    facts: [{ id: "sample.readTimes", params: { n: 2 } }],
  };
  verification.samples.duplicated!.push(structured);
  verification.unreadablePartitions = [2];
  verification.misplaced = 2;
  plain.appResends = 3;
  const machine = { os: "linux 6.12.0", arch: "x86_64", cpus: 8, memoryBytes: 2 ** 35 };
  plain.workers = [
    {
      segment: "1/2",
      host: "pod-0",
      pid: 10,
      client: "librdkafka 2.16.0",
      startLagMs: 3,
      clockOffsetMs: -12,
      dispatchLagP99Ms: 0.4,
      machine,
    },
    {
      segment: "2/2",
      host: "pod-1",
      pid: 11,
      client: "librdkafka 2.16.0",
      startLagMs: 41,
      clockOffsetMs: 2,
      dispatchLagP99Ms: 1.5,
      machine,
    },
  ];
  plain.stoppedEarly = "duplicated == 0";
  plain.live = {
    counts: { ...verification.counts, ok: verification.counts.ok - 1 },
    misplaced: 2,
    recordsRead: 100,
    agrees: false,
    differences: ["ok: 1 ≠ 2"],
    peakUnresolved: 1200,
    peakBytes: 64_000,
    boundViolations: 0,
    firstAnomalyMs: 12_400,
    problems: ["live read: consumer restarted after a crash"],
  };

  const { notes, unreadable } = await findings();
  plain.errors = [
    ...[
      "the client never answered, even after the purge (counted as pending)",
      "still outstanding after the 10000 ms drain: purged (each failed with the client's answer)",
      "fault: fault f5 (timeout forever downstream on leader of partition 0) could not start: " +
      "target leader of partition 0: no answer within 1.5 s",
      "fault: fault f12 (stop broker 2) was not healed: start broker 2: exit code 1",
      "application resends that failed",
      "acknowledged after the client had reported them failed (kept as failed)",
      "latencies out of the histogram's range (clamped to 0 or 1 h)",
      "the live verification disagrees with the end-of-run read (live ≠ end of run): ok: 1 ≠ 2",
      "live verification: could not start: connection refused",
      ...notes.map((note) => `read-back: ${note}`),
      "read-back: partition 0 read twice",
    ].map((message) => ({ message, count: 1, source: "sismo" as const })),
    {
      message: "the client never answered",
      count: 2,
      source: "sismo",
      phrase: { id: "finding.unansweredAfterPurge" },
    },
    { message: "Local: Message timed out", count: 12, source: "send" },
    { message: "Broker: Not enough in-sync replicas", count: 1 },
    {
      message: "client log: Connection error: read ECONNRESET",
      count: 3,
      source: "client-log",
      firstMs: 15_200,
      lastMs: 22_900,
    },
  ];
  const reasons = [
    "[plain] partition(s) 2 not read to their end within 30 s",
    "[plain] partition(s) 0, 2 not read to their end within 31 s",
    "[plain] 3 event(s) unverified: partition(s) 2 could not be read to their end",
    "[plain] 1 event(s) unverified: partition(s) 2 could not be read to their end",
    "[plain] consume-back failed: The group is rebalancing",
    "[plain] verification failed: The coordinator is not available",
    "[plain] not verified: the run kept a compact ledger (too many events to keep each answer) and its live verification did not complete",
    "[plain] the live verification disagrees with the end-of-run read (live ≠ end of run): ok: 1 ≠ 2",
    ...unreadable.map((reason) => `[plain] ${reason}`),
  ];
  plain.inconclusive = reasons;
  report.inconclusive = reasons;
  report.outcome = "inconclusive";
  report.errors = ["Toxiproxy clean-up after the run: connection refused"];
  plain.expectations = expectations();
  idempotent.expectations = [];
  report.environment.kafka.mode = "external";
  report.environment.cpus = 1;
  return report;
}
