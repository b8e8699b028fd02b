import assert from "node:assert/strict";
import {
  compareReports,
  comparisonRegressed,
  DEFAULT_TOLERANCES,
  parseTolerances,
} from "../../lib/report/compare.ts";
import { renderComparisonHtml, renderComparisonMarkdown } from "../../lib/report/compare_render.ts";
import { ReportInputError } from "../../lib/report/errors.ts";
import type { RunReport } from "../../lib/report/types.ts";
import { encodedHistogram, evenly, fixture } from "./report_helpers.ts";

/** The fixture with both variants' latency histograms replaced by 1000 values evenly in [from, to] ms. */
function withLatency(fromMs: number, toMs: number, report: RunReport = fixture()): RunReport {
  const encoded = encodedHistogram(evenly(1000, fromMs, toMs));
  for (const v of report.variants) v.latency.fromIntended.histogram = encoded;
  return report;
}

const metric = (c: ReturnType<typeof compareReports>, variant: string, name: string) =>
  c.variants.find((v) => v.name === variant)!.metrics.find((m) => m.metric === name)!;

Deno.test("parseTolerances: defaults, overrides and aliases", () => {
  assert.deepEqual(parseTolerances(""), { p50: 0.1, p99: 0.1, throughput: 0.05 });
  assert.deepEqual(DEFAULT_TOLERANCES, { p50: 0.1, p99: 0.1, throughput: 0.05 });
  assert.deepEqual(parseTolerances("p99=15%, throughput=2.5%,p99.9=30%"), {
    p50: 0.1,
    p99: 0.15,
    throughput: 0.025,
    p999: 0.3,
  });
  assert.deepEqual(parseTolerances("max=50%", {}), { max: 0.5 });
});

Deno.test("parseTolerances: bad entries throw ReportInputError saying why", () => {
  for (
    const [text, why] of [
      ["p99=10", /expected NAME=PERCENT%/],
      ["p99", /expected NAME=PERCENT%/],
      ["p98=10%", /unknown metric "p98"/],
      ["p99=-5%", /expected NAME=PERCENT%/],
      ["p99=ten%", /expected NAME=PERCENT%/],
    ] as const
  ) {
    assert.throws(
      () => parseTolerances(text),
      (e: Error) => e instanceof ReportInputError && why.test(e.message),
      text,
    );
  }
});

Deno.test("compare: a run against itself does not regress", () => {
  const c = compareReports(fixture(), fixture(), DEFAULT_TOLERANCES);
  assert.equal(c.regressed, false);
  assert.equal(comparisonRegressed(c), false);
  assert.deepEqual(c.variants.map((v) => v.name), ["plain", "idempotent"]);
  assert.equal(metric(c, "plain", "p99").change, 0);
  assert.equal(metric(c, "plain", "p99").source, "histogram");
});

Deno.test("compare: p99 recomputed from the histograms regresses beyond its tolerance", () => {
  const base = withLatency(1, 100);
  const slower = withLatency(1, 120); // p99 ≈ 118.8 vs 99: +20%
  const c = compareReports(base, slower, DEFAULT_TOLERANCES);
  const p99 = metric(c, "plain", "p99");
  assert.ok(Math.abs(p99.baseline! - 99.0) < 0.2, String(p99.baseline));
  assert.ok(Math.abs(p99.change! - 0.2) < 0.01, String(p99.change));
  assert.equal(p99.regressed, true);
  assert.equal(c.regressed, true);
  const loose = compareReports(base, slower, parseTolerances("p99=25%,p50=25%"));
  assert.equal(metric(loose, "plain", "p99").regressed, false);
  assert.equal(loose.regressed, false);
});

Deno.test("compare: stored percentiles are not trusted over the histograms", () => {
  const base = withLatency(1, 100);
  const current = withLatency(1, 200);
  for (const v of current.variants) v.latency.fromIntended.p99 = v.latency.fromIntended.p50 = 1;
  const c = compareReports(base, current, DEFAULT_TOLERANCES);
  assert.ok(metric(c, "plain", "p99").current! > 190);
  assert.equal(c.regressed, true);
});

Deno.test("compare: falls back to stored percentiles when a histogram is unreadable", () => {
  const current = fixture();
  current.variants[0].latency.fromIntended.histogram = "not a histogram";
  const c = compareReports(fixture(), current, DEFAULT_TOLERANCES);
  const p99 = metric(c, "plain", "p99");
  assert.equal(p99.source, "stored");
  assert.equal(p99.current, current.variants[0].latency.fromIntended.p99);
});

Deno.test("compare: informational latencies never regress without a tolerance", () => {
  const base = withLatency(1, 100);
  const current = withLatency(1, 100);
  for (const v of current.variants) {
    v.latency.fromIntended.histogram = encodedHistogram([...evenly(999, 1, 100), 5000]);
  }
  const c = compareReports(base, current, DEFAULT_TOLERANCES);
  assert.ok(metric(c, "plain", "max").change! > 10);
  assert.equal(metric(c, "plain", "max").regressed, false);
  assert.equal(compareReports(base, current, parseTolerances("max=100%")).regressed, true);
});

Deno.test("compare: throughput regresses when it drops by more than its tolerance", () => {
  const current = fixture();
  current.variants[1].throughput.ackedPerSecond *= 0.94;
  const c = compareReports(fixture(), current, DEFAULT_TOLERANCES);
  assert.equal(metric(c, "idempotent", "throughput").regressed, true);
  assert.equal(metric(c, "plain", "throughput").regressed, false);
  assert.equal(
    compareReports(fixture(), current, parseTolerances("throughput=10%")).regressed,
    false,
  );
  const faster = fixture();
  faster.variants[1].throughput.ackedPerSecond *= 2;
  assert.equal(compareReports(fixture(), faster, DEFAULT_TOLERANCES).regressed, false);
});

Deno.test("compare: any increase of a guarded count regresses whatever the tolerances", () => {
  for (const key of ["lost", "duplicated", "phantom", "reordered", "unverified"] as const) {
    const current = fixture();
    current.variants[1].verification!.counts[key] += 1;
    const c = compareReports(
      fixture(),
      current,
      parseTolerances("p99=1000%,p50=1000%,throughput=100%"),
    );
    assert.equal(metric(c, "idempotent", key).regressed, true, key);
    assert.equal(c.regressed, true, key);
  }
  const fewer = fixture();
  fewer.variants[0].verification!.counts.duplicated = 0;
  fewer.variants[0].verification!.counts.foreign = 100;
  assert.equal(compareReports(fixture(), fewer, DEFAULT_TOLERANCES).regressed, false);
});

Deno.test("compare: losing verification or a variant regresses; a new variant does not", () => {
  const unverified = fixture();
  unverified.variants[0].verification = null;
  assert.equal(compareReports(fixture(), unverified, DEFAULT_TOLERANCES).regressed, true);

  const missing = fixture();
  missing.variants = missing.variants.slice(0, 1);
  const c = compareReports(fixture(), missing, DEFAULT_TOLERANCES);
  assert.deepEqual(c.onlyInBaseline, ["idempotent"]);
  assert.equal(comparisonRegressed(c), true);

  const extra = fixture();
  extra.variants.push({ ...structuredClone(extra.variants[1]), name: "transactional" });
  const e = compareReports(fixture(), extra, DEFAULT_TOLERANCES);
  assert.deepEqual(e.onlyInCurrent, ["transactional"]);
  assert.equal(e.regressed, false);
});

Deno.test("comparison renderers show regressions and both curves", () => {
  const current = fixture();
  current.variants[0].verification!.counts.lost = 3;
  const c = compareReports(fixture(), current, DEFAULT_TOLERANCES);
  const md = renderComparisonMarkdown(c);
  assert.match(md, /^# ❌ sismo comparison: idempotent-vs-plain — Regression/);
  assert.ok(md.includes("| Lost | 0 | 3 | +3 | any increase | **REGRESSION** |"));
  assert.ok(md.includes("## ✅ idempotent"));
  const html = renderComparisonHtml(c, { lang: "fr" });
  assert.ok(html.includes("RÉGRESSION"));
  const data = JSON.parse(/id="sismo-charts">([\s\S]*?)<\/script>/.exec(html)![1]);
  assert.deepEqual(data.charts[0].series.map((s: { label: string }) => s.label), [
    "plain référence",
    "plain actuelle",
    "idempotent référence",
    "idempotent actuelle",
  ]);
  assert.ok(
    data.charts[0].series.every((s: { values: unknown[] }) => s.values.some((v) => v !== null)),
  );
  // Timeline overlays: per metric, each variant's baseline (dashed) and current run.
  assert.deepEqual(data.charts.slice(1).map((ch: { id: string }) => ch.id), [
    "chart-comparison-p99",
    "chart-comparison-acked",
  ]);
  for (const overlay of data.charts.slice(1)) {
    assert.deepEqual(overlay.series.map((s: { label: string }) => s.label), [
      "plain référence",
      "plain actuelle",
      "idempotent référence",
      "idempotent actuelle",
    ]);
    assert.deepEqual(
      overlay.series.map((s: { dash?: number[] }) => s.dash !== undefined),
      [true, false, true, false],
    );
    assert.ok(overlay.series.every((s: { values: unknown[] }) => s.values.some((v) => v !== null)));
  }
  const acked: (number | null)[] = data.charts[2].series[1].values;
  const shown = current.variants[0].timeline.filter((p) => p.t < acked.length);
  assert.ok(shown.length > 5);
  for (const p of shown) assert.equal(acked[p.t], p.acked, `second ${p.t}`);
});

Deno.test("compare: runs that did not run the same thing are listed as not comparable", () => {
  const base = fixture();
  assert.deepEqual(compareReports(base, fixture()).differences, []);
  const other = fixture();
  other.scenario.resolved.load.rate = { kind: "constant", perSecond: 5000 };
  other.environment.kafka.version = "4.1.0";
  other.variants[0].producer = { ...other.variants[0].producer, "linger.ms": 50 };
  other.variants[1].client = { name: "librdkafka", version: "2.16.0" };
  const d = compareReports(base, other).differences;
  assert.equal(d.length, 4, d.join("\n"));
  assert.match(d.join("\n"), /^load: /m);
  assert.match(d.join("\n"), /^Kafka version: "3\.9\.1" → "4\.1\.0"/m);
  assert.match(d.join("\n"), /^plain producer: /m);
  assert.match(d.join("\n"), /^idempotent client: /m);
  assert.match(renderComparisonMarkdown(compareReports(base, other)), /not comparable/);
});

Deno.test("compare: anomaly counts are compared per event sent", () => {
  const base = fixture();
  const current = fixture();
  // Twice the events sent, 1.5× the duplicates: fewer per event, not a regression.
  const [b, c] = [base.variants[0], current.variants[0]];
  c.counts.sent = b.counts.sent * 2;
  c.verification!.counts.duplicated = Math.round(b.verification!.counts.duplicated * 1.5);
  c.expectations = []; // not a negative control here
  assert.equal(metric(compareReports(base, current), "plain", "duplicated").regressed, false);
  // Same events sent, more duplicates: a regression.
  c.counts.sent = b.counts.sent;
  assert.equal(metric(compareReports(base, current), "plain", "duplicated").regressed, true);
});

Deno.test("compare: more of an anomaly a variant expects (a negative control) is not a regression", () => {
  const base = fixture();
  const current = fixture();
  const c = current.variants[0];
  c.verification!.counts.duplicated += 100;
  c.expectations = [{
    text: "duplicated > 0",
    metric: "duplicated",
    op: ">",
    threshold: 0,
    observed: c.verification!.counts.duplicated,
    passed: true,
    line: 3,
  }];
  const m = metric(compareReports(base, current), "plain", "duplicated");
  assert.equal(m.guarded, false);
  assert.equal(m.regressed, false);
});

Deno.test("compare: a current run older than its baseline is warned about", () => {
  const base = fixture();
  const current = fixture();
  current.startedAt = new Date(Date.parse(base.startedAt) - 86_400_000).toISOString();
  const c = compareReports(base, current);
  assert.equal(c.warnings.length, 1);
  assert.match(c.warnings[0], /older than its baseline/);
  assert.deepEqual(compareReports(base, fixture()).warnings, []);
});
