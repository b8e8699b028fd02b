import assert from "node:assert/strict";
import { chartData, latencyTimelineChart, runPercentileChart } from "../../lib/report/charts.ts";
import type { Lang } from "../../lib/report/i18n.ts";
import { fixture } from "./report_helpers.ts";

type AxisValues = (
  u: unknown,
  splits: number[],
  axis: number,
  space: number,
  step: number,
) => string[];
interface Options {
  axes: { values?: AxisValues }[];
}

/**
 * Run the page's chart script on the charts of the fixture in `lang`, with a stand-in uPlot
 * that keeps the options each chart was given.
 */
function drawnOptions(lang: Lang): Options[] {
  const report = fixture();
  const charts = [
    runPercentileChart("p", report.variants, lang),
    latencyTimelineChart("l", report.variants[0], "#000", lang),
  ];
  const data = JSON.stringify(chartData(lang, charts));
  const drawn: Options[] = [];
  const page = globalThis as unknown as Record<string, unknown>;
  page.document = {
    getElementById: (id: string) =>
      id === "sismo-charts" ? { textContent: data } : { clientWidth: 800, dataset: {} },
  };
  page.uPlot = Object.assign(
    function (options: Options) {
      drawn.push(options);
    },
    { paths: { bars: () => () => null } },
  );
  try {
    const script = Deno.readTextFileSync(
      new URL("../../lib/report/charts_client.js", import.meta.url),
    );
    new Function(script)();
  } finally {
    delete page.document;
    delete page.uPlot;
  }
  return drawn;
}

Deno.test("charts: axis ticks are numbers of the report's language, not the browser's", () => {
  const [percentiles, latency] = drawnOptions("fr");
  // Seconds: thousands grouped, decimals as the step needs them, a decimal comma.
  const seconds = latency.axes[0].values!;
  assert.deepEqual(seconds(null, [0, 1000, 2500], 0, 0, 500), ["0", "1\u202f000", "2\u202f500"]);
  assert.deepEqual(seconds(null, [0.5, 1, 1.5], 0, 0, 0.5), ["0,5", "1", "1,5"]);
  // Latency on a log axis, and percentiles.
  assert.deepEqual(latency.axes[1].values!(null, [0.01, 1, 1000], 1, 0, 0), [
    "0,01",
    "1",
    "1\u202f000",
  ]);
  assert.deepEqual(percentiles.axes[0].values!(null, [1, 10, 1000], 0, 0, 0), [
    "0\u00a0%",
    "90\u00a0%",
    "99,9\u00a0%",
  ]);
  const [, english] = drawnOptions("en");
  assert.deepEqual(english.axes[0].values!(null, [0.5, 1000], 0, 0, 0.5), ["0.5", "1,000"]);
});
