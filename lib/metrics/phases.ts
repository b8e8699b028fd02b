/**
 * Figures around each fault, by *intended* send time: the events that were due
 * before, during and after the fault, whatever became of them later. A latency
 * toxic of 2.5 s shows its damage in the events sent during it (their
 * acknowledgements come after it), not in the seconds their late answers came.
 *
 * Every figure is exact, from each event's own latency (the generator keeps
 * one per event): percentiles are taken over every event of the window, an
 * event never acknowledged counting as slower than any bound (null: beyond
 * every bound), as latency expectations do.
 *
 * - before: the events intended in a window as long as the fault, just before it (cut at 0);
 * - during: the events intended between the fault's real start and its real end;
 * - after: a window as long as the fault, just after it (cut at the end of the load).
 *
 * Recovery: from the fault's end, the first one-second window of intended
 * events (stepping by a quarter second) in which every event was acknowledged
 * and the p99 is within {@link P99_RECOVERED_RATIO} × the p99 before the
 * fault; null when that did not happen before the load ended.
 *
 * @example
 * ```ts
 * import { createSchedule } from "../load/schedule.ts";
 * import type { FaultWindow } from "../report/types.ts";
 * declare const fault: FaultWindow;
 * const schedule = createSchedule({ kind: "constant", perSecond: 100 }, 30_000);
 * const latencies = new Float32Array(schedule.total).fill(5); // every event acknowledged in 5 ms
 * const [phase] = faultPhasesOf([fault], { schedule, latencies, loadEndMs: 30_000 });
 * phase.during?.p99; // 5
 * ```
 * @module
 */
import { firstSeqAt, type Schedule } from "../load/schedule.ts";
import type { FaultPhase, FaultWindow, PhaseFigures } from "../report/types.ts";

/** Multiple of the before-fault p99 that counts as "latency back to its pre-fault level". */
export const P99_RECOVERED_RATIO = 1.5;
/** Below this many events a window's p99 says little: it is flagged. */
export const FEW_EVENTS = 100;
/** Recovery is looked for in windows this long, starting every {@link RECOVERY_STEP_MS}. */
export const RECOVERY_WINDOW_MS = 1000;
export const RECOVERY_STEP_MS = 250;

/** What the figures are computed from. */
export interface PhaseInputs {
  schedule: Schedule;
  /** Per event: ms from its intended time to its acknowledgement, NaN when never acknowledged. */
  latencies: Float32Array;
  /** End of the load (ms since its start): windows are cut there. */
  loadEndMs: number;
}

/** Latencies of the events intended in [fromMs, toMs), sorted, never-acknowledged last (Infinity). */
function sortedLatencies(inputs: PhaseInputs, fromMs: number, toMs: number): Float64Array {
  const from = firstSeqAt(inputs.schedule, fromMs);
  const to = firstSeqAt(inputs.schedule, toMs);
  const out = new Float64Array(Math.max(0, to - from));
  for (let s = from; s < to; s++) {
    const ms = inputs.latencies[s];
    out[s - from] = Number.isNaN(ms) ? Infinity : ms;
  }
  return out.sort();
}

/** Percentile `p` (0–100) of sorted values by rank; null when beyond every bound or empty. */
function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  const value = sorted[rank - 1];
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : null; // µs precision
}

/** Exact figures of the events intended in [fromMs, toMs). */
export function windowFigures(inputs: PhaseInputs, fromMs: number, toMs: number): PhaseFigures {
  const sorted = sortedLatencies(inputs, fromMs, toMs);
  let acked = 0;
  while (acked < sorted.length && Number.isFinite(sorted[acked])) acked++;
  return {
    fromMs,
    toMs,
    events: sorted.length,
    acked,
    notAcked: sorted.length - acked,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
    fewEvents: sorted.length < FEW_EVENTS,
  };
}

/** Ms from `endMs` to the start of the first window back to normal; null when none was. */
export function recoveryAfter(
  inputs: PhaseInputs,
  endMs: number,
  before: PhaseFigures,
): number | null {
  if (before.p99 === null || before.events === 0) return null;
  const ceiling = P99_RECOVERED_RATIO * before.p99;
  for (let from = endMs; from + RECOVERY_WINDOW_MS <= inputs.loadEndMs; from += RECOVERY_STEP_MS) {
    const w = windowFigures(inputs, from, from + RECOVERY_WINDOW_MS);
    if (w.events > 0 && w.notAcked === 0 && w.p99 !== null && w.p99 <= ceiling) {
      return from - endMs;
    }
  }
  return null;
}

/** Before, during, after and recovery of each fault, in the faults' order. */
export function faultPhasesOf(faults: readonly FaultWindow[], inputs: PhaseInputs): FaultPhase[] {
  return faults.map((fault) => {
    if (fault.startedAtMs === null) {
      return { faultId: fault.id, before: null, during: null, after: null, recoveredMs: null };
    }
    const start = Math.min(fault.startedAtMs, inputs.loadEndMs);
    const end = Math.min(fault.endedAtMs ?? inputs.loadEndMs, inputs.loadEndMs);
    const length = Math.max(0, end - start);
    const before = windowFigures(inputs, Math.max(0, start - length), start);
    const during = windowFigures(inputs, start, end);
    const after = windowFigures(inputs, end, Math.min(inputs.loadEndMs, end + length));
    const recoveredMs = fault.endedAtMs === null ? null : recoveryAfter(inputs, end, before);
    return { faultId: fault.id, before, during, after, recoveredMs };
  });
}
