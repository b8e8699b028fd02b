/**
 * A map from sequence numbers to small codes, stored as sorted disjoint runs
 * `[start, end)` with one code each; every sequence number outside the runs
 * has the code 0. Neighbouring runs with the same code merge, so a long
 * stretch of events settled alike costs one run, and the number of runs grows
 * with the places where the code changes (anomalies, and holes of events not
 * settled yet), not with the number of events.
 *
 * Updates near the end (the usual case: events settle roughly in sequence
 * order) cost O(log runs); an update in the middle moves the runs after it.
 *
 * @example
 * ```ts
 * const runs = new SeqRuns();
 * runs.set(5, 2);
 * runs.set(6, 2);
 * runs.get(6); // 2
 * runs.get(7); // 0
 * runs.count; // 1: [5, 7) → 2
 * ```
 * @module
 */

/** Sequence number → code (0 by default), as runs; see the module doc. */
export class SeqRuns {
  #starts: number[] = [];
  #ends: number[] = [];
  #codes: number[] = [];

  /** Number of runs kept. */
  get count(): number {
    return this.#starts.length;
  }

  /** Bytes of the runs (three numbers each). */
  get byteLength(): number {
    return this.#starts.length * 24;
  }

  /** The code of `seq`. */
  get(seq: number): number {
    const i = this.#runAtOrBefore(seq);
    return i >= 0 && seq < this.#ends[i] ? this.#codes[i] : 0;
  }

  /** Set the code of `seq` (0 removes it from the runs). */
  set(seq: number, code: number): void {
    const i = this.#runAtOrBefore(seq);
    if (i >= 0 && seq < this.#ends[i]) {
      if (this.#codes[i] !== code) this.#split(i, seq, code);
      return;
    }
    if (code === 0) return;
    // seq lies in the gap after run i: extend a neighbour or insert a run of one.
    const joinsLeft = i >= 0 && this.#ends[i] === seq && this.#codes[i] === code;
    const next = i + 1;
    const joinsRight = next < this.#starts.length && this.#starts[next] === seq + 1 &&
      this.#codes[next] === code;
    if (joinsLeft && joinsRight) {
      this.#ends[i] = this.#ends[next];
      this.#remove(next, 1);
    } else if (joinsLeft) {
      this.#ends[i] = seq + 1;
    } else if (joinsRight) {
      this.#starts[next] = seq;
    } else {
      this.#insert(next, seq, seq + 1, code);
    }
  }

  /** Give `seq`, inside run `i`, another code: cut the run in up to three and merge. */
  #split(i: number, seq: number, code: number): void {
    const start = this.#starts[i];
    const end = this.#ends[i];
    const old = this.#codes[i];
    this.#remove(i, 1);
    let at = i;
    if (start < seq) this.#insert(at++, start, seq, old);
    if (seq + 1 < end) this.#insert(at, seq + 1, end, old);
    if (code !== 0) this.set(seq, code);
  }

  /** Index of the last run starting at or before `seq`, or -1. */
  #runAtOrBefore(seq: number): number {
    const starts = this.#starts;
    let hi = starts.length - 1;
    if (hi < 0 || starts[hi] <= seq) return hi; // the usual case: at the end
    let lo = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] <= seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi;
  }

  #insert(at: number, start: number, end: number, code: number): void {
    if (at === this.#starts.length) {
      this.#starts.push(start);
      this.#ends.push(end);
      this.#codes.push(code);
      return;
    }
    this.#starts.splice(at, 0, start);
    this.#ends.splice(at, 0, end);
    this.#codes.splice(at, 0, code);
  }

  #remove(at: number, count: number): void {
    this.#starts.splice(at, count);
    this.#ends.splice(at, count);
    this.#codes.splice(at, count);
  }
}
