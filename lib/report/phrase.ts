/**
 * Phrases (sentences of sismo's own, as an id and parameters; see `Phrase` in
 * `types.ts`) written out in a report's language, and text from outside sismo
 * marked as such: a client's error message, a Kafka property, a variant's name
 * stay as written, in an element with `lang="en"`, so a French report quotes
 * them rather than leaving English in its own text.
 *
 * @example
 * ```ts
 * import { phraseHtml } from "./phrase.ts";
 * phraseHtml("fr", { id: "sample.readTimes", params: { n: 3 } }); // "lu 3 fois"
 * phraseHtml("fr", { id: "sample.producerError", params: { error: { quoted: "Broker: timeout" } } });
 * // 'réponse du client : <span lang="en">Broker: timeout</span>'
 * ```
 * @module
 */
import { escapeHtml as esc } from "./escape.ts";
import { type LocalizedText, TEXT_LANGS } from "../scenario/types.ts";
import { format, isMessageKey, type Lang, LOCALES, type MessageKey, template } from "./i18n.ts";
import type { Phrase, PhraseParam } from "./types.ts";

/** Text from outside sismo, quoted in its own language (English: clients, Kafka, scenario names). */
export function quoted(text: string, tag = "span"): string {
  return `<${tag} lang="en">${esc(text)}</${tag}>`;
}

/** Text in `textLang` inside a report in `lang`: marked with its language when they differ. */
export function inLang(lang: Lang, textLang: Lang, html: string, tag = "span"): string {
  return textLang === lang ? html : `<${tag} lang="${textLang}">${html}</${tag}>`;
}

/** A phrase as HTML in `lang`: code and quoted text marked `lang="en"`. */
export function phraseHtml(lang: Lang, phrase: Phrase): string {
  const params = phrase.params ?? {};
  // An id this sismo does not know (a newer report): shown as written, quoted.
  if (!isMessageKey(phrase.id)) {
    return quoted([phrase.id, ...Object.values(params).map((p) => paramText(lang, p))].join(" "));
  }
  const n = typeof params.n === "number" ? params.n : undefined;
  const parts = template(lang, phrase.id, n).split(/(\{\w+\}|`[^`]*`)/);
  return parts.map((part) => {
    if (part.startsWith("`") && part.endsWith("`") && part.length > 1) {
      return quoted(part.slice(1, -1), "code");
    }
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name === undefined || !(name in params)) return esc(part);
    const value = params[name];
    return typeof value === "object" && !Array.isArray(value)
      ? quoted(value.quoted)
      : esc(paramText(lang, value));
  }).join("");
}

/** Phrases in a row as HTML, joined as `lang` joins clauses (`; ` / ` ; `). */
export function phrasesHtml(lang: Lang, phrases: readonly Phrase[]): string {
  return phrases.map((p) => phraseHtml(lang, p)).join(esc(template(lang, "punct.separator")));
}

/** A parameter in `lang`: numbers in its format, lists of numbers joined as it joins them. */
function paramText(lang: Lang, value: PhraseParam): string {
  const f = format(lang);
  if (typeof value === "number") return f.num(value, 2);
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return listText(lang, value.map((v) => f.num(v, 2)));
  return value.quoted;
}

/** Items as `lang` lists them: `1, 2 and 3`, `1, 2 et 3`. */
export function listText(lang: Lang, items: readonly (string | number)[]): string {
  return new Intl.ListFormat(LOCALES[lang], { type: "conjunction" }).format(items.map(String));
}

/** Text in which what stands between backticks is code (Kafka's names), quoted as written. */
export function textWithCode(text: string): string {
  return text.split(/(`[^`\n]+`)/).map((part) =>
    part.length > 2 && part.startsWith("`") && part.endsWith("`")
      ? quoted(part.slice(1, -1), "code")
      : esc(part)
  ).join("");
}

/** The message `key` in `lang` as HTML, its placeholders filled with ready HTML from `vars`. */
export function messageHtml(lang: Lang, key: MessageKey, vars: Record<string, string>): string {
  return template(lang, key).split(/(\{\w+\})/).map((part) => {
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    return name !== undefined && name in vars ? vars[name] : esc(part);
  }).join("");
}

/** A text given per language, in `lang` when given, else in another language (which it says). */
export function localized(
  lang: Lang,
  texts: LocalizedText,
): { text: string; lang: Lang } | null {
  const textLang = texts[lang] ? lang : TEXT_LANGS.find((other) => texts[other]);
  return textLang === undefined ? null : { text: texts[textLang]!, lang: textLang };
}
