/**
 * Producer error messages counted by their text, for both ledgers. Up to 254
 * distinct texts are counted apart, each under an index that fits a byte (the
 * full ledger keeps it per event); further texts are counted together.
 *
 * ```ts
 * import { ErrorTally } from "./error_tally.ts";
 * const tally = new ErrorTally();
 * const i = tally.add("Broker: Not enough replicas");
 * tally.add("Broker: Not enough replicas");
 * tally.text(i); // "Broker: Not enough replicas"
 * tally.list(); // [{ message: "Broker: Not enough replicas", count: 2 }]
 * ```
 * @module
 */

/** A producer error message and how many events failed with it. */
export interface ErrorCount {
  message: string;
  count: number;
}

/** Index meaning "no error recorded". */
export const NO_ERROR = 0;
/** Index shared by all texts beyond the first 254. */
const OTHER_ERROR = 255;
const OTHER_ERROR_TEXT = "(other errors: too many distinct messages)";

/** Error texts and their counts, in order of first occurrence. */
export class ErrorTally {
  #ids = new Map<string, number>();
  #texts: string[] = [""];
  #counts: number[] = [0];

  /** Count one failure with `text`; returns its index (1…255), to keep per event. */
  add(text: string): number {
    const index = this.#id(text);
    this.#counts[index]++;
    return index;
  }

  /** The text of an index {@link add} returned; null for {@link NO_ERROR}. */
  text(index: number): string | null {
    return index === NO_ERROR ? null : this.#texts[index] ?? null;
  }

  /** Texts by count, most frequent first (ties by first occurrence). */
  list(): ErrorCount[] {
    const out: ErrorCount[] = [];
    for (let i = 1; i < this.#texts.length; i++) {
      if (this.#counts[i] > 0) out.push({ message: this.#texts[i], count: this.#counts[i] });
    }
    return out.sort((a, b) => b.count - a.count);
  }

  #id(text: string): number {
    const known = this.#ids.get(text);
    if (known !== undefined) return known;
    if (this.#texts.length >= OTHER_ERROR) {
      if (this.#texts.length === OTHER_ERROR) {
        this.#texts.push(OTHER_ERROR_TEXT);
        this.#counts.push(0);
      }
      return OTHER_ERROR;
    }
    const index = this.#texts.length;
    this.#ids.set(text, index);
    this.#texts.push(text);
    this.#counts.push(0);
    return index;
  }
}
