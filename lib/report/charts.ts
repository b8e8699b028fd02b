/**
 * Chart descriptions for the HTML reports: plain data computed here, drawn in
 * the browser by uPlot through `charts_client.js`. Keeping the numbers on
 * this side makes them testable and the browser script generic.
 *
 * @example
 * ```ts
 * import type { RunReport } from "./types.ts";
 * declare const report: RunReport;
 * import { latencyTimelineChart } from "./charts.ts";
 * const spec = latencyTimelineChart("lat-0", report.variants[0], "#1f6feb", "en");
 * spec.series.map((s) => s.label); // ["p50", "p99"]
 * ```
 * @module
 */
import { type PercentileCurve, percentileCurve, percentileGrid } from "./histogram.ts";
import { type Lang, LOCALES, t } from "./i18n.ts";
import { timelineEndMs } from "./phases.ts";
import type { FaultWindow, VariantReport } from "./types.ts";

/** One line (or bar series) of a chart. */
export interface ChartSeries {
  label: string;
  /** One value per x; null leaves a gap. */
  values: (number | null)[];
  color: string;
  /** Canvas dash pattern, e.g. `[8, 6]`; none for a solid line. */
  dash?: number[];
  /** Line width in CSS pixels. */
  width?: number;
  /** Draw as bars instead of a line. */
  bars?: boolean;
}

/** A shaded x range with a label, such as a fault window. */
export interface ChartBand {
  from: number;
  to: number;
  label: string;
}

/** Everything the browser script needs to draw one chart. */
export interface ChartSpec {
  /** Id of the element the chart is drawn into. */
  id: string;
  title: string;
  /** `percentile`: x is `1/(1−p)` on a log axis labelled in percent; `seconds`: x is time in s. */
  xKind: "percentile" | "seconds";
  xLabel: string;
  yLabel: string;
  /** Log y axis. */
  yLog: boolean;
  x: number[];
  series: ChartSeries[];
  bands: ChartBand[];
}

/** What the page hands the browser script. */
export interface ChartData {
  locale: string;
  charts: ChartSpec[];
}

/** Colours of variants, in order; readable on a projector and for common colour blindness. */
export const VARIANT_COLORS = ["#1f6feb", "#d1242f", "#1a7f37", "#8250df", "#bc4c00", "#0a7c86"];

// A log axis cannot show 0: sub-microsecond latencies are drawn at 1 µs.
const positive = (v: number | null) => v === null ? null : Math.max(v, 0.001);

/** Colour of the variant at `index`. */
export function variantColor(index: number): string {
  return VARIANT_COLORS[index % VARIANT_COLORS.length];
}

/** A percentile curve to plot. */
export interface CurveInput {
  label: string;
  color: string;
  dash?: number[];
  curve: PercentileCurve | null;
}

/** The percentile-distribution chart of several curves on one shared `1/(1−p)` grid. */
export function percentileChart(
  id: string,
  title: string,
  curves: readonly CurveInput[],
  lang: Lang,
): ChartSpec {
  const maxCount = Math.max(1, ...curves.map((c) => c.curve?.count ?? 1));
  const x = percentileGrid(maxCount);
  return {
    id,
    title,
    xKind: "percentile",
    xLabel: t(lang, "percentiles.x"),
    yLabel: t(lang, "percentiles.y"),
    // Log y: a 5 ms median and a 5 s tail must both be readable.
    yLog: true,
    x,
    series: curves.map((c) => ({
      label: c.label,
      color: c.color,
      dash: c.dash,
      width: 2.5,
      values: x.map((_, i) => positive(c.curve?.points[i]?.ms ?? null)),
    })),
    bands: [],
  };
}

/** The percentile chart of a run: each variant from the intended time (solid) and from send (dotted). */
export function runPercentileChart(id: string, variants: readonly VariantReport[], lang: Lang) {
  const curves: CurveInput[] = variants.flatMap((v, i) => [
    {
      label: t(lang, "percentiles.series", { variant: v.name }),
      color: variantColor(i),
      curve: percentileCurve(v.latency.fromIntended.histogram),
    },
    {
      label: t(lang, "percentiles.seriesFromSend", { variant: v.name }),
      color: variantColor(i),
      dash: [3, 5],
      curve: percentileCurve(v.latency.fromSend.histogram),
    },
  ]);
  return percentileChart(id, t(lang, "section.percentiles"), curves, lang);
}

/** Fault windows as they really happened, in seconds; faults that never started are left out. */
export function faultBands(faults: readonly FaultWindow[], endMs: number): ChartBand[] {
  return faults.flatMap((f) =>
    f.startedAtMs === null ? [] : [{
      from: f.startedAtMs / 1000,
      to: Math.max(f.startedAtMs, f.endedAtMs ?? endMs) / 1000,
      label: f.label,
    }]
  );
}

/** Timeline points sorted by second, with x at the middle of each second. */
function timelineAxis(variant: VariantReport) {
  const points = [...variant.timeline].sort((a, b) => a.t - b.t);
  return { points, x: points.map((p) => p.t + 0.5) };
}

/**
 * p50 and p99 of the events intended in each second (whenever they were acknowledged), so a
 * fault's damage is drawn where it happened; fault windows shaded.
 */
export function latencyTimelineChart(
  id: string,
  variant: VariantReport,
  color: string,
  lang: Lang,
): ChartSpec {
  const { points, x } = timelineAxis(variant);
  return {
    id,
    title: t(lang, "chart.latencyOf", { variant: variant.name }),
    xKind: "seconds",
    xLabel: t(lang, "chart.seconds"),
    yLabel: t(lang, "chart.latencyMs"),
    yLog: true,
    x,
    series: [
      {
        label: "p50",
        color,
        width: 1.5,
        dash: [6, 4],
        values: points.map((p) => positive(p.intended?.p50 ?? null)),
      },
      {
        label: "p99",
        color,
        width: 2.5,
        values: points.map((p) => positive(p.intended?.p99 ?? null)),
      },
    ],
    bands: faultBands(variant.faults, timelineEndMs(variant.timeline)),
  };
}

/**
 * Acknowledgements per second as they arrived (line), the target (events intended per second,
 * dashed), and the events of each intended second never acknowledged (bars).
 */
export function throughputTimelineChart(
  id: string,
  variant: VariantReport,
  color: string,
  lang: Lang,
): ChartSpec {
  const { points, x } = timelineAxis(variant);
  return {
    id,
    title: t(lang, "chart.throughputOf", { variant: variant.name }),
    xKind: "seconds",
    xLabel: t(lang, "chart.seconds"),
    yLabel: t(lang, "chart.perSecond"),
    yLog: false,
    x,
    series: [
      {
        label: t(lang, "chart.ackedPerSecond"),
        color,
        width: 2.5,
        values: points.map((p) => p.acked),
      },
      {
        label: t(lang, "chart.targetPerSecond"),
        color: "#59636e",
        width: 1,
        dash: [4, 4],
        values: points.map((p) => p.intended?.events ?? null),
      },
      {
        label: t(lang, "chart.errorsPerSecond"),
        color: "#cf222e",
        bars: true,
        values: points.map((p) =>
          p.intended ? p.intended.events - p.intended.acked : p.failed + p.notSent
        ),
      },
    ],
    bands: faultBands(variant.faults, timelineEndMs(variant.timeline)),
  };
}

/** The data block of a page. */
export function chartData(lang: Lang, charts: ChartSpec[]): ChartData {
  return { locale: LOCALES[lang], charts };
}
