import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { CompressionCodecs, CompressionTypes } from "kafkajs";
import { lz4KafkaFrame } from "../../lib/clients/kafkajs/codecs.ts";

// deno-lint-ignore no-explicit-any
const codec = (type: number) => (CompressionCodecs as any)[type]();

Deno.test("codecs: lz4 frames say their blocks are independent (Kafka refuses others)", () => {
  const frame = lz4KafkaFrame(new TextEncoder().encode("kafka ".repeat(500)));
  assert.equal(new DataView(frame.buffer, frame.byteOffset).getUint32(0, true), 0x184d2204);
  assert.equal(frame[4] & 0x20, 0x20);
  assert.ok(frame.length < 3000 / 4, `compressed to ${frame.length}`);
});

Deno.test("codecs: lz4 and snappy round-trip through KafkaJS's codec table, sizes in any order", async () => {
  for (const type of [CompressionTypes.LZ4, CompressionTypes.Snappy]) {
    const c = codec(type);
    // Large then small then large: a reused buffer must not leak bytes between calls.
    for (const n of [200_000, 10, 5000, 1]) {
      const data = Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + (i >> 5)) & 0xff));
      const out = await c.compress({ buffer: data });
      const back = await c.decompress(out);
      assert.ok(Buffer.from(back).equals(data), `type ${type}, ${n} bytes`);
    }
  }
});

Deno.test("codecs: lz4 refuses what does not fit one block", () => {
  assert.throws(() => lz4KafkaFrame(new Uint8Array((4 << 20) + 1)), RangeError);
});
