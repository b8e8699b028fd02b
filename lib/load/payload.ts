/**
 * The bytes of each record value: a fixed 32-byte header that lets the
 * verifier recognise the run, variant and sequence of every record it reads
 * back, then filler up to the message size.
 *
 * Layout (big-endian):
 *
 * | bytes  | field                                        |
 * |--------|----------------------------------------------|
 * | 0–3    | magic `SSM1`                                 |
 * | 4–11   | run id (8 random bytes, one per run)         |
 * | 12–13  | variant index                                |
 * | 14–15  | reserved (0)                                 |
 * | 16–23  | sequence number (float64, exact below 2^53)  |
 * | 24–31  | intended send time, µs since epoch (float64) |
 *
 * A value prefix rather than record headers: it costs nothing to parse in
 * KafkaJS and survives any client.
 *
 * @example
 * ```ts
 * const runId = newRunId();
 * const value = encodeEvent({ runId, variant: 0, seq: 7, intendedUs: 1e15 }, 64);
 * decodeEvent(value, runId); // { variant: 0, seq: 7, intendedUs: 1e15 }
 * ```
 * @module
 */

/** Size of the header at the start of every value. */
export const HEADER_BYTES = 32;

const MAGIC = [0x53, 0x53, 0x4d, 0x31]; // "SSM1"

/** What a record value says about its event. */
export interface EventHeader {
  variant: number;
  seq: number;
  intendedUs: number;
}

/** A fresh random run id. */
export function newRunId(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(8));
}

/** Hex form of a run id, for reports and topic names. */
export function runIdHex(runId: Uint8Array): string {
  return Array.from(runId, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Build a template value of `size` bytes with magic, run id and filler set,
 * so the send loop only writes the per-event fields (see {@link stampEvent}).
 */
export function valueTemplate(runId: Uint8Array, variant: number, size: number): Uint8Array {
  if (size < HEADER_BYTES) throw new RangeError(`message size ${size} < ${HEADER_BYTES}`);
  const bytes = new Uint8Array(size);
  bytes.set(MAGIC, 0);
  bytes.set(runId, 4);
  new DataView(bytes.buffer).setUint16(12, variant);
  // Filler that compresses like text, not like zeros: compression scenarios stay honest.
  for (let i = HEADER_BYTES; i < size; i++) bytes[i] = 97 + ((i * 7 + (i >> 3)) % 26);
  return bytes;
}

/** A copy of `template` carrying this event's sequence number and intended time. */
export function stampEvent(template: Uint8Array, seq: number, intendedUs: number): Uint8Array {
  const bytes = template.slice();
  const view = new DataView(bytes.buffer);
  view.setFloat64(16, seq);
  view.setFloat64(24, intendedUs);
  return bytes;
}

/** Encode one event value (convenience over {@link valueTemplate} + {@link stampEvent}). */
export function encodeEvent(
  event: EventHeader & { runId: Uint8Array },
  size: number,
): Uint8Array {
  return stampEvent(valueTemplate(event.runId, event.variant, size), event.seq, event.intendedUs);
}

/**
 * Decode a record value. Returns null when the value was not written by this
 * run (another run, another tool, or too short): a foreign record.
 */
export function decodeEvent(value: Uint8Array | null, runId: Uint8Array): EventHeader | null {
  if (value === null || value.length < HEADER_BYTES) return null;
  for (let i = 0; i < 4; i++) if (value[i] !== MAGIC[i]) return null;
  for (let i = 0; i < 8; i++) if (value[4 + i] !== runId[i]) return null;
  const view = new DataView(value.buffer, value.byteOffset, HEADER_BYTES);
  return { variant: view.getUint16(12), seq: view.getFloat64(16), intendedUs: view.getFloat64(24) };
}

/** The record key of event `seq` under a key space, as the generator and verifier agree. */
export function keyIndexOf(
  keys: { kind: "none" } | { kind: "fixed"; count: number } | { kind: "per-event" },
  seq: number,
): number | null {
  switch (keys.kind) {
    case "none":
      return null;
    case "fixed":
      return seq % keys.count;
    case "per-event":
      return seq;
  }
}

/** The key string of event `seq`, or null when events carry no key. */
export function keyOf(
  keys: { kind: "none" } | { kind: "fixed"; count: number } | { kind: "per-event" },
  seq: number,
): string | null {
  switch (keys.kind) {
    case "none":
      return null;
    case "fixed":
      return `k${seq % keys.count}`;
    case "per-event":
      return `e${seq}`;
  }
}
