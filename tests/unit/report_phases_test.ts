import assert from "node:assert/strict";
import {
  faultPhases,
  phasesOf,
  recoveryAfter,
  timelineEndMs,
  windowFigures,
} from "../../lib/report/phases.ts";
import type { FaultWindow, TimelinePoint } from "../../lib/report/types.ts";

/** A 30-second timeline: 100 acks/s with p99 10 ms, except where `overrides` says. */
function timeline(
  overrides: Record<number, Partial<TimelinePoint>> = {},
  seconds = 30,
): TimelinePoint[] {
  return Array.from({ length: seconds }, (_, t) => ({
    t,
    sent: 100,
    acked: 100,
    failed: 0,
    notSent: 0,
    outstanding: 0,
    p50: 5,
    p99: 10,
    max: 12,
    ...overrides[t],
  }));
}

function fault(startedAtMs: number | null, endedAtMs: number | null): FaultWindow {
  return {
    id: "f1",
    label: "latency",
    kind: "toxic",
    target: { kind: "all" },
    brokers: [1],
    plannedAtMs: 10_000,
    plannedForMs: 5_000,
    startedAtMs,
    endedAtMs,
  };
}

Deno.test("windowFigures takes the seconds whose middle lies in the window", () => {
  const points = timeline({ 10: { acked: 40, p99: 300, failed: 3, notSent: 2 } });
  // [9.6 s, 11.4 s): middles 9.5 (out), 10.5 (in), 11.5 (out)
  const w = windowFigures(points, 9_600, 11_400);
  assert.equal(w.seconds, 1);
  assert.equal(w.ackedPerSecond, 40);
  assert.equal(w.p99, 300);
  assert.equal(w.failed, 3);
  assert.equal(w.notSent, 2);
});

Deno.test("windowFigures: p99 is the worst second, acks/s the mean, empty window is null", () => {
  const points = timeline({ 3: { acked: 50, p99: 80 }, 4: { acked: 0, p99: null } });
  const w = windowFigures(points, 2_000, 5_000);
  assert.equal(w.seconds, 3);
  assert.equal(w.ackedPerSecond, 50);
  assert.equal(w.p99, 80);
  const empty = windowFigures(points, 100_000, 101_000);
  assert.equal(empty.seconds, 0);
  assert.equal(empty.ackedPerSecond, null);
  assert.equal(empty.p99, null);
});

Deno.test("phasesOf: before, during and after windows have the fault's length", () => {
  const slow = { acked: 20, p99: 900, failed: 1 };
  const points = timeline({ 10: slow, 11: slow, 12: slow, 13: slow, 14: slow });
  const phase = phasesOf(points, fault(10_000, 15_000));
  assert.deepEqual([phase.before?.fromMs, phase.before?.toMs], [5_000, 10_000]);
  assert.deepEqual([phase.during?.fromMs, phase.during?.toMs], [10_000, 15_000]);
  assert.deepEqual([phase.after?.fromMs, phase.after?.toMs], [15_000, 20_000]);
  assert.equal(phase.before?.ackedPerSecond, 100);
  assert.equal(phase.during?.ackedPerSecond, 20);
  assert.equal(phase.during?.p99, 900);
  assert.equal(phase.during?.failed, 5);
  assert.equal(phase.after?.p99, 10);
});

Deno.test("phasesOf: the before window is cut at the start of the load", () => {
  const phase = phasesOf(timeline(), fault(2_000, 8_000));
  assert.equal(phase.before?.fromMs, 0);
  assert.equal(phase.before?.seconds, 2);
});

Deno.test("phasesOf: the after window is cut at the end of the timeline", () => {
  const phase = phasesOf(timeline({}, 20), fault(10_000, 18_000));
  assert.equal(phase.after?.toMs, 20_000);
  assert.equal(phase.after?.seconds, 2);
});

Deno.test("recovery: acks resume at the first second with half the before rate", () => {
  const points = timeline({
    10: { acked: 0, p99: null },
    11: { acked: 0, p99: null },
    12: { acked: 30, p99: 2_000 }, // fault ends at 12.0 s
    13: { acked: 49, p99: 1_500 },
    14: { acked: 50, p99: 400 },
    15: { acked: 100, p99: 15 },
    16: { acked: 100, p99: 14 },
  });
  const phase = phasesOf(points, fault(10_000, 12_000));
  assert.equal(phase.recovery.acksResumedMs, 2_000); // second 14
  assert.equal(phase.recovery.p99RecoveredMs, 3_000); // second 15: 15 ≤ 1.5 × 10
});

Deno.test("recovery is counted from the fault's end, 0 when the ending second already qualifies", () => {
  const points = timeline();
  const before = windowFigures(points, 0, 10_000);
  const r = recoveryAfter(points, 12_300, before);
  assert.equal(r.acksResumedMs, 0);
  assert.equal(r.p99RecoveredMs, 0);
});

Deno.test("recovery: null when the p99 never comes back within the run", () => {
  const overrides: Record<number, Partial<TimelinePoint>> = {};
  for (let t = 10; t < 30; t++) overrides[t] = { p99: 16 };
  const phase = phasesOf(timeline(overrides), fault(10_000, 12_000));
  assert.equal(phase.recovery.acksResumedMs, 0);
  assert.equal(phase.recovery.p99RecoveredMs, null);
});

Deno.test("recovery: null without a before figure (fault at the very start)", () => {
  const phase = phasesOf(timeline(), fault(0, 5_000));
  assert.equal(phase.before?.seconds, 0);
  assert.deepEqual(phase.recovery, { acksResumedMs: null, p99RecoveredMs: null });
});

Deno.test("a fault that never started has no figures; one that never ended runs to the end", () => {
  const never = phasesOf(timeline(), fault(null, null));
  assert.equal(never.during, null);
  assert.equal(never.before, null);
  const endless = phasesOf(timeline(), fault(20_000, null));
  assert.equal(endless.during?.toMs, 30_000);
  assert.equal(endless.during?.seconds, 10);
  assert.equal(endless.recovery.acksResumedMs, null);
});

Deno.test("faultPhases keeps the variant's fault order and timelineEndMs is one past the last second", () => {
  const points = timeline();
  const phases = faultPhases({
    timeline: points,
    faults: [{ ...fault(5_000, 6_000), id: "a" }, { ...fault(15_000, 16_000), id: "b" }],
  });
  assert.deepEqual(phases.map((p) => p.fault.id), ["a", "b"]);
  assert.equal(timelineEndMs(points), 30_000);
  assert.equal(timelineEndMs([]), 0);
});
