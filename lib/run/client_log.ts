/**
 * `--client-log`: every line a variant's producer client logs, kept in a text file beside the
 * reports, one line each with its time, so that what the client did can be read against the
 * report's timeline and fault windows (why it reconnected late, when it retried). Secrets are
 * masked as in the reports. Written in small batches: a crash loses at most the last tenth of
 * a second.
 *
 * @example
 * ```ts
 * import { ClientLogFile } from "./client_log.ts";
 * const path = await Deno.makeTempFile();
 * const log = ClientLogFile.open(path, "acks-all on librdkafka");
 * log.write("info", "Broker 1: connected", Date.UTC(2026, 10, 24, 3));
 * log.close();
 * (await Deno.readTextFile(path)).split("\n")[1]; // "2026-11-24T03:00:00.000Z info  Broker 1: connected"
 * ```
 * @module
 */
import { dirname } from "node:path";
import type { ClientLogLevel } from "../clients/contract.ts";
import { redactString } from "../report/redact.ts";

/** Lines kept before a write; a timer writes them sooner. */
const BATCH_LINES = 256;
/** The longest a line waits before it is written, ms. */
const FLUSH_EVERY_MS = 100;

/** How a {@link ClientLogFile} masks its lines and reports that it cannot write. */
export interface ClientLogOptions {
  /** Applied to each client line after the usual redaction (the run's known secrets). */
  mask?: (text: string) => string;
  /** Called once when a write fails; the file keeps no more lines after it. */
  onError?: (message: string) => void;
}

/** A client's log file; see the module doc. */
export class ClientLogFile {
  readonly path: string;
  #file: Deno.FsFile | null;
  #pending: string[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #encoder = new TextEncoder();
  #options: ClientLogOptions;

  private constructor(path: string, file: Deno.FsFile, options: ClientLogOptions) {
    this.path = path;
    this.#file = file;
    this.#options = options;
  }

  /** Create (or replace) the file at `path`, its folder too; `title` heads it. */
  static open(path: string, title: string, options: ClientLogOptions = {}): ClientLogFile {
    Deno.mkdirSync(dirname(path), { recursive: true });
    const log = new ClientLogFile(
      path,
      Deno.openSync(path, { write: true, create: true, truncate: true }),
      options,
    );
    log.note(`client log of ${title}`);
    return log;
  }

  /** One line the client logged at `atEpochMs`. */
  write(level: ClientLogLevel, message: string, atEpochMs = Date.now()): void {
    if (this.#file === null) return;
    // One line per entry (a message's own line breaks would read as entries of their own),
    // secrets masked as in the reports: a client's debug lines may quote its configuration.
    const masked = redactString(message);
    const text = (this.#options.mask?.(masked) ?? masked).replace(/\r?\n/g, " ⏎ ");
    this.#pending.push(`${new Date(atEpochMs).toISOString()} ${level.padEnd(5)} ${text}\n`);
    if (this.#pending.length >= BATCH_LINES) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), FLUSH_EVERY_MS);
  }

  /** A line of sismo's own (`#` first), such as the load's start. */
  note(text: string, atEpochMs = Date.now()): void {
    if (this.#file === null) return;
    this.#pending.push(`# ${new Date(atEpochMs).toISOString()} ${text}\n`);
    this.#flush();
  }

  /** Write what is left and close the file; later lines are dropped. */
  close(): void {
    if (this.#file === null) return;
    this.#flush();
    this.#file?.close(); // null already when a write failed in that flush
    this.#file = null;
  }

  #flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#file === null || this.#pending.length === 0) return;
    const bytes = this.#encoder.encode(this.#pending.join(""));
    this.#pending = [];
    try {
      let written = 0;
      while (written < bytes.length) written += this.#file.writeSync(bytes.subarray(written));
    } catch (e) {
      // A full disk must not end the run (nor throw into a client's log callback): the file
      // stops here, and the run's log says so once.
      const file = this.#file;
      this.#file = null;
      try {
        file.close();
      } catch { /* already unusable */ }
      this.#options.onError?.(`cannot write ${this.path}: ${(e as Error).message}`);
    }
  }
}
