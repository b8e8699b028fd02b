/**
 * Finding words of the wrong language in a rendered report: the text a reader
 * sees (text nodes and tooltips) outside elements marked as quoted foreign
 * text (`lang="…"` other than the report's) or as data shown as is
 * (`translate="no"`: the resolved scenario), checked against the words that
 * only one language's strings of `lib/report/i18n.ts` use.
 *
 * @module
 */
import { type Lang, type Message, messages } from "../../lib/report/i18n.ts";

/**
 * English function words, foreign in a French report even when a French string of i18n.ts
 * has them (an English string copied into the French table untranslated). None is French
 * ("on" is, so it is not here).
 */
const ENGLISH_FUNCTION_WORDS = (
  "the and or of to in at by for with from is are was were be been not no this that these " +
  "those it its than when which what each every all any after before during until into but if " +
  "has have had never only"
).split(" ");

/** Lower-case words of a message: placeholders and code (`` `linger.ms` ``) left out. */
export function wordsOf(text: string): string[] {
  return text.replace(/`[^`]*`/g, " ").replace(/\{\w+\}/g, " ").toLowerCase()
    .match(/\p{L}{2,}/gu) ?? [];
}

function wordsOfLanguage(lang: Lang): Set<string> {
  const forms = (m: Message) => typeof m === "string" ? [m] : Object.values(m);
  return new Set(Object.values(messages(lang)).flatMap(forms).flatMap(wordsOf));
}

/**
 * Words a report in `lang` must not show outside quoted text: the words of the other
 * language's strings that `lang`'s strings never use, so the list grows with the strings,
 * and for French common English function words whatever the French strings say.
 */
export function foreignVocabulary(lang: Lang): Set<string> {
  const other: Lang = lang === "fr" ? "en" : "fr";
  const own = wordsOfLanguage(lang);
  return new Set([
    ...[...wordsOfLanguage(other)].filter((word) => !own.has(word)),
    ...(lang === "fr" ? ENGLISH_FUNCTION_WORDS : []),
  ]);
}

const VOID_ELEMENTS = new Set(["br", "hr", "img", "meta", "link", "input", "wbr", "col", "source"]);

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  "#39": "'",
  nbsp: "\u00a0",
};

function decode(text: string): string {
  return text.replace(/&(#?\w+);/g, (all, name: string) => ENTITIES[name] ?? all);
}

/**
 * The text a reader of `html` sees in the report's language `lang`: the body's text nodes and
 * `title` tooltips, leaving out scripts, styles and every element (with its content) whose
 * `lang` is another language or that is marked `translate="no"`.
 */
export function visibleTexts(html: string, lang: Lang): string[] {
  const body = html.slice(html.indexOf("<body"))
    .replace(/<script\b[\s\S]*?<\/script>/g, "")
    .replace(/<style\b[\s\S]*?<\/style>/g, "");
  const texts: string[] = [];
  const stack: { tag: string; foreign: boolean }[] = [{ tag: "", foreign: false }];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|([^<]+)/g)) {
    const [, closing, rawTag, attributes, text] = m;
    const top = stack[stack.length - 1];
    if (text !== undefined) {
      if (!top.foreign) texts.push(decode(text));
      continue;
    }
    const tag = rawTag.toLowerCase();
    if (closing) {
      const at = stack.findLastIndex((e) => e.tag === tag);
      if (at > 0) stack.length = at;
      continue;
    }
    const elementLang = /\blang="([^"]*)"/.exec(attributes)?.[1];
    const foreign = top.foreign || (elementLang !== undefined && elementLang !== lang) ||
      /\btranslate="no"/.test(attributes);
    const title = /\btitle="([^"]*)"/.exec(attributes)?.[1];
    if (title !== undefined && !foreign) texts.push(decode(title));
    if (!VOID_ELEMENTS.has(tag) && !attributes.endsWith("/")) stack.push({ tag, foreign });
  }
  return texts;
}

/** Each word of `texts` in `vocabulary`, with the text it was found in. */
export function wordsFound(
  texts: readonly string[],
  vocabulary: ReadonlySet<string>,
): { word: string; in: string }[] {
  return texts.flatMap((text) =>
    (text.toLowerCase().match(/\p{L}{2,}/gu) ?? [])
      .filter((word) => vocabulary.has(word))
      .map((word) => ({ word, in: text.trim() }))
  );
}
