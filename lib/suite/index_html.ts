/**
 * `index.html` of a suite run: one self-contained page (no script, no network)
 * with one row per scenario — outcome, each variant's verdicts, duration,
 * links to the run's reports and to the baseline comparison. With `--repeat`,
 * one row per run, after a "Stability over N runs" section: each
 * expectation's runs held, observed minimum, median and maximum against its
 * threshold, and verdict.
 *
 * @example
 * ```ts
 * import type { SuiteResult } from "./types.ts";
 * import { join } from "node:path";
 * declare const suiteDir: string, result: SuiteResult;
 * import { renderSuiteIndex } from "./index_html.ts";
 * await Deno.writeTextFile(join(suiteDir, "index.html"), renderSuiteIndex(result));
 * ```
 * @module
 */
import { escapeHtml as esc } from "../report/escape.ts";
import { format } from "../report/i18n.ts";
import { OBSERVED_WORDS_EN, observedText } from "../report/metrics.ts";
import { REPORT_CSS } from "../report/page.ts";
import { redact } from "../report/redact.ts";
import type { VariantReport } from "../report/types.ts";
import { regressionLines } from "./regressions.ts";
import {
  isFigureColumn,
  MARGIN_FACTOR,
  marginText,
  scenarioMessage,
  type ScenarioStability,
  spreadValue,
  STABILITY_COLUMNS,
  type StabilityVerdict,
  suiteStability,
  thresholdText,
} from "./stability.ts";
import { runFile } from "./suite_json.ts";
import {
  type EntryOutcome,
  entryRegressed,
  type SuiteEntry,
  suiteOutcome,
  type SuiteResult,
} from "./types.ts";

const en = format("en");

/** Nothing may be fetched or run: the page is static HTML with inline styles. */
export const INDEX_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

const SUITE_CSS = `
table.suite { width: 100%; }
table.suite td { padding: 10px 14px; }
td.scenario { max-width: 26em; }
td.expectations { min-width: 30em; }
.outcome.not-run { background: var(--panel); color: var(--muted); }
.outcome.small { font-size: 1rem; margin: 0; padding: 2px 10px; white-space: nowrap; }
td .badge { min-width: 0; font-size: 0.8rem; padding: 1px 8px; margin-left: 6px; white-space: nowrap;
  vertical-align: 1px; }
td.baseline .badge { margin-left: 0; }
.variant { margin: 0 0 10px; }
.variant:last-child { margin-bottom: 0; }
.variant ul { margin: 4px 0 0; padding-left: 1.2em; list-style: none; }
.variant li { font-size: 0.95rem; }
.variant li.fail { color: var(--fail); font-weight: 600; }
.mark { display: inline-block; width: 1.2em; margin-left: -1.2em; }
.error { color: var(--fail); white-space: pre-wrap; }
.suite-error { margin: 0 0 12px; font-weight: 600; }
.links a { display: block; white-space: nowrap; }
.regressions { margin: 4px 0 0; padding-left: 1.2em; color: var(--fail); font-size: 0.95rem; }
table.stability td, table.stability th { padding: 6px 12px; }
table.stability td.first { border-top: 2px solid var(--line); }
.badge.thin { background: var(--unknown-bg); color: var(--unknown); }
table.stability code, table.stability td.nowrap { white-space: nowrap; }
.stability-scenarios { margin: 8px 0 24px; padding-left: 1.2em; }
.stability-scenarios .badge { min-width: 0; font-size: 0.8rem; padding: 1px 8px; margin-right: 4px; }
`;

const VERDICT_BADGE: Record<StabilityVerdict, string> = {
  stable: "pass",
  thin: "thin",
  flaky: "fail",
  failing: "fail",
};

const OUTCOME_TEXT: Record<EntryOutcome, string> = {
  passed: "passed",
  failed: "failed",
  inconclusive: "inconclusive",
  error: "error",
  interrupted: "interrupted",
  "not-run": "not run",
};

/** A relative link to a file of the suite folder, each path segment URL-encoded. */
function href(path: string): string {
  return esc(path.split("/").map(encodeURIComponent).join("/"));
}

function variantCell(v: VariantReport): string {
  const passed = v.expectations.every((e) => e.passed);
  const badge = v.expectations.length === 0
    ? `<span class="help">no expectations</span>`
    : `<span class="badge ${passed ? "pass" : "fail"}">${passed ? "PASS" : "FAIL"}</span>`;
  const items = v.expectations.map((e) => {
    const observed = e.observed === null && !e.unbounded
      ? "not measured"
      : `observed ${observedText(en, e, OBSERVED_WORDS_EN)}`;
    return `<li class="${e.passed ? "pass" : "fail"}"><span class="mark">${
      e.passed ? "✓" : "✗"
    }</span><code>${esc(e.text)}</code> — ${esc(observed)}</li>`;
  }).join("");
  return `<div class="variant"><b>${esc(v.name)}</b> ${badge}${
    items === "" ? "" : `<ul>${items}</ul>`
  }</div>`;
}

function verdictsCell(entry: SuiteEntry): string {
  const parts: string[] = [];
  if (entry.report !== null) parts.push(...entry.report.variants.map(variantCell));
  const errors = [...(entry.error === null ? [] : [entry.error]), ...(entry.report?.errors ?? [])];
  for (const error of errors) parts.push(`<div class="error">${esc(error)}</div>`);
  if (parts.length === 0) {
    parts.push(`<span class="help">${entry.outcome === "not-run" ? "not run" : "—"}</span>`);
  }
  return parts.join("\n");
}

function linksCell(entry: SuiteEntry): string {
  const links = ["report.html", "report.json", "summary.md"].flatMap((file) => {
    const path = runFile(entry, file);
    return entry.report === null || path === null ? [] : [`<a href="${href(path)}">${file}</a>`];
  });
  return links.length === 0 ? "—" : `<span class="links">${links.join("")}</span>`;
}

function baselineCell(entry: SuiteEntry): string {
  const baseline = entry.baseline;
  if (baseline === null) return `<span class="help">no baseline</span>`;
  const c = baseline.comparison;
  if (c === null) return `<span class="help">${esc(baseline.note ?? "not compared")}</span>`;
  const path = runFile(entry, "comparison.html");
  const link = path === null ? "" : ` <a href="${href(path)}">comparison</a>`;
  if (!entryRegressed(entry)) {
    return `<span class="badge pass">NO REGRESSION</span>${link}`;
  }
  const lines = regressionLines(c).map((line) => `<li>${esc(line)}</li>`).join("");
  return `<span class="badge fail">REGRESSED</span>${link}<ul class="regressions">${lines}</ul>`;
}

function summaryOf(description: string): string {
  return description.trim().split("\n")[0] ?? "";
}

function verdictBadge(verdict: StabilityVerdict): string {
  return `<span class="badge ${VERDICT_BADGE[verdict]}">${verdict.toUpperCase()}</span>`;
}

/** The "Stability over N runs" section of a repeated suite. */
export function stabilityHtml(stability: readonly ScenarioStability[], repeat: number): string {
  const rows = stability.flatMap((s) =>
    s.expectations.map((e, i) => {
      const margin = e.verdict === "thin" ? marginText(e) : null;
      const classes = (cls: string) => [cls, i === 0 ? "first" : ""].filter((c) => c !== "");
      const td = (cls: string, body: string) =>
        classes(cls).length === 0
          ? `<td>${body}</td>`
          : `<td class="${classes(cls).join(" ")}">${body}</td>`;
      const id = i === 0 ? ` id="${esc(`stability-${s.scenario}`)}"` : "";
      return `<tr${id}>${
        [
          td("", i === 0 ? `<b>${esc(s.scenario)}</b>` : ""),
          td("", esc(e.variant)),
          td("", `<code>${esc(e.text)}</code>`),
          td("num", `${e.held} / ${e.runs}`),
          td("num", esc(spreadValue(e, "min"))),
          td("num", esc(spreadValue(e, "median"))),
          td("num", esc(spreadValue(e, "max"))),
          td("nowrap", esc(thresholdText(e))),
          td(
            "",
            verdictBadge(e.verdict) +
              (margin === null ? "" : `<div class="help">${esc(margin)}</div>`),
          ),
        ].join("")
      }</tr>`;
    })
  ).join("\n");
  const heads = STABILITY_COLUMNS.map((column) =>
    `<th${isFigureColumn(column) ? ' class="num"' : ""}>${column[0].toUpperCase()}${
      column.slice(1)
    }</th>`
  ).join("");
  const scenarios = stability.map((s) =>
    `<li>${s.verdict === null ? "" : `${verdictBadge(s.verdict)} `}<b>${esc(s.scenario)}</b>: ${
      esc(scenarioMessage(s))
    }</li>`
  ).join("");
  return `<section id="stability">
<h2>Stability over ${repeat} runs</h2>
<p class="help">Stable: held in every run, the median at least ${MARGIN_FACTOR}× the run-to-run
spread (max − min) from the threshold (for == and !=: never varied). Thin: held in every run, closer
than that. Flaky: held in some runs only. Failing: held in none. A run that errored or was
inconclusive counts as one in which nothing held; ∞: beyond every bound (never acknowledged).</p>
${
    rows === "" ? "" : `<div class="scroll">
<table class="stability">
<thead><tr>${heads}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
`
  }<ul class="stability-scenarios">${scenarios}</ul>
</section>
`;
}

function row(entry: SuiteEntry, withBaseline: boolean): string {
  const description = entry.report === null ? "" : summaryOf(entry.report.scenario.description);
  const run = entry.round === undefined ? "" : `<div>run ${entry.round}</div>`;
  const cells = [
    `<td class="scenario"><b>${esc(entry.scenario)}</b>${run}<div class="help">${
      esc(description)
    }</div></td>`,
    `<td><span class="outcome small ${entry.outcome}">${OUTCOME_TEXT[entry.outcome]}</span></td>`,
    `<td class="expectations">${verdictsCell(entry)}</td>`,
    `<td class="num">${entry.outcome === "not-run" ? "—" : en.seconds(entry.durationMs)}</td>`,
    `<td>${linksCell(entry)}</td>`,
    ...(withBaseline ? [`<td class="baseline">${baselineCell(entry)}</td>`] : []),
  ];
  const id = `scenario-${entry.scenario}${entry.round === undefined ? "" : `-run-${entry.round}`}`;
  return `<tr id="${esc(id)}">\n${cells.join("\n")}\n</tr>`;
}

/** Tolerances as `p50 +10%, p99 +10%, throughput -5%`. */
export function toleranceText(tolerances: SuiteResult["tolerances"]): string {
  return Object.entries(tolerances)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${k === "throughput" ? "-" : "+"}${en.percent(v! * 100)}`)
    .join(", ");
}

/** Counts of entries per outcome, e.g. `5 passed, 1 failed`. */
export function outcomeCounts(entries: readonly SuiteEntry[]): string {
  const counts = new Map<EntryOutcome, number>();
  for (const e of entries) counts.set(e.outcome, (counts.get(e.outcome) ?? 0) + 1);
  return [...counts].map(([outcome, n]) => `${n} ${OUTCOME_TEXT[outcome]}`).join(", ");
}

/** Render the suite's index page (secrets redacted). */
export function renderSuiteIndex(result: SuiteResult): string {
  const safe = redact(result);
  const outcome = suiteOutcome(safe);
  const withBaseline = safe.baselineDir !== null;
  const repeated = safe.repeat > 1;
  const regressed = safe.entries.filter(entryRegressed).length;
  const elapsed = Date.parse(safe.finishedAt) - Date.parse(safe.startedAt);
  const meta = [
    `Profile <b>${esc(safe.profile)}</b>`,
    `Started <b>${esc(en.date(safe.startedAt))}</b>`,
    ...(Number.isFinite(elapsed) ? [`Took <b>${esc(en.seconds(elapsed))}</b>`] : []),
    repeated
      ? `Scenarios <b>${
        new Set(safe.entries.map((e) => e.scenario)).size
      }</b> × <b>${safe.repeat}</b> runs: ${esc(outcomeCounts(safe.entries))}`
      : `Scenarios <b>${safe.entries.length}</b>: ${esc(outcomeCounts(safe.entries))}`,
    ...(withBaseline
      ? [
        `Baseline <code>${esc(safe.baselineDir!)}</code> (tolerances ${
          esc(toleranceText(safe.tolerances))
        }; ${regressed} regressed)`,
      ]
      : []),
  ];
  const suiteErrors = safe.errors.map((e) => `<div class="error suite-error">${esc(e)}</div>\n`)
    .join("");
  const head = ["Scenario", "Outcome", "Variants and expectations", "Duration", "Reports"]
    .map((h) => `<th${h === "Duration" ? ' class="num"' : ""}>${h}</th>`)
    .concat(withBaseline ? ["<th>Baseline</th>"] : [])
    .join("");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${INDEX_CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sismo suite — ${outcome}</title>
<style>${REPORT_CSS}${SUITE_CSS}</style>
</head>
<body>
<main>
<h1>sismo regression suite <span class="outcome ${outcome}">${outcome}</span></h1>
<div class="meta">${meta.map((m) => `<span>${m}</span>`).join("")}</div>
${suiteErrors}${
    repeated ? stabilityHtml(suiteStability(safe.entries), safe.repeat) + "<h2>Runs</h2>\n" : ""
  }<div class="scroll">
<table class="suite">
<thead><tr>${head}</tr></thead>
<tbody>
${safe.entries.map((e) => row(e, withBaseline)).join("\n")}
</tbody>
</table>
</div>
<footer>Each scenario's own report has the charts, fault phases and counts. Exit code of the suite:
0 when every expectation held and nothing regressed, 1 otherwise, 130 when interrupted.</footer>
</main>
</body>
</html>
`;
}
