/**
 * Events out of place, counted as the end-of-run verifier counts them (see
 * Ordering in `verifier.ts`), while the records arrive, with the piles of
 * long settled events forgotten.
 *
 * Per ordering group, patience sorting over the first copies in read order:
 * a first copy above every pile top starts a pile, otherwise it replaces the
 * smallest top above it (and links to the top it replaced). Piles = length of
 * a longest increasing subsequence; out of place = first copies − piles. The
 * count needs only the tops; which events are marked (for `ok`) needs the
 * verifier's choice of one longest subsequence, rebuilt from the last pile
 * down: on each pile, the earliest-read event below the one chosen above.
 *
 * **Finalizing a prefix of piles.** Once the group's partition is known to
 * hold no further copy of any event below `S` (see `settle` in
 * `streaming.ts`), every later first copy x is ≥ S. Take the longest prefix of
 * piles 1 … j whose events (a pile's largest is its first) are all below S and
 * below the top of pile j + 1. Later first copies land above pile j, and every
 * event that will ever be on pile j + 1 is above everything in the prefix, so
 * the verifier's walk down will pick, on pile j, its earliest event, and below
 * it exactly what it picks now. The prefix's choice is therefore final: its
 * events are marked, reported through `onFinal`, and forgotten; only the top
 * of pile j is kept (`finalTop`) to place later first copies. Exact, whatever
 * the interleaving, as long as the bound holds.
 *
 * A first copy that breaks the bound (below S) starts a pile when it is above
 * every top, as it would; otherwise it is counted out of place at once (a top
 * above it exists, so the pile count is right for now) and marked, but the top
 * it would have replaced stays: later counts and marks in that group may
 * differ from the verifier's. The caller counts it as a bound violation.
 *
 * @module
 */

/** Where a group's links live (the unresolved events' table). */
export interface OrderLinks {
  /** The top the first copy of `seq` replaced, or -1 (also for events no longer held). */
  linkOf(seq: number): number;
  setLink(seq: number, replaced: number): void;
}

/** The unfinalized piles of one ordering group. */
class Piles {
  /** Tops of the unfinalized piles, increasing, from `head` on. */
  tops: number[] = [];
  /** Each pile's first (earliest-read, largest) event. */
  firsts: number[] = [];
  head = 0;
  /** Top of the highest finalized pile, -1 if none. */
  finalTop = -1;

  get open(): number {
    return this.tops.length - this.head;
  }

  /** Drop finalized piles from the arrays once they are the larger part. */
  compact(): void {
    if (this.head > 64 && this.head * 2 > this.tops.length) {
      this.tops.splice(0, this.head);
      this.firsts.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** Ordering groups of one variant; see the module doc. */
export class StreamingOrder {
  readonly #stride: number;
  readonly #links: OrderLinks;
  readonly #onFinal: (seq: number, marked: boolean) => void;
  #groups = new Map<number, Piles>();
  #byPartition = new Map<number, Piles[]>();
  #firstCopies = 0;
  #piles = 0;
  #open = 0;
  /** Finalized events waiting to be reported, as (seq, marked) pairs. */
  #final: number[] = [];

  /**
   * `stride`: the key count with fixed keys (a group is a key within a partition), else 1
   * (a group is a partition).
   */
  constructor(
    stride: number,
    links: OrderLinks,
    onFinal: (seq: number, marked: boolean) => void,
  ) {
    this.#stride = stride;
    this.#links = links;
    this.#onFinal = onFinal;
  }

  /** Events out of place so far: first copies − piles. */
  get reordered(): number {
    return this.#firstCopies - this.#piles;
  }

  /** Piles not finalized (their events are held). */
  get openPiles(): number {
    return this.#open;
  }

  /** Ordering groups seen. */
  get groups(): number {
    return this.#groups.size;
  }

  /**
   * The first copy of `seq`, read in `partition`; returns the top it replaced, or -1.
   * Its mark comes later through `onFinal`.
   */
  first(seq: number, partition: number): number {
    const g = this.#group(seq, partition);
    this.#firstCopies++;
    const tops = g.tops;
    const last = tops.length - 1;
    if (g.open === 0 ? seq > g.finalTop : seq > tops[last]) {
      tops.push(seq);
      g.firsts.push(seq);
      this.#piles++;
      this.#open++;
      return -1;
    }
    let lo = g.head;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tops[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    const replaced = tops[lo];
    tops[lo] = seq;
    this.#links.setLink(seq, replaced);
    return replaced;
  }

  /**
   * The first copy of `seq`, read in `partition` below the group's bound (see the module
   * doc). Returns true when it was counted out of place and marked at once; false when it
   * started a pile (its mark comes through `onFinal`).
   */
  firstBelowBound(seq: number, partition: number): boolean {
    const g = this.#group(seq, partition);
    const highest = g.open === 0 ? g.finalTop : g.tops[g.tops.length - 1];
    if (seq > highest) {
      this.first(seq, partition);
      return false;
    }
    this.#firstCopies++;
    return true;
  }

  /** `partition` holds no further first copy below `belowSeq`: finalize what that decides. */
  settle(partition: number, belowSeq: number): void {
    for (const g of this.#byPartition.get(partition) ?? []) this.#finalize(g, belowSeq);
    this.#report();
  }

  /** End of the run: every choice is final. */
  finishAll(): void {
    for (const g of this.#groups.values()) this.#finalize(g, Infinity);
    this.#report();
  }

  #group(seq: number, partition: number): Piles {
    const stride = this.#stride;
    const id = partition * stride + (stride === 1 ? 0 : seq % stride);
    let g = this.#groups.get(id);
    if (g === undefined) {
      g = new Piles();
      this.#groups.set(id, g);
      const list = this.#byPartition.get(partition);
      if (list === undefined) this.#byPartition.set(partition, [g]);
      else list.push(g);
    }
    return g;
  }

  /** Finalize the longest prefix of `g`'s open piles that no first copy ≥ `bound` can change. */
  #finalize(g: Piles, bound: number): void {
    const { tops, firsts } = g;
    let highest = -1;
    let cut = -1;
    for (let i = g.head; i < tops.length; i++) {
      if (firsts[i] > highest) highest = firsts[i];
      if (highest >= bound) break;
      if (i + 1 === tops.length || highest < tops[i + 1]) cut = i;
    }
    if (cut < 0) return;
    const links = this.#links;
    // Last pile of the prefix: its earliest event, at the end of its links.
    let chosen = tops[cut];
    for (let s = links.linkOf(chosen); s >= 0; s = links.linkOf(chosen)) chosen = s;
    this.#markPile(tops[cut], chosen);
    for (let i = cut - 1; i >= g.head; i--) {
      // The earliest event of this pile below the one chosen above (a pile reads downwards).
      let pick = tops[i];
      for (let s = links.linkOf(pick); s >= 0 && s < chosen; s = links.linkOf(pick)) pick = s;
      this.#markPile(tops[i], pick);
      chosen = pick;
    }
    g.finalTop = tops[cut];
    this.#open -= cut + 1 - g.head;
    g.head = cut + 1;
    g.compact();
  }

  /** Queue every event of the pile topped by `top`: `kept` in order, the others marked. */
  #markPile(top: number, kept: number): void {
    for (let s = top; s >= 0; s = this.#links.linkOf(s)) this.#final.push(s, s === kept ? 0 : 1);
  }

  #report(): void {
    const final = this.#final;
    this.#final = [];
    for (let i = 0; i < final.length; i += 2) this.#onFinal(final[i], final[i + 1] === 1);
  }
}
