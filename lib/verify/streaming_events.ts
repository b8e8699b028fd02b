/**
 * State of the events the streaming checker has not settled yet, in typed
 * arrays: 26 bytes a slot (flags, reads, ack and first-copy positions, the
 * patience-sorting link).
 *
 * Unresolved events are mostly the recent ones, so slots form a ring indexed
 * by sequence number over a window `[base, base + ring size)` that slides up
 * as the oldest events settle. An event that stays unresolved while the
 * window would have to grow around it (a straggler: an event never answered,
 * a partition not read) moves to a spill area addressed through a map, so one
 * old event does not make the ring span everything sent since.
 *
 * @module
 */

/** Flag bit: the slot holds an unresolved event. */
export const PRESENT = 1;
/** Flag bits 1-2: the producer's answer (see the STATUS_* values). */
const STATUS_SHIFT = 1;
const STATUS_BITS = 3 << STATUS_SHIFT;
/** No answer yet. */
export const PENDING = 0;
/** Acknowledged (first answer). */
export const ACKED = 1;
/** Failed (first answer); an acknowledgement after it sets {@link LATE_ACK}. */
export const FAILED = 2;
/** Flag bit: a failed event was acknowledged afterwards. */
export const LATE_ACK = 1 << 3;
/** Flag bit: a copy was read at the acknowledged position. */
export const AT_ACK = 1 << 4;
/** Flag bit: the first copy's place in its ordering group is decided. */
export const ORDER_FINAL = 1 << 5;
/** Flag bit: the first copy is out of place (outside the chosen longest increasing run). */
export const MARKED = 1 << 6;

/** The arrays of every slot. */
export interface Columns {
  flags: Uint8Array;
  /** Copies read: 0, 1, or 2 for two or more. */
  reads: Uint8Array;
  ackPartition: Int16Array;
  firstPartition: Int16Array;
  /** Acknowledged offset (-1: none, as with acks=0). */
  ackOffset: Float64Array;
  /** Offset of the first copy read. */
  firstOffset: Float64Array;
  /** The pile top the first copy replaced (-1: none). */
  link: Int32Array;
}

function allocateColumns(slots: number): Columns {
  return {
    flags: new Uint8Array(slots),
    reads: new Uint8Array(slots),
    ackPartition: new Int16Array(slots),
    firstPartition: new Int16Array(slots),
    ackOffset: new Float64Array(slots),
    firstOffset: new Float64Array(slots),
    link: new Int32Array(slots),
  };
}

function copySlot(src: Columns, from: number, dst: Columns, to: number): void {
  dst.flags[to] = src.flags[from];
  dst.reads[to] = src.reads[from];
  dst.ackPartition[to] = src.ackPartition[from];
  dst.firstPartition[to] = src.firstPartition[from];
  dst.ackOffset[to] = src.ackOffset[from];
  dst.firstOffset[to] = src.firstOffset[from];
  dst.link[to] = src.link[from];
}

/** Bytes per slot over all columns. */
const SLOT_BYTES = 1 + 1 + 2 + 2 + 8 + 8 + 4;
const FIRST_RING = 1024;

/** Unresolved events by sequence number; see the module doc. */
export class EventTable {
  /** The slots' arrays; replaced when the table grows (re-read it after {@link add}). */
  cols: Columns = allocateColumns(FIRST_RING);
  #ringSize = FIRST_RING;
  #mask = FIRST_RING - 1;
  /** Lowest sequence number the ring may hold; lower ones live in the spill area. */
  #base = 0;
  #ringLive = 0;
  /** Spill area: sequence number → slot (slots from #ringSize on). */
  #spill = new Map<number, number>();
  #spillFree: number[] = [];
  #spillSlots = 0;

  /** Unresolved events. */
  get size(): number {
    return this.#ringLive + this.#spill.size;
  }

  /** Unresolved events held in the spill area. */
  get spilled(): number {
    return this.#spill.size;
  }

  /** Bytes of the arrays, plus about 40 bytes per spill map entry. */
  get byteLength(): number {
    return (this.#ringSize + this.#spillSlots) * SLOT_BYTES + this.#spill.size * 40;
  }

  /** The slot of unresolved event `seq`, or -1. */
  slot(seq: number): number {
    if (seq >= this.#base) {
      if (seq - this.#base >= this.#ringSize) return -1;
      const s = seq & this.#mask;
      return (this.cols.flags[s] & PRESENT) !== 0 ? s : -1;
    }
    return this.#spill.get(seq) ?? -1;
  }

  /** Status of the event in `slot` (PENDING, ACKED or FAILED). */
  status(slot: number): number {
    return (this.cols.flags[slot] & STATUS_BITS) >> STATUS_SHIFT;
  }

  setStatus(slot: number, status: number): void {
    const flags = this.cols.flags;
    flags[slot] = (flags[slot] & ~STATUS_BITS) | (status << STATUS_SHIFT);
  }

  /** Add unresolved event `seq` (not present), pending, never read; returns its slot. */
  add(seq: number): number {
    let slot: number;
    if (seq < this.#base) {
      slot = this.#spillSlot(seq);
    } else {
      if (seq - this.#base >= this.#ringSize) this.#makeRoom(seq);
      slot = seq & this.#mask;
      this.#ringLive++;
    }
    const c = this.cols;
    c.flags[slot] = PRESENT;
    c.reads[slot] = 0;
    c.ackPartition[slot] = -1;
    c.firstPartition[slot] = -1;
    c.ackOffset[slot] = -1;
    c.firstOffset[slot] = -1;
    c.link[slot] = -1;
    return slot;
  }

  /** Forget event `seq`, in `slot`. */
  remove(seq: number, slot: number): void {
    this.cols.flags[slot] = 0;
    if (slot < this.#ringSize) {
      this.#ringLive--;
    } else {
      this.#spill.delete(seq);
      this.#spillFree.push(slot);
    }
  }

  /** Calls `fn` for every unresolved event held in the spill area. */
  forEachSpilled(fn: (seq: number, slot: number) => void): void {
    for (const [seq, slot] of [...this.#spill]) fn(seq, slot);
  }

  /** Calls `fn` for every unresolved event with a sequence number in `[from, to)`, ring only. */
  forEachInRing(from: number, to: number, fn: (seq: number, slot: number) => void): void {
    const start = Math.max(from, this.#base);
    const end = Math.min(to, this.#base + this.#ringSize);
    for (let seq = start; seq < end; seq++) {
      const s = seq & this.#mask;
      if ((this.cols.flags[s] & PRESENT) !== 0) fn(seq, s);
    }
  }

  /** Calls `fn` for every unresolved event. */
  forEach(fn: (seq: number, slot: number) => void): void {
    this.forEachSpilled(fn);
    this.forEachInRing(this.#base, this.#base + this.#ringSize, fn);
  }

  /** Slide the ring up to hold `seq`: past settled slots, spilling stragglers, or grow it. */
  #makeRoom(seq: number): void {
    const flags = this.cols.flags;
    while (seq - this.#base >= this.#ringSize && (flags[this.#base & this.#mask] & PRESENT) === 0) {
      this.#base++;
    }
    if (seq - this.#base < this.#ringSize) return;
    // Mostly empty: what blocks the slide is a few stragglers; move them out of the way.
    if (this.#ringLive * 8 <= this.#ringSize) {
      while (seq - this.#base >= this.#ringSize) {
        const s = this.#base & this.#mask;
        if ((this.cols.flags[s] & PRESENT) !== 0) this.#moveToSpill(this.#base, s);
        this.#base++;
      }
      return;
    }
    let size = this.#ringSize * 2;
    while (seq - this.#base >= size) size *= 2;
    this.#reallocate(size, this.#spillSlots);
  }

  #moveToSpill(seq: number, from: number): void {
    this.#ringLive--;
    const to = this.#spillSlot(seq);
    copySlot(this.cols, from, this.cols, to);
    this.cols.flags[from] = 0;
  }

  #spillSlot(seq: number): number {
    if (this.#spillFree.length === 0) {
      const more = Math.max(64, this.#spillSlots);
      const first = this.#ringSize + this.#spillSlots;
      this.#reallocate(this.#ringSize, this.#spillSlots + more);
      for (let slot = first; slot < first + more; slot++) this.#spillFree.push(slot);
    }
    const slot = this.#spillFree.pop()!;
    this.#spill.set(seq, slot);
    return slot;
  }

  /** New columns for a ring of `ringSize` and `spillSlots` spill slots, every entry moved. */
  #reallocate(ringSize: number, spillSlots: number): void {
    const old = this.cols;
    const oldMask = this.#mask;
    const cols = allocateColumns(ringSize + spillSlots);
    const mask = ringSize - 1;
    for (let seq = this.#base; seq < this.#base + this.#ringSize; seq++) {
      const from = seq & oldMask;
      if ((old.flags[from] & PRESENT) !== 0) copySlot(old, from, cols, seq & mask);
    }
    const shift = ringSize - this.#ringSize;
    for (const [seq, slot] of this.#spill) {
      copySlot(old, slot, cols, slot + shift);
      this.#spill.set(seq, slot + shift);
    }
    this.#spillFree = this.#spillFree.map((slot) => slot + shift);
    this.cols = cols;
    this.#ringSize = ringSize;
    this.#mask = mask;
    this.#spillSlots = spillSlots;
  }
}
