/**
 * The shell of every HTML report: one self-contained document with the
 * stylesheet, uPlot, the chart data and the chart script inlined, and a
 * Content-Security-Policy that forbids any network access, so the file opens
 * by double-click, offline, and shows the same thing everywhere.
 *
 * @module
 */
import { chartAssets } from "./assets.ts";
import { chartData, type ChartSpec } from "./charts.ts";
import { escapeHtml, jsonForScript } from "./escape.ts";
import type { Lang } from "./i18n.ts";

/** Nothing may be fetched: styles and scripts are inline, images only as data URLs. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/** Styles of the report: large type and strong contrast, for projectors. */
export const REPORT_CSS = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d0d7de; --bg: #ffffff; --panel: #f6f8fa;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --warn-bg: #fff8c5;
  --unknown: #9a6700; --unknown-bg: #fff8c5; }
* { box-sizing: border-box; }
body { margin: 0; font: 18px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
main { max-width: 1400px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 2.2rem; margin: 0 0 8px; line-height: 1.2; }
h2 { font-size: 1.6rem; margin: 48px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.25rem; margin: 24px 0 8px; }
p.description { font-size: 1.2rem; max-width: 70em; }
.meta { color: var(--muted); display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 8px 0 16px; }
.meta b { color: var(--fg); font-weight: 600; }
.outcome { display: inline-block; padding: 4px 16px; border-radius: 8px; font-weight: 700;
  font-size: 1.4rem; vertical-align: middle; margin-left: 12px; }
.outcome.passed, .badge.pass { background: var(--pass-bg); color: var(--pass); }
.outcome.failed, .outcome.error, .outcome.interrupted, .badge.fail { background: var(--fail-bg); color: var(--fail); }
.outcome.inconclusive, .badge.inconclusive { background: var(--unknown-bg); color: var(--unknown); }
.badge.neutral { background: var(--panel); color: var(--muted); }
.verdicts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(520px, 100%), 1fr)); gap: 20px; }
.verdicts.single { grid-template-columns: minmax(0, 1100px); }
.verdict { border: 2px solid var(--line); border-radius: 12px; padding: 12px 20px 16px; }
.verdict.pass { border-color: var(--pass); }
.verdict.fail { border-color: var(--fail); }
.verdict.inconclusive { border-color: var(--unknown); border-style: dashed; }
.verdict.neutral { border-color: var(--line); }
.verdict .shown { color: var(--muted); font-size: 0.9rem; font-weight: 400; display: block; }
.verdict h3 { margin: 4px 0 4px; font-size: 1.6rem; display: flex; justify-content: space-between; align-items: center; }
.verdict p { margin: 0 0 8px; color: var(--muted); }
.verdict table { font-size: 1.3rem; width: 100%; }
.verdict td.expectation { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-weight: 600; }
.verdict code.written { display: block; color: var(--muted); font-size: 0.8em; font-weight: 400; }
.badge { display: inline-block; min-width: 5.5em; text-align: center; padding: 2px 12px;
  border-radius: 6px; font-weight: 800; letter-spacing: 0.03em; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { padding: 6px 14px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.bad { color: var(--fail); font-weight: 700; }
tr.differs td, tr.differs th { background: var(--warn-bg); }
tr.differs th::after { content: " ●"; color: #9a6700; }
tr.group th { background: #eaeef2; font-size: 1.05rem; }
.help { color: var(--muted); font-size: 0.95rem; max-width: 70em; }
.chart { width: 100%; min-height: 360px; margin: 8px 0 24px; }
.chart-title { font-weight: 600; margin: 16px 0 0; }
.timelines { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(560px, 100%), 1fr)); gap: 8px 28px; }
.u-legend { font-size: 15px; }
.band-legend { list-style: none; padding: 0; margin: 0 0 24px; display: flex; flex-wrap: wrap;
  gap: 4px 24px; font-size: 0.95rem; }
.band-legend .swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px;
  margin-right: 6px; vertical-align: -2px; }
details { margin: 12px 0; border: 1px solid var(--line); border-radius: 8px; padding: 8px 16px; }
summary { cursor: pointer; font-weight: 600; }
pre { font: 14px/1.45 ui-monospace, "SFMono-Regular", Menlo, monospace; overflow: auto;
  background: var(--panel); padding: 12px; border-radius: 6px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; }
.scroll { overflow-x: auto; }
footer { margin-top: 48px; color: var(--muted); font-size: 0.9rem; }
td, th, p, li, h1, h3 { overflow-wrap: anywhere; }
/* Phones: smaller type and padding; wide tables scroll inside their own box. */
@media (max-width: 600px) {
  body { font-size: 15px; }
  main { padding: 12px 10px 40px; }
  h1 { font-size: 1.6rem; }
  .verdict { padding: 8px 10px 10px; }
  .verdict h3 { font-size: 1.25rem; }
  .verdict table { font-size: 1.05rem; }
  th, td { padding: 4px 6px; }
  .outcome { font-size: 1.1rem; margin-left: 6px; }
  .badge { min-width: 0; padding: 2px 6px; }
  main > section > table, main > table { display: block; overflow-x: auto; }
}
/* Print: nothing scrolls, every column stays on the page. */
@media print {
  .chart { break-inside: avoid; } h2 { break-after: avoid; }
  main { padding: 0; max-width: none; }
  .scroll { overflow: visible; }
  table { font-size: 0.8rem; }
  th, td { padding: 3px 6px; }
  td.num, th.num { white-space: normal; }
  pre { white-space: pre-wrap; overflow: visible; }
}
`;

/** A whole HTML document around `body`, with `charts` drawn into their elements. */
export function htmlPage(opts: {
  lang: Lang;
  title: string;
  body: string;
  charts: ChartSpec[];
}): string {
  const assets = chartAssets();
  return `<!DOCTYPE html>
<html lang="${opts.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<style>${assets.uplotCss}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${opts.body}
</main>
<script type="application/json" id="sismo-charts">${
    jsonForScript(chartData(opts.lang, opts.charts))
  }</script>
<script>${inlineScript(assets.uplotJs)}</script>
<script>${inlineScript(assets.chartsJs)}</script>
</body>
</html>
`;
}

/** A script body that cannot close its `<script>` element early. */
function inlineScript(code: string): string {
  return code.replace(/<\/script/gi, "<\\/script").replace(/<!--/g, "<\\!--");
}
