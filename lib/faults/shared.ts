/**
 * One fault timeline for the variants that run together (`parallel: true`):
 * one {@link FaultEngine}, created when the first variant's load clock is known,
 * each fault applied once and its target resolved once, stopped when the last
 * variant's load ends (or at once by {@link SharedFaults.stop}: Ctrl-C). A
 * variant that fails before joining leaves ({@link SharedFaults.leave}); one
 * that fails after releases its lease, as every variant does at its end. Every variant gets the same windows,
 * on its own clock.
 *
 * With one holder it is simply a variant's own engine, so a caller can use
 * the same code for variants run one after another.
 *
 * @module
 */
import type { FaultWindow } from "../report/types.ts";
import type { FaultEngine, FaultOutcome } from "./engine.ts";

/** A variant's hold on a shared timeline. */
export interface FaultLease {
  /** Labels of the faults in force now, for the progress line. */
  activeLabels(): string[];
  /**
   * This variant's load ended: release its hold (once; later calls return the
   * same promise). Resolves when the engine has stopped — the last holder
   * released, or {@link SharedFaults.stop} — to the outcome, windows shifted to
   * this variant's clock.
   */
  release(): Promise<FaultOutcome>;
}

/** Windows moved by `deltaMs` (all three times; null stays null). */
export function shiftWindows(windows: FaultWindow[], deltaMs: number): FaultWindow[] {
  return windows.map((w) => ({
    ...w,
    brokers: [...w.brokers],
    plannedAtMs: w.plannedAtMs + deltaMs,
    startedAtMs: w.startedAtMs === null ? null : w.startedAtMs + deltaMs,
    endedAtMs: w.endedAtMs === null ? null : w.endedAtMs + deltaMs,
  }));
}

/** The outcome on the clock of a variant whose load started at `variantStartEpochMs`. */
export function outcomeFor(outcome: FaultOutcome, variantStartEpochMs: number): FaultOutcome {
  return {
    ...outcome,
    startEpochMs: variantStartEpochMs,
    windows: shiftWindows(outcome.windows, outcome.startEpochMs - variantStartEpochMs),
    errors: [...outcome.errors],
  };
}

/** One engine shared by `holders` variants. */
export class SharedFaults {
  #holders: number;
  #joined = 0;
  #released = 0;
  #create: (startEpochMs: number) => FaultEngine;
  #engine: FaultEngine | null = null;
  #ready: Promise<FaultEngine> | null = null;
  #stopping = false;
  #done: Promise<FaultOutcome> | null = null;
  #signalDone!: (o: Promise<FaultOutcome>) => void;
  #outcome: Promise<FaultOutcome>;

  /**
   * @param holders how many variants will join (and release).
   * @param create builds the engine from the first joiner's load start; the
   *   caller picks the topic its `partitionState` answers about (e.g. the first
   *   variant's) and sets `partitionTopic` to say so.
   */
  constructor(holders: number, create: (startEpochMs: number) => FaultEngine) {
    if (!(holders >= 1)) throw new Error(`holders must be at least 1, got ${holders}`);
    this.#holders = holders;
    this.#create = create;
    this.#outcome = new Promise((resolve) => (this.#signalDone = (o) => resolve(o)));
    // whoever awaits release() or stop() gets a failure; this only keeps an unawaited one quiet
    this.#outcome.catch(() => {});
  }

  /** The engine, once the first variant joined. */
  get engine(): FaultEngine | null {
    return this.#engine;
  }

  /**
   * A variant joins once its load clock is known: the first join creates,
   * prepares and starts the engine (later ones wait for that). Rejects for
   * every joiner when the engine cannot be prepared; after {@link stop}, the
   * engine is not started.
   */
  async join(variantStartEpochMs: number): Promise<FaultLease> {
    if (this.#joined >= this.#holders) {
      throw new Error(`a fault timeline for ${this.#holders} variant(s) joined once more`);
    }
    this.#joined++;
    this.#ready ??= (async () => {
      const engine = this.#create(variantStartEpochMs);
      this.#engine = engine;
      if (this.#stopping) return engine;
      await engine.prepare();
      if (!this.#stopping) engine.start();
      return engine;
    })();
    const engine = await this.#ready;
    let released: Promise<FaultOutcome> | null = null;
    return {
      activeLabels: () => engine.activeLabels(),
      release: () =>
        released ??= (async () => {
          if (++this.#released >= this.#holders) this.#finish();
          return outcomeFor(await this.#outcome, variantStartEpochMs);
        })(),
    };
  }

  #finish(): Promise<FaultOutcome> {
    this.#stopping = true;
    if (!this.#done) {
      this.#done = (async () => {
        // prepare()'s failure reached every joiner; what it did set up is still healed below
        const engine = this.#ready ? await this.#ready.catch(() => this.#engine) : null;
        if (!engine) return { startEpochMs: 0, windows: [], errors: [], resolvedOn: null };
        return await engine.finish();
      })();
      this.#signalDone(this.#done);
    }
    return this.#done;
  }

  /**
   * A variant that will never join (it failed before its load started) gives up its place:
   * the timeline goes on for the others and ends when they have all released.
   */
  leave(): void {
    if (this.#holders - 1 < this.#joined) {
      throw new Error("a variant that joined the fault timeline leaves by releasing its lease");
    }
    this.#holders--;
    if (this.#released >= this.#holders) this.#finish();
  }

  /**
   * Stop the timeline now whoever still holds it, heal everything, and resolve
   * to the outcome on the engine's clock (no windows when no variant joined).
   * Every pending and later `release()` resolves to it. Call it when the group
   * is over — normally or not — and report its `errors` once for the group.
   */
  stop(): Promise<FaultOutcome> {
    return this.#finish();
  }
}
