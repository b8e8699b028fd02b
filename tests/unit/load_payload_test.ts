import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
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

Deno.test("payload: stamping into a reused buffer gives the same bytes as a fresh copy", () => {
  const runId = newRunId();
  const t = valueTemplate(runId, 2, 512);
  const into = new Uint8Array(512);
  for (const seq of [0, 1, 7, 1000]) {
    const reused = stampEvent(t, seq, 1.7e15 + seq, into);
    assert.equal(reused, into, "the buffer given is the one returned");
    assert.deepEqual(reused, stampEvent(t, seq, 1.7e15 + seq), `seq ${seq}`);
    assert.equal(decodeEvent(reused, runId)!.seq, seq);
  }
  assert.throws(() => stampEvent(t, 0, 0, new Uint8Array(511)), /511 bytes for 512/);
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

// --- filler: JSON-like, varied per event, compressing like event data ---------------------

/** Fixed run ids, so the measured ratios are the same on every run of the tests. */
const RUN_IDS = [
  new Uint8Array([0x3a, 0x91, 0x07, 0xfe, 0x5c, 0x22, 0xd8, 0x6b]),
  new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1]),
  new Uint8Array([0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88]),
];

const gzipRatio = (bytes: Uint8Array) => bytes.length / gzipSync(bytes).length;

/** `count` consecutive events from `first` on, as a client would put them side by side in a batch. */
function consecutive(template: Uint8Array, first: number, count: number): Uint8Array {
  const out = new Uint8Array(count * template.length);
  for (let i = 0; i < count; i++) {
    const seq = first + i;
    out.set(stampEvent(template, seq, 1.7e15 + seq * 1000), i * template.length);
  }
  return out;
}

for (const size of [512, 4096, 65536]) {
  Deno.test(`payload: ${size} B values compress 2–4× with gzip, alone and 100 in a row`, () => {
    for (const [r, runId] of RUN_IDS.entries()) {
      const template = valueTemplate(runId, r, size);
      for (const seq of [0, 1, 999, 123_456]) {
        const one = gzipRatio(stampEvent(template, seq, 1.7e15));
        assert.ok(one >= 2 && one <= 4, `run ${r}, one value (seq ${seq}): ${one.toFixed(2)}×`);
      }
      for (const first of [0, 10_000]) {
        const batch = gzipRatio(consecutive(template, first, 100));
        assert.ok(batch >= 2 && batch <= 4, `run ${r}, 100 events from ${first}: ${batch}×`);
      }
    }
  });
}

Deno.test("payload: a batch compresses about as much as a long value (no repeated filler)", () => {
  // A filler repeated in every record would make the batch compress far better than the value.
  const template = valueTemplate(RUN_IDS[0], 0, 512);
  const batch = gzipRatio(consecutive(template, 0, 2000)); // 1 MB: beyond gzip's 32 KiB window
  const long = gzipRatio(stampEvent(valueTemplate(RUN_IDS[0], 0, 1 << 20), 0, 0));
  assert.ok(Math.abs(batch - long) < 0.3, `batch ${batch.toFixed(2)}×, long value ${long}×`);
});

Deno.test("payload: the filler is deterministic per run, variant and size", () => {
  const [a, b] = RUN_IDS;
  const first = valueTemplate(a, 2, 4096);
  const again = valueTemplate(a.slice(), 2, 4096);
  assert.deepEqual(again, first);
  for (const seq of [0, 1, 258, 259, 5000, 2 ** 40 + 7]) {
    assert.deepEqual(stampEvent(again, seq, 9), stampEvent(first, seq, 9), `seq ${seq}`);
    // encodeEvent gives the bytes the generator sends.
    assert.deepEqual(
      encodeEvent({ runId: a, variant: 2, seq, intendedUs: 9 }, 4096),
      stampEvent(first, seq, 9),
    );
  }
  const filler = (t: Uint8Array, seq = 0) => stampEvent(t, seq, 0).subarray(HEADER_BYTES);
  assert.notDeepEqual(filler(valueTemplate(b, 2, 4096)), filler(first), "another run");
  assert.notDeepEqual(filler(valueTemplate(a, 3, 4096)), filler(first), "another variant");
  assert.notDeepEqual(filler(first, 1), filler(first, 0), "the next event");
});

Deno.test("payload: the filler is newline-separated JSON objects, then spaces", () => {
  for (const size of [HEADER_BYTES + 60, 512, 4096]) {
    const t = valueTemplate(RUN_IDS[1], 0, size);
    for (const seq of [0, 7]) {
      const text = new TextDecoder().decode(stampEvent(t, seq, 0).subarray(HEADER_BYTES));
      assert.equal(text.length, size - HEADER_BYTES);
      const lines = text.trimEnd().split("\n");
      for (const line of lines) {
        const object = JSON.parse(line);
        assert.match(object.id, /^[0-9a-f]{10}$/);
        assert.ok(Number.isInteger(object.ts) && object.ts > 1.6e12, line);
      }
      assert.ok(size - HEADER_BYTES - text.trimEnd().length < 39, "at most one object short");
    }
  }
  // Shorter than one object: its start.
  const tiny = new TextDecoder().decode(
    stampEvent(valueTemplate(RUN_IDS[1], 0, HEADER_BYTES + 8), 0, 0).subarray(HEADER_BYTES),
  );
  assert.equal(tiny, '{"id":"' + tiny.slice(7));
  assert.equal(valueTemplate(RUN_IDS[1], 0, HEADER_BYTES).length, HEADER_BYTES);
});

Deno.test("payload: the header of every pre-built value decodes", () => {
  const runId = RUN_IDS[2];
  const t = valueTemplate(runId, 7, 65536); // 17 pre-built values: seq wraps around them
  for (const seq of [0, 1, 16, 17, 18, 2 ** 31 + 5, 2 ** 53 - 1]) {
    const value = stampEvent(t, seq, 1.7e15 + seq);
    assert.equal(value.length, 65536);
    assert.deepEqual(decodeEvent(value, runId), { variant: 7, seq, intendedUs: 1.7e15 + seq });
  }
  // A template the generator did not build (a copy) still stamps, with its own filler.
  const copy = t.slice();
  assert.deepEqual(decodeEvent(stampEvent(copy, 3, 4), runId), {
    variant: 7,
    seq: 3,
    intendedUs: 4,
  });
  assert.deepEqual(stampEvent(copy, 3, 4).subarray(HEADER_BYTES), t.subarray(HEADER_BYTES));
});
