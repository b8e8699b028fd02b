/**
 * Typed reading of a parsed YAML document that records a {@link Problem} for
 * every value of the wrong type or out of range, at the line and column of
 * that value, and goes on so that one pass reports them all.
 *
 * Readers return the value, `undefined` when the field is absent (or empty),
 * or `null` when it is present but invalid (the problem is already recorded).
 *
 * @module
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter } from "yaml";
import { parseDuration } from "./duration.ts";
import type { Problem } from "./errors.ts";
import { type Section, SECTION_KEYS } from "./keys.ts";
import { closest } from "./suggest.ts";
import { unknownKeyMessage } from "./unknown_key.ts";

/** A reader's result with `undefined` (absent) replaced by `fallback`; null (invalid) stays null. */
export function orDefault<T>(value: T | null | undefined, fallback: T): T | null {
  return value === undefined ? fallback : value;
}

/** Collects the problems of one file and turns offsets into lines and columns. */
export class Reader {
  /** Problems recorded so far, in the order found. */
  readonly problems: Problem[] = [];

  /** Read `doc`, parsed from `file` with `lines` counting its lines. */
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  /** The whole document as a field with an empty path. */
  root(): Field {
    return new Field(this, this.doc.contents, "", this.doc.contents?.range?.[0] ?? 0, true);
  }

  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** Record a problem at a character offset. */
  report(offset: number, path: string, message: string): void {
    const problem = { file: this.file, ...this.position(offset), path, message };
    // A mapping read again by a cross-field check reports its unknown keys again: once is enough.
    const again = this.problems.some((p) =>
      p.line === problem.line && p.column === problem.column && p.path === path &&
      p.message === message
    );
    if (!again) this.problems.push(problem);
  }
}

/** A value in the document (or a missing one), with its field path and where it is. */
export class Field {
  /** The YAML node, aliases resolved; undefined when the field is absent. */
  readonly node: unknown;

  /**
   * @param present whether the key is written in the file
   * @param offset where problems about this field point: the value when present,
   *   else the key of the mapping that lacks it
   * @param keyOffset where the key of this field is, when it has one
   */
  constructor(
    readonly reader: Reader,
    node: unknown,
    readonly path: string,
    readonly offset: number,
    readonly present: boolean,
    readonly keyOffset?: number,
    /** Absent because its key was misspelled, which is already reported. */
    readonly misspelled = false,
  ) {
    this.node = isAlias(node) ? node.resolve(reader.doc) : node;
  }

  /** 1-based line of the value; 0 when the field is absent (a default). */
  get line(): number {
    return this.present ? this.reader.position(this.offset).line : 0;
  }

  /** Absent, or written with no value (`key:` or `key: ~`). */
  get absent(): boolean {
    return !this.present || this.node == null || (isScalar(this.node) && this.node.value === null);
  }

  /** Record a problem about this field; returns null so readers can `return this.fail(…)`. */
  fail(message: string): null {
    this.reader.report(this.offset, this.path, message);
    return null;
  }

  /** Record "required" when absent; true when the field has a value. */
  require(): boolean {
    if (!this.absent) return true;
    if (!this.misspelled) this.fail("required property missing");
    return false;
  }

  /** The plain value of a scalar; undefined for mappings and lists. */
  get scalar(): unknown {
    return isScalar(this.node) ? this.node.value : undefined;
  }

  /** How the value reads in a message: `string "3"`, `42`, `a mapping`. */
  describe(): string {
    if (isMap(this.node)) return "a mapping";
    if (isSeq(this.node)) return "a list";
    const value = this.scalar;
    if (typeof value === "string") return `string ${JSON.stringify(value)}`;
    if (typeof value === "boolean") return `boolean ${value}`;
    return String(value);
  }

  /**
   * A client property's value as text: a string, number or boolean as written (Kafka's
   * properties are text; `true` and `1000` mean what they say).
   */
  propertyValue(): string | null | undefined {
    if (this.absent) return undefined;
    const value = this.scalar;
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : this.fail(`must be a plain value (text, number or boolean), got ${this.describe()}`);
  }

  /** A string (a number or boolean is not a string). */
  string(): string | null | undefined {
    if (this.absent) return undefined;
    const value = this.scalar;
    return typeof value === "string"
      ? value
      : this.fail(`must be a string, got ${this.describe()}`);
  }

  /** A boolean, `true` or `false`. */
  boolean(): boolean | null | undefined {
    if (this.absent) return undefined;
    const value = this.scalar;
    return typeof value === "boolean"
      ? value
      : this.fail(`must be true or false, got ${this.describe()}`);
  }

  /** A finite number within `[min, max]`; `integer` rejects fractions. */
  number(
    { min = -Infinity, max = Infinity, integer = false, above }: {
      min?: number;
      max?: number;
      integer?: boolean;
      /** Exclusive lower bound. */
      above?: number;
    } = {},
  ): number | null | undefined {
    if (this.absent) return undefined;
    const value = this.scalar;
    const kind = integer ? "an integer" : "a number";
    if (typeof value !== "number" || !Number.isFinite(value)) {
      return this.fail(`must be ${kind}, got ${this.describe()}`);
    }
    if (integer && !Number.isInteger(value)) return this.fail(`must be ${kind}, got ${value}`);
    if (above !== undefined && value <= above) return this.fail(`must be > ${above}, got ${value}`);
    if (value < min) return this.fail(`must be >= ${min}, got ${value}`);
    if (value > max) return this.fail(`must be <= ${max}, got ${value}`);
    return value;
  }

  /** An integer within `[min, max]`. */
  integer(min = -Infinity, max = Infinity): number | null | undefined {
    return this.number({ min, max, integer: true });
  }

  /** One of `choices` (strings); a near miss gets a suggestion. */
  choice<T extends string>(choices: readonly T[]): T | null | undefined {
    if (this.absent) return undefined;
    const value = this.scalar;
    if (typeof value === "string" && (choices as readonly string[]).includes(value)) {
      return value as T;
    }
    const guess = typeof value === "string" ? closest(value, choices) : undefined;
    const hint = guess === undefined ? "" : `; did you mean "${guess}"?`;
    return this.fail(`must be one of ${choices.join(", ")}, got ${this.describe()}${hint}`);
  }

  /** A duration in ms (`15s`, `1m30s`, or a number of ms), at least `min`. */
  duration({ min = 0, above }: { min?: number; above?: number } = {}): number | null | undefined {
    if (this.absent) return undefined;
    const value = this.scalar;
    if (typeof value !== "string" && typeof value !== "number") {
      return this.fail(`must be a duration such as 500ms, 15s or 1m30s, got ${this.describe()}`);
    }
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch (error) {
      return this.fail((error as Error).message);
    }
    if (above !== undefined && ms <= above) return this.fail(`must be longer than ${above}ms`);
    if (ms < min) return this.fail(`must be at least ${min}ms`);
    return ms;
  }

  /** The items of a list, each a field with path `path[i]`. */
  list(): Field[] | null | undefined {
    if (this.absent) return undefined;
    if (!isSeq(this.node)) return this.fail(`must be a list, got ${this.describe()}`);
    return this.node.items.map((item, i) =>
      new Field(this.reader, item, `${this.path}[${i}]`, nodeStart(item, this.offset), true)
    );
  }

  /** A mapping; every key must be a plain string. */
  entries(): { key: string; keyOffset: number; value: Field }[] | null | undefined {
    if (this.absent) return undefined;
    if (!isMap(this.node)) {
      return this.fail(`must be a mapping (key: value), got ${this.describe()}`);
    }
    const out = [];
    for (const pair of this.node.items) {
      const keyOffset = nodeStart(pair.key, this.offset);
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== "string" && typeof key !== "number") {
        this.reader.report(keyOffset, this.path, "keys must be plain names");
        continue;
      }
      const name = String(key);
      const path = this.path === "" ? name : `${this.path}.${name}`;
      // A key with no value points at the key itself.
      const valueOffset = nodeStart(pair.value, keyOffset);
      const value = new Field(this.reader, pair.value, path, valueOffset, true, keyOffset);
      out.push({ key: name, keyOffset, value });
    }
    return out;
  }

  /**
   * A mapping whose keys must be among `keys`; each other key is reported at
   * its own position with `unknown(key)` as the message, or kept aside as an
   * extra (see {@link MapView.extras}) when `unknown` returns null.
   */
  mapWith(
    keys: readonly string[],
    unknown: (key: string) => string | null,
  ): MapView | null | undefined {
    const entries = this.entries();
    if (entries == null) return entries;
    const fields = new Map<string, Field>();
    const extras = new Map<string, Field>();
    const misspelled = new Set<string>();
    for (const { key, keyOffset, value } of entries) {
      if (keys.includes(key)) fields.set(key, value);
      else {
        const message = unknown(key);
        if (message === null) {
          extras.set(key, value);
          continue;
        }
        this.reader.report(keyOffset, value.path, message);
        misspelled.add(closest(key, keys) ?? "");
      }
    }
    return new MapView(this, fields, misspelled, extras);
  }

  /** A mapping of the given kind (see {@link SECTION_KEYS}), unknown keys reported with suggestions. */
  map(section: Section): MapView | null | undefined {
    return this.mapWith(SECTION_KEYS[section], (key) => unknownKeyMessage(section, key));
  }

  /** Like {@link map}, but an absent mapping reads as an empty one: every field takes its default. */
  section(section: Section): MapView | null {
    if (this.absent) return new MapView(this, new Map());
    return this.map(section) ?? null;
  }
}

/** The accepted entries of a mapping. */
export class MapView {
  /**
   * @param field the mapping itself
   * @param misspelled keys that an unknown key of the mapping is likely a typo of
   */
  constructor(
    readonly field: Field,
    private readonly fields: Map<string, Field>,
    private readonly misspelled: ReadonlySet<string> = new Set(),
    private readonly extraFields: ReadonlyMap<string, Field> = new Map(),
  ) {}

  /** Keys the mapping kept aside instead of rejecting, with their fields, in file order. */
  extras(): [string, Field][] {
    return [...this.extraFields];
  }

  /** Whether the mapping had keys it does not accept (already reported). */
  get rejected(): boolean {
    return this.misspelled.size > 0;
  }

  /** The field under `key`; an absent field when the key is not written. */
  get(key: string): Field {
    const path = this.field.path === "" ? key : `${this.field.path}.${key}`;
    const where = this.field.keyOffset ?? this.field.offset;
    return this.fields.get(key) ??
      new Field(
        this.field.reader,
        undefined,
        path,
        where,
        false,
        undefined,
        this.misspelled.has(key),
      );
  }

  /** Keys written (and accepted), in file order. */
  keys(): string[] {
    return [...this.fields.keys()];
  }

  /** Whether `key` is written with a value. */
  has(key: string): boolean {
    return !this.get(key).absent;
  }
}

function nodeStart(node: unknown, fallback: number): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0] ?? fallback;
}
