/**
 * JSON lines over byte streams: how a coordinator and its workers speak (`job.ts`).
 *
 * @example
 * ```ts
 * import { lines } from "./lines.ts";
 * for await (const line of lines(Deno.stdin.readable)) JSON.parse(line);
 * ```
 * @module
 */

/** Each line of `stream` without its newline; a last line without one too. */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  // A partial result is one line of megabytes: its pieces are kept apart and joined once, and
  // only each new piece is searched for the line's end (a growing string searched again at
  // each chunk would be copied whole each time).
  const decoder = new TextDecoder();
  let pieces: string[] = [];
  for await (const bytes of stream) {
    const chunk = decoder.decode(bytes, { stream: true });
    let from = 0;
    for (let newline; (newline = chunk.indexOf("\n", from)) >= 0; from = newline + 1) {
      pieces.push(chunk.slice(from, newline));
      yield pieces.join("");
      pieces = [];
    }
    if (from < chunk.length) pieces.push(chunk.slice(from));
  }
  const last = pieces.join("") + decoder.decode();
  if (last) yield last;
}

/**
 * A writer of JSON lines to `out`: each message written whole, one after the other, whoever
 * calls. The promise rejects when `out` is closed.
 */
export function jsonLineWriter<T>(
  out: { write(p: Uint8Array): Promise<number> },
): (message: T) => Promise<void> {
  const encoder = new TextEncoder();
  let queue = Promise.resolve();
  return (message) => {
    const written = queue.then(async () => {
      const bytes = encoder.encode(JSON.stringify(message) + "\n");
      for (let n = 0; n < bytes.length;) n += await out.write(bytes.subarray(n));
    });
    queue = written.catch(() => {}); // the next one still tries, and fails on its own
    return written;
  };
}
