/**
 * The last lines the Java sidecar wrote to stderr, quoted when it fails. Its INFO entries (only
 * there with `--client-log`) stay out: their line and its indented continuation (a
 * configuration dump) would push out what went wrong. A line that is neither a log entry nor
 * indented (a JVM's uncaught exception) ends an INFO entry.
 *
 * @example
 * ```ts
 * import { StderrTail } from "./stderr_tail.ts";
 * const tail = new StderrTail(40);
 * for (const line of ["INFO ProducerConfig values:", "\tacks = -1", "WARN broker gone"]) {
 *   tail.push(line);
 * }
 * tail.text(); // "WARN broker gone"
 * ```
 * @module
 */

/** A log4j entry's first line, as the sidecar's log4j2.properties writes it. */
export const JAVA_LOG_LINE = /^(INFO|WARN|ERROR|FATAL) (.*)$/;

/** See the module doc. */
export class StderrTail {
  #lines: string[] = [];
  #inInfo = false;

  constructor(readonly maxLines: number) {}

  push(line: string): void {
    if (line.trim() === "") return; // the blank line after a configuration dump, among others
    const m = line.match(JAVA_LOG_LINE);
    if (m) this.#inInfo = m[1] === "INFO";
    else if (!/^\s/.test(line)) this.#inInfo = false;
    if (this.#inInfo) return;
    this.#lines.push(line);
    if (this.#lines.length > this.maxLines) this.#lines.shift();
  }

  /** The lines kept, at most `maxChars` of their end. */
  text(maxChars = 4000): string {
    return this.#lines.join("\n").slice(-maxChars);
  }
}
