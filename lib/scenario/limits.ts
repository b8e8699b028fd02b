/**
 * What one sismo process can run: loads beyond these limits are rejected when
 * the scenario is validated, before a cluster starts or a topic is created,
 * instead of failing mid-run (a rate of 10^9/s used to die allocating its
 * ledger with "Array buffer allocation failed").
 *
 * - **Rate ceiling.** The generator hands the client one record per call from
 *   one JavaScript thread, every variant of a `parallel` run from the same
 *   process. The fastest client sustained 55,000 events/s on a 2-core machine
 *   (librdkafka; Kafka's own ProducerPerformance 67,000/s, see BENCHMARKS.md).
 *   {@link MAX_RATE}, 1,000,000 events/s, is far above what any client reaches
 *   that way even on a large machine: a rate above it is a typo or a
 *   misunderstanding, not a load. Rates below it that the machine cannot hold
 *   are accepted and measured (events not sent, dispatch lag).
 * - **Events per variant.** Every event has a slot in typed arrays indexed by
 *   its sequence number; the verifier's bit set indexes them with 32-bit
 *   integer arithmetic (`seq >> 3`), so a variant has at most
 *   {@link MAX_EVENTS_PER_VARIANT} = 2^31 − 1 events.
 * - **Memory.** Up to {@link FULL_LEDGER_BYTES} per variant, every event of
 *   the load has its state from the start: {@link bytesPerEvent}, about 18.5
 *   bytes (the ledger's 12, the generator's latency 4, the end-of-run
 *   verifier's 2.25 plus a bit per partition read). Past it the variant keeps a
 *   compact ledger and is verified live only (`lib/verify/compact_ledger.ts`,
 *   `live.ts`): its state is then the events not settled yet, about the rate
 *   times the delivery horizon ({@link UNSETTLED_HORIZON_MS}) at
 *   {@link UNSETTLED_BYTES} each, flat however long the run. Variants run one
 *   after another free their state in between, so one variant counts; with
 *   `parallel: true` they all hold theirs at once, so the sum counts. The total
 *   must stay within {@link MEMORY_SHARE} (half) of the machine's memory
 *   (`os.totalmem()`), leaving the rest to the clients' buffers, the runtime and
 *   the brokers of the local stack. Without permission to read the machine's
 *   memory (`--allow-sys`) this rule is skipped.
 *
 * Event counts come from the rate schedule itself (`createSchedule(...).total`,
 * ramps and steps included); the rate ceiling applies to the schedule's peak.
 * Limits are checked on the scenario as written, like the rest of validation:
 * a profile only scales times and rates down (factors at most 1), so a file
 * that passes runs in every profile.
 *
 * @example
 * ```ts
 * import { checkLoadLimits } from "./limits.ts";
 *
 * const load = {
 *   rate: { kind: "constant", perSecond: 1e9 },
 *   warmupMs: 0,
 *   durationMs: 60_000,
 *   keys: { kind: "none" },
 * } as const;
 * checkLoadLimits(load, { variants: 1, parallel: false, partitions: 3, totalMemory: 2 ** 34 });
 * // { rate: "peak rate 1,000,000,000 events/s is above …", events: "60,000,000,000 events … " }
 * ```
 * @module
 */
import os from "node:os";
import { createSchedule } from "../load/schedule.ts";
import { formatDuration } from "./duration.ts";
import type { KeySpace, LoadPlan, RateSchedule } from "./types.ts";

/** Highest rate, events/s, one sismo process hands to clients (every parallel variant together). */
export const MAX_RATE = 1_000_000;

/** Most events one variant can have: its sequence numbers index 32-bit integer arithmetic. */
export const MAX_EVENTS_PER_VARIANT = 2 ** 31 - 1;

/** Ledger bytes per event: status 1, error index 1, ack partition 2, ack offset 8. */
export const LEDGER_BYTES_PER_EVENT = 12;
/** Generator bytes per event: the hand-off lag, a float32. */
export const GENERATOR_BYTES_PER_EVENT = 4;

/**
 * Bytes held per event, for every event of a variant, from the load's start to
 * the end of its verification: the ledger's, the generator's and the
 * verifier's (read count 1, replaced-top link 1, two flag bits, and the
 * pile-top bit sets: one bit per event with fixed keys, one per event and
 * partition read with `none` or `per-event` keys, each 1.04 bits with the
 * summary levels (1/31) and the rounding to whole words). Per-key and per-partition tables and overflow maps are left out: they
 * do not grow with the events.
 */
export function bytesPerEvent(keys: KeySpace, partitions: number): number {
  const pileTopBits = (keys.kind === "fixed" ? 1 : Math.max(1, partitions)) * 1.1;
  const verifier = 2 + (2 + pileTopBits) / 8;
  return LEDGER_BYTES_PER_EVENT + GENERATOR_BYTES_PER_EVENT + verifier;
}

/** Share of the machine's memory that the per-event state of a run may take. */
export const MEMORY_SHARE = 0.5;

/**
 * Most bytes of per-event state (ledger, latencies, end-of-run verifier) a variant keeps; past
 * it the run keeps a compact ledger and verifies live only, so that a soak's memory stays flat.
 * 1 GiB is about 58 million events: an hour at 16,000 events/s.
 */
export const FULL_LEDGER_BYTES = 2 ** 30;

/**
 * How long an event stays unsettled in the live verification, at most, for the memory rule:
 * the default delivery timeout (120 s) and request timeout (30 s), plus a minute of margins
 * (`deliveryHorizonMs` in `lib/run/produce.ts`), plus the read's lag.
 */
export const UNSETTLED_HORIZON_MS = 240_000;

/**
 * Bytes per unsettled event: the streaming verifier's 26 (about 40 more for a straggler), the
 * generator's hand-off time of an outstanding event, and slack.
 */
export const UNSETTLED_BYTES = 128;

/** Whether a variant of `events` events keeps a compact ledger (see {@link FULL_LEDGER_BYTES}). */
export function needsCompactLedger(events: number, keys: KeySpace, partitions: number): boolean {
  return events * bytesPerEvent(keys, partitions) > FULL_LEDGER_BYTES;
}

/** The parts of a load the limits depend on. */
export type LimitedLoad = Pick<LoadPlan, "rate" | "warmupMs" | "durationMs" | "keys">;

/** What a load asks of the process. */
export interface LoadDemand {
  /** Events of one variant over warmup + duration. */
  eventsPerVariant: number;
  /** Variants that hold their state at the same time: all with `parallel`, else 1. */
  concurrentVariants: number;
  /** Bytes of state per event (see {@link bytesPerEvent}). */
  bytesPerEvent: number;
  /** Whether each variant keeps a compact ledger (see {@link FULL_LEDGER_BYTES}). */
  compact: boolean;
  /** Bytes of per-event state held at once. */
  bytes: number;
  /** Highest rate of the schedule, events/s, for one variant. */
  peakRate: number;
  /** Highest rate the process hands to clients: the peak times the concurrent variants. */
  processRate: number;
}

/** How the load is run: how many variants, at once or not, on how many partitions. */
export interface RunShape {
  variants: number;
  parallel: boolean;
  /** Partitions of each variant's topic. */
  partitions: number;
}

/** The load a plan asks of the process. */
export function loadDemand(load: LimitedLoad, shape: RunShape): LoadDemand {
  const eventsPerVariant = createSchedule(load.rate, load.warmupMs + load.durationMs).total;
  const concurrentVariants = shape.parallel ? Math.max(1, shape.variants) : 1;
  const peak = peakRate(load.rate);
  const perEvent = bytesPerEvent(load.keys, shape.partitions);
  const compact = needsCompactLedger(eventsPerVariant, load.keys, shape.partitions);
  const perVariant = compact
    ? Math.min(eventsPerVariant, peakRate(load.rate) * UNSETTLED_HORIZON_MS / 1000) *
      UNSETTLED_BYTES
    : eventsPerVariant * perEvent;
  return {
    eventsPerVariant,
    concurrentVariants,
    bytesPerEvent: perEvent,
    compact,
    bytes: perVariant * concurrentVariants,
    peakRate: peak,
    processRate: peak * concurrentVariants,
  };
}

/** Highest rate of a schedule, events/s. */
export function peakRate(rate: RateSchedule): number {
  switch (rate.kind) {
    case "constant":
      return rate.perSecond;
    case "ramp":
      return Math.max(rate.from, rate.to);
    case "steps":
      return Math.max(...rate.steps.map((step) => step.perSecond));
  }
}

/** The machine's memory in bytes, or null when it cannot be read (no `--allow-sys`). */
export function machineMemory(): number | null {
  try {
    const total = os.totalmem();
    return Number.isFinite(total) && total > 0 ? total : null;
  } catch {
    return null;
  }
}

/** Problems of a load against the limits: about its peak rate, and about its event count. */
export interface LoadLimitProblems {
  /** The peak rate is above {@link MAX_RATE} (belongs to the field holding the peak). */
  rate?: string;
  /** Too many events for the indexes or the memory (belongs to `load.rate`). */
  events?: string;
}

/**
 * Check a load against the limits of the module doc. `totalMemory` is the
 * machine's memory in bytes (default {@link machineMemory}); null skips the
 * memory rule.
 */
export function checkLoadLimits(
  load: LimitedLoad,
  opts: RunShape & { totalMemory?: number | null },
): LoadLimitProblems {
  const demand = loadDemand(load, opts);
  const totalMemory = opts.totalMemory === undefined ? machineMemory() : opts.totalMemory;
  const out: LoadLimitProblems = {};
  const n = demand.concurrentVariants;
  const lasting = `the rate over warmup + duration, ${
    formatDuration(load.warmupMs + load.durationMs)
  }`;

  if (demand.processRate > MAX_RATE) {
    const what = n > 1
      ? `${n} parallel variants at a peak rate of ${count(demand.peakRate)} events/s each make ` +
        `${count(demand.processRate)} events/s from one process, above`
      : `peak rate ${count(demand.peakRate)} events/s is above`;
    out.rate = `${what} the ceiling of ${count(MAX_RATE)} events/s for one sismo process: the ` +
      "generator hands the client one record per call from one thread, and the fastest client " +
      "sustained 55,000/s on a 2-core machine (BENCHMARKS.md)";
  }

  if (demand.eventsPerVariant > MAX_EVENTS_PER_VARIANT) {
    out.events = `${count(demand.eventsPerVariant)} events per variant (${lasting}) are more ` +
      `than the ${count(MAX_EVENTS_PER_VARIANT)} one variant can have (its events are indexed ` +
      "with 32-bit integers); lower the rate or the duration";
  } else if (totalMemory !== null && demand.bytes > totalMemory * MEMORY_SHARE) {
    const events = n > 1
      ? `${n} parallel variants × ${count(demand.eventsPerVariant)} events (${lasting})`
      : `${count(demand.eventsPerVariant)} events (${lasting}; variants run one after another, ` +
        "so one variant's events count)";
    // A compact variant's state does not grow with the duration.
    const lower = demand.compact ? "lower the rate" : "lower the rate or the duration";
    const fix = n > 1 ? `${lower}, or run the variants one after another` : lower;
    const state = demand.compact
      ? `${bytes(demand.bytes)} of state for the events not settled yet (` +
        `${UNSETTLED_BYTES} bytes each, ${UNSETTLED_HORIZON_MS / 1000} s at the peak rate)`
      : `${bytes(demand.bytes)} of per-event state ` +
        `(${demand.bytesPerEvent.toFixed(1)} bytes each: ledger, latencies, verifier)`;
    out.events = `${events} need ${state}, more than the limit of ` +
      `${bytes(totalMemory * MEMORY_SHARE)}, half of this machine's ${bytes(totalMemory)} of ` +
      `memory; ${fix}`;
  }
  return out;
}

function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function bytes(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
