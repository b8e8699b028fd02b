/**
 * Ctrl-C (and SIGTERM) handling of the commands that run scenarios: the first
 * signal aborts, so the runner ends the load, removes faults and keeps a
 * partial report; a second one exits at once with 130.
 *
 * @example
 * ```ts
 * import { runScenario } from "../run/run.ts";
 * import type { Plan } from "../scenario/types.ts";
 * declare const plan: Plan;
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

import { killStartedProcesses } from "../stack/processes.ts";

/** An abort signal fired by the first SIGINT or SIGTERM. */
export interface Interrupt {
  readonly signal: AbortSignal;
  /** Stop listening for the signals. */
  dispose(): void;
}

/**
 * Listen for SIGINT and SIGTERM (and uncaught errors, handled like the first
 * signal): the first prints `\nInterrupted: <message>
 * (Ctrl-C again to force)` on stderr and aborts the signal; the second kills
 * the brokers and Toxiproxy this process started and exits with code 130.
 */
export function interruptOnSignals(message: string): Interrupt {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      // Forced: no clean stop, but no orphan either (toxics die with a local Toxiproxy).
      const killed = killStartedProcesses();
      if (killed) {
        console.error(`Forced: killed the ${killed} broker/Toxiproxy process(es) started here.`);
      }
      Deno.exit(130);
    }
    console.error(`\nInterrupted: ${message} (Ctrl-C again to force)`);
    controller.abort();
  };
  // A crash (an error nobody caught, in sismo or a client library) must not leave
  // brokers stopped, toxics in place or JVMs orphaned: treat it like Ctrl-C.
  const onCrash = (e: Event) => {
    e.preventDefault();
    const err = (e as PromiseRejectionEvent).reason ?? (e as ErrorEvent).error;
    console.error(`\nInternal error, stopping cleanly: ${err?.stack ?? err}`);
    if (!controller.signal.aborted) controller.abort();
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  globalThis.addEventListener("unhandledrejection", onCrash);
  globalThis.addEventListener("error", onCrash);
  return {
    signal: controller.signal,
    dispose() {
      Deno.removeSignalListener("SIGINT", onSignal);
      Deno.removeSignalListener("SIGTERM", onSignal);
      globalThis.removeEventListener("unhandledrejection", onCrash);
      globalThis.removeEventListener("error", onCrash);
    },
  };
}
