/**
 * How a simulated consumer application processes each record (issue 11): how long it takes,
 * and whether it is a poison record that always fails (to be sent to a dead-letter topic).
 * Both depend on the event alone (its sequence number), never on the member or the moment:
 * a record redelivered after a crash or a rebalance takes the same time and fails the same
 * way, as a real application's would, and every run of a scenario poisons the same events.
 *
 * @example
 * ```ts
 * import { isPoison, processingTimeMs } from "./processing_model.ts";
 * const model = { time: { kind: "uniform", minMs: 2, maxMs: 8 }, poisonShare: 0.001 } as const;
 * processingTimeMs(model, 41); // between 2 and 8, the same every time for event 41
 * isPoison(model, 41);         // true for about 1 event in 1,000, always the same ones
 * ```
 * @module
 */

/** Per-record processing time. */
export type ProcessingTime =
  | { kind: "fixed"; ms: number }
  | { kind: "uniform"; minMs: number; maxMs: number }
  /** Exponential with this mean: most records quick, a few slow (a service's tail). */
  | { kind: "exponential"; meanMs: number; maxMs: number };

/** What processing a record costs and which records always fail. */
export interface ProcessingModel {
  time: ProcessingTime;
  /** Share of records that always fail (0 to 1). */
  poisonShare: number;
}

/** A well-mixed 32-bit hash of `seq` and a salt (murmur3's finaliser over both halves). */
function mix(seq: number, salt: number): number {
  let h = (Math.floor(seq / 0x100000000) ^ Math.imul(salt, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (seq >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h ^ salt, 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** A number in [0, 1) that depends on `seq` and `salt` only. */
function unitOf(seq: number, salt: number): number {
  return mix(seq, salt) / 0x100000000;
}

const TIME_SALT = 0x51a1;
const POISON_SALT = 0x90150;

/** How long event `seq` takes to process, ms; see the module doc. */
export function processingTimeMs(model: ProcessingModel, seq: number): number {
  const t = model.time;
  switch (t.kind) {
    case "fixed":
      return t.ms;
    case "uniform":
      return t.minMs + (t.maxMs - t.minMs) * unitOf(seq, TIME_SALT);
    case "exponential":
      return Math.min(t.maxMs, -t.meanMs * Math.log(1 - unitOf(seq, TIME_SALT)));
  }
}

/** Whether event `seq` is a poison record; see the module doc. */
export function isPoison(model: ProcessingModel, seq: number): boolean {
  return model.poisonShare > 0 && unitOf(seq, POISON_SALT) < model.poisonShare;
}
