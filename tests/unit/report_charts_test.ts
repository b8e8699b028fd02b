import assert from "node:assert/strict";
import { throughputTimelineChart } from "../../lib/report/charts.ts";
import { t } from "../../lib/report/i18n.ts";
import { fixture } from "./report_helpers.ts";

Deno.test("charts: anomalies are drawn by intended second, only when verification found some", () => {
  const variant = structuredClone(fixture().variants[0]);
  const label = t("en", "chart.anomaliesPerSecond");
  const seconds = variant.timeline.filter((p) => p.intended);
  assert.ok(seconds.length > 2);
  for (const p of seconds) {
    p.intended!.anomalies = { lost: 0, duplicated: 0, phantom: 0, reordered: 0 };
  }
  const clean = throughputTimelineChart("c", variant, "#000", "en");
  assert.equal(clean.series.find((s) => s.label === label), undefined);

  seconds[1].intended!.anomalies = { lost: 2, duplicated: 3, phantom: 0, reordered: 1 };
  const chart = throughputTimelineChart("c", variant, "#000", "en");
  const series = chart.series.find((s) => s.label === label);
  assert.ok(series, "an anomaly series");
  const at = chart.x.indexOf(seconds[1].t + 0.5);
  assert.ok(at >= 0);
  assert.equal(series.values[at], 6);
  assert.equal(series.values.filter((v) => (v ?? 0) > 0).length, 1);
});
