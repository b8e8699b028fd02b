/**
 * Where consume-back ends, per partition. One high-watermark snapshot taken
 * right after the load is not enough:
 * - with acks=1 or 0 the leader acknowledges before its followers copied the
 *   record, so the high watermark may still be below records already
 *   acknowledged: read at a snapshot, they would count as lost;
 * - a request already in the broker's hands when the client gave up on it may
 *   still be written after the snapshot: it must be read (a phantom), not
 *   missed (failed-absent).
 *
 * So each partition ends at the larger of its high watermark and its highest
 * acknowledged offset + 1, and the ends are polled until every partition
 * reached that point and the watermarks stayed put for one more poll, up to a
 * deadline. A partition whose watermark never reaches its acknowledged end
 * is read to its watermark with a note (the log was truncated under those
 * acknowledgements: they are lost); a partition whose offsets cannot be
 * fetched at all is unreadable, with the reason.
 *
 * @example
 * ```ts
 * const ends = await readBackEnds({
 *   before: [{ partition: 0, high: 0 }],
 *   ackedEnd: new Map([[0, 120]]),
 *   offsets: () => Promise.resolve([{ partition: 0, high: 120 }]),
 * });
 * ends.ranges; // [{ partition: 0, start: 0, end: 120 }]
 * ```
 * @module
 */
import type { PartitionRange } from "./consume.ts";

/** Options of {@link readBackEnds}. */
export interface ReadBackEndsOptions {
  /** High watermarks before the load: reading starts there. */
  before: readonly { partition: number; high: number }[];
  /** Per partition, the highest acknowledged offset + 1 (absent: nothing acknowledged with an offset). */
  ackedEnd: ReadonlyMap<number, number>;
  /** Fetch the current high watermarks; throws or resolves null when they cannot be fetched. */
  offsets: () => Promise<readonly { partition: number; high: number }[] | null>;
  /** Give up waiting after this long, ms (default 15,000: longer than replica.lag.time.max.ms). */
  deadlineMs?: number;
  /** Pause between polls, ms (default 500). */
  pollMs?: number;
}

/** Where to read, and why some partitions end short or cannot be read. */
export interface ReadBackEnds {
  ranges: PartitionRange[];
  /** Partitions whose offsets could not be fetched, with the reason. */
  unreadable: { partition: number; reason: string }[];
  /** Partitions read to a watermark below their acknowledged end. */
  notes: string[];
}

/** Poll the partitions' ends until they settle; see the module doc. */
export async function readBackEnds(o: ReadBackEndsOptions): Promise<ReadBackEnds> {
  const deadline = performance.now() + (o.deadlineMs ?? 15_000);
  const pollMs = o.pollMs ?? 500;
  let last: Map<number, number> | null = null;
  let lastError = "";
  for (;;) {
    let now: Map<number, number> | null = null;
    try {
      const offsets = await o.offsets();
      if (offsets) now = new Map(offsets.map((x) => [x.partition, x.high]));
      else lastError = "offsets not available";
    } catch (e) {
      lastError = (e as Error).message;
    }
    if (now !== null) {
      const highs = now;
      const complete = o.before.every((b) => highs.has(b.partition));
      const reached = complete &&
        o.before.every((b) => highs.get(b.partition)! >= (o.ackedEnd.get(b.partition) ?? 0));
      const settled = last !== null &&
        o.before.every((b) => last!.get(b.partition) === highs.get(b.partition));
      if (reached && settled) return result(o, highs, "");
      if (!complete) lastError = "some partitions had no offsets";
      last = highs;
    }
    if (performance.now() + pollMs > deadline) {
      return result(o, last, lastError || "partition offsets not available");
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

function result(
  o: ReadBackEndsOptions,
  highs: Map<number, number> | null,
  error: string,
): ReadBackEnds {
  const out: ReadBackEnds = { ranges: [], unreadable: [], notes: [] };
  for (const b of o.before) {
    const high = highs?.get(b.partition);
    if (high === undefined) {
      out.unreadable.push({
        partition: b.partition,
        reason: `end offset of partition ${b.partition} unknown: ${error}`,
      });
      continue;
    }
    const acked = o.ackedEnd.get(b.partition) ?? 0;
    if (high < acked) {
      out.notes.push(
        `partition ${b.partition}: high watermark stayed at ${high}, below the highest ` +
          `acknowledged offset + 1 (${acked}): the log was truncated under acknowledged records, ` +
          "which count as lost",
      );
    }
    out.ranges.push({ partition: b.partition, start: b.high, end: Math.max(b.high, high) });
  }
  return out;
}
