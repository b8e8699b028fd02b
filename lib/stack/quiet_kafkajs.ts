/**
 * KafkaJS 2.2.4 schedules its throttle check with a negative delay when no
 * throttle is in force; Node-compatible timers then print a
 * TimeoutNegativeWarning on every client. The delay is clamped to 1 ms, which
 * is what KafkaJS means, so that one warning is dropped; all others pass.
 *
 * Import this module for its effect before creating KafkaJS clients.
 *
 * @module
 */
import process from "node:process";
import { EventEmitter } from "node:events";

// KafkaJS adds a connect listener per reconnect attempt to a socket; during a
// long outage that passes Node's default of 10 and prints a leak warning.
EventEmitter.defaultMaxListeners = 100;

const emitWarning = process.emitWarning;
process.emitWarning = function (warning: string | Error, ...rest: unknown[]) {
  const type = typeof warning === "string"
    ? (typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string })?.type)
    : warning.name;
  if (type === "TimeoutNegativeWarning") return;
  // deno-lint-ignore no-explicit-any
  return (emitWarning as any).call(process, warning, ...rest);
} as typeof process.emitWarning;
