/**
 * One consumer group member's loop (issue 11), whatever the client: poll, process each
 * record as the application would (its time, its poison records sent to a dead-letter topic),
 * record what it finished in its processing log, and commit as its commit mode says:
 *
 * | mode          | commits                                                                 |
 * | ------------- | ----------------------------------------------------------------------- |
 * | `auto`        | nothing itself: the client commits what it polled, on its own clock     |
 * | `after-each`  | each record's next offset once it is processed, waiting for the answer  |
 * | `after-batch` | each partition's next offset after a batch of records, waiting          |
 * | `async`       | the same after each batch, without waiting                              |
 *
 * A batch is what one poll returned, or `commitEvery` records over as many polls as it takes
 * (a Confluent.Kafka application gets one record per `Consume` and counts its own batches).
 * With `commitOnRevoke`, a batch mode also commits what it processed of partitions a rebalance
 * is about to take, as a careful application does in its revoke handler.
 *
 * Stopping the member (its signal) is a crash: the record in progress is neither recorded nor
 * committed, as when the process is killed; what happens next is the group's business.
 *
 * @module
 */
import type {
  CommitPosition,
  ConsumedRecord,
  ConsumerDriver,
} from "../clients/consumer_contract.ts";
import { decodeEvent } from "../load/payload.ts";
import type { ProcessingEntry } from "../verify/processing.ts";
import { isPoison, type ProcessingModel, processingTimeMs } from "./processing_model.ts";

/** When a member commits; see the module doc. */
export type CommitMode = "auto" | "after-each" | "after-batch" | "async";

/** Where a member records what it finished (its processing log). */
export interface ProcessingRecorder {
  append(
    partition: number,
    offset: number,
    outcome: ProcessingEntry["outcome"],
    atMs: number,
  ): void;
}

/** Options of {@link runMember}. */
export interface MemberOptions {
  consumer: ConsumerDriver;
  /** The run whose events are processed (a record of another run counts as foreign). */
  runId: Uint8Array;
  model: ProcessingModel;
  commit: CommitMode;
  log: ProcessingRecorder;
  /**
   * Send a poison record to the dead-letter topic; resolves once the write is acknowledged.
   * Absent: a poison record is logged by the application and skipped (nothing is recorded).
   */
  deadLetter?: (record: ConsumedRecord) => Promise<void>;
  /** Stop at once, as a crash does (see the module doc). */
  signal: AbortSignal;
  /**
   * Stop as an application shutting down does: the record in progress is finished, a batch
   * mode commits what it processed, then the loop returns (the caller closes the consumer,
   * which leaves the group).
   */
  leave?: AbortSignal;
  /**
   * Stop once the records in hand are done (sismo's end of the run, not a fault): the rest
   * of the batch the last poll handed over is processed first, so that a client that stored
   * their offsets when it handed them over (librdkafka) does not commit past records that
   * sismo itself left undone.
   */
  finish?: AbortSignal;
  /** Records per poll (500) and how long a poll waits for the first, ms (100). */
  pollMax?: number;
  pollTimeoutMs?: number;
  /** Records per commit in `after-batch` and `async` modes (default: each poll's records). */
  commitEvery?: number;
  /**
   * In `after-batch` and `async` modes, commit the records processed on partitions a
   * rebalance revokes before they go (see {@link ConsumerDriver.commitOnRevoke}).
   */
  commitOnRevoke?: boolean;
  /** Spend `ms` processing; rejects when `signal` aborts. A timer by default. */
  work?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  /** The assignment changed (after a poll), epoch ms. */
  onAssignment?: (partitions: number[], atMs: number) => void;
  /**
   * A commit failed (a rebalance under way, a coordinator moving): the application logs it
   * and goes on, as applications do; the next commit covers the same records.
   */
  onCommitError?: (error: Error) => void;
}

/** What a member did until it stopped. */
export interface MemberResult {
  processed: number;
  deadLettered: number;
  /** Poison records skipped for want of a dead-letter topic. */
  skipped: number;
  /** Records not of this run (processed all the same). */
  foreign: number;
  commits: number;
  commitFailures: number;
}

/** A timer that `signal` cuts short (rejecting). */
function workFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Run the member until its signal aborts; see the module doc. */
export async function runMember(o: MemberOptions): Promise<MemberResult> {
  const work = o.work ?? workFor;
  const now = o.now ?? Date.now;
  const result: MemberResult = {
    processed: 0,
    deadLettered: 0,
    skipped: 0,
    foreign: 0,
    commits: 0,
    commitFailures: 0,
  };
  let assigned = "";
  /** Per partition, the next offset after the records processed since the last commit. */
  const next = new Map<number, number>();
  let sinceCommit = 0;
  const commit = async (positions: CommitPosition[], mode: "sync" | "async") => {
    if (positions.length === 0) return;
    try {
      await o.consumer.commit(positions, mode);
      result.commits++;
    } catch (e) {
      if (o.signal.aborted) throw e;
      result.commitFailures++;
      o.onCommitError?.(e as Error);
    }
  };
  if (o.commitOnRevoke && (o.commit === "after-batch" || o.commit === "async")) {
    o.consumer.commitOnRevoke({
      positions(revoked) {
        const positions: CommitPosition[] = [];
        for (const partition of revoked) {
          const offset = next.get(partition);
          if (offset === undefined) continue;
          positions.push({ partition, offset });
          next.delete(partition);
        }
        if (next.size === 0) sinceCommit = 0;
        return positions;
      },
      done(error) {
        if (error === null) return void result.commits++;
        result.commitFailures++;
        o.onCommitError?.(error);
      },
    });
  }
  try {
    while (!o.signal.aborted && !o.leave?.aborted && !o.finish?.aborted) {
      const records = await o.consumer.poll(o.pollMax ?? 500, o.pollTimeoutMs ?? 100);
      const assignment = o.consumer.assignment();
      const key = assignment.join(",");
      if (key !== assigned) {
        assigned = key;
        o.onAssignment?.(assignment, now());
      }
      for (const record of records) {
        if (o.signal.aborted || o.leave?.aborted) break;
        const event = decodeEvent(record.value, o.runId);
        if (event === null) result.foreign++;
        // The model keys on the event; a foreign record, on its offset.
        const seq = event?.seq ?? record.offset;
        if (isPoison(o.model, seq)) {
          if (o.deadLetter) {
            await o.deadLetter(record);
            o.log.append(record.partition, record.offset, "dead-lettered", now());
            result.deadLettered++;
          } else result.skipped++;
        } else {
          await work(processingTimeMs(o.model, seq), o.signal);
          o.log.append(record.partition, record.offset, "processed", now());
          result.processed++;
        }
        o.consumer.handled?.(record);
        next.set(record.partition, record.offset + 1);
        sinceCommit++;
        if (o.commit === "after-each") {
          await commit([{ partition: record.partition, offset: record.offset + 1 }], "sync");
        }
      }
      // A batch ends at its size, when the topic is idle (nothing came: what is pending would
      // otherwise wait for more records), and when the member stops.
      const stopping = o.leave?.aborted === true || o.finish?.aborted === true;
      const batchDone = o.commitEvery === undefined || sinceCommit >= o.commitEvery ||
        records.length === 0 || stopping;
      if ((o.commit === "after-batch" || o.commit === "async") && batchDone && next.size > 0) {
        const positions = [...next].map(([partition, offset]) => ({ partition, offset }));
        next.clear();
        sinceCommit = 0;
        // Leaving, an application commits synchronously whatever its mode.
        await commit(positions, o.commit === "async" && !stopping ? "async" : "sync");
      }
    }
  } catch (e) {
    // A crash is the signal's doing; anything else is the member's own failure.
    if (!o.signal.aborted) throw e;
  }
  return result;
}
