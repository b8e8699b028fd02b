/**
 * Where JSON text first goes wrong. V8's `JSON.parse` errors often name no
 * position ("Unexpected token '}', … is not valid JSON"), so a small scanner
 * walks the text the same way and stops at the first character that cannot
 * belong there. Used only after `JSON.parse` has failed.
 *
 * @example
 * ```ts
 * import { jsonErrorOffset } from "./json_error.ts";
 * jsonErrorOffset('{"a": }'); // 6
 * ```
 * @module
 */

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// deno-lint-ignore no-control-regex
const STRING_CHUNK = /[^"\\\u0000-\u001f]+/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

class Stop {
  constructor(readonly offset: number) {}
}

/** Offset of the first character where `text` stops being valid JSON; null when it is valid. */
export function jsonErrorOffset(text: string): number | null {
  let i = 0;
  const fail = (): never => {
    throw new Stop(i);
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const sticky = (re: RegExp) => {
    re.lastIndex = i;
    const match = re.exec(text);
    if (!match) return false;
    i += match[0].length;
    return true;
  };
  const string = () => {
    if (text[i] !== '"') fail();
    i++;
    for (;;) {
      if (sticky(STRING_CHUNK)) continue;
      if (text[i] === '"') {
        i++;
        return;
      }
      if (text[i] === "\\" && sticky(ESCAPE)) continue;
      fail();
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        space();
        string();
        space();
        if (text[i] !== ":") fail();
        i++;
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail();
      }
    } else if (c === "[") {
      i++;
      space();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') string();
    else if (sticky(NUMBER)) return;
    else {
      for (const literal of ["true", "false", "null"]) {
        if (text.startsWith(literal, i)) {
          i += literal.length;
          return;
        }
      }
      fail();
    }
  };
  try {
    value();
    space();
    return i < text.length ? i : null;
  } catch (stop) {
    if (stop instanceof Stop) return stop.offset;
    throw stop;
  }
}
