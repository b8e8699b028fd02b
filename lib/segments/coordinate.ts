/**
 * The coordinator's side of a split variant: the workers produce the shares, the
 * coordinator gives them one start, plays the faults once on that clock, and merges their
 * partial results into the record one process would have made ({@link Produced}); the
 * variant is then verified and reported as any other, once.
 *
 * @module
 */
import { runIdHex } from "../load/payload.ts";
import type { VariantRunOptions } from "../run/variant.ts";
import { ackedEndObserver, type ProduceContext, type Produced } from "../run/produce.ts";
import { JOB_FORMAT, type ShareRunner } from "./job.ts";
import { mergeShares } from "./merge.ts";

/** Produce the variant's load with `shares`' workers; see the module doc. */
export async function produceInShares(
  o: VariantRunOptions,
  shares: ShareRunner,
  ctx: ProduceContext,
): Promise<Produced> {
  const { plan, variant, env } = o;
  const { faults, log } = ctx;
  const totalMs = plan.load.warmupMs + plan.load.durationMs;
  let startEpochMs: number | null = null;
  let faultsEnd: ReturnType<typeof setTimeout> | undefined;
  let outcome;
  let windows;
  try {
    outcome = await shares.run({
      format: JOB_FORMAT,
      plan,
      variantIndex: o.variantIndex,
      topic: ctx.topic,
      runId: runIdHex(o.runId),
      bootstrap: env.bootstrap,
      connection: env.connection,
    }, {
      start: async () => {
        const start = await o.startAt();
        startEpochMs = start;
        await faults.join(start);
        // The faults end when the last event is due, as they do for a load run here.
        faultsEnd = setTimeout(
          // What stopping found is read again below, where its errors are reported.
          () => void faults.stop().catch(() => {}),
          Math.max(0, start + totalMs - Date.now()),
        );
        return start;
      },
      signal: o.signal,
      onProgress: (p) =>
        o.onProgress?.({
          ...p,
          variant: variant.name,
          phase: p.elapsedMs < totalMs ? "load" : "drain",
          p99Ms: null,
          faults: faults.activeLabels(),
          live: null,
        }),
      log: (line) => log(`[${variant.name}] ${line}`),
    });
  } finally {
    clearTimeout(faultsEnd);
    windows = await faults.stop();
  }
  if (startEpochMs === null || outcome.parts.length === 0) {
    throw new Error(
      `no worker produced its share of variant ${variant.name}: ${outcome.problems.join("; ")}`,
    );
  }
  for (const part of outcome.parts) {
    const mine = {
      id: runIdHex(o.runId),
      topic: ctx.topic,
      events: ctx.schedule.total,
      startEpochMs,
    };
    for (const [field, value] of Object.entries(mine)) {
      const theirs = part.run[field as keyof typeof mine];
      if (theirs !== value) {
        throw new Error(
          `worker ${part.segment.index}/${part.segment.count} answered for another run: ` +
            `run.${field} ${JSON.stringify(theirs)}, not ${JSON.stringify(value)}`,
        );
      }
    }
  }
  const ackedEnd = new Map<number, number>();
  const { merged, problems } = mergeShares(outcome.parts, ackedEndObserver(ackedEnd, null));
  log(
    `[${variant.name}] merged ${outcome.parts.length} of ${shares.count} shares` +
      (problems.length + outcome.problems.length ? " (see the report's inconclusive)" : ""),
  );
  return {
    startEpochMs,
    ledger: merged.ledger,
    sendErrors: merged.errors,
    ackedEnd,
    fromIntended: merged.fromIntended,
    fromSend: merged.fromSend,
    dispatchLag: merged.dispatchLag,
    timeline: merged.timeline,
    result: merged.result,
    clientErrors: merged.clientErrors,
    client: merged.client,
    notes: merged.notes,
    network: merged.network,
    live: null,
    liveErrors: [],
    windows,
    faultErrors: await faults.ownErrors(),
    workers: merged.workers,
    shareProblems: [...outcome.problems, ...problems],
  };
}
