import assert from "node:assert/strict";
import {
  decodeEvent,
  encodeEvent,
  HEADER_BYTES,
  keyIndexOf,
  keyOf,
  newRunId,
  runIdHex,
  stampEvent,
  valueTemplate,
} from "../../lib/load/payload.ts";

Deno.test("payload: an event round-trips through its header", () => {
  const runId = newRunId();
  const v = encodeEvent({ runId, variant: 3, seq: 2 ** 40 + 7, intendedUs: 1.7e15 }, 512);
  assert.equal(v.length, 512);
  assert.deepEqual(decodeEvent(v, runId), { variant: 3, seq: 2 ** 40 + 7, intendedUs: 1.7e15 });
});

Deno.test("payload: another run, a short value, garbage are foreign", () => {
  const runId = newRunId();
  const other = newRunId();
  const v = encodeEvent({ runId, variant: 0, seq: 1, intendedUs: 1 }, 64);
  assert.equal(decodeEvent(v, other), null);
  assert.equal(decodeEvent(v.subarray(0, HEADER_BYTES - 1), runId), null);
  assert.equal(decodeEvent(new TextEncoder().encode("x".repeat(64)), runId), null);
  assert.equal(decodeEvent(null, runId), null);
});

Deno.test("payload: stamping does not touch the template", () => {
  const runId = newRunId();
  const t = valueTemplate(runId, 1, 40);
  const before = t.slice();
  const a = stampEvent(t, 5, 100);
  assert.deepEqual(t, before);
  assert.equal(decodeEvent(a, runId)!.seq, 5);
  // A view into a larger buffer decodes too (KafkaJS hands out such views).
  const big = new Uint8Array(100);
  big.set(a, 30);
  assert.equal(decodeEvent(big.subarray(30, 70), runId)!.seq, 5);
});

Deno.test("payload: message sizes below the header are refused", () => {
  assert.throws(() => valueTemplate(newRunId(), 0, HEADER_BYTES - 1), RangeError);
});

Deno.test("payload: keys by key space", () => {
  assert.equal(keyOf({ kind: "none" }, 5), null);
  assert.equal(keyOf({ kind: "fixed", count: 4 }, 5), "k1");
  assert.equal(keyIndexOf({ kind: "fixed", count: 4 }, 5), 1);
  assert.equal(keyOf({ kind: "per-event" }, 5), "e5");
  assert.equal(runIdHex(new Uint8Array([0, 255, 16])), "00ff10");
});
