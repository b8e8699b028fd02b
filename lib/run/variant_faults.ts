/**
 * A variant's hold on its fault timeline, whoever produces its load (this process or
 * workers): joined when the load clock starts, stopped when the last event is due (or on
 * any exit), the windows and the errors of a timeline of its own kept for the report.
 *
 * @module
 */
import type { FaultWindow } from "../report/types.ts";
import type { FaultOutcome } from "../faults/engine.ts";
import type { FaultLease, SharedFaults } from "../faults/shared.ts";

/** See the module doc. */
export interface VariantFaults {
  /** The load clock starts at `startEpochMs`: the faults play from there. */
  join(startEpochMs: number): Promise<void>;
  /** Labels of the faults in force now, for the progress line. */
  activeLabels(): string[];
  /** The load ended: stop (once; later calls give the same windows). */
  stop(): Promise<FaultWindow[]>;
  /** Errors of a timeline the variant played on its own (none when it shared one). */
  ownErrors(): Promise<string[]>;
}

/**
 * The faults of a variant: its lease on a shared timeline (`shared`), or a timeline of its
 * own (`own`, for a variant run alone, as the benchmark does).
 */
export function variantFaults(
  source: { shared: (startEpochMs: number) => Promise<FaultLease> } | { own: SharedFaults },
): VariantFaults {
  let lease: FaultLease | null = null;
  let stopped: Promise<FaultOutcome | null> | null = null;
  const own = "own" in source ? source.own : null;
  return {
    async join(startEpochMs) {
      lease = "shared" in source
        ? await source.shared(startEpochMs)
        : await own!.join(startEpochMs);
    },
    activeLabels: () => lease?.activeLabels() ?? [],
    async stop() {
      stopped ??= lease ? lease.release() : own ? own.stop() : Promise.resolve(null);
      return (await stopped)?.windows ?? [];
    },
    async ownErrors() {
      return own ? (await own.stop()).errors : [];
    },
  };
}
