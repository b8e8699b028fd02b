/**
 * Durations as scenario files write them: `500ms`, `15s`, `2m`, `1m30s`,
 * `1.5s`, `1h`; a bare number means milliseconds.
 *
 * @example
 * ```ts
 * import { formatDuration, parseDuration } from "./duration.ts";
 *
 * parseDuration("1m30s"); // 90000
 * parseDuration(250); // 250
 * formatDuration(90000); // "1m30s"
 * ```
 * @module
 */

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

// One `<number><unit>` part; `ms` before `m` so the longer unit wins.
const PART = /\s*(\d+(?:\.\d+)?|\.\d+)(ms|h|m|s)\s*/y;
const BARE_NUMBER = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*$/;

/**
 * Parse a duration into milliseconds. Accepts a non-negative number (ms), a
 * numeric string (ms), or one or more `<number><unit>` parts with units `h`,
 * `m`, `s`, `ms`, largest first (`1h30m`, `1m30s`, `1s500ms`).
 *
 * @throws {RangeError} when the text is not a duration, with a hint of the accepted forms.
 */
export function parseDuration(text: string | number): number {
  if (typeof text === "number") {
    if (!Number.isFinite(text) || text < 0) {
      throw new RangeError(`invalid duration ${text}: must be a non-negative number of ms`);
    }
    return text;
  }
  const bare = BARE_NUMBER.exec(text);
  if (bare !== null) return Number(bare[1]);

  let total = 0;
  let lastUnitMs = Infinity;
  let consumed = 0;
  PART.lastIndex = 0;
  for (let match = PART.exec(text); match !== null; match = PART.exec(text)) {
    const unitMs = UNIT_MS[match[2]];
    // Largest unit first keeps `30s1m` from passing as a typo of `1m30s`.
    if (unitMs >= lastUnitMs) break;
    lastUnitMs = unitMs;
    total += Number(match[1]) * unitMs;
    consumed = PART.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) {
    throw new RangeError(
      `invalid duration ${
        JSON.stringify(text)
      }: use e.g. 500ms, 15s, 2m, 1m30s, 1.5s or a number of ms`,
    );
  }
  // Sums of decimal parts such as 1.1s pick up float noise; durations never need sub-µs precision.
  return Math.round(total * 1000) / 1000;
}

/**
 * Render milliseconds in the shortest form {@link parseDuration} reads back
 * to the same value: `250ms`, `1.5s`, `1m30s`, `2h`, `0s`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`invalid duration ${ms}`);
  if (ms === 0) return "0s";
  if (ms < 1000) return `${trim(ms)}ms`;
  const hours = Math.floor(ms / UNIT_MS.h);
  const minutes = Math.floor((ms % UNIT_MS.h) / UNIT_MS.m);
  const seconds = (ms % UNIT_MS.m) / UNIT_MS.s;
  let out = "";
  if (hours > 0) out += `${hours}h`;
  if (minutes > 0) out += `${minutes}m`;
  if (seconds > 0) out += `${trim(seconds)}s`;
  return out;
}

/** A number without float noise such as `1.5000000000000002`. */
function trim(n: number): string {
  return String(Number(n.toFixed(6)));
}
