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
  // A partial result is one line of megabytes: the search for its end goes on from where it
  // stopped, not from the line's start at each chunk.
  const decoder = new TextDecoder();
  let rest = "";
  for await (const bytes of stream) {
    let from = rest.length;
    rest += decoder.decode(bytes, { stream: true });
    let newline;
    while ((newline = rest.indexOf("\n", from)) >= 0) {
      yield rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      from = 0;
    }
  }
  if (rest) yield rest;
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
