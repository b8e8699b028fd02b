/**
 * Segments of a load: `i/N` is the i-th of N disjoint shares of a variant's
 * events, so that N workers together produce exactly the scenario's load.
 *
 * Shares are interleaved by sequence number (event `seq` belongs to share
 * `seq mod N + 1`): each worker then sends at a 1/N of the rate at every moment
 * of the schedule, ramps and steps included, and the intended send time of an
 * event does not depend on how the load is split. k6 cuts its execution
 * segments the same way, by striping iterations rather than time.
 *
 * @example
 * ```ts
 * const segment = parseSegment("2/3");
 * ownsEvent(segment, 4); // true: 4 mod 3 + 1 = 2
 * eventsOf(segment, 10); // 3 (events 1, 4, 7)
 * ```
 * @module
 */

/** The i-th of N shares of every variant's events (1 ≤ index ≤ count). */
export interface LoadSegment {
  index: number;
  count: number;
}

/** The whole load: one share of one. */
export const WHOLE_LOAD: LoadSegment = { index: 1, count: 1 };

/** Most shares a load can be split into. */
export const MAX_SEGMENTS = 1024;

/** Parse `i/N` (such as `2/4`); throws a RangeError saying what is wrong. */
export function parseSegment(text: string): LoadSegment {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new RangeError(`segment "${text}" is not of the form i/N (e.g. 2/4)`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SEGMENTS) {
    throw new RangeError(`segment "${text}": N must be 1 to ${MAX_SEGMENTS}`);
  }
  if (index < 1 || index > count) {
    throw new RangeError(`segment "${text}": i must be 1 to N (${count})`);
  }
  return { index, count };
}

/** `i/N`, as {@link parseSegment} reads it. */
export function segmentLabel(segment: LoadSegment): string {
  return `${segment.index}/${segment.count}`;
}

/** Whether event `seq` is in `segment`'s share. */
export function ownsEvent(segment: LoadSegment, seq: number): boolean {
  return seq % segment.count === segment.index - 1;
}

/** The segment's first event at or after `seq` (may be ≥ the load's total). */
export function firstOwnedFrom(segment: LoadSegment, seq: number): number {
  const offset = (segment.index - 1 - (seq % segment.count) + segment.count) % segment.count;
  return seq + offset;
}

/** Events of a load of `total` events that fall in `segment`'s share. */
export function eventsOf(segment: LoadSegment, total: number): number {
  const first = segment.index - 1;
  return total > first ? Math.floor((total - 1 - first) / segment.count) + 1 : 0;
}
