/**
 * The comparison of two runs as Markdown (CI summaries, PR comments) and as a
 * self-contained HTML page with both percentile curves overlaid.
 *
 * @example
 * ```ts
 * import type { Comparison } from "./compare.ts";
 * declare const comparison: Comparison;
 * import { renderComparisonHtml, renderComparisonMarkdown } from "./compare_render.ts";
 * await Deno.writeTextFile("comparison.md", renderComparisonMarkdown(comparison));
 * await Deno.writeTextFile("comparison.html", renderComparisonHtml(comparison, { lang: "en" }));
 * ```
 * @module
 */
import { comparisonTimelineChart, percentileChart, variantColor } from "./charts.ts";
import type { Comparison, MetricComparison } from "./compare.ts";
import { escapeHtml as esc, escapeMarkdownCell as cell, markdownCode } from "./escape.ts";
import { format, type Formatter, type Lang, type MessageKey, t } from "./i18n.ts";
import { markdownTable } from "./markdown.ts";
import { formatMetric, latencyLabel } from "./metrics.ts";
import { htmlPage } from "./page.ts";
import { redact } from "./redact.ts";

function metricLabel(lang: Lang, m: MetricComparison): string {
  if (m.kind === "throughput") return t(lang, "throughput.acked");
  if (m.kind === "latency") return latencyLabel(m.metric);
  return t(lang, m.metric as MessageKey);
}

function metricValue(f: Formatter, m: MetricComparison, value: number | null): string {
  return formatMetric(f, m.kind === "throughput" ? "throughput" : m.metric, value);
}

function toleranceText(lang: Lang, f: Formatter, m: MetricComparison): string {
  if (m.guarded) return t(lang, "comparison.anyIncrease");
  if (m.tolerance === null) return t(lang, "comparison.informational");
  return `${m.kind === "throughput" ? "-" : "+"}${f.percent(m.tolerance * 100)}`;
}

function changeText(f: Formatter, m: MetricComparison): string {
  if (m.change !== null) return f.change(m.change);
  if (m.baseline !== null && m.current !== null) {
    const diff = m.current - m.baseline;
    return diff === 0 ? "=" : `${diff > 0 ? "+" : "−"}${metricValue(f, m, Math.abs(diff))}`;
  }
  return "—";
}

function statusText(lang: Lang, m: MetricComparison): string {
  if (m.regressed) return t(lang, "comparison.regressed");
  return m.tolerance === null && !m.guarded ? "" : t(lang, "comparison.ok");
}

/** Render a comparison as Markdown (secrets redacted). */
export function renderComparisonMarkdown(
  comparison: Comparison,
  opts: { lang?: Lang } = {},
): string {
  const c = redact(comparison);
  const lang = opts.lang ?? "en";
  const f = format(lang);
  const out: string[] = [];
  out.push(
    `# ${c.regressed ? "❌" : "✅"} ${t(lang, "comparison.title")}: ${c.current.scenario} — ${
      t(lang, c.regressed ? "comparison.verdictRegressed" : "comparison.verdictOk")
    }`,
    "",
    `- ${t(lang, "comparison.baseline")}: ${markdownCode(c.baseline.runId)} · ${
      f.date(c.baseline.startedAt)
    } · ${t(lang, `outcome.${c.baseline.outcome}` as MessageKey)}`,
    `- ${t(lang, "comparison.current")}: ${markdownCode(c.current.runId)} · ${
      f.date(c.current.startedAt)
    } · ${t(lang, `outcome.${c.current.outcome}` as MessageKey)}`,
    "",
  );
  if (c.onlyInBaseline.length > 0) {
    out.push(
      `**${t(lang, "comparison.regressed")}**: ${
        cell(t(lang, "comparison.onlyInBaseline", { list: c.onlyInBaseline.join(", ") }))
      }`,
      "",
    );
  }
  if (c.onlyInCurrent.length > 0) {
    out.push(cell(t(lang, "comparison.onlyInCurrent", { list: c.onlyInCurrent.join(", ") })), "");
  }
  if (c.differences.length > 0) {
    out.push(`**⚠️ ${t(lang, "comparison.differences")}**`, "");
    for (const d of c.differences) out.push(`- ${markdownCode(d)}`);
    out.push("");
  }
  for (const w of c.warnings) out.push(`⚠️ ${cell(w)}`, "");
  for (const v of c.variants) {
    out.push(`## ${v.regressed ? "❌" : "✅"} ${v.name}`, "");
    out.push(
      markdownTable(
        [
          t(lang, "comparison.metric"),
          t(lang, "comparison.baseline"),
          t(lang, "comparison.current"),
          t(lang, "comparison.change"),
          t(lang, "comparison.tolerance"),
          t(lang, "comparison.status"),
        ],
        v.metrics.map((m) => [
          cell(metricLabel(lang, m)),
          metricValue(f, m, m.baseline),
          metricValue(f, m, m.current),
          changeText(f, m),
          toleranceText(lang, f, m),
          m.regressed ? `**${statusText(lang, m)}**` : statusText(lang, m),
        ]),
        ["l", "r", "r", "r", "r", "c"],
      ),
      "",
    );
  }
  return out.join("\n");
}

/** Render a comparison as one self-contained HTML page (secrets redacted). */
export function renderComparisonHtml(comparison: Comparison, opts: { lang: Lang }): string {
  const c = redact(comparison);
  const lang = opts.lang;
  const f = format(lang);
  const chart = percentileChart(
    "chart-comparison",
    t(lang, "comparison.curves"),
    c.variants.flatMap((v, i) => [
      {
        label: t(lang, "comparison.seriesBaseline", { variant: v.name }),
        color: variantColor(i),
        dash: [8, 6],
        curve: v.curves.baseline,
      },
      {
        label: t(lang, "comparison.seriesCurrent", { variant: v.name }),
        color: variantColor(i),
        curve: v.curves.current,
      },
    ]),
    lang,
  );
  const overlays = (["p99", "acked"] as const).map((metric) =>
    comparisonTimelineChart(
      `chart-comparison-${metric}`,
      metric,
      c.variants.map((v) => ({ name: v.name, ...v.timelines })),
      lang,
    )
  );
  const verdict = c.regressed ? "comparison.verdictRegressed" : "comparison.verdictOk";
  const runLine = (key: MessageKey, run: Comparison["baseline"]) =>
    `<span>${esc(t(lang, key))}: <b>${esc(run.runId)}</b> · ${esc(f.date(run.startedAt))} · ${
      esc(t(lang, `outcome.${run.outcome}` as MessageKey))
    }</span>`;
  const notes = [
    c.onlyInBaseline.length > 0
      ? `<div class="verdict fail"><p>${
        esc(t(lang, "comparison.onlyInBaseline", { list: c.onlyInBaseline.join(", ") }))
      }</p></div>`
      : "",
    c.onlyInCurrent.length > 0
      ? `<p class="help">${
        esc(t(lang, "comparison.onlyInCurrent", { list: c.onlyInCurrent.join(", ") }))
      }</p>`
      : "",
    c.differences.length > 0
      ? `<div class="verdict fail"><h3>${esc(t(lang, "comparison.differences"))}</h3><ul>${
        c.differences.map((d) => `<li><code>${esc(d)}</code></li>`).join("")
      }</ul></div>`
      : "",
    ...c.warnings.map((w) => `<p class="help">⚠️ ${esc(w)}</p>`),
  ].join("");
  const tables = c.variants.map((v) => {
    const rows = v.metrics.map((m) =>
      `<tr><th>${esc(metricLabel(lang, m))}</th><td class="num">${
        esc(metricValue(f, m, m.baseline))
      }</td><td class="num${m.regressed ? " bad" : ""}">${
        esc(metricValue(f, m, m.current))
      }</td><td class="num${m.regressed ? " bad" : ""}">${
        esc(changeText(f, m))
      }</td><td class="num">${esc(toleranceText(lang, f, m))}</td><td>${
        m.regressed
          ? `<span class="badge fail">${esc(statusText(lang, m))}</span>`
          : statusText(lang, m) === ""
          ? ""
          : `<span class="badge pass">${esc(statusText(lang, m))}</span>`
      }</td></tr>`
    ).join("\n");
    const heads = (
      [
        "comparison.metric",
        "comparison.baseline",
        "comparison.current",
        "comparison.change",
        "comparison.tolerance",
        "comparison.status",
      ] as const
    ).map((key, i) => `<th${i >= 1 && i <= 4 ? ' class="num"' : ""}>${esc(t(lang, key))}</th>`)
      .join("");
    return `<div class="verdict ${v.regressed ? "fail" : "pass"}"><h3><span>${
      esc(v.name)
    }</span><span class="badge ${v.regressed ? "fail" : "pass"}">${
      esc(t(lang, v.regressed ? "comparison.regressed" : "comparison.ok"))
    }</span></h3><div class="scroll"><table><thead><tr>${heads}</tr></thead><tbody>\n${rows}\n</tbody></table></div></div>`;
  }).join("\n");
  const body = `<header>
<h1>${esc(c.current.scenario)}<span class="outcome ${c.regressed ? "failed" : "passed"}">${
    esc(t(lang, verdict))
  }</span></h1>
<div class="meta">${runLine("comparison.baseline", c.baseline)}${
    runLine("comparison.current", c.current)
  }</div>
${notes}
</header>
<section id="comparison-chart"><h2>${esc(t(lang, "section.percentiles"))}</h2>
<p class="chart-title">${esc(chart.title)}</p>
<div class="chart" id="chart-comparison" role="img" aria-label="${esc(chart.title)}"></div>
</section>
<section id="comparison-timelines"><h2>${esc(t(lang, "section.overTime"))}</h2>
${
    overlays.map((o) =>
      `<p class="chart-title">${
        esc(o.title)
      }</p>\n<div class="chart" id="${o.id}" role="img" aria-label="${esc(o.title)}"></div>`
    ).join("\n")
  }
</section>
<section id="comparison-variants"><h2>${esc(t(lang, "section.sideBySide"))}</h2>
<div class="verdicts single">${tables}</div>
</section>`;
  return htmlPage({
    lang,
    title: `${c.current.scenario} — ${t(lang, "comparison.title")}`,
    body,
    charts: [chart, ...overlays],
  });
}
