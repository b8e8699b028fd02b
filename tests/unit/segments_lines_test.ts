/** JSON lines between coordinator and workers: lines cut anywhere, long ones, a last one unended. */
import assert from "node:assert/strict";
import { jsonLineWriter, lines } from "../../lib/segments/lines.ts";

/** `bytes` as a stream of chunks of `size` bytes. */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
      controller.close();
    },
  });
}

Deno.test("lines: cut in any chunk, multi-byte characters and long lines included", async () => {
  const text = "a\nbb\n\n" + "x".repeat(100_000) + "\nlast é";
  for (const size of [1, 7, 4096, 1 << 20]) {
    const got: string[] = [];
    for await (const line of lines(chunked(new TextEncoder().encode(text), size))) got.push(line);
    assert.deepEqual(got, text.split("\n"), `chunks of ${size}`);
  }
});

Deno.test("lines: what a jsonLineWriter writes reads back, one message a line, in order", async () => {
  const written: Uint8Array[] = [];
  // A writer that takes at most 5 bytes a call: each message is still written whole, in order.
  const say = jsonLineWriter<{ n: number; text: string }>({
    write: (p) => {
      const n = Math.min(5, p.length);
      written.push(p.slice(0, n));
      return Promise.resolve(n);
    },
  });
  await Promise.all([1, 2, 3].map((n) => say({ n, text: "é\n".repeat(n) })));
  const all = new Uint8Array(written.reduce((s, w) => s + w.length, 0));
  written.reduce((at, w) => (all.set(w, at), at + w.length), 0);
  const got = [];
  for await (const line of lines(chunked(all, 3))) got.push(JSON.parse(line));
  assert.deepEqual(got, [1, 2, 3].map((n) => ({ n, text: "é\n".repeat(n) })));
});
