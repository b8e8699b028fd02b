/**
 * The verdict of the HTML report: a card per variant with its description and
 * every expectation, read in the report's language, its observed value and
 * PASS or FAIL; and the descriptions the scenario gives per language.
 *
 * @module
 */
import { METRICS } from "../scenario/expectation.ts";
import type { LocalizedText, MetricName } from "../scenario/types.ts";
import { inconclusivePhrases } from "./english_texts.ts";
import { escapeHtml as esc } from "./escape.ts";
import { type Formatter, type Lang, type MessageKey, t } from "./i18n.ts";
import { expectsAnomaly, latencyLabel, metricUnit, observedText } from "./metrics.ts";
import { localized, phrasesHtml, quoted, textWithCode } from "./phrase.ts";
import type { ExpectationOutcome, RunReport, VariantReport } from "./types.ts";

/** The scenario's description in every language it was given (plain text counts as English). */
export function scenarioDescriptions(report: RunReport): LocalizedText {
  return report.scenario.resolved.descriptions ?? { en: report.scenario.description };
}

/** A variant's description in every language it was given; empty when it has none. */
export function variantDescriptions(report: RunReport, variant: VariantReport): LocalizedText {
  const planned = report.scenario.resolved.variants.find((p) => p.name === variant.name);
  if (planned?.descriptions) return planned.descriptions;
  return variant.description === "" ? {} : { en: variant.description };
}

/**
 * `<tag>` holding a description in `lang`, else in the language given (marked); "" when none.
 * Text between backticks is code (`` `acks=all` ``): Kafka's names, quoted as written.
 */
export function descriptionHtml(
  lang: Lang,
  texts: LocalizedText,
  tag: string,
  className?: string,
): string {
  const text = localized(lang, texts);
  if (text === null) return "";
  const attributes = (className ? ` class="${className}"` : "") +
    (text.lang === lang ? "" : ` lang="${text.lang}"`);
  return `<${tag}${attributes}>${textWithCode(text.text)}</${tag}>`;
}

/** One card per variant: passed, failed, inconclusive, or neutral when it expects nothing. */
export function verdictCards(report: RunReport, lang: Lang, f: Formatter): string {
  return report.variants.map((v) => {
    const passed = v.expectations.every((e) => e.passed);
    const inconclusive = (v.inconclusive ?? []).length > 0;
    const state = inconclusive
      ? "inconclusive"
      : v.expectations.length === 0
      ? "neutral"
      : passed
      ? "pass"
      : "fail";
    const rows = v.expectations.map((e) =>
      `<tr><td class="expectation" title="${esc(t(lang, "verdict.line", { line: e.line }))}">${
        expectationHtml(lang, f, e)
      }${
        e.passed && expectsAnomaly(e)
          ? `<span class="shown">${esc(t(lang, "verdict.anomalyShown"))}</span>`
          : ""
      }</td><td class="num">${
        esc(observedText(f, e, {
          notMeasured: t(lang, "verdict.notMeasured"),
          unbounded: t(lang, "verdict.unbounded"),
        }))
      }</td><td>${badge(lang, e.passed)}</td></tr>`
    ).join("\n");
    const table = v.expectations.length === 0
      ? `<p>${esc(t(lang, "verdict.none"))}</p>`
      : `<table><thead><tr><th>${esc(t(lang, "verdict.expected"))}</th><th class="num">${
        esc(t(lang, "verdict.observed"))
      }</th><th>${
        esc(t(lang, "verdict.result"))
      }</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
    const cardBadge = state === "pass" || state === "fail"
      ? badge(lang, passed)
      : `<span class="badge ${state}">${
        esc(t(lang, state === "neutral" ? "verdict.neutral" : "verdict.inconclusive"))
      }</span>`;
    // Inside the variant's card, the reasons need not name it.
    const reasons = inconclusive
      ? `<ul class="help">${
        (v.inconclusive ?? []).map((r) =>
          `<li>${phrasesHtml(lang, inconclusivePhrases(r).phrases)}</li>`
        ).join("")
      }</ul>`
      : "";
    return `<div class="verdict ${state}"><h3>${quoted(v.name)}${cardBadge}</h3>${
      descriptionHtml(lang, variantDescriptions(report, v), "p")
    }${reasons}${table}</div>`;
  }).join("\n");
}

/** A PASS or FAIL badge. */
export function badge(lang: Lang, passed: boolean): string {
  return `<span class="badge ${passed ? "pass" : "fail"}">${
    esc(t(lang, passed ? "verdict.pass" : "verdict.fail"))
  }</span>`;
}

/**
 * A count or rate metric's name in the reports: its message key is the metric in camel
 * case (`failed_absent` → `failedAbsent`); latencies have labels of their own.
 */
function metricMessageKey(metric: string): MessageKey | null {
  if (!Object.hasOwn(METRICS, metric) || METRICS[metric as MetricName] === "latency") return null;
  return metric.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()) as MessageKey;
}

/**
 * An expectation as written (`duplicated == 0`), which is English: other languages read it
 * in their words (`Dupliqués == 0`) above the text as written, quoted.
 */
function expectationHtml(lang: Lang, f: Formatter, e: ExpectationOutcome): string {
  if (lang === "en") return esc(e.text);
  const key = metricMessageKey(e.metric);
  const unit = metricUnit(e.metric);
  const name = key ? t(lang, key) : unit === "ms" ? latencyLabel(e.metric) : null;
  if (name === null) return quoted(e.text, "code");
  const threshold = unit === "ms"
    ? (e.threshold >= 1000 ? `${f.num(e.threshold / 1000, 3)} s` : f.ms(e.threshold))
    : unit === "rate"
    ? f.rate(e.threshold)
    : f.num(e.threshold, 2);
  return `${esc(`${name} ${e.op} ${threshold}`)}<code class="written" lang="en">${
    esc(e.text)
  }</code>`;
}
