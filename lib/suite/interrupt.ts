/**
 * Ctrl-C (and SIGTERM) handling of the commands that run scenarios: the first
 * signal aborts, so the runner ends the load, removes faults and keeps a
 * partial report; a second one exits at once with 130.
 *
 * @example
 * ```ts
 * import { interruptOnSignals } from "./interrupt.ts";
 * const interrupt = interruptOnSignals("stopping the load…");
 * try {
 *   await runScenario(plan, { signal: interrupt.signal });
 * } finally {
 *   interrupt.dispose();
 * }
 * ```
 * @module
 */

/** An abort signal fired by the first SIGINT or SIGTERM. */
export interface Interrupt {
  readonly signal: AbortSignal;
  /** Stop listening for the signals. */
  dispose(): void;
}

/**
 * Listen for SIGINT and SIGTERM: the first prints `\nInterrupted: <message>
 * (Ctrl-C again to force)` on stderr and aborts the signal; the second exits
 * the process with code 130.
 */
export function interruptOnSignals(message: string): Interrupt {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) Deno.exit(130);
    console.error(`\nInterrupted: ${message} (Ctrl-C again to force)`);
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose() {
      Deno.removeSignalListener("SIGINT", onSignal);
      Deno.removeSignalListener("SIGTERM", onSignal);
    },
  };
}
