/**
 * When each event not answered yet was handed to the client, by sequence
 * number: what latency from send is measured from.
 *
 * A `Map` did this at 54 ns per set and delete with a thousand entries, and
 * was the largest item of the generator's profile at 100,000 events/s (about a
 * tenth of the main thread). Here a slot per sequence number modulo a power of
 * two holds the time; an event still unanswered when its slot comes round
 * again (outstanding for longer than `capacity` events, as during an outage)
 * moves to a `Map` beside it, so that no time is ever lost or mixed up.
 *
 * @example
 * ```ts
 * import { HandOffTimes } from "./hand_off_times.ts";
 * const times = new HandOffTimes(4);
 * times.set(0, 1.5);
 * times.set(4, 2.5); // slot of 0 again, 0 unanswered: kept aside
 * times.take(0); // 1.5
 * times.take(0); // undefined: taken once
 * times.take(4); // 2.5
 * ```
 *
 * @module
 */

/** Hand-off times of outstanding events; see the module doc. */
export class HandOffTimes {
  #mask: number;
  #seqs: Float64Array;
  #times: Float64Array;
  #aside = new Map<number, number>();

  /** `capacity` is rounded up to a power of two (at least 2). */
  constructor(capacity = 65_536) {
    let size = 2;
    while (size < capacity) size *= 2;
    this.#mask = size - 1;
    this.#seqs = new Float64Array(size).fill(-1);
    this.#times = new Float64Array(size);
  }

  /** Event `seq` (a non-negative integer) was handed over at `ms`. */
  set(seq: number, ms: number): void {
    const i = seq & this.#mask;
    const held = this.#seqs[i];
    if (held >= 0 && held !== seq) this.#aside.set(held, this.#times[i]);
    this.#seqs[i] = seq;
    this.#times[i] = ms;
  }

  /** The hand-off time of `seq`, forgotten once taken; undefined when it has none. */
  take(seq: number): number | undefined {
    const i = seq & this.#mask;
    if (this.#seqs[i] === seq) {
      this.#seqs[i] = -1;
      return this.#times[i];
    }
    if (this.#aside.size === 0) return undefined;
    const ms = this.#aside.get(seq);
    if (ms !== undefined) this.#aside.delete(seq);
    return ms;
  }

  /** Events held (for tests: it walks the whole ring). */
  get size(): number {
    let n = this.#aside.size;
    for (const s of this.#seqs) if (s >= 0) n++;
    return n;
  }
}
