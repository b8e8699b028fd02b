/**
 * The bytes of each record value: a fixed 32-byte header that lets the
 * verifier recognise the run, variant and sequence of every record it reads
 * back, then filler up to the message size: JSON-like text that compresses
 * like event data, about 3.7× with gzip for a batch (see {@link valueTemplate}).
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

/** The run id that {@link runIdHex} wrote (a worker gets its run's id as text). */
export function runIdFromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/**
 * Bytes of filler text a variant pre-builds, at least: the filler of
 * consecutive events is distinct over this span. A record batch is at most
 * `max.request.size` (1 MiB by default), so no batch holds the same filler
 * twice and no codec's window (gzip 32 KiB, lz4 and snappy 64 KiB, zstd a few
 * MiB) finds one record's filler in another.
 */
export const FILLER_POOL_BYTES = 1 << 20;
/** Most different values per template (tiny values would otherwise need very many). */
const MAX_FILLERS = 4096;

/** The pre-built values behind each template (see {@link valueTemplate}). */
const fillersOf = new WeakMap<Uint8Array, readonly Uint8Array[]>();

/**
 * Build a template value of `size` bytes with magic, run id and filler set,
 * so the send loop only writes the per-event fields (see {@link stampEvent}).
 *
 * The filler is JSON-like text, one object per line such as
 * `{"id":"9f3a0c71e2","ts":1700000123456}` (see `FillerText`), drawn
 * from a generator seeded by the run id and the variant: the same run, variant
 * and size give the same bytes. It is built once per variant as up to
 * `MAX_FILLERS` different values, {@link FILLER_POOL_BYTES} in all
 * (less for values under 288 bytes, two values for the largest), and
 * {@link stampEvent} gives event `seq` value number `seq mod count`: records
 * side by side in a batch carry different text, as real events do. A constant
 * filler, repeated in every record, would let batch compression squeeze it
 * away and make compression look far better than on real data.
 *
 * Measured with gzip (node:zlib, default level): one value compresses 2.2–2.4×
 * at 512 B, 2.8–3.0× at 1 KiB, 3.5–3.6× at 4 KiB and 3.7–3.8× from 16 KiB;
 * 100 consecutive values together 3.7–3.8× at every size from 512 B to 1 MiB.
 * Below 512 B the binary header dominates a value alone (under 2×).
 */
export function valueTemplate(runId: Uint8Array, variant: number, size: number): Uint8Array {
  if (size < HEADER_BYTES) throw new RangeError(`message size ${size} < ${HEADER_BYTES}`);
  const header = new Uint8Array(HEADER_BYTES);
  header.set(MAGIC, 0);
  header.set(runId, 4);
  new DataView(header.buffer).setUint16(12, variant);
  const fillerBytes = size - HEADER_BYTES;
  const count = fillerBytes === 0
    ? 1
    : Math.min(MAX_FILLERS, Math.max(2, Math.ceil(FILLER_POOL_BYTES / fillerBytes)));
  const pool = new Uint8Array(count * size);
  const text = new FillerText(runId, variant);
  const fillers: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const value = pool.subarray(i * size, (i + 1) * size);
    value.set(header, 0);
    text.fill(value.subarray(HEADER_BYTES));
    fillers.push(value);
  }
  const template = fillers[0].slice();
  fillersOf.set(template, fillers);
  return template;
}

/** Scratch for writing float64 fields big-endian without allocating per event. */
const scratch = new DataView(new ArrayBuffer(8));

/**
 * A copy of `template` (the pre-built value for `seq`, see
 * {@link valueTemplate}) carrying this event's sequence number and intended
 * time. Per event: one lookup, one copy of `size` bytes, 16 header bytes.
 *
 * With `into` (as long as the template), the copy is written there and `into` returned: the
 * generator reuses one buffer for every event, since a new one per event (15 MiB/s of
 * off-heap memory at 30,000 events/s) made V8 collect every second with pauses of 2-4 ms.
 */
export function stampEvent(
  template: Uint8Array,
  seq: number,
  intendedUs: number,
  into?: Uint8Array,
): Uint8Array {
  const fillers = fillersOf.get(template);
  const source = fillers === undefined
    ? template
    : fillers[(Math.abs(seq) % fillers.length) | 0] ?? template;
  if (into !== undefined && into.length !== source.length) {
    throw new RangeError(`stampEvent: buffer of ${into.length} bytes for ${source.length}`);
  }
  const bytes = into ?? source.slice();
  if (into !== undefined) into.set(source);
  scratch.setFloat64(0, seq);
  for (let i = 0; i < 8; i++) bytes[16 + i] = scratch.getUint8(i);
  scratch.setFloat64(0, intendedUs);
  for (let i = 0; i < 8; i++) bytes[24 + i] = scratch.getUint8(i);
  return bytes;
}

/** Templates {@link encodeEvent} built, by run id, variant and size (a few kept). */
const encodeTemplates = new Map<string, Uint8Array>();

/**
 * Encode one event value (convenience over {@link valueTemplate} + {@link stampEvent}):
 * the same bytes the generator sends for this event.
 */
export function encodeEvent(
  event: EventHeader & { runId: Uint8Array },
  size: number,
): Uint8Array {
  const key = `${runIdHex(event.runId)}/${event.variant}/${size}`;
  let template = encodeTemplates.get(key);
  if (template === undefined) {
    template = valueTemplate(event.runId, event.variant, size);
    if (encodeTemplates.size >= 8) encodeTemplates.clear();
    encodeTemplates.set(key, template);
  }
  return stampEvent(template, event.seq, event.intendedUs);
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

const HEX = new TextEncoder().encode("0123456789abcdef");
/** Bytes of one filler object, and where its id and timestamp digits start. */
const OBJECT_BYTES = 38;
const ID_AT = 7;
const TS_AT = 24;
const TS_DIGITS = 13;

/**
 * Deterministic JSON-like text: newline-separated objects such as
 * `{"id":"9f3a0c71e2","ts":1700000123456}`, an id of 10 random hex digits and
 * a millisecond timestamp rising by 1 to 40 per object, drawn from an sfc32
 * generator seeded by the run id and the variant.
 *
 * Why so plain: a value compresses less on its own than among its neighbours
 * (gzip's 18-byte frame, the binary header, the first object with nothing
 * before it to refer to), so the one-value ratio at 512 B is about 0.6 of the
 * batch ratio. Fields that repeat from object to object (words from a short
 * list, constant flags, more field names) raise the batch ratio much more than
 * the one-value ratio and push one out of 2–4× before the other is in; random
 * ids and numbers keep both in (measured 2.2–2.4× for one 512-byte value,
 * 3.7–3.8× for batches and large values). The timestamp runs from a seeded
 * instant in November 2023 and keeps 13 digits for centuries.
 */
class FillerText {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #ms: number;

  constructor(runId: Uint8Array, variant: number) {
    const word = (i: number) =>
      ((runId[i] ?? 0) << 24 | (runId[i + 1] ?? 0) << 16 | (runId[i + 2] ?? 0) << 8 |
        (runId[i + 3] ?? 0)) >>> 0;
    this.#a = word(0);
    this.#b = word(4);
    this.#c = (Math.imul(variant + 1, 0x9e3779b9)) >>> 0;
    this.#d = 1;
    for (let i = 0; i < 15; i++) this.#next();
    this.#ms = 1_700_000_000_000 + this.#int(100_000_000);
  }

  /**
   * Fill `target` with whole objects, one per line, and spaces after the last
   * one that fits; a target shorter than one object gets the start of one.
   */
  fill(target: Uint8Array): void {
    const object = this.#object;
    let at = 0;
    while (at + (at === 0 ? 0 : 1) + OBJECT_BYTES <= target.length) {
      if (at > 0) target[at++] = 0x0a;
      this.#nextObject();
      target.set(object, at);
      at += OBJECT_BYTES;
    }
    if (at === 0) {
      this.#nextObject();
      target.set(object.subarray(0, target.length));
      at = target.length;
    }
    target.fill(0x20, at);
  }

  /** One object: `{"id":"`, 10 hex digits, `","ts":`, 13 digits, `}`. */
  #object = new TextEncoder().encode(`{"id":"${"0".repeat(10)}","ts":${"0".repeat(13)}}`);

  /** Write the next id and timestamp into {@link #object}. */
  #nextObject(): void {
    const out = this.#object;
    let bits = this.#next();
    for (let i = 0; i < 8; i++, bits >>>= 4) out[ID_AT + i] = HEX[bits & 15];
    bits = this.#next();
    out[ID_AT + 8] = HEX[bits & 15];
    out[ID_AT + 9] = HEX[(bits >>> 4) & 15];
    this.#ms += 1 + ((bits >>> 8) % 40);
    let ms = this.#ms;
    for (let i = TS_DIGITS - 1; i >= 0; i--) {
      out[TS_AT + i] = 0x30 + (ms % 10);
      ms = Math.floor(ms / 10);
    }
  }

  /** sfc32: a small, fast, well-mixed 32-bit generator. */
  #next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** An integer in `[0, n)`. */
  #int(n: number): number {
    return Math.floor((this.#next() / 4294967296) * n);
  }
}
