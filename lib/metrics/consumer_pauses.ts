/**
 * What a consumer group fault costs in time (issue 11), from the members' processing logs and
 * their assignment changes: for each partition, how long it made no progress around the
 * fault (the last record finished before it to the first after it: the pause a rebalance or
 * a dead member's detection costs), and how long until the group reassigned partitions.
 *
 * @example
 * ```ts
 * import { pausesAround } from "./consumer_pauses.ts";
 * const entries = [
 *   { member: 0, partition: 0, offset: 0, outcome: "processed", atMs: 900 },
 *   { member: 1, partition: 0, offset: 1, outcome: "processed", atMs: 13_400 },
 * ] as const;
 * pausesAround(entries, 1000, [0])[0].pauseMs; // 12500: 900 → 13,400
 * ```
 * @module
 */
import type { ProcessingEntry } from "../verify/processing.ts";

/** One partition's progress around a fault. */
export interface PartitionPause {
  partition: number;
  /** The last record finished at or before the fault, epoch ms; null when none was. */
  lastBeforeMs: number | null;
  /** The first finished after it; null when none was (the partition never went on). */
  firstAfterMs: number | null;
  /** Time with no progress across the fault, ms; null when either side is missing. */
  pauseMs: number | null;
}

/** Each of `partitions`' progress around `atMs`; see the module doc. */
export function pausesAround(
  entries: Iterable<Readonly<ProcessingEntry>>,
  atMs: number,
  partitions: readonly number[],
): PartitionPause[] {
  const before = new Map<number, number>();
  const after = new Map<number, number>();
  for (const e of entries) {
    if (e.atMs <= atMs) {
      if (e.atMs > (before.get(e.partition) ?? -Infinity)) before.set(e.partition, e.atMs);
    } else if (e.atMs < (after.get(e.partition) ?? Infinity)) after.set(e.partition, e.atMs);
  }
  return partitions.map((partition) => {
    const lastBeforeMs = before.get(partition) ?? null;
    const firstAfterMs = after.get(partition) ?? null;
    return {
      partition,
      lastBeforeMs,
      firstAfterMs,
      pauseMs: lastBeforeMs !== null && firstAfterMs !== null ? firstAfterMs - lastBeforeMs : null,
    };
  });
}

/** A partition's longest stall after a fault. */
export interface PartitionStall {
  partition: number;
  /**
   * The longest time the partition had a record waiting and none finished, ms: between two
   * records finished on it, from the first one's end or, when later, the moment the second was
   * written (acknowledged to the producer); for a partition that never went on, from its last
   * record before the fault (or the fault), or its next record's writing when later, to
   * `untilMs`.
   */
  pauseMs: number | null;
  /** Where that stall started, epoch ms; null with `pauseMs`. */
  fromMs: number | null;
}

/**
 * When the record at `offset` of `partition` could first be read, epoch ms (its producer's
 * acknowledgement); null when unknown (never acknowledged), taken as waiting all along.
 */
export type AvailableAt = (partition: number, offset: number) => number | null;

/**
 * Each of `partitions`' longest stall from its last record at or before `atMs` until
 * `untilMs`: the stop-the-world a rebalance imposes shows on every partition, also those of
 * members the fault never touched, and it may come a few seconds after the fault (when the
 * others learn of the rebalance), which {@link pausesAround} misses. A gap during which the
 * partition had nothing to read is not the consumer's: with `availableAt`, a gap counts from
 * the moment its next record was written when that is later than the previous record's end
 * (a broker fault also stops the writes to the partitions it led until a new leader takes
 * over). A partition with no record after `atMs` (until `untilMs`) stalled until `untilMs` at
 * least: the load kept writing to every partition, so records were waiting; from its next
 * record's writing, with `availableAt`, when that is known and later.
 *
 * @example
 * ```ts
 * import { longestStalls } from "./consumer_pauses.ts";
 * const done = (offset: number, atMs: number) =>
 *   ({ member: 0, partition: 0, offset, outcome: "processed", atMs }) as const;
 * // Offset 1 was written at 17,000 only (its leader had died), then read at once.
 * const written = (_p: number, offset: number) => offset === 1 ? 17_000 : 0;
 * longestStalls([done(0, 9_000), done(1, 17_050)], 10_000, 30_000, [0], written)[0].pauseMs; // 50
 * longestStalls([done(0, 9_000), done(1, 17_050)], 10_000, 30_000, [0])[0].pauseMs; // 8050
 * ```
 */
export function longestStalls(
  entries: Iterable<Readonly<ProcessingEntry>>,
  atMs: number,
  untilMs: number,
  partitions: readonly number[],
  availableAt?: AvailableAt,
): PartitionStall[] {
  const byPartition = new Map<number, Readonly<ProcessingEntry>[]>(partitions.map((p) => [p, []]));
  for (const e of entries) byPartition.get(e.partition)?.push(e);
  return partitions.map((partition) => {
    /** When the record at `offset` began to wait: the previous one's end, or its writing. */
    const waitingFrom = (previousEndMs: number, offset: number | undefined) =>
      Math.max(
        previousEndMs,
        (offset === undefined ? null : availableAt?.(partition, offset)) ?? -Infinity,
      );
    const all = byPartition.get(partition)!.sort((a, b) => a.atMs - b.atMs);
    const before = all.filter((e) => e.atMs <= atMs).at(-1);
    const after = all.filter((e) => e.atMs > atMs && e.atMs <= untilMs);
    if (after.length === 0) {
      // The record after the last one finished, still waiting at `untilMs`.
      const from = Math.min(
        waitingFrom(before?.atMs ?? atMs, before && before.offset + 1),
        untilMs,
      );
      return { partition, pauseMs: untilMs - from, fromMs: from };
    }
    const chain = before === undefined ? after : [before, ...after];
    let pauseMs = 0, fromMs = chain[0].atMs;
    for (let i = 1; i < chain.length; i++) {
      const from = waitingFrom(chain[i - 1].atMs, chain[i].offset);
      if (chain[i].atMs - from > pauseMs) [pauseMs, fromMs] = [chain[i].atMs - from, from];
    }
    return { partition, pauseMs, fromMs };
  });
}

/** A member's assignment from `atMs` on. */
export interface AssignmentChange {
  member: number;
  partitions: readonly number[];
  atMs: number;
}

/**
 * How long after `atMs` the group gave each of `partitions` (those `lost` held: the member
 * that died or left) to another member, ms; null for a partition never reassigned. This is
 * the time to detect the member gone (its session timeout, or its leaving) plus the rebalance.
 */
export function reassignedAfter(
  changes: Iterable<AssignmentChange>,
  atMs: number,
  lost: number,
  partitions: readonly number[],
): Map<number, number | null> {
  const out = new Map<number, number | null>(partitions.map((p) => [p, null]));
  for (const c of changes) {
    if (c.atMs < atMs || c.member === lost) continue;
    for (const p of c.partitions) {
      const seen = out.get(p);
      if (seen === undefined) continue;
      if (seen === null || c.atMs - atMs < seen) out.set(p, c.atMs - atMs);
    }
  }
  return out;
}
