import assert from "node:assert/strict";
import { type ChartData, faultBands } from "../../lib/report/charts.ts";
import { renderHtml } from "../../lib/report/html.ts";
import { percentilesOf } from "../../lib/report/histogram.ts";
import { format } from "../../lib/report/i18n.ts";
import { fixture } from "./report_helpers.ts";

function chartDataOf(html: string): ChartData {
  const match = /<script type="application\/json" id="sismo-charts">([\s\S]*?)<\/script>/.exec(
    html,
  );
  assert.ok(match, "chart data block present");
  return JSON.parse(match[1]);
}

Deno.test("html: sections come in the documented order", () => {
  const html = renderHtml(fixture(), { lang: "en" });
  const ids = [
    "verdict",
    "side-by-side",
    "percentiles",
    "over-time",
    "phases",
    "anomalies",
    "errors",
    "scenario",
    "environment",
  ];
  const positions = ids.map((id) => html.indexOf(`<section id="${id}">`));
  for (const [i, p] of positions.entries()) assert.ok(p > 0, `section ${ids[i]} present`);
  assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
  const h1 = html.indexOf("<h1>");
  assert.ok(h1 > 0 && h1 < positions[0]);
});

Deno.test("html: self-contained, nothing to fetch, uPlot inlined", () => {
  const html = renderHtml(fixture(), { lang: "en" });
  assert.ok(!/<link\b/i.test(html), "no <link>");
  assert.ok(!/\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i.test(html), "no remote src/href");
  assert.ok(!/<script[^>]+src=/i.test(html), "no external script");
  assert.match(html, /http-equiv="Content-Security-Policy" content="default-src 'none'/);
  assert.ok(html.includes(".u-legend"), "uPlot CSS inlined");
  assert.ok(/uPlot/.test(html) && html.length > 50_000, "uPlot JS inlined");
});

Deno.test("html: title, description and outcome of the run", () => {
  const report = fixture();
  const html = renderHtml(report, { lang: "en" });
  assert.match(html, /<title>idempotent-vs-plain — sismo report<\/title>/);
  assert.match(html, /<span class="outcome failed">Failed<\/span>/);
  assert.ok(html.includes("Both producers retry: the plain one writes duplicates"));
  assert.ok(html.includes("November 20, 2025"));
});

Deno.test("html: verdict per variant with observed values and pass/fail", () => {
  const html = renderHtml(fixture(), { lang: "en" });
  const verdict = html.slice(
    html.indexOf('<section id="verdict">'),
    html.indexOf('<section id="side-by-side">'),
  );
  assert.match(verdict, /<div class="verdict fail"><h3><span lang="en">plain<\/span>/);
  assert.match(verdict, /<div class="verdict pass"><h3><span lang="en">idempotent<\/span>/);
  assert.match(
    verdict,
    /duplicated == 0<\/td><td class="num">1,622<\/td><td><span class="badge fail">FAIL<\/span>/,
  );
  assert.match(
    verdict,
    /p99 &lt; 5s<\/td><td class="num">4,280 ms<\/td><td><span class="badge pass">PASS/,
  );
  assert.equal(verdict.match(/badge pass">PASS/g)?.length, 6); // 5 expectations + 1 variant
  assert.equal(verdict.match(/badge fail">FAIL/g)?.length, 2);
});

Deno.test("html: producer settings that differ between variants are highlighted", () => {
  const html = renderHtml(fixture(), { lang: "en" });
  const row = (key: string) =>
    new RegExp(`<tr([^>]*)><th><code lang="en">${key.replace(/\./g, "\\.")}</code>`).exec(html)
      ?.[1] ?? null;
  assert.match(row("acks")!, /class="differs"/);
  assert.match(row("enable.idempotence")!, /class="differs"/);
  assert.equal(row("retries"), "");
  assert.equal(row("linger.ms"), "");
});

Deno.test("html: side-by-side counts mark problems per cell", () => {
  const html = renderHtml(fixture(), { lang: "en" });
  assert.match(
    html,
    /<th title="read more than once">Duplicated<\/th><td class="num bad">1,622 <small>\(\+2,771 extra copies\)<\/small><\/td><td class="num">0<\/td>/,
  );
  assert.match(
    html,
    /<th title="acknowledged, never read">Lost<\/th><td class="num">0<\/td><td class="num">0<\/td>/,
  );
});

Deno.test("html: chart data holds the percentile curves from the histograms and the real fault windows", () => {
  const report = fixture();
  const html = renderHtml(report, { lang: "en" });
  const data = chartDataOf(html);
  assert.equal(data.locale, "en-US");
  assert.deepEqual(data.charts.map((c) => c.id), [
    "chart-percentiles",
    "chart-latency-0",
    "chart-throughput-0",
    "chart-latency-1",
    "chart-throughput-1",
    "chart-variants-p99",
    "chart-variants-acked",
  ]);
  // Every variant on shared axes: one line each, in its colour.
  const sharedP99 = data.charts[5];
  assert.deepEqual(sharedP99.series.map((s) => s.label), ["plain", "idempotent"]);
  const second20 = report.variants[1].timeline.find((p) => p.t === 20)!;
  assert.equal(sharedP99.series[1].values[sharedP99.x.indexOf(20.5)], second20.intended!.p99);
  for (const chart of data.charts) assert.ok(html.includes(`id="${chart.id}"`), chart.id);

  const percentiles = data.charts[0];
  assert.equal(percentiles.xKind, "percentile");
  assert.equal(percentiles.series.length, 4); // two variants, from intended and from send
  const at99 = percentiles.x.findIndex((x) => Math.abs(x - 100) < 1e-9);
  assert.ok(at99 > 0);
  const [expected] = percentilesOf(report.variants[0].latency.fromIntended.histogram, [99])!;
  assert.ok(Math.abs(percentiles.series[0].values[at99]! - expected) / expected < 0.002);
  assert.ok(Math.abs(expected - report.variants[0].latency.fromIntended.p99) / expected < 0.002);

  const latency = data.charts[1];
  assert.deepEqual(latency.series.map((s) => s.label), ["p50", "p99"]);
  // Trailing seconds where nothing happened are not drawn (they are not an outage).
  const timeline = report.variants[0].timeline;
  const lastActive = Math.max(
    ...timeline.filter((p) => p.sent + p.acked + p.failed + p.notSent > 0).map((p) => p.t),
  );
  assert.equal(latency.x[latency.x.length - 1], lastActive + 0.5);
  assert.deepEqual(latency.bands, [
    { from: 0, to: 5, label: "warm-up", kind: "phase", rgb: "110, 119, 129", lane: 0 },
    { from: 40, to: lastActive + 1, label: "drain", kind: "phase", rgb: "110, 119, 129", lane: 0 },
    {
      from: 15.012,
      to: 23.034,
      label: "latency 1,000 ms ±200 ms downstream on all",
      kind: "fault",
      number: 1,
      rgb: "191, 135, 0",
      lane: 0,
    },
  ]);
  const throughput = data.charts[2];
  const t20 = report.variants[0].timeline.find((p) => p.t === 20)!;
  assert.equal(throughput.series[0].values[latency.x.indexOf(20.5)], t20.acked);
  assert.equal(throughput.series[1].values[latency.x.indexOf(20.5)], t20.intended!.events);
  assert.equal(
    throughput.series[2].values[latency.x.indexOf(20.5)],
    t20.intended!.events - t20.intended!.acked,
  );
  // Latency is drawn by intended second: the second 20 of the fault shows its damage.
  assert.equal(latency.series[1].values[latency.x.indexOf(20.5)], t20.intended!.p99);
});

Deno.test("html: fault phases and anomaly samples are shown", () => {
  const report = fixture();
  const html = renderHtml(report, { lang: "en" });
  assert.ok(
    html.includes(
      '<span lang="en">plain</span> — f1: latency 1,000 ms ±200 ms downstream on all</h3>',
    ),
  );
  assert.ok(html.includes("Latency back to its pre-fault level"));
  assert.match(html, /after the fault ended|not within the run/);
  // By intended time: the events sent during the fault were never all acknowledged (∞).
  assert.match(html, /<th>p99<\/th><td class="num">7\.77 ms<\/td><td class="num">∞<\/td>/);
  // The fixture's details are the verifier's English ("read 2 times (acked at 1/52)").
  const sample = report.variants[0].verification!.samples.duplicated![0];
  const [, reads, partition, offset] = /^read (\d+) times \(acked at (\d+)\/(\d+)\)$/.exec(
    sample.detail!,
  )!;
  assert.ok(
    html.includes(
      `read ${reads} times; acknowledged at partition ${partition}, offset ${offset}</td>`,
    ),
  );
  assert.ok(html.includes(`<code>${sample.key}</code>`));
});

Deno.test("html: French labels, accents and number formats", () => {
  const html = renderHtml(fixture(), { lang: "fr" });
  assert.match(html, /<html lang="fr">/);
  for (
    const text of [
      "Perdus",
      "Dupliqués",
      "Fantômes",
      "Réordonnés",
      "Attendu",
      "Observé",
      "Échoué",
      "RÉUSSI",
      "ÉCHEC",
    ]
  ) {
    assert.ok(html.includes(text), text);
  }
  const fr = format("fr");
  assert.ok(html.includes(`>${fr.int(1622)} <small>`), "French thousands separator");
  assert.ok(html.includes(fr.ms(4268.031)), "French decimal/ms format");
  assert.ok(!html.includes(">Lost<"));
  assert.equal(chartDataOf(html).locale, "fr-FR");
});

Deno.test("html: report text is escaped, the data block cannot close its script", () => {
  const report = fixture();
  report.scenario.description = `<script>alert("x")</script> & more`;
  report.variants[0].name = `</script><img src=x onerror=alert(1)>`;
  const html = renderHtml(report, { lang: "en" });
  assert.ok(!html.includes(`<script>alert("x")`));
  assert.ok(html.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"));
  assert.ok(!html.includes("<img src=x"));
  const data = chartDataOf(html);
  assert.equal(
    data.charts[1].title,
    `Latency of the events intended each second — </script><img src=x onerror=alert(1)>`,
  );
});

Deno.test("html: a report without verification, faults or expectations still renders", () => {
  const report = fixture();
  for (const v of report.variants) {
    v.verification = null;
    v.faults = [];
    v.expectations = [];
    v.latency.fromIntended.histogram = "";
  }
  const html = renderHtml(report, { lang: "en" });
  assert.ok(html.includes("No expectations."));
  assert.ok(html.includes("No faults."));
  assert.ok(html.includes("Not verified."));
  const data = chartDataOf(html);
  assert.ok(data.charts[0].series[0].values.every((v) => v === null));
  assert.deepEqual(data.charts[1].bands.filter((b) => b.kind === "fault"), []);
});

Deno.test("html: the driver's notes on settings are shown under the producer table", () => {
  const report = fixture();
  report.variants[0].notes = [
    { id: "note.kafkajs.idempotent" },
    "max.in.flight.requests.per.connection is per broker in KafkaJS", // an older report
  ];
  const producerOf = (html: string) =>
    html.slice(
      html.indexOf('<section id="side-by-side">'),
      html.indexOf('<section id="percentiles">'),
    );
  const producer = producerOf(renderHtml(report, { lang: "en" }));
  assert.ok(
    producer.includes(
      '<li><b lang="en">plain</b>: with <code lang="en">enable.idempotence=true</code>: one send per partition in flight',
    ),
  );
  assert.ok(
    producer.includes(
      '<li><b lang="en">plain</b>: <span lang="en">max.in.flight.requests.per.connection is per broker in KafkaJS</span></li>',
    ),
  );
  assert.ok(
    producerOf(renderHtml(report, { lang: "fr" })).includes(
      ' : avec <code lang="en">enable.idempotence=true</code> : un seul envoi en vol par partition',
    ),
  );
  assert.ok(!renderHtml(fixture(), { lang: "en" }).includes("How the client departed"));
});

Deno.test("html: records found elsewhere than acknowledged get a row, only when there are some", () => {
  const report = fixture();
  assert.doesNotMatch(renderHtml(report, { lang: "en" }), /Found elsewhere/);
  report.variants[0].verification!.misplaced = 3;
  const html = renderHtml(report, { lang: "en" });
  assert.match(html, /Found elsewhere/);
  assert.match(renderHtml(report, { lang: "fr" }), /Trouvés ailleurs/);
});

Deno.test("html: verdict cards are neutral without expectations, dashed when inconclusive, and say a negative control showed its anomaly", () => {
  const report = fixture();
  const verdictOf = (html: string) =>
    html.slice(html.indexOf('<section id="verdict">'), html.indexOf('<section id="side-by-side">'));
  // A negative control: the plain producer is expected to duplicate.
  const plain = report.variants[0];
  plain.expectations = [{
    text: "duplicated > 0",
    metric: "duplicated",
    op: ">",
    threshold: 0,
    observed: 12,
    passed: true,
    line: 9,
  }];
  let verdict = verdictOf(renderHtml(report, { lang: "en" }));
  assert.match(verdict, /duplicated &gt; 0<span class="shown">anomaly shown, as expected<\/span>/);
  plain.expectations = [];
  verdict = verdictOf(renderHtml(report, { lang: "en" }));
  assert.match(
    verdict,
    /<div class="verdict neutral"><h3><span lang="en">plain<\/span><span class="badge neutral">NO EXPECTATION/,
  );
  report.variants[1].inconclusive = [
    "[idempotent] partition(s) 2 not read to their end within 30 s",
  ];
  verdict = verdictOf(renderHtml(report, { lang: "fr" }));
  assert.match(
    verdict,
    /<div class="verdict inconclusive"><h3><span lang="en">idempotent<\/span><span class="badge inconclusive">NON CONCLUANT/,
  );
  // The verifier's English reason, said in French.
  assert.match(verdict, /<li>partition 2 pas relue jusqu’au bout en 30 s<\/li>/);
});

Deno.test("charts: faults numbered in scenario order, one colour each, overlapping ones on their own label row", () => {
  const window = (id: string, startedAtMs: number | null, endedAtMs: number | null) => ({
    id,
    label: `fault ${id}`,
    kind: "toxic" as const,
    target: { kind: "all" as const },
    brokers: [1],
    plannedAtMs: startedAtMs ?? 0,
    plannedForMs: null,
    startedAtMs,
    endedAtMs,
  });
  const bands = faultBands(
    [
      window("f1", 1000, 5000),
      window("f2", null, null), // never started: left out, its number kept by no one
      window("f3", 3000, 8000), // overlaps f1
      window("f4", 6000, 7000), // overlaps f3 only
    ],
    10_000,
    "en",
  );
  assert.deepEqual(bands.map((b) => [b.number, b.lane]), [[1, 0], [3, 1], [4, 1]]);
  assert.equal(new Set(bands.map((b) => b.rgb)).size, 3);
});

Deno.test("html: the phase table warns when another fault falls in a fault's before window", () => {
  const report = fixture();
  const v = report.variants[0];
  const f1 = v.faults[0];
  v.faults.push({
    ...f1,
    id: "f2",
    label: "reset_peer",
    startedAtMs: f1.endedAtMs! + 2000,
    endedAtMs: f1.endedAtMs! + 3000,
  });
  v.phases.push({
    ...v.phases[0],
    faultId: "f2",
    before: { ...v.phases[0].after!, fromMs: f1.endedAtMs! + 1000, toMs: f1.endedAtMs! + 2000 },
  });
  // f2's before window starts 1 s after f1 ended: clean. Then it reaches back into f1.
  assert.doesNotMatch(renderHtml(report, { lang: "en" }), /contains fault f1/);
  v.phases[1].before = { ...v.phases[1].before!, fromMs: f1.endedAtMs! - 500 };
  assert.match(
    renderHtml(report, { lang: "en" }),
    /The window before this fault contains fault f1/,
  );
});

Deno.test("html: anomaly samples say when the event was due and which faults were in force; errors say where they came from", () => {
  const report = fixture();
  const v = report.variants[0];
  v.verification!.samples.duplicated = [{ seq: 9000, partition: 2, offset: "77", key: "k3" }];
  v.errors = [
    { message: "Local: Message timed out", count: 12, source: "send" },
    {
      message: "client log: Connection error: read ECONNRESET",
      count: 3,
      source: "client-log",
      firstMs: 15_200,
      lastMs: 22_900,
    },
  ];
  const html = renderHtml(report, { lang: "en" });
  // 500 events/s: event 9000 was due at 18 s, inside f1 (15.0 → 23.0 s).
  assert.match(html, /<td class="num">9,000<\/td><td class="num">18\.0 s<\/td><td>f1<\/td>/);
  assert.match(
    html,
    /<td>failed sends<\/td><td><code lang="en">Local: Message timed out<\/code>/,
  );
  assert.match(
    html,
    /<td>client log<\/td><td><code lang="en">Connection error: read ECONNRESET<\/code><\/td><td class="num">3<\/td><td class="num">15\.2 s<\/td><td class="num">22\.9 s<\/td>/,
  );
});
