import assert from "node:assert/strict";
import type { ChartData } from "../../lib/report/charts.ts";
import { findingPhrase, inconclusivePhrases, sampleFacts } from "../../lib/report/english_texts.ts";
import { renderHtml } from "../../lib/report/html.ts";
import type { Lang } from "../../lib/report/i18n.ts";
import type { FaultWindow, RunReport, VerificationCounts } from "../../lib/report/types.ts";
import { faultLabel } from "../../lib/report/fault_label.ts";
import { everythingReport } from "./report_everything.ts";
import { foreignVocabulary, visibleTexts, wordsFound } from "./report_words.ts";

/** The texts of the charts a reader sees (titles, axes, legends, fault labels), names left out. */
function chartTexts(html: string, report: RunReport, lang: Lang): string[] {
  const json = /<script type="application\/json" id="sismo-charts">([\s\S]*?)<\/script>/.exec(
    html,
  )![1];
  const data: ChartData = JSON.parse(json);
  // Variant names are quoted names: in canvas and legends they cannot carry a lang attribute.
  const names = report.variants.map((v) => v.name).sort((a, b) => b.length - a.length);
  const unnamed = (text: string) => names.reduce((t, name) => t.replaceAll(name, ""), text);
  return data.charts.flatMap((c) => [
    c.title,
    c.xLabel,
    c.yLabel,
    ...c.series.map((s) => s.label),
    ...c.bands.filter((b) => (b.lang ?? lang) === lang).map((b) => b.label),
  ]).map(unnamed);
}

/** Words of the other language a reader of the report in `lang` would see. */
function leftovers(html: string, report: RunReport, lang: Lang) {
  const texts = [...visibleTexts(html, lang), ...chartTexts(html, report, lang)];
  return wordsFound(texts, foreignVocabulary(lang));
}

Deno.test("french: a report showing every kind of text has no English left outside quoted text", async () => {
  const report = await everythingReport();
  const html = renderHtml(report, { lang: "fr" });
  assert.deepEqual(leftovers(html, report, "fr"), []);
  // Quoted text is there, marked: names, Kafka's names, the clients' own messages.
  for (
    const quoted of [
      '<span lang="en">plain</span>',
      '<code lang="en">linger.ms</code>',
      '<code lang="en">Local: Message timed out</code>',
      '<code lang="en">acks</code>',
    ]
  ) {
    assert.ok(html.includes(quoted), quoted);
  }
});

Deno.test("french: the vocabulary comes from the strings themselves and holds the usual suspects", () => {
  const vocabulary = foreignVocabulary("fr");
  for (const word of ["lost", "acknowledged", "fault", "downstream", "never", "the", "of"]) {
    assert.ok(vocabulary.has(word), word);
  }
  // Words both languages use are not English leftovers.
  for (const word of ["partition", "broker", "offset", "client", "kafka", "sismo", "ms"]) {
    assert.ok(!vocabulary.has(word), word);
  }
});

Deno.test("french: the check catches an untranslated string, in text and in tooltips, not in quoted text", async () => {
  const report = await everythingReport();
  const html = renderHtml(report, { lang: "fr" });
  const planted = html.replace(
    '<section id="errors">',
    '<p title="Latency of the events">Acquittés <b>never read</b></p>' +
      '<p lang="en">quoted: never read</p><section id="errors">',
  );
  assert.deepEqual(leftovers(planted, report, "fr").map((w) => w.word), [
    "latency",
    "of",
    "the",
    "events",
    "never",
    "read",
  ]);
  // A fault window without its structured fields (an older report) keeps its English label,
  // quoted; unquoted, the check would see it.
  const label = report.variants[0].faults.at(-1)!.label;
  assert.ok(html.includes(`<span lang="en">${label}</span>`));
  const unquoted = html.replaceAll(`<span lang="en">${label}</span>`, label);
  assert.ok(leftovers(unquoted, report, "fr").some((w) => w.word === "latency"));
});

Deno.test("french: every English sentence of sismo in the report was read back as a phrase", async () => {
  const report = await everythingReport();
  const plain = report.variants[0];
  for (const [kind, samples] of Object.entries(plain.verification!.samples)) {
    for (const sample of samples) {
      const ids = sampleFacts(kind as keyof VerificationCounts, sample).map((p) => p.id);
      assert.ok(!ids.includes("text.quoted"), `${kind}: ${sample.detail}`);
    }
  }
  for (const e of plain.errors.filter((e) => e.source === "sismo")) {
    assert.ok(e.phrase ?? findingPhrase(e.message), e.message);
  }
  for (const reason of plain.inconclusive!) {
    const ids = inconclusivePhrases(reason).phrases.map((p) => p.id);
    assert.ok(!ids.includes("text.quoted"), reason);
  }
});

Deno.test("french: labels, plurals and descriptions in the report's language", async () => {
  const report = await everythingReport();
  const html = renderHtml(report, { lang: "fr" });
  for (
    const text of [
      // Fault labels from the structured fields.
      "latence de 1\u202f000 ms ±200 ms (client → broker), sur tous les brokers, sur 50\u00a0% des connexions",
      "données bloquées (broker → client), sur le leader de la partition 0",
      "arrêt brutal (SIGKILL) des réplicas suiveurs de la partition 2",
      "mise en pause (SIGSTOP) des brokers 1 et 2",
      "débit limité à 100 Ko/s (broker → client), sur le broker 2",
      "n’a pas pu démarrer : ",
      // Plurals.
      "1 processeur,",
      "partition 2 pas relue jusqu’au bout en 30 s",
      "partitions 0 et 2 pas relues jusqu’au bout en 31 s",
      "1 événement non vérifié ; partition 2 pas relue jusqu’au bout",
      "3 événements non vérifiés ; partition 2",
      "lu 2 fois ; acquitté en partition 0, offset 6",
      "Partition illisible : 2",
      // A split run: the worst worker of each, the offset by its size.
      "Décalage d’horloge d’un worker, le plus grand",
      // Descriptions: French when given, else the English marked as such.
      "Acquittements perdus : l’idempotence empêche-t-elle",
      '<p lang="en">Retries with idempotence.</p>',
      '<p>Le producteur Java, avec <code lang="en">acks=all</code>.</p>',
      // Expectations read in French, as written below.
      'Dupliqués &gt; 0<code class="written" lang="en">duplicated &gt; 0</code>',
      "p99 &lt; 5 s",
      "Débit &gt;= 1\u202f800/s",
    ]
  ) {
    assert.ok(html.includes(text), text);
  }
  const en = renderHtml(report, { lang: "en" });
  assert.ok(en.includes("1 CPU,"));
  assert.ok(
    en.includes('<p lang="fr">Le producteur Java, avec <code lang="en">acks=all</code>.</p>'),
  );
  assert.ok(en.includes("partitions 0 and 2 not read to their end within 31 s"));
});

Deno.test("english: the same report has no French left outside quoted text", async () => {
  const report = await everythingReport();
  const html = renderHtml(report, { lang: "en" });
  assert.deepEqual(leftovers(html, report, "en"), []);
});

Deno.test("workers: a split run shows its workers' count and the worst start lag, clock offset and schedule lag", async () => {
  const html = renderHtml(await everythingReport(), { lang: "en" });
  const row = (label: string) => {
    const at = html.indexOf(`>${label}<`);
    assert.ok(at > 0, `no row ${label}`);
    return html.slice(at, html.indexOf("</tr>", at));
  };
  assert.match(row("Workers (shares of the load)"), />2</);
  assert.match(row("Worker start lag, largest"), />41 ms</);
  assert.match(row("Worker clock offset, largest"), />12 ms</);
  assert.match(row("Worker schedule lag p99, largest"), />1\.5 ms</);
});

Deno.test("fault labels: a fault on one member's connections says so, in both languages", () => {
  const window: FaultWindow = {
    id: "f1",
    label: "timeout forever downstream on all, member 1's connections",
    kind: "toxic",
    target: { kind: "all" },
    action: {
      kind: "toxic",
      type: "timeout",
      stream: "downstream",
      toxicity: 1,
      attributes: { timeout: 0 },
      member: 1,
    },
    brokers: [1],
    plannedAtMs: 0,
    plannedForMs: 1000,
    startedAtMs: 3,
    endedAtMs: 1005,
  };
  assert.equal(
    faultLabel("fr", window).text,
    "données bloquées (broker → client), sur tous les brokers, connexions du membre 1 seulement",
  );
  assert.equal(
    faultLabel("en", { ...window, action: { kind: "proxy-down", member: 1 } }).text,
    "proxy down on all, member 1's connections only",
  );
});
