/**
 * `description:` of a scenario or a variant: text, or text per language
 * (`{en: …, fr: …}`, at least one), so each report shows it in its language.
 *
 * @module
 */
import { isMap } from "yaml";
import type { Field } from "./reader.ts";
import { type LocalizedText, TEXT_LANGS } from "./types.ts";

/** A description as read: the text the console shows, and every language when given per language. */
export interface DescriptionRead {
  /** In English when given, else in the first language given; trimmed. */
  text: string;
  /** Absent when the description is plain text. */
  byLang?: LocalizedText;
}

/**
 * Read a description; undefined when absent, null when invalid (the problem is
 * recorded). Plain text may be empty; a language given in a mapping may not.
 */
export function readDescription(field: Field): DescriptionRead | null | undefined {
  if (field.absent) return undefined;
  if (typeof field.scalar === "string") return { text: field.scalar.trim() };
  if (!isMap(field.node)) {
    return field.fail(
      `must be text, or text per language {${TEXT_LANGS.join(", ")}}, got ${field.describe()}`,
    );
  }
  const map = field.map("description");
  if (map == null) return null;
  const byLang: LocalizedText = {};
  let ok = !map.rejected;
  for (const lang of TEXT_LANGS) {
    const langField = map.get(lang);
    const text = langField.string();
    if (text === null) ok = false;
    else if (text !== undefined && text.trim() === "") {
      langField.fail("must not be empty: leave the language out instead");
      ok = false;
    } else if (text !== undefined) byLang[lang] = text.trim();
  }
  if (!ok) return null;
  const given = TEXT_LANGS.filter((lang) => byLang[lang] !== undefined);
  if (given.length === 0) {
    return field.fail(`must give the text in at least one of ${TEXT_LANGS.join(", ")}`);
  }
  return { text: byLang[given[0]]!, byLang };
}
