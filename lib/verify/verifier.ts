/**
 * Classify every event of one variant by comparing its {@link Ledger} with
 * the records read back from the variant's topic.
 *
 * Feed every record read back to {@link Verifier.observe} (in offset order
 * within each partition; partitions may interleave), report partitions that
 * could not be read to their end with {@link Verifier.markUnreadable}, then
 * call {@link Verifier.finish}.
 *
 * ## Definitions (exact counts)
 *
 * A record is **foreign** when its value does not decode (see `decodeEvent`)
 * for this run id and variant index, or when it names a sequence number this
 * variant never sent (unused, not-sent or beyond the ledger). Foreign records
 * are counted per record; all other classes count events.
 *
 * For each sent event (status pending, acked or failed), `reads` is the number
 * of times it was read back.
 *
 * - **ok**: acked ∧ reads = 1 ∧ not reordered.
 * - **lost**: acked ∧ reads = 0 ∧ the partition it was acked in is readable.
 * - **duplicated**: reads > 1, whatever the status; **duplicates** = Σ (reads − 1).
 * - **phantom**: (failed ∨ still pending) ∧ reads ≥ 1: the producer did not
 *   report success, yet the event is in the log.
 * - **failedAbsent**: (failed ∨ still pending) ∧ reads = 0 ∧ the event's
 *   partition is known readable. Its partition is unknown, so this needs every
 *   partition readable; for a failed event acknowledged late (see below) its
 *   late-ack partition is used instead.
 * - **unverified**: reads = 0 and the partition where it should be (see lost
 *   and failedAbsent) is unreadable, or unknown while some partition is.
 * - **reordered**: the number of events out of place. Only the first copy of
 *   each event counts for ordering. Per ordering group, take the sequence
 *   numbers of the group's first copies in the order they were read: the
 *   events out of place are the fewest that must be removed for the rest to be
 *   increasing, i.e. the group's size minus the length of a longest increasing
 *   subsequence; `reordered` sums this over the groups. The events marked
 *   reordered (for ok and the samples) are exactly those outside one chosen
 *   longest increasing subsequence per group (see Ordering). Ordering group:
 *   with `keys: fixed N` the key (seq mod N) within the partition; with `none`
 *   and `per-event` keys the partition itself (one producer's order per
 *   partition). A load split over P producers (`--workers P`, share `seq mod
 *   P`) orders each producer's events apart: the group is then seq mod
 *   lcm(N, P), or seq mod P, within the partition, since Kafka orders one
 *   producer's sends, not several producers' together. Any status. So 0, 99,
 *   1, …, 98 has 1 event out of place (99),
 *   and a batch 1 … 10 written after 11 … 20 has 10 (1 … 10).
 *
 * Overlaps: every sent event with reads = 0 is in exactly one of lost,
 * failedAbsent, unverified. Every sent event with reads ≥ 1 that is not acked
 * is phantom, and may also be duplicated and/or reordered. An acked event with
 * reads ≥ 1 is ok exactly when it is neither duplicated nor reordered. So:
 *
 *     sent = ok + lost + phantom + failedAbsent + unverified
 *            + |acked ∧ reads ≥ 1 ∧ (duplicated ∨ reordered)|
 *
 * and among sent events that are neither duplicated nor reordered, the classes
 * ok, lost, phantom, failedAbsent and unverified are a partition.
 *
 * **Late acks.** A failed event acknowledged afterwards (the client timed out,
 * then the send succeeded) stays failed: it is phantom when read back and
 * failedAbsent when not, classified by what is in the log.
 *
 * **Misplaced reads.** An acknowledged event (acked, or failed and acknowledged
 * late) is misplaced when it was read back but no copy of it was read at the
 * partition and offset its acknowledgement gave. An acknowledgement without an
 * offset (acks=0: the client reports -1) is checked on its partition only. A
 * send retried and written twice, first at an earlier offset and then at the
 * acknowledged one, is duplicated, not misplaced. Misplaced is not a class and
 * stays out of the identity above: these events are also counted in their
 * class (ok, duplicated, reordered, phantom). The report gives their number
 * (`misplaced`) and examples (`misplacedSamples`).
 *
 * ## Ordering
 *
 * Patience sorting, per group, as the first copies are read: each first copy
 * either starts a new pile (it is above every pile top) or replaces the
 * smallest pile top above it; the number of piles is the length of a longest
 * increasing subsequence. The pile tops of a group are a bit set over the
 * group's sequence numbers with summary levels (successor in O(log₃₂ n)), so
 * every first copy costs O(log n). An event that replaces a top remembers the
 * top it replaced. In {@link Verifier.finish}, one longest increasing
 * subsequence is rebuilt from the last pile down, in O(n log n) at most: on
 * each pile, the earliest-read event below the one chosen on the pile above
 * (found by walking the pile's replacement links; a pile's events are read in
 * decreasing order). This keeps the events read earliest where several longest
 * subsequences exist: for a batch written after its successors, the batch is
 * marked, not its successors.
 *
 * ## Memory
 *
 * Per event, on top of the ledger's 12 bytes: the read count (1 byte), the
 * replaced top (1 byte, in steps of the group's stride; a replacement 255
 * steps or more away costs 8 bytes more, in a list), a bit for the chosen
 * subsequence, a bit for a copy read at the acknowledged position, and the
 * pile-top bit sets. With fixed keys these take one bit per event in all (the
 * sets of all keys side by side, plus 1/31 for the summary levels; a key also
 * read in another partition than its first one gets a set of its own there):
 * 14.38 bytes per event. With `none` and `per-event` keys, one bit per event
 * per partition read: 14.25 + 0.129 × partitions. See
 * {@link Verifier.bytesPerEvent}.
 *
 * ## Samples
 *
 * The first `samplesPerClass` events of each class except ok are kept as
 * examples: in read order for duplicated, phantom and foreign (at the copy
 * that made them so), in sequence order for lost, failedAbsent and
 * unverified. Foreign samples have `seq` -1 when the value did not decode.
 * Reordered samples are the marked events among the first
 * {@link MAX_REORDER_PAIRS} reads that replaced a pile top, in that order: the
 * top replaced, marked for being read before a lower event ("before seq N"),
 * then the event read, marked for being read after a higher one ("after seq
 * N"). The first copy's offset of an event read early is not kept: the sample
 * gives its acknowledged offset when its only copy then was there, else the
 * offset of its own late read if it had one, else null. Misplaced samples are
 * in read order of first copies; candidates (first copies read away from their
 * acknowledged position) are kept up to {@link MAX_MISPLACED_CANDIDATES},
 * dropping those whose acknowledged position was read later.
 *
 * @example
 * ```ts
 * import type { Ledger } from "./ledger.ts";
 * declare const ledger: Ledger, runId: Uint8Array;
 * declare const records: {
 *   partition: number;
 *   offset: string;
 *   key: Uint8Array | null;
 *   value: Uint8Array | null;
 * }[];
 * const verifier = new Verifier(ledger, { runId, variant: 0, keys: { kind: "none" }, partitions: 3 });
 * for (const r of records) verifier.observe(r.partition, r.offset, r.key, r.value);
 * const report = verifier.finish();
 * ```
 * @module
 */
import type { KeySpace } from "../scenario/types.ts";
import type {
  EventSample,
  Phrase,
  VerificationCounts,
  VerificationReport,
} from "../report/types.ts";
import { decodeEvent, keyOf } from "../load/payload.ts";
import {
  type Ledger,
  STATUS_ACKED,
  STATUS_FAILED,
  STATUS_NOT_SENT,
  STATUS_PENDING,
  STATUS_UNUSED,
} from "./ledger.ts";

/** Options of a {@link Verifier}. */
export interface VerifierOptions {
  /** The run id every record value of this run starts with. */
  runId: Uint8Array;
  /** Index of the variant whose topic is read. */
  variant: number;
  /** Key space of the load, for ordering groups and sample keys. */
  keys: KeySpace;
  /** Partitions of the variant's topic. */
  partitions: number;
  /**
   * Producers that shared the events, event `seq` sent by producer `seq mod producers`
   * (`--workers`); ordering is judged per producer (see Ordering). 1 by default.
   */
  producers?: number;
  /** Examples kept per class (default 5). */
  samplesPerClass?: number;
  /**
   * The second (since the load started) event `seq` was intended in: given, {@link finish}
   * also counts the anomalies of each intended second ({@link Verifier.anomaliesBySecond}).
   */
  secondOf?: (seq: number) => number;
}

/** Anomalies among the events intended in one second. */
export interface SecondAnomalies {
  lost: number;
  duplicated: number;
  phantom: number;
  reordered: number;
}

/** Records remembered per partition to find a duplicate's first copy (the last this many). */
const RECENT_PER_PARTITION = 4096;
/** Copies listed per duplicated sample. */
const MAX_SAMPLE_COPIES = 16;

/** Read counts at or above this are kept in the overflow map. */
const READS_OVERFLOW = 255;
/** Replaced-top links at or beyond this many strides are kept in the far-link list. */
const LINK_OVERFLOW = 255;
/** Above this many keys (or partitions), keep per-group state in a Map rather than arrays. */
const MAX_DENSE_GROUPS = 1 << 22;
/** Longest foreign key text kept in a sample. */
const MAX_SAMPLE_KEY = 64;
/** Pile-top replacements remembered as candidates for the reordered samples. */
export const MAX_REORDER_PAIRS = 1024;
/** Misplaced first copies remembered as candidates for the misplaced samples. */
export const MAX_MISPLACED_CANDIDATES = 1024;

type SampleClass = keyof VerificationCounts;
/** Classes whose samples are taken while reading, in read order. */
type ReadSampleClass = "duplicated" | "phantom" | "foreign";
type MisplacedSample = VerificationReport["misplacedSamples"][number];

/** A first copy that replaced a pile top: candidates for the reordered samples. */
export interface ReorderPair {
  /** The event read, and where. */
  seq: number;
  partition: number;
  offset: string;
  /** The pile top it replaced (higher, read earlier in the same partition), and its offset if known. */
  replaced: number;
  replacedOffset: string | null;
}

/** A first copy of an acknowledged event read away from its acknowledged position. */
interface MisplacedCandidate {
  seq: number;
  partition: number;
  offset: string;
}

/**
 * The sequence number a record value names for this run's `variant`, or why the record is
 * foreign: not written by this run, written by another variant, or a sequence number outside
 * `0 … capacity-1` (seq is -1 when the value did not decode). Whether the event was sent is
 * the caller's to check.
 */
export function decodeRecord(
  value: Uint8Array | null,
  runId: Uint8Array,
  variant: number,
  capacity: number,
): { seq: number; foreign: string | null } {
  const event = decodeEvent(value, runId);
  if (event === null) return { seq: -1, foreign: "not written by this run" };
  const seq = event.seq;
  if (event.variant !== variant) {
    return { seq, foreign: `written by variant ${event.variant} of this run` };
  }
  if (!(seq >= 0 && seq < capacity) || !Number.isInteger(seq)) {
    return { seq, foreign: `sequence ${seq} outside the ledger` };
  }
  return { seq, foreign: null };
}

/** The sample of a foreign record (its key as text, cut to {@link MAX_SAMPLE_KEY} bytes). */
export function foreignSample(
  partition: number,
  offset: string,
  key: Uint8Array | null,
  seq: number,
  detail: string,
): EventSample {
  const keyText = key === null ? null : new TextDecoder().decode(key.subarray(0, MAX_SAMPLE_KEY));
  return { seq: Number.isFinite(seq) ? seq : -1, partition, offset, key: keyText, detail };
}

/** Trailing zero bits of a non-zero 32-bit word. */
function ctz(word: number): number {
  return 31 - Math.clz32(word & -word);
}

/**
 * A set of integers in `[0, size)`: one bit per integer, plus summary levels
 * (a bit per non-zero word of the level below) so that {@link next} and
 * {@link prev} take O(log₃₂ size) steps whatever lies between.
 */
class SuccinctSet {
  /** levels[0]: a bit per integer; levels[i + 1]: a bit per non-zero word of levels[i]. */
  readonly #levels: Uint32Array[] = [];

  constructor(size: number) {
    let n = Math.max(1, size);
    do {
      const words = Math.ceil(n / 32);
      this.#levels.push(new Uint32Array(words));
      n = words;
    } while (n > 1);
  }

  /** Bytes of all levels. */
  get byteLength(): number {
    let bytes = 0;
    for (const level of this.#levels) bytes += level.byteLength;
    return bytes;
  }

  add(i: number): void {
    for (const level of this.#levels) {
      const w = Math.floor(i / 32);
      const before = level[w];
      level[w] = before | (1 << (i & 31));
      if (before !== 0) return;
      i = w;
    }
  }

  delete(i: number): void {
    for (const level of this.#levels) {
      const w = Math.floor(i / 32);
      const after = level[w] & ~(1 << (i & 31));
      level[w] = after;
      if (after !== 0) return;
      i = w;
    }
  }

  /** The smallest member ≥ `i`, or -1. */
  next(i: number): number {
    const levels = this.#levels;
    let depth = 0;
    for (;;) {
      if (depth === levels.length) return -1;
      const level = levels[depth];
      const w = Math.floor(i / 32);
      if (w >= level.length) return -1;
      const bits = level[w] & (-1 << (i & 31));
      if (bits !== 0) {
        i = w * 32 + ctz(bits);
        break;
      }
      depth++;
      i = w + 1;
    }
    while (depth > 0) {
      depth--;
      i = i * 32 + ctz(levels[depth][i]);
    }
    return i;
  }

  /** The largest member ≤ `i`, or -1. */
  prev(i: number): number {
    const levels = this.#levels;
    if (i < 0) return -1;
    let depth = 0;
    for (;;) {
      if (depth === levels.length) return -1;
      const level = levels[depth];
      let w = Math.floor(i / 32);
      if (w >= level.length) {
        w = level.length - 1;
        i = w * 32 + 31;
      }
      const bits = level[w] & (-1 >>> (31 - (i & 31)));
      if (bits !== 0) {
        i = w * 32 + 31 - Math.clz32(bits);
        break;
      }
      if (w === 0) return -1;
      depth++;
      i = w - 1;
    }
    while (depth > 0) {
      depth--;
      i = i * 32 + 31 - Math.clz32(levels[depth][i]);
    }
    return i;
  }
}

/** Per ordering group: its partition, its highest pile top (-1: none) and its number of piles. */
class GroupTable {
  #partition: Int32Array | null;
  #top: Float64Array | null;
  #piles: Float64Array | null;
  #sparse: Map<number, [partition: number, top: number, piles: number]> | null;

  constructor(slots: number) {
    const dense = slots <= MAX_DENSE_GROUPS;
    this.#partition = dense ? new Int32Array(slots).fill(-1) : null;
    this.#top = dense ? new Float64Array(slots).fill(-1) : null;
    this.#piles = dense ? new Float64Array(slots) : null;
    this.#sparse = dense ? null : new Map();
  }

  partition(slot: number): number {
    return this.#partition !== null ? this.#partition[slot] : this.#sparse!.get(slot)?.[0] ?? -1;
  }

  top(slot: number): number {
    return this.#top !== null ? this.#top[slot] : this.#sparse!.get(slot)?.[1] ?? -1;
  }

  piles(slot: number): number {
    return this.#piles !== null ? this.#piles[slot] : this.#sparse!.get(slot)?.[2] ?? 0;
  }

  set(slot: number, partition: number, top: number, piles: number): void {
    if (this.#partition !== null) {
      this.#partition[slot] = partition;
      this.#top![slot] = top;
      this.#piles![slot] = piles;
    } else {
      this.#sparse!.set(slot, [partition, top, piles]);
    }
  }

  /** Calls `fn` for every slot with at least one pile. */
  forEachGroup(fn: (slot: number, partition: number, top: number, piles: number) => void): void {
    if (this.#piles !== null) {
      const piles = this.#piles;
      for (let slot = 0; slot < piles.length; slot++) {
        if (piles[slot] > 0) fn(slot, this.#partition![slot], this.#top![slot], piles[slot]);
      }
    } else {
      for (const [slot, [partition, top, piles]] of this.#sparse!) {
        if (piles > 0) fn(slot, partition, top, piles);
      }
    }
  }
}

/** Classifies one variant's events from a consume-back; see the module doc. */
export class Verifier {
  #ledger: Ledger;
  #runId: Uint8Array;
  #variant: number;
  #keys: KeySpace;
  #partitions: number;
  #samplesPerClass: number;
  #startedMs = performance.now();

  /** Times each event was read, saturating at READS_OVERFLOW. */
  #reads: Uint8Array;
  #readsOverflow = new Map<number, number>();
  /** One bit per event: a copy was read at its acknowledged position. */
  #atAck: Uint8Array;
  /** One bit per event: its first copy is in the chosen longest increasing subsequence (set by finish). */
  #inLongest: Uint8Array;
  /** Per event: the pile top its first copy replaced, in strides above it (0: none; LINK_OVERFLOW: far). */
  #links: Uint8Array;
  /** Far links, as (seq, replaced) pairs in read order; sorted by seq in finish. 8 bytes each. */
  #farSeqs = new Uint32Array(64);
  #farReplaced = new Uint32Array(64);
  #farCount = 0;
  #farSorted = 0;

  /** Fixed keys: an ordering group is a key within a partition. */
  #keyed: boolean;
  /** Sequence numbers between two events of one key (the key count), or 1. */
  #stride: number;
  /** Fixed keys: coordinates per key in {@link #keySet}. */
  #perKey: number;
  /**
   * Keyed: one slot per key, for the partition of the key's first copy read;
   * otherwise one slot per partition.
   */
  #groups: GroupTable;
  /** Keyed: the pile tops of every key in the partition of its slot, key after key. */
  #keySet: SuccinctSet | null = null;
  /** Keyed: groups of a key in another partition than its slot's, by partition × keys + key. */
  #otherGroups = new GroupTable(Infinity);
  #otherSets = new Map<number, SuccinctSet>();
  /** Not keyed: the pile tops of each partition. */
  #partitionSets: (SuccinctSet | undefined)[];
  /** Where {@link #locate} found a group: table, slot, set and the coordinate of seq 0 (key) in it. */
  #atTable!: GroupTable;
  #atSlot = 0;
  #atSet!: SuccinctSet;
  #atBase = 0;

  #unreadable: Uint8Array;
  #anyUnreadable = false;

  #recordsRead = 0;
  #foreign = 0;
  #duplicated = 0;
  #duplicates = 0;
  #reorderPairs: ReorderPair[] = [];
  #misplacedCandidates: MisplacedCandidate[] = [];
  /** False once the misplaced candidates are full of events still without a copy at their ack. */
  #collectMisplaced = true;
  #samples: Record<ReadSampleClass, EventSample[]> = {
    duplicated: [],
    phantom: [],
    foreign: [],
  };
  /** The last records read per partition (a ring of seq and offset): a duplicate's first copy. */
  #recentSeqs: Float64Array;
  #recentOffsets: string[][];
  #recentNext: Uint32Array;
  /** Every copy found of each sampled duplicate, as `partition/offset` (null: first copy not found). */
  #copies = new Map<number, (string | null)[]>();
  #secondOf: ((seq: number) => number) | null;
  #bySecond = new Map<number, SecondAnomalies>();

  /** A verifier for the events in `ledger`. */
  constructor(ledger: Ledger, opts: VerifierOptions) {
    if (!Number.isInteger(opts.partitions) || opts.partitions < 1) {
      throw new RangeError(`partitions must be a positive integer, got ${opts.partitions}`);
    }
    this.#ledger = ledger;
    this.#runId = opts.runId;
    this.#variant = opts.variant;
    this.#keys = opts.keys;
    this.#partitions = opts.partitions;
    this.#samplesPerClass = opts.samplesPerClass ?? 5;
    const capacity = ledger.capacity;
    if (capacity > 0xffffffff) throw new RangeError(`ledger capacity ${capacity} above 2^32 - 1`);
    this.#reads = new Uint8Array(capacity);
    this.#atAck = new Uint8Array(Math.ceil(capacity / 8));
    this.#inLongest = new Uint8Array(Math.ceil(capacity / 8));
    this.#links = new Uint8Array(capacity);
    const producers = opts.producers ?? 1;
    if (!Number.isInteger(producers) || producers < 1) {
      throw new RangeError(`producers must be a positive integer, got ${opts.producers}`);
    }
    // An ordering group is a residue class of seq within a partition (see Ordering).
    this.#stride = lcm(opts.keys.kind === "fixed" ? opts.keys.count : 1, producers);
    this.#keyed = this.#stride > 1;
    this.#perKey = Math.max(1, Math.ceil(capacity / this.#stride));
    if (this.#keyed) {
      this.#groups = new GroupTable(this.#stride);
      this.#keySet = new SuccinctSet(this.#stride * this.#perKey);
    } else {
      this.#groups = new GroupTable(opts.partitions);
    }
    this.#partitionSets = new Array(opts.partitions);
    this.#unreadable = new Uint8Array(opts.partitions);
    this.#recentSeqs = new Float64Array(opts.partitions * RECENT_PER_PARTITION).fill(-1);
    this.#recentOffsets = Array.from({ length: opts.partitions }, () => []);
    this.#recentNext = new Uint32Array(opts.partitions);
    this.#secondOf = opts.secondOf ?? null;
  }

  /** Account for one record read back from `partition` at `offset`. */
  observe(
    partition: number,
    offset: string,
    key: Uint8Array | null,
    value: Uint8Array | null,
  ): void {
    this.#checkPartition(partition);
    this.#recordsRead++;
    const ledger = this.#ledger;
    const { seq, foreign } = decodeRecord(value, this.#runId, this.#variant, ledger.capacity);
    if (foreign !== null) {
      this.#foreignRecord(partition, offset, key, seq, foreign);
      return;
    }
    const status = ledger.statusCode(seq);
    if (status === STATUS_UNUSED || status === STATUS_NOT_SENT) {
      this.#foreignRecord(partition, offset, key, seq, `sequence ${seq} was never sent`);
      return;
    }

    const acknowledged = status === STATUS_ACKED || ledger.isAckedAfterFailure(seq);
    if (acknowledged && !this.#isAtAck(seq) && this.#matchesAck(seq, partition, offset)) {
      this.#atAck[seq >>> 3] |= 1 << (seq & 7);
    }
    const reads = this.#reads[seq];
    // Where copies of sampled duplicates are: nothing to remember once the samples are full.
    if (this.#samples.duplicated.length < this.#samplesPerClass) {
      if (reads === 1) this.#copies.set(seq, [this.#recentCopy(seq), `${partition}/${offset}`]);
      this.#remember(partition, seq, offset);
    }
    if (reads > 1) {
      const copies = this.#copies.get(seq);
      if (copies && copies.length < MAX_SAMPLE_COPIES) copies.push(`${partition}/${offset}`);
    }
    if (reads === 0) {
      this.#reads[seq] = 1;
      this.#order(seq, partition, offset);
      if (status === STATUS_FAILED || status === STATUS_PENDING) {
        if (this.#samples.phantom.length < this.#samplesPerClass) {
          this.#sample("phantom", seq, partition, offset, this.#unansweredDetail(seq));
        }
      }
      if (acknowledged && !this.#isAtAck(seq)) this.#noteMisplaced(seq, partition, offset);
      return;
    }
    if (reads === 1) {
      this.#duplicated++;
      this.#sample("duplicated", seq, partition, offset, undefined);
    }
    this.#duplicates++;
    if (reads < READS_OVERFLOW - 1) {
      this.#reads[seq] = reads + 1;
    } else if (reads === READS_OVERFLOW - 1) {
      this.#reads[seq] = READS_OVERFLOW;
      this.#readsOverflow.set(seq, READS_OVERFLOW);
    } else {
      this.#readsOverflow.set(seq, this.#readsOverflow.get(seq)! + 1);
    }
  }

  /** Partition `partition` could not be read to its end. */
  markUnreadable(partition: number): void {
    this.#checkPartition(partition);
    this.#unreadable[partition] = 1;
    this.#anyUnreadable = true;
  }

  /** Times event `seq` has been read so far. */
  readsOf(seq: number): number {
    const reads = this.#reads[seq] ?? 0;
    return reads === READS_OVERFLOW ? this.#readsOverflow.get(seq)! : reads;
  }

  /**
   * Whether event `seq` is marked reordered: as decided by the last
   * {@link finish} (call it first; later observations count from the next).
   */
  isReordered(seq: number): boolean {
    return (this.#reads[seq] ?? 0) > 0 && !this.#isInLongest(seq);
  }

  /**
   * Bytes of per-event state of the ledger and this verifier together: the
   * typed arrays' byteLength (the pile-top bit sets and far links as allocated
   * so far) / capacity. Per-group and per-partition tables, the samples and the
   * read-count overflow map are excluded.
   */
  get bytesPerEvent(): number {
    const capacity = this.#ledger.capacity;
    if (capacity === 0) return 0;
    let bytes = this.#reads.byteLength + this.#atAck.byteLength + this.#inLongest.byteLength +
      this.#links.byteLength + this.#farSeqs.byteLength + this.#farReplaced.byteLength +
      (this.#keySet?.byteLength ?? 0);
    for (const set of this.#otherSets.values()) bytes += set.byteLength;
    for (const set of this.#partitionSets) bytes += set?.byteLength ?? 0;
    return this.#ledger.bytesPerEvent + bytes / capacity;
  }

  /**
   * Classify every event and build the report. `recordsRead` defaults to the
   * number of `observe` calls, `durationMs` to the time since construction.
   * May be called again after more observations.
   */
  finish(recordsRead?: number, durationMs?: number): VerificationReport {
    this.#chooseLongest();
    const ledger = this.#ledger;
    const counts: VerificationCounts = {
      ok: 0,
      lost: 0,
      duplicated: this.#duplicated,
      duplicates: this.#duplicates,
      phantom: 0,
      failedAbsent: 0,
      reordered: 0,
      foreign: this.#foreign,
      unverified: 0,
    };
    let misplaced = 0;
    const lost: EventSample[] = [];
    const failedAbsent: EventSample[] = [];
    const unverified: EventSample[] = [];
    const room = this.#samplesPerClass;
    const size = ledger.size;
    this.#bySecond.clear();
    for (let seq = 0; seq < size; seq++) {
      const status = ledger.statusCode(seq);
      if (status === STATUS_UNUSED || status === STATUS_NOT_SENT) continue;
      const reads = this.#reads[seq];
      const reordered = this.isReordered(seq);
      if (reordered) counts.reordered++;
      if (this.#secondOf !== null) this.#countBySecond(seq, status, reads, reordered);
      if (reads > 0 && !this.#isAtAck(seq)) {
        if (status === STATUS_ACKED || ledger.isAckedAfterFailure(seq)) misplaced++;
      }
      if (status === STATUS_ACKED) {
        if (reads === 0) {
          const partition = ledger.ackPartition(seq);
          if (this.#unreadable[partition] === 1) {
            counts.unverified++;
            if (unverified.length < room) {
              unverified.push(this.#ackedSample(seq, `acked in unreadable partition ${partition}`));
            }
          } else {
            counts.lost++;
            if (lost.length < room) lost.push(this.#ackedSample(seq, "acked, never read"));
          }
        } else if (reads === 1 && !reordered) {
          counts.ok++;
        }
        continue;
      }
      // Failed or still pending.
      if (reads > 0) {
        counts.phantom++;
        continue;
      }
      const lateAck = ledger.isAckedAfterFailure(seq);
      const checkable = lateAck
        ? this.#unreadable[ledger.ackPartition(seq)] !== 1
        : !this.#anyUnreadable;
      if (checkable) {
        counts.failedAbsent++;
        if (failedAbsent.length < room) failedAbsent.push(this.#unansweredSample(seq, null));
      } else {
        counts.unverified++;
        if (unverified.length < room) {
          const why = lateAck
            ? `late ack in unreadable partition ${ledger.ackPartition(seq)}`
            : "partition unknown and a partition is unreadable";
          unverified.push(this.#unansweredSample(seq, why));
        }
      }
    }

    const samples: VerificationReport["samples"] = {};
    const duplicated = this.#samples.duplicated.map((s) => this.#duplicatedSample(s));
    const found: [SampleClass, EventSample[]][] = [
      ["lost", lost],
      ["duplicated", duplicated],
      ["phantom", this.#samples.phantom],
      ["failedAbsent", failedAbsent],
      ["reordered", this.#reorderedSamples()],
      ["foreign", this.#samples.foreign],
      ["unverified", unverified],
    ];
    for (const [name, list] of found) {
      if (list.length > 0) samples[name] = list.map((s) => ({ ...s }));
    }
    const unreadablePartitions: number[] = [];
    for (let p = 0; p < this.#partitions; p++) {
      if (this.#unreadable[p] === 1) unreadablePartitions.push(p);
    }
    return {
      counts,
      samples,
      recordsRead: recordsRead ?? this.#recordsRead,
      durationMs: durationMs ?? performance.now() - this.#startedMs,
      unreadablePartitions,
      misplaced,
      misplacedSamples: this.#misplacedSamples(),
    };
  }

  /** Find the pile tops of the ordering group of `key` in `partition` (sets the #at… fields). */
  #locate(partition: number, key: number): void {
    if (!this.#keyed) {
      let set = this.#partitionSets[partition];
      if (set === undefined) {
        set = new SuccinctSet(this.#ledger.capacity);
        this.#partitionSets[partition] = set;
      }
      this.#atTable = this.#groups;
      this.#atSlot = partition;
      this.#atSet = set;
      this.#atBase = 0;
      return;
    }
    let home = this.#groups.partition(key);
    if (home < 0) {
      home = partition;
      this.#groups.set(key, partition, -1, 0);
    }
    if (home === partition) {
      this.#atTable = this.#groups;
      this.#atSlot = key;
      this.#atSet = this.#keySet!;
      this.#atBase = key * this.#perKey;
      return;
    }
    const slot = partition * this.#stride + key;
    let set = this.#otherSets.get(slot);
    if (set === undefined) {
      set = new SuccinctSet(this.#perKey);
      this.#otherSets.set(slot, set);
      this.#otherGroups.set(slot, partition, -1, 0);
    }
    this.#atTable = this.#otherGroups;
    this.#atSlot = slot;
    this.#atSet = set;
    this.#atBase = 0;
  }

  /** One patience-sorting step for the first copy of `seq` (see Ordering in the module doc). */
  #order(seq: number, partition: number, offset: string): void {
    const stride = this.#stride;
    const key = stride === 1 ? 0 : seq % stride;
    this.#locate(partition, key);
    const table = this.#atTable;
    const slot = this.#atSlot;
    const set = this.#atSet;
    const base = this.#atBase;
    const at = base + Math.floor(seq / stride);
    const top = table.top(slot);
    if (top < 0 || seq > top) {
      set.add(at);
      table.set(slot, partition, seq, table.piles(slot) + 1);
      return;
    }
    // Replace the smallest pile top above seq: there is one, `top` at least.
    const above = set.next(at + 1);
    const replaced = (above - base) * stride + key;
    set.delete(above);
    set.add(at);
    if (replaced === top) table.set(slot, partition, seq, table.piles(slot));
    const strides = (replaced - seq) / stride;
    if (strides < LINK_OVERFLOW) {
      this.#links[seq] = strides;
    } else {
      this.#links[seq] = LINK_OVERFLOW;
      this.#addFarLink(seq, replaced);
    }
    if (this.#reorderPairs.length < MAX_REORDER_PAIRS) {
      this.#reorderPairs.push({
        seq,
        partition,
        offset,
        replaced,
        replacedOffset: this.#knownOffset(replaced, partition),
      });
    }
  }

  #addFarLink(seq: number, replaced: number): void {
    if (this.#farCount === this.#farSeqs.length) {
      const grown = Math.ceil(this.#farCount * 1.5);
      const seqs = new Uint32Array(grown);
      const replacedTops = new Uint32Array(grown);
      seqs.set(this.#farSeqs);
      replacedTops.set(this.#farReplaced);
      this.#farSeqs = seqs;
      this.#farReplaced = replacedTops;
    }
    this.#farSeqs[this.#farCount] = seq;
    this.#farReplaced[this.#farCount] = replaced;
    this.#farCount++;
  }

  /** Sort the far links by seq for {@link #linkOf} (each seq has at most one). */
  #sortFarLinks(): void {
    const count = this.#farCount;
    if (this.#farSorted === count) return;
    const seqs = this.#farSeqs;
    const replaced = this.#farReplaced;
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    order.sort((a, b) => seqs[a] - seqs[b]);
    const sortedSeqs = new Uint32Array(seqs.length);
    const sortedReplaced = new Uint32Array(seqs.length);
    for (let i = 0; i < count; i++) {
      sortedSeqs[i] = seqs[order[i]];
      sortedReplaced[i] = replaced[order[i]];
    }
    this.#farSeqs = sortedSeqs;
    this.#farReplaced = sortedReplaced;
    this.#farSorted = count;
  }

  /** The pile top the first copy of `seq` replaced, or -1. Far links must be sorted. */
  #linkOf(seq: number): number {
    const strides = this.#links[seq];
    if (strides === 0) return -1;
    if (strides !== LINK_OVERFLOW) return seq + strides * this.#stride;
    const seqs = this.#farSeqs;
    let lo = 0;
    let hi = this.#farCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqs[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    return this.#farReplaced[lo];
  }

  /** Rebuild one longest increasing subsequence per group into #inLongest (see Ordering). */
  #chooseLongest(): void {
    this.#inLongest.fill(0);
    this.#sortFarLinks();
    const stride = this.#stride;
    const walk = (partition: number, key: number, top: number, piles: number) => {
      this.#locate(partition, key);
      const set = this.#atSet;
      const base = this.#atBase;
      // Last pile: its earliest event, at the end of its replacement links.
      let chosen = top;
      for (let s = this.#linkOf(chosen); s >= 0; s = this.#linkOf(chosen)) chosen = s;
      this.#markLongest(chosen);
      let pileTop = top;
      for (let pile = piles - 1; pile >= 1; pile--) {
        const below = set.prev(base + Math.floor(pileTop / stride) - 1);
        if (below < base) throw new Error(`verifier: pile ${pile} of a group has no top`);
        pileTop = (below - base) * stride + key;
        // The earliest event of this pile that is below the one chosen above.
        let pick = pileTop;
        for (let s = this.#linkOf(pick); s >= 0 && s < chosen; s = this.#linkOf(pick)) pick = s;
        this.#markLongest(pick);
        chosen = pick;
      }
    };
    if (this.#keyed) {
      this.#groups.forEachGroup((key, partition, top, piles) => walk(partition, key, top, piles));
      this.#otherGroups.forEachGroup((slot, partition, top, piles) =>
        walk(partition, slot % stride, top, piles)
      );
    } else {
      this.#groups.forEachGroup((partition, _, top, piles) => walk(partition, 0, top, piles));
    }
  }

  #markLongest(seq: number): void {
    this.#inLongest[seq >>> 3] |= 1 << (seq & 7);
  }

  #isInLongest(seq: number): boolean {
    return (this.#inLongest[seq >>> 3] & (1 << (seq & 7))) !== 0;
  }

  #isAtAck(seq: number): boolean {
    return (this.#atAck[seq >>> 3] & (1 << (seq & 7))) !== 0;
  }

  /** A copy of acknowledged event `seq` read here is where its acknowledgement said. */
  #matchesAck(seq: number, partition: number, offset: string): boolean {
    if (this.#ledger.ackPartition(seq) !== partition) return false;
    const ackOffset = this.#ledger.ackOffset(seq);
    return ackOffset < 0 || Number(offset) === ackOffset;
  }

  /**
   * The offset of the first copy of `seq` read in `partition`, when known
   * without storing it: its only copy so far was at its acknowledged offset.
   */
  #knownOffset(seq: number, partition: number): string | null {
    const ledger = this.#ledger;
    if (this.#reads[seq] !== 1 || !this.#isAtAck(seq)) return null;
    if (ledger.ackPartition(seq) !== partition || ledger.ackOffset(seq) < 0) return null;
    return String(ledger.ackOffset(seq));
  }

  /** Remember a misplaced first copy for the samples, dropping those a later copy put right. */
  #noteMisplaced(seq: number, partition: number, offset: string): void {
    if (!this.#collectMisplaced) return;
    const list = this.#misplacedCandidates;
    if (list.length >= MAX_MISPLACED_CANDIDATES) {
      const still = list.filter((c) => !this.#isAtAck(c.seq));
      this.#misplacedCandidates = still;
      // Mostly still misplaced: enough examples; stop rather than filter again and again.
      if (still.length > MAX_MISPLACED_CANDIDATES / 2) {
        this.#collectMisplaced = false;
        return;
      }
    }
    this.#misplacedCandidates.push({ seq, partition, offset });
  }

  #misplacedSamples(): MisplacedSample[] {
    const out: MisplacedSample[] = [];
    const ledger = this.#ledger;
    for (const c of this.#misplacedCandidates) {
      if (out.length >= this.#samplesPerClass) break;
      if (this.#isAtAck(c.seq)) continue;
      const ackOffset = ledger.ackOffset(c.seq);
      out.push({
        seq: c.seq,
        key: keyOf(this.#keys, c.seq),
        ackPartition: ledger.ackPartition(c.seq),
        ackOffset: ackOffset < 0 ? null : String(ackOffset),
        partition: c.partition,
        offset: c.offset,
      });
    }
    return out;
  }

  /** Reordered samples from the remembered replacements, in the order they happened. */
  #reorderedSamples(): EventSample[] {
    const out: EventSample[] = [];
    const room = this.#samplesPerClass;
    const pairs = this.#reorderPairs;
    const offsetOf = new Map<number, string>();
    for (const p of pairs) offsetOf.set(p.seq, p.offset);
    const taken = new Set<number>();
    for (const p of pairs) {
      if (out.length >= room) break;
      if (!taken.has(p.replaced) && !this.#isInLongest(p.replaced)) {
        taken.add(p.replaced);
        out.push({
          seq: p.replaced,
          partition: p.partition,
          offset: p.replacedOffset ?? offsetOf.get(p.replaced) ?? null,
          key: keyOf(this.#keys, p.replaced),
          detail: `before seq ${p.seq}`,
        });
      }
      if (out.length >= room) break;
      if (!taken.has(p.seq) && !this.#isInLongest(p.seq)) {
        taken.add(p.seq);
        out.push({
          seq: p.seq,
          partition: p.partition,
          offset: p.offset,
          key: keyOf(this.#keys, p.seq),
          detail: `after seq ${p.replaced}`,
        });
      }
    }
    return out;
  }

  #foreignRecord(
    partition: number,
    offset: string,
    key: Uint8Array | null,
    seq: number,
    detail: string,
  ): void {
    this.#foreign++;
    const list = this.#samples.foreign;
    if (list.length >= this.#samplesPerClass) return;
    list.push(foreignSample(partition, offset, key, seq, detail));
  }

  #sample(
    name: ReadSampleClass,
    seq: number,
    partition: number,
    offset: string,
    detail: string | undefined,
  ): void {
    const list = this.#samples[name];
    if (list.length >= this.#samplesPerClass) return;
    const sample: EventSample = { seq, partition, offset, key: keyOf(this.#keys, seq) };
    if (detail !== undefined) sample.detail = detail;
    list.push(sample);
  }

  /** Sample of an acked event at its ack position. */
  #ackedSample(seq: number, detail: string): EventSample {
    return {
      seq,
      partition: this.#ledger.ackPartition(seq),
      offset: String(this.#ledger.ackOffset(seq)),
      key: keyOf(this.#keys, seq),
      detail,
    };
  }

  /** Sample of a failed or pending event that was not read. */
  #unansweredSample(seq: number, why: string | null): EventSample {
    const lateAck = this.#ledger.isAckedAfterFailure(seq);
    const detail = this.#unansweredDetail(seq);
    return {
      seq,
      partition: lateAck ? this.#ledger.ackPartition(seq) : null,
      offset: lateAck ? String(this.#ledger.ackOffset(seq)) : null,
      key: keyOf(this.#keys, seq),
      detail: why === null ? detail : `${detail}; ${why}`,
    };
  }

  /** Producer error text (or "no answer"), plus the late ack if any. */
  #unansweredDetail(seq: number): string {
    const error = this.#ledger.errorOf(seq);
    const base = error === null ? "no answer from the producer" : error;
    if (!this.#ledger.isAckedAfterFailure(seq)) return base;
    return `${base}; acked late at ${this.#ledger.ackPartition(seq)}/${
      this.#ledger.ackOffset(seq)
    }`;
  }

  #ackText(seq: number): string {
    const partition = this.#ledger.ackPartition(seq);
    if (partition < 0) return "";
    return ` (acked at ${partition}/${this.#ledger.ackOffset(seq)})`;
  }

  /**
   * Anomalies of each intended second with any, as of the last {@link finish} (empty without
   * the `secondOf` option). An event counts once per class it is in, as in `counts`.
   */
  anomaliesBySecond(): Map<number, SecondAnomalies> {
    return new Map([...this.#bySecond].map(([t, a]) => [t, { ...a }]));
  }

  #countBySecond(seq: number, status: number, reads: number, reordered: boolean): void {
    const lost = status === STATUS_ACKED && reads === 0 &&
      this.#unreadable[this.#ledger.ackPartition(seq)] !== 1;
    const phantom = status !== STATUS_ACKED && reads > 0;
    const duplicated = reads > 1;
    if (!(lost || phantom || duplicated || reordered)) return;
    const t = this.#secondOf!(seq);
    let bin = this.#bySecond.get(t);
    if (!bin) this.#bySecond.set(t, bin = { lost: 0, duplicated: 0, phantom: 0, reordered: 0 });
    if (lost) bin.lost++;
    if (phantom) bin.phantom++;
    if (duplicated) bin.duplicated++;
    if (reordered) bin.reordered++;
  }

  /** Keep `seq` read at `offset` in the partition's ring of recent records. */
  #remember(partition: number, seq: number, offset: string): void {
    const slot = this.#recentNext[partition];
    this.#recentSeqs[partition * RECENT_PER_PARTITION + slot] = seq;
    this.#recentOffsets[partition][slot] = offset;
    this.#recentNext[partition] = (slot + 1) % RECENT_PER_PARTITION;
  }

  /** Where the copy of `seq` already read is, if still among the recent records; else null. */
  #recentCopy(seq: number): string | null {
    for (let p = 0; p < this.#partitions; p++) {
      const base = p * RECENT_PER_PARTITION;
      for (let i = 0; i < RECENT_PER_PARTITION; i++) {
        if (this.#recentSeqs[base + i] === seq) return `${p}/${this.#recentOffsets[p][i]}`;
      }
    }
    return null;
  }

  /** A duplicated sample with its read count, acknowledgement and every copy found. */
  #duplicatedSample(s: EventSample): EventSample {
    const reads = this.readsOf(s.seq);
    const copies = this.#copies.get(s.seq) ?? [];
    const listed = copies.map((c) => c ?? "?").join(", ");
    const more = reads > copies.length ? ", …" : "";
    const facts: Phrase[] = [{ id: "sample.readTimes", params: { n: reads } }];
    const partition = this.#ledger.ackPartition(s.seq);
    if (partition >= 0) {
      facts.push({
        id: "sample.ackedAt",
        params: { partition, offset: String(this.#ledger.ackOffset(s.seq)) },
      });
    }
    if (copies.length) facts.push({ id: "sample.copiesAt", params: { copies: listed + more } });
    return {
      ...s,
      detail: `read ${reads} times${this.#ackText(s.seq)}${
        copies.length ? `; copies at ${listed}${more}` : ""
      }`,
      facts,
    };
  }

  #checkPartition(partition: number): void {
    if (!(partition >= 0 && partition < this.#partitions) || !Number.isInteger(partition)) {
      throw new RangeError(`partition ${partition} outside 0..${this.#partitions - 1}`);
    }
  }
}

/** Least common multiple of two positive integers. */
function lcm(a: number, b: number): number {
  let x = a, y = b;
  while (y) [x, y] = [y, x % y];
  return (a / x) * b;
}
