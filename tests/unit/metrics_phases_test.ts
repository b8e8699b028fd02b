import assert from "node:assert/strict";
import { faultPhasesOf, recoveryAfter, windowFigures } from "../../lib/metrics/phases.ts";
import { createSchedule } from "../../lib/load/schedule.ts";
import type { FaultWindow } from "../../lib/report/types.ts";

const RATE = 100; // one event every 10 ms
const LOAD_MS = 30_000;
const schedule = createSchedule({ kind: "constant", perSecond: RATE }, LOAD_MS);

function fault(startedAtMs: number | null, endedAtMs: number | null): FaultWindow {
  return {
    id: "f1",
    label: "latency 2500ms",
    kind: "toxic",
    target: { kind: "all" },
    brokers: [1],
    plannedAtMs: 10_000,
    plannedForMs: 5_000,
    startedAtMs,
    endedAtMs,
  };
}

/** 5 ms everywhere, `during(ms)` for events intended in [10 s, 15 s). */
function latencies(during: (intendedMs: number) => number): Float32Array {
  return Float32Array.from({ length: schedule.total }, (_, seq) => {
    const at = schedule.timeOf(seq);
    return at >= 10_000 && at < 15_000 ? during(at) : 5;
  });
}

Deno.test("phases: a latency fault's damage is in the events intended during it", () => {
  // A 2.5 s latency toxic: every event sent during it is acknowledged 2.5 s late, after it.
  const [phase] = faultPhasesOf([fault(10_000, 15_000)], {
    schedule,
    latencies: latencies(() => 2500),
    loadEndMs: LOAD_MS,
  });
  assert.equal(phase.during!.events, 500);
  assert.equal(phase.during!.p99, 2500);
  assert.equal(phase.during!.p50, 2500);
  assert.equal(phase.before!.p99, 5);
  assert.equal(phase.after!.p99, 5);
  assert.deepEqual([phase.before!.fromMs, phase.after!.toMs], [5_000, 20_000]);
  assert.equal(phase.recoveredMs, 0, "the events sent right after the fault were fine");
});

Deno.test("phases: events never acknowledged make the window's percentiles beyond every bound", () => {
  // A third of the events during the fault were never acknowledged (not sent, failed).
  const [phase] = faultPhasesOf([fault(10_000, 15_000)], {
    schedule,
    latencies: latencies((at) => (Math.floor(at / 10) % 3 === 0 ? NaN : 8)),
    loadEndMs: LOAD_MS,
  });
  assert.equal(phase.during!.notAcked, 166); // seq 1002, 1005 … 1497
  assert.equal(phase.during!.p50, 8);
  assert.equal(phase.during!.p99, null);
  assert.equal(phase.during!.max, null);
});

Deno.test("phases: recovery is the first second of events after the fault back within 1.5 × the p99 before", () => {
  // After the fault (ends at 15 s) events stay slow until 17.2 s.
  const slow = Float32Array.from({ length: schedule.total }, (_, seq) => {
    const at = schedule.timeOf(seq);
    return at >= 10_000 && at < 17_200 ? 400 : 5;
  });
  const inputs = { schedule, latencies: slow, loadEndMs: LOAD_MS };
  const before = windowFigures(inputs, 5_000, 10_000);
  assert.equal(recoveryAfter(inputs, 15_000, before), 2_250); // the window starting at 17.25 s
  const [phase] = faultPhasesOf([fault(10_000, 15_000)], inputs);
  assert.equal(phase.recoveredMs, 2_250);
  // Never back before the load ended.
  const never = Float32Array.from(slow, (v, seq) => (schedule.timeOf(seq) >= 10_000 ? 400 : v));
  assert.equal(
    faultPhasesOf([fault(10_000, 15_000)], { ...inputs, latencies: never })[0].recoveredMs,
    null,
  );
});

Deno.test("phases: a fault that never started has no windows; one that never ended lasts to the load's end", () => {
  const inputs = { schedule, latencies: latencies(() => 5), loadEndMs: LOAD_MS };
  const [notStarted] = faultPhasesOf([fault(null, null)], inputs);
  assert.equal(notStarted.during, null);
  const [open] = faultPhasesOf([fault(20_000, null)], inputs);
  assert.deepEqual([open.during!.fromMs, open.during!.toMs], [20_000, 30_000]);
  assert.equal(open.after!.events, 0);
  assert.equal(open.recoveredMs, null);
});

Deno.test("phases: a window with fewer than 100 events is flagged", () => {
  const inputs = { schedule, latencies: latencies(() => 5), loadEndMs: LOAD_MS };
  assert.equal(windowFigures(inputs, 10_000, 10_500).fewEvents, true); // 50 events
  assert.equal(windowFigures(inputs, 10_000, 11_000).fewEvents, false);
});
