/**
 * A consumer group member's processing log: one fixed-size record appended per record it
 * finished, with one `write` each, as an application's side effect happens (issue 11). A
 * SIGKILL loses only what was in progress: a write that returned is in the file (the page
 * cache outlives the process; only the machine's crash would need an fsync). The checker
 * (`lib/verify/processing.ts`) reads every member's log after the run.
 *
 * A record is 32 bytes, so that no record's write straddles a page: a SIGKILL can cut a write
 * that spans two pages of the page cache short (seen: 16 of 24 bytes at a 4,096 boundary),
 * never one within a page. Big-endian: member (u16), partition (u16), outcome (u8: 1 processed,
 * 2 dead-lettered), 3 bytes of padding, offset (f64), finished at (f64, epoch ms), 8 bytes of
 * padding.
 *
 * @example
 * ```ts
 * import { ProcessingLogWriter, readProcessingLog } from "./processing_log.ts";
 * const path = await Deno.makeTempFile();
 * const log = ProcessingLogWriter.open(path, 2);
 * log.append(0, 41, "processed", Date.now());
 * log.close();
 * (await readProcessingLog(path)).entries[0].offset; // 41
 * ```
 * @module
 */
import type { ProcessingEntry } from "../verify/processing.ts";

/** Bytes of one record. */
export const RECORD_BYTES = 32;

const OUTCOMES = ["processed", "dead-lettered"] as const;

/** Appends a member's records to its log; see the module doc. */
export class ProcessingLogWriter {
  #file: Deno.FsFile;
  #member: number;
  #record = new Uint8Array(RECORD_BYTES);
  #view = new DataView(this.#record.buffer);

  private constructor(file: Deno.FsFile, member: number) {
    this.#file = file;
    this.#member = member;
  }

  /** Open (create, or append to) the log of `member` at `path`. */
  static open(path: string, member: number): ProcessingLogWriter {
    if (!Number.isInteger(member) || member < 0 || member > 0xffff) {
      throw new RangeError(`member ${member} out of range 0..65535`);
    }
    return new ProcessingLogWriter(Deno.openSync(path, { append: true, create: true }), member);
  }

  /** Record that this member finished `offset` of `partition` with `outcome` at `atMs`. */
  append(
    partition: number,
    offset: number,
    outcome: ProcessingEntry["outcome"],
    atMs: number,
  ): void {
    const v = this.#view;
    v.setUint16(0, this.#member);
    v.setUint16(2, partition);
    v.setUint8(4, OUTCOMES.indexOf(outcome) + 1);
    v.setFloat64(8, offset);
    v.setFloat64(16, atMs);
    // One write per record: done as soon as it returns (a regular file takes it whole).
    for (let n = 0; n < RECORD_BYTES;) n += this.#file.writeSync(this.#record.subarray(n));
  }

  close(): void {
    this.#file.close();
  }
}

/**
 * Every record of a log, and how many bytes at its end did not make a whole record (a torn
 * tail: 0 unless the file was cut).
 */
export async function readProcessingLog(
  path: string,
): Promise<{ entries: ProcessingEntry[]; tornBytes: number }> {
  const bytes = await Deno.readFile(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const whole = Math.floor(bytes.byteLength / RECORD_BYTES);
  const entries: ProcessingEntry[] = [];
  for (let i = 0; i < whole; i++) {
    const at = i * RECORD_BYTES;
    const outcome = OUTCOMES[view.getUint8(at + 4) - 1];
    if (!outcome) throw new Error(`${path}: record ${i} has no valid outcome`);
    entries.push({
      member: view.getUint16(at),
      partition: view.getUint16(at + 2),
      outcome,
      offset: view.getFloat64(at + 8),
      atMs: view.getFloat64(at + 16),
    });
  }
  return { entries, tornBytes: bytes.byteLength - whole * RECORD_BYTES };
}
