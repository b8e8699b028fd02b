/**
 * The consumer side's checker (issue 11's first part): what became of every record of the
 * input topic, from the members' processing logs (what each member finished, recorded as an
 * application's side effect would be), the group's committed offsets at the end, and the
 * dead-letter topic read back.
 *
 * Each record of the input topic is, by its offset:
 *
 * | class                   | when                                                                    |
 * | ----------------------- | ----------------------------------------------------------------------- |
 * | `processedOnce`         | one member finished it, once                                            |
 * | `processedMoreThanOnce` | finished more than once (redelivered after a crash or a rebalance)      |
 * | `deadLettered`          | a poison record, handed to the dead-letter topic and found there        |
 * | `lost`                  | never finished, yet the group committed past it: nobody ever will       |
 * | `unprocessed`           | never finished, not committed past: still owed (lag when the run ended) |
 *
 * Found apart: a poison record handed to the dead-letter topic but absent from it
 * (`deadLetterMissing`, a loss on the way), extra copies in the dead-letter topic, and log
 * entries for records the input topic does not have (`unknownEntries`: a bug, never 0 silently).
 *
 * @example
 * ```ts
 * import { checkProcessing } from "./processing.ts";
 * const counts = checkProcessing({
 *   topic: [{ partition: 0, start: 0, end: 3 }],
 *   entries: [
 *     { member: 0, partition: 0, offset: 0, outcome: "processed", atMs: 1 },
 *     { member: 1, partition: 0, offset: 0, outcome: "processed", atMs: 9 },
 *   ],
 *   committed: new Map([[0, 2]]),
 *   deadLettered: [],
 * }).counts;
 * counts.processedMoreThanOnce; // 1 (offset 0, by two members)
 * counts.lost;                  // 1 (offset 1: committed past, never finished)
 * counts.unprocessed;           // 1 (offset 2)
 * ```
 * @module
 */
import type { ProcessingCounts, ProcessingSample } from "../report/types.ts";

/** What a member recorded when it finished a record. */
export interface ProcessingEntry {
  /** The member's index in the group. */
  member: number;
  partition: number;
  offset: number;
  /** `processed`: done; `dead-lettered`: a poison record, its dead-letter write acknowledged. */
  outcome: "processed" | "dead-lettered";
  /** When it finished, epoch ms. */
  atMs: number;
}

/** Counts and samples of {@link checkProcessing}: the report's model (`lib/report/types.ts`). */
export type { ProcessingCounts, ProcessingSample };

/** What {@link checkProcessing} needs. */
export interface ProcessingCheckInput {
  /** The input topic's records to account for: per partition, offsets `start` to `end` − 1. */
  topic: { partition: number; start: number; end: number }[];
  entries: Iterable<ProcessingEntry>;
  /** Per partition, the group's committed offset at the end (absent: nothing committed). */
  committed: Map<number, number>;
  /** Where each record found in the dead-letter topic came from (partition and offset). */
  deadLettered: Iterable<{ partition: number; offset: number }>;
  /** Samples kept per class (5). */
  samples?: number;
}

type SampledClass = "processedMoreThanOnce" | "lost" | "unprocessed" | "deadLetterMissing";

/** Classify every record of the input topic; see the module doc. */
export function checkProcessing(input: ProcessingCheckInput): {
  counts: ProcessingCounts;
  samples: Record<SampledClass, ProcessingSample[]>;
} {
  const keep = input.samples ?? 5;
  const counts: ProcessingCounts = {
    records: 0,
    processedOnce: 0,
    processedMoreThanOnce: 0,
    reprocessings: 0,
    deadLettered: 0,
    lost: 0,
    unprocessed: 0,
    deadLetterMissing: 0,
    deadLetterDuplicates: 0,
    unknownEntries: 0,
  };
  const samples: Record<SampledClass, ProcessingSample[]> = {
    processedMoreThanOnce: [],
    lost: [],
    unprocessed: [],
    deadLetterMissing: [],
  };
  /** Per partition: its range, and per offset what was recorded of it. */
  const partitions = new Map<number, {
    start: number;
    end: number;
    processed: Uint16Array;
    handedToDeadLetter: Uint16Array;
    inDeadLetter: Uint16Array;
    members: Map<number, number[]>;
  }>();
  for (const p of input.topic) {
    const n = Math.max(0, p.end - p.start);
    partitions.set(p.partition, {
      start: p.start,
      end: p.end,
      processed: new Uint16Array(n),
      handedToDeadLetter: new Uint16Array(n),
      inDeadLetter: new Uint16Array(n),
      members: new Map(),
    });
    counts.records += n;
  }
  const slot = (partition: number, offset: number) => {
    const p = partitions.get(partition);
    if (!p || offset < p.start || offset >= p.end || !Number.isInteger(offset)) return null;
    return { p, i: offset - p.start };
  };
  const bump = (a: Uint16Array, i: number) => a[i] < 0xffff && a[i]++;
  for (const e of input.entries) {
    const at = slot(e.partition, e.offset);
    if (!at) {
      counts.unknownEntries++;
      continue;
    }
    bump(e.outcome === "processed" ? at.p.processed : at.p.handedToDeadLetter, at.i);
    const members = at.p.members.get(at.i) ?? [];
    if (!members.includes(e.member)) members.push(e.member);
    at.p.members.set(at.i, members);
  }
  for (const d of input.deadLettered) {
    const at = slot(d.partition, d.offset);
    if (at) bump(at.p.inDeadLetter, at.i);
  }
  const sample = (kind: SampledClass, partition: number, offset: number, members: number[]) => {
    if (samples[kind].length < keep) samples[kind].push({ partition, offset, members });
  };
  for (const [partition, p] of [...partitions].sort((a, b) => a[0] - b[0])) {
    const committed = input.committed.get(partition) ?? -1;
    for (let i = 0; i < p.processed.length; i++) {
      const offset = p.start + i;
      const members = p.members.get(i) ?? [];
      const inDeadLetter = p.inDeadLetter[i];
      if (inDeadLetter > 1) counts.deadLetterDuplicates += inDeadLetter - 1;
      const processed = p.processed[i];
      // The dead-letter write is the side effect itself: found there, it happened, whether or
      // not the member lived to record it.
      if (inDeadLetter > 0) counts.deadLettered++;
      else if (p.handedToDeadLetter[i] > 0) {
        counts.deadLetterMissing++;
        sample("deadLetterMissing", partition, offset, members);
      } else if (processed === 1) counts.processedOnce++;
      else if (processed > 1) {
        counts.processedMoreThanOnce++;
        counts.reprocessings += processed - 1;
        sample("processedMoreThanOnce", partition, offset, members);
      } else if (offset < committed) {
        counts.lost++;
        sample("lost", partition, offset, members);
      } else {
        counts.unprocessed++;
        sample("unprocessed", partition, offset, members);
      }
    }
  }
  return { counts, samples };
}
