/**
 * Partial results of shares, through JSON and back, merged: the same ledger, histograms and
 * counts as one recorder of every event; and shares missing, given twice, interrupted or of
 * another run are reported, never merged silently.
 */
import assert from "node:assert/strict";
import { type LoadSegment, ownsEvent } from "../../lib/load/segment.ts";
import type { LoadResult } from "../../lib/load/generator.ts";
import { Ledger } from "../../lib/verify/ledger.ts";
import { LatencyRecorder } from "../../lib/metrics/latency.ts";
import { TimelineRecorder } from "../../lib/metrics/timeline.ts";
import { type PartialResult, partialResult } from "../../lib/segments/partial.ts";
import { MergeError, mergeShares } from "../../lib/segments/merge.ts";
import { prng } from "./prng.ts";

const TOTAL = 1000;
const START = 1_700_000_000_000;

/** What happens to event `seq`, the same whichever recorder notes it. */
function fate(seq: number, random: () => number) {
  const r = random();
  return {
    kind: r < 0.05 ? "not-sent" : r < 0.12 ? "failed" : r < 0.14 ? "late-ack" : "acked",
    error: seq % 3 === 0 ? "Broker: Request timed out" : "Local: Message timed out",
    partition: seq % 3,
    offset: seq * 2,
    latencyUs: 1000 + Math.round(random() * 400_000),
  } as const;
}

/** Mark `seq` in `ledger` and the recorders as the generator would have. */
function mark(
  seq: number,
  f: ReturnType<typeof fate>,
  r: {
    ledger: Ledger;
    latency: LatencyRecorder;
    timeline: TimelineRecorder;
    latencies: Float32Array;
  },
) {
  const intended = START + seq * 20;
  if (f.kind === "not-sent") {
    r.ledger.markNotSent(seq);
    r.timeline.notSent(intended);
    return;
  }
  r.ledger.markSent(seq);
  r.timeline.sent(intended);
  if (f.kind === "failed" || f.kind === "late-ack") {
    r.ledger.markFailed(seq, f.error);
    r.timeline.failed(intended + 500);
  }
  if (f.kind === "late-ack" || f.kind === "acked") r.ledger.markAcked(seq, f.partition, f.offset);
  if (f.kind === "acked") {
    r.latency.record(f.latencyUs);
    r.timeline.acked(intended + f.latencyUs / 1000, f.latencyUs);
    r.latencies[seq] = f.latencyUs / 1000;
  }
}

function recorders() {
  return {
    ledger: new Ledger(TOTAL),
    latency: new LatencyRecorder(),
    timeline: new TimelineRecorder(START),
    latencies: new Float32Array(TOTAL).fill(NaN),
  };
}

const load = (intended: number): LoadResult => ({
  intended,
  outstandingAtEnd: 1,
  unansweredAfterPurge: 0,
  loadEndedEpochMs: START + 20_000,
  drainEndedEpochMs: START + 21_000 + intended,
  aborted: false,
  appResends: 0,
  appResendsFailed: 0,
  window: { sent: intended, acked: intended - 1, ms: 20_000 },
  drain: { acked: 1, ms: 1000 },
  latencies: null,
});

/** The whole load's recorders, and the partial results of its `count` shares (through JSON). */
function split(count: number) {
  const random = prng(11);
  const fates = Array.from({ length: TOTAL }, (_, seq) => fate(seq, random));
  const whole = recorders();
  fates.forEach((f, seq) => mark(seq, f, whole));
  const parts: PartialResult[] = [];
  for (let index = 1; index <= count; index++) {
    const segment: LoadSegment = { index, count };
    const share = recorders();
    fates.forEach((f, seq) => ownsEvent(segment, seq) && mark(seq, f, share));
    const part = partialResult({
      run: {
        id: "00ff",
        scenario: "s",
        variant: "v",
        variantIndex: 0,
        topic: "t",
        startEpochMs: START,
        events: TOTAL,
      },
      segment,
      worker: {
        host: "h",
        pid: 100 + index,
        startedAt: "",
        finishedAt: "",
        client: { name: "librdkafka", version: "2" },
        startLagMs: index,
        clockOffsetMs: -index,
        machine: { os: "linux 6.12", arch: "x86_64", cpus: 2, memoryBytes: 2 ** 34 },
      },
      result: { ...load(share.ledger.counts().intended), latencies: share.latencies },
      ledger: share.ledger,
      fromIntended: share.latency,
      fromSend: share.latency,
      dispatchLag: new LatencyRecorder(),
      timeline: share.timeline,
      clientErrors: [{
        message: "connection refused",
        count: index,
        first: index,
        last: 10 * index,
      }],
      notes: [{ id: "note.test" }],
      network: { produceRequests: 10, requestBytes: 1000 },
    });
    parts.push(JSON.parse(JSON.stringify(part)));
  }
  return { whole, parts };
}

Deno.test("merge: three shares give the whole load's ledger, histograms, timeline and counts", () => {
  const { whole, parts } = split(3);
  const acked: number[] = [];
  const { merged, problems } = mergeShares([parts[2], parts[0], parts[1]], {
    sent: () => {},
    notSent: () => {},
    failed: () => {},
    acked: (seq) => acked.push(seq),
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(merged.ledger.counts(), whole.ledger.counts());
  assert.equal(merged.ledger.ackedAfterFailure, whole.ledger.ackedAfterFailure);
  assert.ok(whole.ledger.ackedAfterFailure > 0 && whole.ledger.counts().failed > 0);
  for (let seq = 0; seq < TOTAL; seq++) {
    for (
      const read of [
        "status",
        "ackPartition",
        "ackOffset",
        "errorOf",
        "isAckedAfterFailure",
      ] as const
    ) {
      assert.equal(merged.ledger[read](seq), whole.ledger[read](seq), `${read}(${seq})`);
    }
  }
  assert.equal(acked.length, whole.ledger.counts().acked + whole.ledger.ackedAfterFailure);
  assert.deepEqual(merged.errors, whole.ledger.errors());
  assert.deepEqual(merged.fromIntended.summary(), whole.latency.summary());
  assert.deepEqual(merged.timeline.points(), whole.timeline.points());
  assert.deepEqual(
    Array.from(merged.result.latencies!, (v) => Number.isNaN(v) ? null : v),
    Array.from(whole.latencies, (v) => Number.isNaN(v) ? null : v),
  );
  assert.equal(merged.result.intended, whole.ledger.counts().intended);
  assert.equal(merged.result.outstandingAtEnd, 3);
  assert.equal(
    merged.result.drainEndedEpochMs,
    Math.max(...parts.map((p) => p.load.drainEndedEpochMs)),
  );
  assert.deepEqual(merged.clientErrors.get("connection refused"), { count: 6, first: 1, last: 30 });
  assert.deepEqual(merged.network, { produceRequests: 30, requestBytes: 3000 });
  assert.deepEqual(merged.notes, [{ id: "note.test" }]);
  assert.deepEqual(merged.workers.map((w) => w.clockOffsetMs), [-1, -2, -3]);
  assert.deepEqual(merged.workers.map((w) => [w.segment, w.startLagMs]), [["1/3", 1], ["2/3", 2], [
    "3/3",
    3,
  ]]);
});

Deno.test("merge: a share missing, given twice or interrupted is a problem; another run's is refused", () => {
  const { parts } = split(4);
  const missing = mergeShares([parts[0], parts[1], parts[3]]);
  assert.deepEqual(missing.problems, [
    "share 3/4 is missing: its events were never sent by sismo",
  ]);
  assert.equal(missing.merged.ledger.status(2), "unused");

  const twice = mergeShares([...parts, parts[1]]);
  assert.deepEqual(twice.problems, ["share 2/4 was given twice (run twice?): one is merged"]);

  const cut = { ...parts[2], load: { ...parts[2].load, aborted: true } };
  const interrupted = mergeShares([parts[0], parts[1], cut, parts[3]]);
  assert.deepEqual(interrupted.problems, ["share 3/4 was interrupted before its end"]);

  const other = { ...parts[1], run: { ...parts[1].run, id: "abcd" } };
  assert.throws(
    () => mergeShares([parts[0], other]),
    (e) =>
      e instanceof MergeError && /share 2\/4 is of another run: run.id is "abcd"/.test(e.message),
  );
  assert.throws(
    () => mergeShares([parts[0], { ...parts[1], segment: { index: 2, count: 3 } }]),
    /split the load differently/,
  );
  assert.throws(() => mergeShares([]), /no partial result/);
  const short = { ...parts[0], ledger: { ...parts[0].ledger, status: "AAAA" } };
  assert.throws(() => mergeShares([short]), /ledger.status: 3 bytes for 250 events/);
});
