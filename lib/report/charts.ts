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
import { faultLabel } from "./fault_label.ts";
import { type PercentileCurve, percentileCurve, percentileGrid } from "./histogram.ts";
import { type Lang, LOCALES, t } from "./i18n.ts";
import { timelineEndMs } from "./phases.ts";
import type { FaultWindow, TimelinePoint, VariantReport } from "./types.ts";

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

/** A shaded x range with a label: a fault window, or the warm-up or the drain. */
export interface ChartBand {
  from: number;
  to: number;
  label: string;
  /** Language of the label when not the report's: an older report's English fault label. */
  lang?: Lang;
  /** Faults are numbered (1 for the first fault of the scenario) and coloured one each. */
  kind: "fault" | "phase";
  /** The fault's number, shown when its label does not fit inside the band. */
  number?: number;
  /** "r, g, b" of the shading. */
  rgb: string;
  /** Row of the label: a fault overlapping earlier ones is labelled below them. */
  lane: number;
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
/** Anomalies found by verification: a colour no variant uses. */
const ANOMALY_COLOR = "#bf3989";

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

/** One colour per fault ("r, g, b"), the first the amber the reports always used. */
export const FAULT_RGB = [
  "191, 135, 0",
  "130, 80, 223",
  "10, 124, 134",
  "207, 34, 46",
  "31, 111, 235",
];

/**
 * Fault windows as they really happened, in seconds, numbered in the scenario's order and one
 * colour each, labelled in `lang`; a fault overlapping earlier ones gets the next label row.
 * Faults that never started are left out (their number is kept by the others).
 */
export function faultBands(
  faults: readonly FaultWindow[],
  endMs: number,
  lang: Lang,
): ChartBand[] {
  const bands: ChartBand[] = [];
  faults.forEach((f, i) => {
    if (f.startedAtMs === null) return;
    const from = f.startedAtMs / 1000;
    const to = Math.max(f.startedAtMs, f.endedAtMs ?? endMs) / 1000;
    const lane = bands.filter((b) => b.from < to && from < b.to).length;
    const label = faultLabel(lang, f);
    bands.push({
      from,
      to,
      label: label.text,
      ...(label.lang === lang ? {} : { lang: label.lang }),
      kind: "fault",
      number: i + 1,
      rgb: FAULT_RGB[i % FAULT_RGB.length],
      lane,
    });
  });
  return bands;
}

/** The warm-up and the drain of a variant, named, in grey. */
export function phaseBands(
  load: { warmupMs: number; durationMs: number } | undefined,
  endMs: number,
  lang: Lang,
): ChartBand[] {
  if (!load) return [];
  const grey = "110, 119, 129";
  const loadEnd = (load.warmupMs + load.durationMs) / 1000;
  const bands: ChartBand[] = [];
  if (load.warmupMs > 0) {
    bands.push({
      from: 0,
      to: load.warmupMs / 1000,
      label: t(lang, "chart.warmup"),
      kind: "phase",
      rgb: grey,
      lane: 0,
    });
  }
  if (endMs / 1000 > loadEnd) {
    bands.push({
      from: loadEnd,
      to: endMs / 1000,
      label: t(lang, "chart.drain"),
      kind: "phase",
      rgb: grey,
      lane: 0,
    });
  }
  return bands;
}

/**
 * Timeline points sorted by second, with x at the middle of each second. Trailing seconds in
 * which nothing happened (the end of the drain, after the last answer) are left out: they are
 * not an outage.
 */
function timelineAxis(timeline: readonly TimelinePoint[]) {
  const points = [...timeline].sort((a, b) => a.t - b.t);
  const idle = (p: (typeof points)[number]) =>
    p.sent + p.acked + p.failed + p.notSent === 0 && (p.intended?.events ?? 0) === 0;
  while (points.length > 1 && idle(points[points.length - 1])) points.pop();
  return { points, x: points.map((p) => p.t + 0.5) };
}

/** The bands of a timeline chart: warm-up and drain, then the faults. */
function timelineBands(
  variant: VariantReport,
  load: { warmupMs: number; durationMs: number } | undefined,
  endMs: number,
  lang: Lang,
): ChartBand[] {
  return [...phaseBands(load, endMs, lang), ...faultBands(variant.faults, endMs, lang)];
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
  load?: { warmupMs: number; durationMs: number },
): ChartSpec {
  const { points, x } = timelineAxis(variant.timeline);
  const endMs = x.length ? (x[x.length - 1] + 0.5) * 1000 : timelineEndMs(variant.timeline);
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
    bands: timelineBands(variant, load, endMs, lang),
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
  load?: { warmupMs: number; durationMs: number },
): ChartSpec {
  const { points, x } = timelineAxis(variant.timeline);
  const endMs = x.length ? (x[x.length - 1] + 0.5) * 1000 : timelineEndMs(variant.timeline);
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
      ...anomalySeries(points, lang),
      ...foundSeries(points, lang),
    ],
    bands: timelineBands(variant, load, endMs, lang),
  };
}

/** Anomalies found by verification, by intended second: drawn only when there are some. */
function anomalySeries(points: VariantReport["timeline"], lang: Lang): ChartSeries[] {
  const total = (p: VariantReport["timeline"][number]) => {
    const a = p.intended?.anomalies;
    return a ? a.lost + a.duplicated + a.phantom + a.reordered : null;
  };
  if (!points.some((p) => (total(p) ?? 0) > 0)) return [];
  return [{
    label: t(lang, "chart.anomaliesPerSecond"),
    color: ANOMALY_COLOR,
    bars: true,
    values: points.map(total),
  }];
}

/** Anomalies the live verification found, by the second it found them: only when some were. */
function foundSeries(points: VariantReport["timeline"], lang: Lang): ChartSeries[] {
  if (!points.some((p) => (p.found ?? 0) > 0)) return [];
  return [{
    label: t(lang, "chart.foundPerSecond"),
    color: ANOMALY_COLOR,
    width: 1.5,
    dash: [2, 3],
    values: points.map((p) => p.found ?? 0),
  }];
}

/**
 * Every variant on shared axes, as OpenMessaging Benchmark draws them: the p99 of the events
 * intended each second (`metric: "p99"`, log scale) or the acknowledgements per second
 * (`metric: "acked"`), one line per variant in its colour; warm-up, drain and the first
 * variant's faults shaded (variants run the same fault timeline).
 */
export function variantsTimelineChart(
  id: string,
  metric: "p99" | "acked",
  variants: readonly VariantReport[],
  lang: Lang,
  load?: { warmupMs: number; durationMs: number },
): ChartSpec {
  const { x, seconds, valuesOf } = sharedSeconds(variants.map((v) => v.timeline), metric);
  return {
    id,
    title: t(lang, metric === "p99" ? "chart.variantsP99" : "chart.variantsAcked"),
    xKind: "seconds",
    xLabel: t(lang, "chart.seconds"),
    yLabel: t(lang, metric === "p99" ? "chart.latencyMs" : "chart.perSecond"),
    yLog: metric === "p99",
    x,
    series: variants.map((v, i) => ({
      label: v.name,
      color: variantColor(i),
      width: 2,
      values: valuesOf(i),
    })),
    bands: variants.length ? timelineBands(variants[0], load, seconds * 1000, lang) : [],
  };
}

/**
 * Baseline (dashed) and current (solid) of each variant on shared axes, per second: the
 * p99 of the events intended each second, or the acknowledgements per second. Faults are
 * not shaded: the two runs may not have had them at the same instants.
 */
export function comparisonTimelineChart(
  id: string,
  metric: "p99" | "acked",
  variants: readonly { name: string; baseline: TimelinePoint[]; current: TimelinePoint[] }[],
  lang: Lang,
): ChartSpec {
  const timelines = variants.flatMap((v) => [v.baseline, v.current]);
  const { x, valuesOf } = sharedSeconds(timelines, metric);
  return {
    id,
    title: t(lang, metric === "p99" ? "comparison.timelineP99" : "comparison.timelineAcked"),
    xKind: "seconds",
    xLabel: t(lang, "chart.seconds"),
    yLabel: t(lang, metric === "p99" ? "chart.latencyMs" : "chart.perSecond"),
    yLog: metric === "p99",
    x,
    series: variants.flatMap((v, i) => [
      {
        label: t(lang, "comparison.seriesBaseline", { variant: v.name }),
        color: variantColor(i),
        width: 2,
        dash: [8, 6],
        values: valuesOf(2 * i),
      },
      {
        label: t(lang, "comparison.seriesCurrent", { variant: v.name }),
        color: variantColor(i),
        width: 2,
        values: valuesOf(2 * i + 1),
      },
    ]),
    bands: [],
  };
}

/** Several timelines on one axis of whole seconds (the longest), and each one's values on it. */
function sharedSeconds(timelines: readonly TimelinePoint[][], metric: "p99" | "acked") {
  const axes = timelines.map((timeline) => timelineAxis(timeline));
  const seconds = Math.max(
    0,
    ...axes.map((a) => a.points.length ? a.points[a.points.length - 1].t + 1 : 0),
  );
  const x = Array.from({ length: seconds }, (_, t) => t + 0.5);
  // Each timeline's points by second, so every x is one lookup.
  const bySecond = axes.map((a) => new Map(a.points.map((p) => [p.t, p])));
  const valueAt = (i: number, t: number): number | null => {
    const p = bySecond[i].get(t);
    if (!p) return null;
    return metric === "p99" ? positive(p.intended?.p99 ?? null) : p.acked;
  };
  return { x, seconds, valuesOf: (i: number) => x.map((_, t) => valueAt(i, t)) };
}

/** The data block of a page. */
export function chartData(lang: Lang, charts: ChartSpec[]): ChartData {
  return { locale: LOCALES[lang], charts };
}
