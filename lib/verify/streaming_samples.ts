/**
 * The examples the streaming checker keeps per class, a few each, with the
 * end-of-run verifier's wording. Bounded: at most `room` per class, plus the
 * first {@link MAX_REORDER_PAIRS} pile-top replacements.
 *
 * Where the verifier picks by sequence number (lost, failed-absent,
 * unverified) the lowest sequence numbers are kept; where it picks in read
 * order, foreign and duplicated are too; phantom and misplaced are in
 * settling order (the read order of first copies is not kept).
 *
 * @module
 */
import type { KeySpace } from "../scenario/types.ts";
import type { EventSample, VerificationCounts, VerificationReport } from "../report/types.ts";
import { keyOf } from "../load/payload.ts";
import { MAX_REORDER_PAIRS, type ReorderPair } from "./verifier.ts";

type MisplacedSample = VerificationReport["misplacedSamples"][number];

/** A sample of an unread event, with what decides whether it turns unverified. */
interface AbsentSample {
  sample: EventSample;
  /** Partition of the (late) acknowledgement, -1 without one. */
  partition: number;
  /** Acknowledged in time (lost) rather than failed. */
  acked: boolean;
}

/** A duplicated sample and the copies read of its event. */
interface DuplicateSample {
  sample: EventSample;
  reads: number;
  ack: string;
}

/** Bounded examples per class; see the module doc. */
export class SampleBook {
  readonly #keys: KeySpace;
  readonly #room: number;
  #absent: AbsentSample[] = [];
  #unverified: EventSample[] = [];
  #duplicated: DuplicateSample[] = [];
  #phantom: EventSample[] = [];
  #foreign: EventSample[] = [];
  #misplaced: MisplacedSample[] = [];
  #pairs: ReorderPair[] = [];
  /** Sequence numbers of the pairs, and those of them marked out of place. */
  #pairSeqs = new Set<number>();
  #pairMarked = new Set<number>();

  constructor(keys: KeySpace, room: number) {
    this.#keys = keys;
    this.#room = room;
  }

  /** Rough bytes held (the lists are bounded). */
  get byteLength(): number {
    return (this.#pairs.length + this.#pairSeqs.size) * 96 + this.#room * 7 * 160;
  }

  foreign(make: () => EventSample): void {
    if (this.#foreign.length < this.#room) this.#foreign.push(make());
  }

  /** The second copy of `seq`, read at `partition`/`offset`. */
  duplicate(seq: number, partition: number, offset: string, ack = ""): void {
    if (this.#duplicated.length >= this.#room) return;
    const sample = { seq, partition, offset, key: keyOf(this.#keys, seq) };
    this.#duplicated.push({ sample, reads: 1, ack });
  }

  /** Another copy of `seq` (second or later). */
  copy(seq: number): void {
    for (const d of this.#duplicated) if (d.sample.seq === seq) d.reads++;
  }

  /** `seq` was acknowledged at `partition`/`offset` (for the duplicated detail). */
  acknowledged(seq: number, partition: number, offset: number): void {
    for (const d of this.#duplicated) {
      if (d.sample.seq === seq) d.ack = ` (acked at ${partition}/${offset})`;
    }
  }

  replacement(
    seq: number,
    partition: number,
    offset: string,
    replaced: number,
    replacedOffset: string | null,
  ): void {
    if (this.#pairs.length >= MAX_REORDER_PAIRS) return;
    this.#pairs.push({ seq, partition, offset, replaced, replacedOffset });
    this.#pairSeqs.add(seq).add(replaced);
  }

  /** The ordering mark of `seq` is final. */
  ordered(seq: number, marked: boolean): void {
    if (marked && this.#pairSeqs.has(seq)) this.#pairMarked.add(seq);
  }

  lost(seq: number, partition: number, ackOffset: number): void {
    const sample = this.#sample(seq, partition, String(ackOffset), "acked, never read");
    this.#lowest(this.#absent, { sample, partition, acked: true });
  }

  /** A failed or pending event never read; `ackPartition` is its late ack's, -1 without. */
  failedAbsent(seq: number, detail: string, ackPartition: number, ackOffset: number): void {
    const late = ackPartition >= 0;
    const sample = this.#sample(
      seq,
      late ? ackPartition : null,
      late ? String(ackOffset) : null,
      detail,
    );
    this.#lowest(this.#absent, { sample, partition: ackPartition, acked: false });
  }

  phantom(seq: number, partition: number, offset: number, detail: string): void {
    if (this.#phantom.length < this.#room) {
      this.#phantom.push(this.#sample(seq, partition, String(offset), detail));
    }
  }

  misplaced(
    seq: number,
    ackPartition: number,
    ackOffset: number,
    partition: number,
    offset: number,
  ): void {
    if (this.#misplaced.length >= this.#room) return;
    this.#misplaced.push({
      seq,
      key: keyOf(this.#keys, seq),
      ackPartition,
      ackOffset: ackOffset < 0 ? null : String(ackOffset),
      partition,
      offset: String(offset),
    });
  }

  unverifiedAcked(seq: number, partition: number, ackOffset: number): void {
    const detail = `acked in unreadable partition ${partition}`;
    this.#lowestSample(this.#unverified, this.#sample(seq, partition, String(ackOffset), detail));
  }

  /** A failed or pending event never read, whose partition is unreadable or unknown. */
  unverifiedUnanswered(seq: number, detail: string, ackPartition: number, ackOffset: number) {
    const late = ackPartition >= 0;
    const why = late
      ? `late ack in unreadable partition ${ackPartition}`
      : "partition unknown and a partition is unreadable";
    const sample = this.#sample(
      seq,
      late ? ackPartition : null,
      late ? String(ackOffset) : null,
      `${detail}; ${why}`,
    );
    this.#lowestSample(this.#unverified, sample);
  }

  /** Move the absent samples whose partition turned out unreadable to unverified. */
  settleUnreadable(unreadable: Uint8Array, anyUnreadable: boolean): void {
    if (!anyUnreadable) return;
    const kept: AbsentSample[] = [];
    for (const a of this.#absent) {
      const checkable = a.partition >= 0 ? unreadable[a.partition] !== 1 : false;
      if (checkable) {
        kept.push(a);
        continue;
      }
      const s = a.sample;
      if (a.acked) this.unverifiedAcked(s.seq, a.partition, Number(s.offset));
      else this.unverifiedUnanswered(s.seq, s.detail ?? "", a.partition, Number(s.offset));
    }
    this.#absent = kept;
  }

  /** The samples per class, in the verifier's order, non-empty classes only. */
  bySample(): VerificationReport["samples"] {
    const found: [keyof VerificationCounts, EventSample[]][] = [
      ["lost", this.#absent.filter((a) => a.acked).map((a) => a.sample)],
      [
        "duplicated",
        this.#duplicated.map((d) => ({ ...d.sample, detail: `read ${d.reads} times${d.ack}` })),
      ],
      ["phantom", this.#phantom],
      ["failedAbsent", this.#absent.filter((a) => !a.acked).map((a) => a.sample)],
      ["reordered", this.#reordered()],
      ["foreign", this.#foreign],
      ["unverified", this.#unverified],
    ];
    const samples: VerificationReport["samples"] = {};
    for (const [name, list] of found) {
      if (list.length > 0) samples[name] = list.map((s) => ({ ...s }));
    }
    return samples;
  }

  misplacedSamples(): MisplacedSample[] {
    return this.#misplaced.map((m) => ({ ...m }));
  }

  /** As the verifier: the marked events of the replacements, in the order they happened. */
  #reordered(): EventSample[] {
    const out: EventSample[] = [];
    const offsetOf = new Map<number, string>();
    for (const p of this.#pairs) offsetOf.set(p.seq, p.offset);
    const taken = new Set<number>();
    const take = (seq: number, partition: number, offset: string | null, detail: string) => {
      if (out.length >= this.#room || taken.has(seq) || !this.#pairMarked.has(seq)) return;
      taken.add(seq);
      out.push(this.#sample(seq, partition, offset, detail));
    };
    for (const p of this.#pairs) {
      const replacedOffset = p.replacedOffset ?? offsetOf.get(p.replaced) ?? null;
      take(p.replaced, p.partition, replacedOffset, `before seq ${p.seq}`);
      take(p.seq, p.partition, p.offset, `after seq ${p.replaced}`);
    }
    return out;
  }

  #sample(
    seq: number,
    partition: number | null,
    offset: string | null,
    detail: string,
  ): EventSample {
    return { seq, partition, offset, key: keyOf(this.#keys, seq), detail };
  }

  /** Keep the `room` lowest sequence numbers of the lost and failed-absent samples, per class. */
  #lowest(list: AbsentSample[], item: AbsentSample): void {
    const same = list.filter((a) => a.acked === item.acked);
    if (same.length >= this.#room && same[same.length - 1].sample.seq < item.sample.seq) return;
    let at = list.length;
    while (at > 0 && list[at - 1].sample.seq > item.sample.seq) at--;
    list.splice(at, 0, item);
    if (same.length >= this.#room) {
      const last = list.findLastIndex((a) => a.acked === item.acked);
      list.splice(last, 1);
    }
  }

  #lowestSample(list: EventSample[], sample: EventSample): void {
    if (list.length >= this.#room && list[list.length - 1].seq < sample.seq) return;
    let at = list.length;
    while (at > 0 && list[at - 1].seq > sample.seq) at--;
    list.splice(at, 0, sample);
    if (list.length > this.#room) list.pop();
  }
}
