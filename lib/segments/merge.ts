/**
 * Merge the partial results of one variant's shares into what one process would have
 * recorded: the whole ledger, exact histograms and timelines, the load's counts. The merge
 * first checks that the parts belong to one run and cover every share exactly once; what
 * does not (a share missing, given twice, or cut short) is a problem that makes
 * the run inconclusive, never a pass.
 *
 * @example
 * ```ts
 * import { mergeShares } from "./merge.ts";
 * import type { PartialResult } from "./partial.ts";
 * declare const parts: PartialResult[];
 * const { merged, problems } = mergeShares(parts);
 * merged.ledger.counts(); // every share's events
 * problems; // [] when the shares cover the load exactly once
 * ```
 * @module
 */
import type { LoadResult } from "../load/generator.ts";
import { segmentLabel } from "../load/segment.ts";
import { Ledger, type LedgerObserver } from "../verify/ledger.ts";
import type { ErrorCount } from "../verify/error_tally.ts";
import { LatencyRecorder } from "../metrics/latency.ts";
import { TimelineRecorder } from "../metrics/timeline.ts";
import type { DriverStats } from "../clients/contract.ts";
import type { ClientErrors } from "../run/produce.ts";
import type { Phrase, WorkerInfo } from "../report/types.ts";
import {
  type ClientLogError,
  PARTIAL_FORMAT,
  type PartialResult,
  replayLatencies,
  replayShare,
  type SharedLatency,
} from "./partial.ts";

/** The shares together, as one process's recorders would hold them. */
export interface MergedShares {
  /** The whole load's ledger, every share's events replayed into it. */
  ledger: Ledger;
  /** Send errors by text, every share's reports counted. */
  errors: ErrorCount[];
  result: LoadResult;
  fromIntended: LatencyRecorder;
  fromSend: LatencyRecorder;
  dispatchLag: LatencyRecorder;
  timeline: TimelineRecorder;
  clientErrors: ClientErrors;
  client: { name: string; version: string };
  notes: Phrase[];
  network: DriverStats;
  workers: WorkerInfo[];
}

/** Thrown when parts cannot be merged at all: they are not of one variant's run. */
export class MergeError extends Error {
  override name = "MergeError";
}

/**
 * Merge `parts` (one variant's shares, in any order). `observer` hears of every replayed
 * ledger mark, as it would have of the generator's. Throws a {@link MergeError} when the parts
 * belong to different runs; a share missing, duplicated or interrupted is a `problem`.
 */
export function mergeShares(
  parts: readonly PartialResult[],
  observer?: LedgerObserver,
): { merged: MergedShares; problems: string[] } {
  if (parts.length === 0) throw new MergeError("no partial result to merge");
  const first = parts[0];
  for (const part of parts) {
    if (part.format !== PARTIAL_FORMAT) {
      throw new MergeError(
        `share ${segmentLabel(part.segment)} is not a ${PARTIAL_FORMAT} partial result ` +
          `(${JSON.stringify(part.format)}): its worker runs another version of sismo`,
      );
    }
    for (const field of Object.keys(first.run) as (keyof PartialResult["run"])[]) {
      if (part.run[field] !== first.run[field]) {
        throw new MergeError(
          `share ${segmentLabel(part.segment)} is of another run: run.${field} is ` +
            `${JSON.stringify(part.run[field])}, not ${JSON.stringify(first.run[field])}`,
        );
      }
    }
    if (part.segment.count !== first.segment.count) {
      throw new MergeError(
        `shares split the load differently: ${segmentLabel(part.segment)} and ` +
          segmentLabel(first.segment),
      );
    }
  }
  const count = first.segment.count;
  const total = first.run.events;
  const problems: string[] = [];
  const byIndex = new Map<number, PartialResult>();
  for (const part of parts) {
    const label = segmentLabel(part.segment);
    if (byIndex.has(part.segment.index)) {
      // Its events went to the topic twice: the verification will show it, the merge keeps one.
      problems.push(`share ${label} was given twice (run twice?): one is merged`);
      continue;
    }
    byIndex.set(part.segment.index, part);
    if (part.load.aborted) problems.push(`share ${label} was interrupted before its end`);
  }
  for (let index = 1; index <= count; index++) {
    if (!byIndex.has(index)) {
      problems.push(`share ${index}/${count} is missing: its events were never sent by sismo`);
    }
  }
  const shares = [...byIndex.values()].sort((a, b) => a.segment.index - b.segment.index);

  const ledger = new Ledger(Math.max(1, total));
  ledger.observe(observer ?? null);
  const latencies = shares.every((s) => s.latencies !== null)
    ? new Float32Array(Math.max(1, total)).fill(NaN)
    : null;
  const timeline = new TimelineRecorder(first.run.startEpochMs);
  const recorders = {
    fromIntended: new LatencyRecorder(),
    fromSend: new LatencyRecorder(),
    dispatchLag: new LatencyRecorder(),
  };
  const errors = new Map<string, number>();
  const clientErrors: ClientErrors = new Map();
  const network: DriverStats = { produceRequests: 0, requestBytes: 0 };
  const notes: Phrase[] = [];
  for (const share of shares) {
    replayShare(ledger, share.ledger, share.segment, total);
    if (latencies && share.latencies) {
      replayLatencies(share.latencies, share.segment, total, latencies);
    }
    timeline.add(share.timeline);
    for (const name of ["fromIntended", "fromSend", "dispatchLag"] as const) {
      recorders[name].add(decode(share.histograms[name]));
    }
    for (const e of share.ledger.errors) {
      errors.set(e.message, (errors.get(e.message) ?? 0) + e.count);
    }
    for (const e of share.clientErrors) addClientError(clientErrors, e);
    network.produceRequests += share.network.produceRequests;
    network.requestBytes += share.network.requestBytes;
    if (share.network.retries !== undefined) {
      network.retries = (network.retries ?? 0) + share.network.retries;
    }
    for (const note of share.notes) {
      if (!notes.some((n) => JSON.stringify(n) === JSON.stringify(note))) notes.push(note);
    }
  }
  ledger.observe(null);
  const sum = (f: (l: PartialResult["load"]) => number) =>
    shares.reduce((s, share) => s + f(share.load), 0);
  const max = (f: (l: PartialResult["load"]) => number) =>
    Math.max(...shares.map((share) => f(share.load)));
  const result: LoadResult = {
    intended: sum((l) => l.intended),
    outstandingAtEnd: sum((l) => l.outstandingAtEnd),
    unansweredAfterPurge: sum((l) => l.unansweredAfterPurge),
    loadEndedEpochMs: max((l) => l.loadEndedEpochMs),
    drainEndedEpochMs: max((l) => l.drainEndedEpochMs),
    aborted: shares.some((s) => s.load.aborted),
    appResends: sum((l) => l.appResends),
    appResendsFailed: sum((l) => l.appResendsFailed),
    window: {
      sent: sum((l) => l.window.sent),
      acked: sum((l) => l.window.acked),
      // Shorter than planned only when a share was interrupted: the shortest is everyone's.
      ms: Math.min(...shares.map((s) => s.load.window.ms)),
    },
    drain: { acked: sum((l) => l.drain.acked), ms: max((l) => l.drain.ms) },
    latencies,
  };
  return {
    merged: {
      ledger,
      errors: [...errors].map(([message, n]) => ({ message, count: n }))
        .sort((a, b) => b.count - a.count),
      result,
      ...recorders,
      timeline,
      clientErrors,
      client: first.worker.client,
      notes,
      network,
      workers: shares.map((s) => ({
        segment: segmentLabel(s.segment),
        host: s.worker.host,
        pid: s.worker.pid,
        client: `${s.worker.client.name} ${s.worker.client.version}`,
        startLagMs: s.worker.startLagMs,
        clockOffsetMs: s.worker.clockOffsetMs,
        dispatchLagP99Ms: decode(s.histograms.dispatchLag).percentile(99),
        machine: s.worker.machine,
      })),
    },
    problems,
  };
}

function decode(shared: SharedLatency): LatencyRecorder {
  return LatencyRecorder.decode(shared.histogram, shared.clamped);
}

function addClientError(
  into: ClientErrors,
  e: ClientLogError,
): void {
  const seen = into.get(e.message);
  into.set(
    e.message,
    seen
      ? {
        count: seen.count + e.count,
        first: Math.min(seen.first, e.first),
        last: Math.max(seen.last, e.last),
      }
      : { count: e.count, first: e.first, last: e.last },
  );
}
