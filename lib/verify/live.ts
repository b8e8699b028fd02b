/**
 * Verification while the load runs: the {@link StreamingVerifier} fed by the
 * producer's answers (as the ledger records them) and by a live read of the
 * topic, with settle statements from the partitions' high watermarks and the
 * client's delivery horizon (see Settling rule in `streaming.ts`).
 *
 * During the run it gives the anomalies settled so far (the progress line,
 * `--fail-fast`); at the end it reads to the same ends as the end-of-run
 * read-back and classifies what is left, so that its counts can be compared
 * with the end-of-run verifier's (they must be equal) or, for runs whose
 * ledger would not fit, stand in for them.
 *
 * @example
 * ```ts
 * import type { TailOptions, TailReader } from "./tail.ts";
 * declare const tail: (o: TailOptions) => Promise<TailReader>;
 * const live = new LiveVerification({
 *   runId: new Uint8Array(8), variant: 0, keys: { kind: "none" }, partitions: 1, events: 100,
 *   horizonMs: 150_000, from: [{ partition: 0, high: 0 }],
 *   tail: (o) => tail({ ...o, bootstrap: ["127.0.0.1:9092"], topic: "t", groupId: "g" }),
 * });
 * await live.start();
 * live.events.sent(0);
 * live.handedOff(0, Date.now());
 * live.settledCounts().lost; // 0
 * ```
 * @module
 */
import type { KeySpace } from "../scenario/types.ts";
import type { VerificationCounts, VerificationReport } from "../report/types.ts";
import { HandOffHorizon, StreamingVerifier } from "./streaming.ts";
import type { LedgerObserver } from "./ledger.ts";
import type { PartitionRange } from "./consume.ts";
import type { TailOptions, TailReader } from "./tail.ts";

/** Options of a {@link LiveVerification}. */
export interface LiveVerificationOptions {
  runId: Uint8Array;
  variant: number;
  keys: KeySpace;
  partitions: number;
  /** Sequence numbers of the variant: `0 … events-1`. */
  events: number;
  /**
   * Longest time from handing a record to the client to its being written and readable,
   * ms (delivery timeout plus margins; see `streaming_horizon.ts`).
   */
  horizonMs: number;
  /** High watermarks before the load: the live read starts there. */
  from: readonly { partition: number; high: number }[];
  /**
   * Start the live read (topic, bootstrap and group are the caller's). `attempt` counts the
   * restarts (0 first): a restarted read should join a group of its own, whose coordinator
   * may sit on another broker than the one that went away.
   */
  tail: (
    o: Pick<TailOptions, "from" | "onRecord" | "onProblem"> & { attempt: number },
  ) => Promise<TailReader>;
  /**
   * A read that has fallen behind the high watermarks and passed on no record for this long
   * is restarted from the offsets it reached, ms (default 15,000).
   */
  restartAfterMs?: number;
  /** Restarts at most (default 3); a read stalled after them gives up at the end. */
  maxRestarts?: number;
  /** How often the high watermarks are polled for settle statements, ms (default 1,000). */
  settleEveryMs?: number;
  /** Notes for the log. */
  log?: (line: string) => void;
}

/** What the live verification measured about itself, for the report and the benchmark. */
export interface LiveFigures {
  /** Most events held unsettled at once. */
  peakUnresolved: number;
  /** Most bytes of state at once (estimated). */
  peakBytes: number;
  /** Records below a settle bound and answers after it (then counts may differ). */
  boundViolations: number;
  /** Problems of the live read (restarts, gaps), at most 20. */
  problems: string[];
  /** Ms after the load start when the first anomaly was settled; null if none was. */
  firstAnomalyMs: number | null;
}

/** The classes that are anomalies, in the order the progress line names them. */
export const ANOMALY_CLASSES = ["lost", "duplicated", "phantom", "reordered", "foreign"] as const;

/** Sum of the anomaly classes of `c` (lost, duplicated, phantom, reordered, foreign). */
export function anomalyCount(c: VerificationCounts): number {
  return ANOMALY_CLASSES.reduce((s, k) => s + c[k], 0);
}

/** The streaming verification of one variant; see the module doc. */
export class LiveVerification {
  readonly #o: LiveVerificationOptions;
  readonly #verifier: StreamingVerifier;
  readonly #horizon: HandOffHorizon;
  #reader: TailReader | null = null;
  /** Next offsets of the last reader, while none runs (between a stop and a restart). */
  #lastNext: number[];
  #restarts = 0;
  #restarting = false;
  /** When the read last moved on (or had nothing to read), epoch ms; checked each poll. */
  #movedAtMs = 0;
  /** Sum of the next offsets at that moment: what "moved on" compares with. */
  #movedTo = -1;
  #timer: ReturnType<typeof setInterval> | undefined;
  #polling = false;
  /** Per partition, records at or above it are not passed on (the end of the read-back). */
  #limit: Float64Array;
  #recordsRead = 0;
  #startedMs = 0;
  #peakUnresolved = 0;
  #peakBytes = 0;
  #problems: string[] = [];
  #firstAnomalyMs: number | null = null;

  /** The producer side, as the ledger sees it: pass it to `Ledger.observe`. */
  readonly events: LedgerObserver;

  constructor(o: LiveVerificationOptions) {
    this.#o = o;
    this.#verifier = new StreamingVerifier({
      runId: o.runId,
      variant: o.variant,
      keys: o.keys,
      partitions: o.partitions,
      events: o.events,
    });
    this.#horizon = new HandOffHorizon(o.horizonMs);
    this.#limit = new Float64Array(o.partitions).fill(Infinity);
    this.#lastNext = Array.from(
      { length: o.partitions },
      (_, p) => o.from.find((f) => f.partition === p)?.high ?? 0,
    );
    const v = this.#verifier;
    this.events = {
      sent: (seq) => v.sent(seq),
      notSent: (seq) => v.notSent(seq),
      acked: (seq, partition, offset) => v.acked(seq, partition, offset),
      failed: (seq, error) => v.failed(seq, error),
    };
  }

  /** Start the live read and the settle polling. */
  async start(): Promise<void> {
    this.#startedMs = this.#movedAtMs = Date.now();
    this.#reader = await this.#startReader(0);
    this.#timer = setInterval(() => void this.#poll(), this.#o.settleEveryMs ?? 1000);
  }

  #startReader(attempt: number): Promise<TailReader> {
    return this.#o.tail({
      attempt,
      from: this.#lastNext.map((offset, partition) => ({ partition, offset })),
      onRecord: (partition, offset, key, value) => {
        if (Number(offset) >= this.#limit[partition]) return;
        this.#recordsRead++;
        this.#verifier.record(partition, offset, key, value);
      },
      onProblem: (message) => this.#problem(message),
    });
  }

  #problem(message: string): void {
    this.#o.log?.(message);
    if (this.#problems.length < 20) this.#problems.push(message);
  }

  /** Next offset to read of `partition`, by the running reader or the last one. */
  #next(partition: number): number {
    return this.#reader ? this.#reader.next(partition) : this.#lastNext[partition];
  }

  /**
   * A stuck read (a consumer that lost its group coordinator to a broker fault and did not
   * find it again) starts over from the offsets it reached, in a group of its own. Returns
   * false when no restart is left or it failed.
   */
  async #restart(why: string): Promise<boolean> {
    if (this.#restarting) return true;
    if (this.#restarts >= (this.#o.maxRestarts ?? 3) || !this.#reader) return false;
    this.#restarting = true;
    try {
      const old = this.#reader;
      // Stopped first: no record of the old reader arrives after its offsets were taken.
      this.#reader = null;
      await old.stop();
      this.#keepNext(old);
      this.#restarts++;
      this.#problem(`live read: restarted from the offsets it reached (${why})`);
      this.#reader = await this.#startReader(this.#restarts);
      this.#movedAtMs = Date.now();
      return true;
    } catch (e) {
      this.#problem(`live read: could not restart: ${(e as Error).message}`);
      return false;
    } finally {
      this.#restarting = false;
    }
  }

  /** How long the read has not moved on; progress is taken here, not per record. */
  #stalledFor(): number {
    let at = 0;
    for (let p = 0; p < this.#o.partitions; p++) at += this.#next(p);
    if (at !== this.#movedTo) {
      this.#movedTo = at;
      this.#movedAtMs = Date.now();
    }
    return Date.now() - this.#movedAtMs;
  }

  /** Take the reader's next offsets, for a reader that follows it or for the end. */
  #keepNext(reader: TailReader): void {
    this.#lastNext = this.#lastNext.map((_, p) => reader.next(p));
  }

  /** Event `seq` (a resend: `seq` again) was handed to the client at epoch ms `atMs`. */
  handedOff(seq: number, atMs: number): void {
    this.#horizon.handedOff(seq, atMs);
  }

  /** Records read so far. */
  get recordsRead(): number {
    return this.#recordsRead;
  }

  /** Counts of the events settled so far: the live verdicts. */
  settledCounts(): VerificationCounts {
    return this.#verifier.settledCounts();
  }

  /** After each read: when the first anomaly was found, counted from the start. */
  #noteFirstAnomaly(): void {
    if (this.#firstAnomalyMs === null && anomalyCount(this.settledCounts()) > 0) {
      this.#firstAnomalyMs = Date.now() - this.#startedMs;
    }
  }

  /** Unsettled events and state now. */
  stats() {
    return this.#verifier.stats();
  }

  /**
   * Read to `ranges` (the end-of-run read-back's ends; a partition without a range is not
   * read further), give up after `timeoutMs` on partitions not reached (unreadable, with
   * the reason), mark `unreadable` partitions, and classify.
   */
  async finish(o: {
    ranges: readonly PartitionRange[];
    unreadable: readonly number[];
    timeoutMs: number;
  }): Promise<{ report: VerificationReport; figures: LiveFigures; notes: string[] }> {
    const notes: string[] = [];
    // A restart under way has no reader for a moment: wait, so its offsets are not taken as 0.
    while (this.#restarting) await new Promise((r) => setTimeout(r, 20));
    const started = this.#startedMs > 0;
    for (let p = 0; p < this.#o.partitions; p++) this.#limit[p] = started ? this.#next(p) : 0;
    for (const r of o.ranges) this.#limit[r.partition] = Math.max(r.end, this.#limit[r.partition]);
    const reached = () =>
      o.ranges.every((r) =>
        !started || this.#next(r.partition) >= r.end || o.unreadable.includes(r.partition)
      );
    const until = Date.now() + o.timeoutMs;
    const restartAfterMs = this.#o.restartAfterMs ?? 15_000;
    while (!reached() && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      if (this.#stalledFor() < restartAfterMs || this.#restarting) continue;
      // Stalled short of the ends: start over, or give up once no restart is left.
      if (!await this.#restart("no record for " + Math.round(restartAfterMs / 1000) + " s")) {
        break;
      }
    }
    clearInterval(this.#timer);
    while (this.#polling || this.#restarting) await new Promise((r) => setTimeout(r, 20));
    const reader = this.#reader;
    if (reader) this.#keepNext(reader);
    this.#reader = null;
    await reader?.stop();
    this.#sample();
    for (const p of o.unreadable) this.#verifier.markUnreadable(p);
    for (const r of o.ranges) {
      const at = started ? this.#next(r.partition) : r.start;
      if (at < r.end && !o.unreadable.includes(r.partition)) {
        this.#verifier.markUnreadable(r.partition);
        notes.push(
          `live read: partition ${r.partition} read to ${at} of ${r.end} within ${
            Math.round(o.timeoutMs / 1000)
          } s`,
        );
      }
    }
    this.#noteFirstAnomaly();
    const stats = this.#verifier.stats();
    const report = this.#verifier.finish(this.#recordsRead, Date.now() - this.#startedMs);
    return {
      report,
      notes,
      figures: {
        peakUnresolved: this.#peakUnresolved,
        peakBytes: this.#peakBytes,
        boundViolations: stats.boundViolations,
        problems: [...this.#problems],
        firstAnomalyMs: anomalyCount(report.counts) > 0 ? this.#firstAnomalyMs : null,
      },
    };
  }

  /** Stop without classifying (the run was cut short). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    while (this.#restarting) await new Promise((r) => setTimeout(r, 20));
    const reader = this.#reader;
    this.#reader = null;
    await reader?.stop();
  }

  /** Settle statements from the high watermarks now (see Settling rule in `streaming.ts`). */
  async #poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      // Taken before asking: records above the watermarks were written after this moment.
      const atMs = Date.now();
      // Not answering (a broker down) only delays settling; the next poll tries again.
      const offsets = await this.#reader?.highWatermarks().catch(() => null);
      if (offsets && offsets.length === this.#o.partitions) {
        const below = this.#horizon.belowSeq(atMs);
        for (const o of offsets) {
          this.#verifier.settle(o.partition, Math.min(o.high, this.#limit[o.partition]), below);
        }
        const behind = offsets.some((o) =>
          this.#next(o.partition) < Math.min(o.high, this.#limit[o.partition])
        );
        if (!behind) this.#movedAtMs = Date.now();
        else if (this.#stalledFor() >= (this.#o.restartAfterMs ?? 15_000)) {
          void this.#restart(
            `no record for ${Math.round(this.#stalledFor() / 1000)} s with records to read`,
          );
        }
      }
      this.#sample();
      this.#noteFirstAnomaly();
    } finally {
      this.#polling = false;
    }
  }

  #sample(): void {
    const s = this.#verifier.stats();
    if (s.unresolved > this.#peakUnresolved) this.#peakUnresolved = s.unresolved;
    if (s.estimatedBytes > this.#peakBytes) this.#peakBytes = s.estimatedBytes;
  }
}
