/**
 * The sequence-number half of a settle statement (see Settling rule in
 * `streaming.ts`), from the producer's delivery timeout.
 *
 * A record is written, if ever, within `horizonMs` of the moment its event
 * was handed to the client: delivery.timeout.ms bounds linger, retries and
 * waiting for answers; the margin on top must cover a request still on its
 * way when the client gave up (a latency fault included), an emulated timeout
 * that cannot cancel (KafkaJS) and the replica lag that keeps appended records
 * above the high watermark (replica.lag.time.max.ms). So a record at or above
 * a partition's high watermark observed at time t was handed off after
 * t − horizon, and its sequence number is at least {@link belowSeq}(t): the
 * caller states `settle(p, highWatermark(t), horizon.belowSeq(t))`.
 *
 * First sends come in sequence order, so a checkpoint every `stepMs` (time,
 * first sequence number handed off then) gives a lower bound for everything
 * handed off after it; application resends hand old sequence numbers over
 * again and are kept as a sliding-window minimum. A resend must be handed off
 * by the time its first send's horizon ends, as the generator does (it resends
 * when the acknowledgement arrives): a statement cannot foresee a resend that
 * comes later. Both are bounded by the
 * horizon: a few hundred checkpoints, and at most the resends within it.
 *
 * @example
 * ```ts
 * const horizon = new HandOffHorizon(120_000 + 30_000);
 * horizon.handedOff(0, 1_000);
 * horizon.handedOff(1, 200_000);
 * horizon.belowSeq(351_000); // 1: seq 0 was handed off more than a horizon ago
 * ```
 * @module
 */

/** Lowest sequence number still writable, from hand-off times; see the module doc. */
export class HandOffHorizon {
  readonly #horizonMs: number;
  readonly #stepMs: number;
  /** First sends: (time, seq) checkpoints, times increasing. */
  #times: number[] = [];
  #seqs: number[] = [];
  #head = 0;
  #lastFirst = -1;
  /** Resends: (time, seq), times increasing and seqs increasing (a sliding-window minimum). */
  #resendTimes: number[] = [];
  #resendSeqs: number[] = [];
  #resendHead = 0;

  constructor(horizonMs: number, stepMs = 100) {
    this.#horizonMs = horizonMs;
    this.#stepMs = stepMs;
  }

  /** Event `seq` was handed to the client at `atMs` (times never decrease from call to call). */
  handedOff(seq: number, atMs: number): void {
    if (seq > this.#lastFirst) {
      this.#lastFirst = seq;
      const n = this.#times.length;
      if (n === this.#head || atMs - this.#times[n - 1] >= this.#stepMs) {
        this.#times.push(atMs);
        this.#seqs.push(seq);
      }
      return;
    }
    // A resend: it dominates every earlier resend of a higher sequence number.
    while (
      this.#resendSeqs.length > this.#resendHead &&
      this.#resendSeqs[this.#resendSeqs.length - 1] >= seq
    ) {
      this.#resendSeqs.pop();
      this.#resendTimes.pop();
    }
    this.#resendTimes.push(atMs);
    this.#resendSeqs.push(seq);
  }

  /** No record written after `atMs` has a lower sequence number (times never decrease). */
  belowSeq(atMs: number): number {
    const cutoff = atMs - this.#horizonMs;
    // The latest checkpoint at or before the cutoff: every later first send is at or above it.
    while (this.#head + 1 < this.#times.length && this.#times[this.#head + 1] <= cutoff) {
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times.splice(0, this.#head);
      this.#seqs.splice(0, this.#head);
      this.#head = 0;
    }
    let below = this.#times.length > this.#head && this.#times[this.#head] <= cutoff
      ? this.#seqs[this.#head]
      : 0;
    while (
      this.#resendHead < this.#resendTimes.length && this.#resendTimes[this.#resendHead] < cutoff
    ) {
      this.#resendHead++;
    }
    if (this.#resendHead > 1024 && this.#resendHead * 2 > this.#resendTimes.length) {
      this.#resendTimes.splice(0, this.#resendHead);
      this.#resendSeqs.splice(0, this.#resendHead);
      this.#resendHead = 0;
    }
    if (this.#resendHead < this.#resendSeqs.length) {
      below = Math.min(below, this.#resendSeqs[this.#resendHead]);
    }
    return below;
  }
}
