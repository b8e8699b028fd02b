/**
 * The HTML report of one run: a single self-contained file that opens by
 * double-click, offline, with charts drawn by uPlot (inlined). Written for a
 * projector: the verdict first and large, then the evidence.
 *
 * @example
 * ```ts
 * import type { RunReport } from "./types.ts";
 * declare const report: RunReport;
 * import { renderHtml } from "./html.ts";
 * await Deno.writeTextFile("report.html", renderHtml(report, { lang: "fr" }));
 * ```
 * @module
 */
import { stringify } from "yaml";
import { createSchedule } from "../load/schedule.ts";
import {
  type ChartBand,
  latencyTimelineChart,
  runPercentileChart,
  throughputTimelineChart,
  variantColor,
  variantsTimelineChart,
} from "./charts.ts";
import { consumerGroupHtml } from "./consumer_html.ts";
import { errorPhrase, inconclusivePhrases, sampleFacts } from "./english_texts.ts";
import { escapeHtml as esc } from "./escape.ts";
import { faultLabelHtml } from "./fault_label.ts";
import { descriptionHtml, scenarioDescriptions, verdictCards } from "./html_verdict.ts";
import { format, type Formatter, type Lang, type MessageKey, t } from "./i18n.ts";
import { beyondBoundMs, latencyLabel } from "./metrics.ts";
import { htmlPage } from "./page.ts";
import { faultPhases } from "./phases.ts";
import { inLang, listText, messageHtml, phraseHtml, phrasesHtml, quoted } from "./phrase.ts";
import { redact } from "./redact.ts";
import type {
  FaultWindow,
  PhaseFigures,
  ReportedError,
  RunReport,
  VariantReport,
  VerificationCounts,
  WorkerInfo,
} from "./types.ts";

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  lang: Lang;
}

/** Verification classes in the order reports show them; the bad ones are marked. */
export const VERIFICATION_ROWS: { key: keyof VerificationCounts; bad: boolean }[] = [
  { key: "ok", bad: false },
  { key: "lost", bad: true },
  { key: "duplicated", bad: true },
  { key: "phantom", bad: true },
  { key: "failedAbsent", bad: false },
  { key: "reordered", bad: true },
  { key: "foreign", bad: false },
  { key: "unverified", bad: true },
];

/** Latency percentiles shown for each variant, as `LatencySummary` fields. */
export const LATENCY_ROWS = ["p50", "p90", "p99", "p999", "p9999", "max"] as const;
type LatencyRow = (typeof LATENCY_ROWS)[number];

/**
 * Render a run report as one self-contained HTML document. Secrets are
 * redacted first, whatever the caller did.
 */
export function renderHtml(report: RunReport, opts: HtmlOptions): string {
  const safe = redact(report);
  const lang = opts.lang;
  const f = format(lang);
  const charts = [runPercentileChart("chart-percentiles", safe.variants, lang)];
  const shared = safe.variants.length > 1
    ? [
      variantsTimelineChart(
        "chart-variants-p99",
        "p99",
        safe.variants,
        lang,
        safe.scenario.resolved.load,
      ),
      variantsTimelineChart(
        "chart-variants-acked",
        "acked",
        safe.variants,
        lang,
        safe.scenario.resolved.load,
      ),
    ]
    : [];
  const timelineCharts = safe.variants.map((v, i) => {
    const load = safe.scenario.resolved.load;
    const latency = latencyTimelineChart(`chart-latency-${i}`, v, variantColor(i), lang, load);
    const throughput = throughputTimelineChart(
      `chart-throughput-${i}`,
      v,
      variantColor(i),
      lang,
      load,
    );
    charts.push(latency, throughput);
    return { latency, throughput };
  });
  // Drawn above the per-variant charts, listed after them in the data block.
  charts.push(...shared);
  const body = [
    header(safe, lang, f),
    verdictSection(safe, lang, f),
    sideBySideSection(safe, lang, f),
    section(
      "percentiles",
      t(lang, "section.percentiles"),
      [
        `<p class="help">${esc(t(lang, "percentiles.help"))} ${esc(t(lang, "latency.note"))}</p>`,
        `<div class="chart" id="chart-percentiles" role="img" aria-label="${
          esc(t(lang, "section.percentiles"))
        }"></div>`,
      ].join("\n"),
    ),
    section(
      "over-time",
      t(lang, "section.overTime"),
      `<p class="help">${esc(t(lang, "chart.faultsShaded"))}</p>\n` +
        (shared.length
          ? `<div class="timelines">${
            shared.map((c) => chartBlock(c.id, esc(c.title))).join("")
          }</div>\n`
          : "") +
        timelineCharts.map(({ latency, throughput }, i) => {
          const variant = { variant: quoted(safe.variants[i].name) };
          return `<div class="timelines">${
            chartBlock(latency.id, messageHtml(lang, "chart.latencyOf", variant))
          }${chartBlock(throughput.id, messageHtml(lang, "chart.throughputOf", variant))}</div>${
            bandLegend(latency.bands, lang, f)
          }`;
        }).join("\n"),
    ),
    phasesSection(safe, lang, f),
    anomaliesSection(safe, lang, f),
    consumerSection(safe, lang, f),
    errorsSection(safe, lang, f),
    section(
      "scenario",
      t(lang, "section.scenario"),
      `<details><summary>${
        quoted(safe.scenario.file, "code")
      }</summary><pre lang="en" translate="no">${
        esc(stringify(safe.scenario.resolved, { lineWidth: 0 }))
      }</pre></details>`,
    ),
    environmentSection(safe, lang, f),
    `<footer>${esc(safe.tool.name)} ${esc(safe.tool.version)} · ${esc(t(lang, "meta.run"))} ${
      esc(safe.runId)
    }</footer>`,
  ].join("\n");
  return htmlPage({
    lang,
    title: `${safe.scenario.name} — ${t(lang, "report.title")}`,
    body,
    charts,
  });
}

function section(id: string, title: string, content: string): string {
  return `<section id="${esc(id)}">\n<h2>${esc(title)}</h2>\n${content}\n</section>`;
}

/** The numbered faults of a chart, each in its colour: labels too long for their band are here. */
function bandLegend(bands: readonly ChartBand[], lang: Lang, f: Formatter): string {
  const faults = bands.filter((b) => b.kind === "fault");
  if (faults.length === 0) return "";
  return `<ul class="band-legend">${
    faults.map((b) =>
      `<li><span class="swatch" style="background: rgba(${b.rgb}, 0.35)"></span>${b.number}. ${
        inLang(lang, b.lang ?? lang, esc(b.label))
      } <small>(${esc(f.seconds(b.from * 1000))} → ${esc(f.seconds(b.to * 1000))})</small></li>`
    ).join("")
  }</ul>`;
}

/** A chart under its title (HTML), which also names it for assistive technology. */
function chartBlock(id: string, titleHtml: string): string {
  return `<div><p class="chart-title" id="${esc(id)}-title">${titleHtml}</p>` +
    `<div class="chart" id="${esc(id)}" role="img" aria-labelledby="${esc(id)}-title"></div></div>`;
}

function header(report: RunReport, lang: Lang, f: Formatter): string {
  const outcomeKey = `outcome.${report.outcome}` as MessageKey;
  const inconclusive = (report.inconclusive ?? []).length === 0
    ? ""
    : `<div class="verdict fail"><h3>${esc(t(lang, "inconclusive.title"))}</h3><ul>${
      (report.inconclusive ?? []).map((text) => {
        const { variant, phrases } = inconclusivePhrases(text);
        return `<li>${variant === null ? "" : `[${quoted(variant)}] `}${
          phrasesHtml(lang, phrases)
        }</li>`;
      }).join("")
    }</ul></div>`;
  // Run errors mix sismo's words with messages from Kafka, Toxiproxy and the OS: quoted.
  const errors = report.errors.length === 0
    ? ""
    : `<div class="verdict fail"><h3>${esc(t(lang, "section.errors"))}</h3><ul>${
      report.errors.map((e) => `<li>${quoted(e)}</li>`).join("")
    }</ul></div>`;
  const colon = t(lang, "punct.colon");
  return `<header>
<h1>${quoted(report.scenario.name)}<span class="outcome ${esc(report.outcome)}">${
    esc(t(lang, outcomeKey))
  }</span></h1>
<div class="meta"><span>${esc(t(lang, "meta.started"))}${colon} <b>${
    esc(f.date(report.startedAt))
  }</b></span><span>${esc(t(lang, "meta.run"))}${colon} <b>${esc(report.runId)}</b></span><span>${
    esc(t(lang, "meta.file"))
  }${colon} <b>${quoted(report.scenario.file)}</b></span></div>
${descriptionHtml(lang, scenarioDescriptions(report), "p", "description")}
${inconclusive}${errors}
</header>`;
}

function verdictSection(report: RunReport, lang: Lang, f: Formatter): string {
  return section(
    "verdict",
    t(lang, "section.verdict"),
    `<div class="verdicts">${verdictCards(report, lang, f)}</div>`,
  );
}

/** A table row: label, one HTML cell per variant, and which cells show a problem. */
type Row = { label: string; cells: string[]; bad?: boolean[]; help?: string };

function table(lang: Lang, variants: VariantReport[], groups: { title: string; rows: Row[] }[]) {
  const head = `<thead><tr><th></th>${
    variants.map((v) => `<th class="num" lang="en">${esc(v.name)}</th>`).join("")
  }</tr></thead>`;
  const body = groups.map((g) =>
    `<tr class="group"><th colspan="${variants.length + 1}">${esc(g.title)}</th></tr>\n` +
    g.rows.map((r) =>
      `<tr><th${r.help ? ` title="${esc(r.help)}"` : ""}>${esc(r.label)}</th>${
        r.cells.map((c, i) => `<td class="num${r.bad?.[i] ? " bad" : ""}">${c}</td>`).join("")
      }</tr>`
    ).join("\n")
  ).join("\n");
  void lang;
  return `<div class="scroll"><table>${head}<tbody>\n${body}\n</tbody></table></div>`;
}

function sideBySideSection(report: RunReport, lang: Lang, f: Formatter): string {
  const variants = report.variants;
  const countKeys = ["intended", "sent", "acked", "failed", "notSent"] as const;
  const events: Row[] = countKeys.map((key) => ({
    label: t(lang, key),
    cells: variants.map((v) => esc(f.int(v.counts[key]))),
  }));
  const verification: Row[] = VERIFICATION_ROWS.map(({ key, bad }) => {
    const values = variants.map((v) => v.verification?.counts[key] ?? null);
    return {
      label: t(lang, key),
      help: t(lang, `help.${key}` as MessageKey),
      bad: values.map((n) => bad && n !== null && n > 0),
      cells: variants.map((v, i) => {
        const n = values[i];
        if (n === null) return esc(t(lang, "counts.notVerified"));
        const extra = key === "duplicated" && v.verification && v.verification.counts.duplicates > 0
          ? ` <small>(${
            esc(t(lang, "counts.extraCopies", { n: v.verification.counts.duplicates }))
          })</small>`
          : "";
        return esc(f.int(n)) + extra;
      }),
    };
  });
  // Records found elsewhere than their acknowledgement said: shown when any variant has one.
  if (variants.some((v) => (v.verification?.misplaced ?? 0) > 0)) {
    verification.push({
      label: t(lang, "misplaced"),
      help: t(lang, "help.misplaced"),
      bad: variants.map((v) => (v.verification?.misplaced ?? 0) > 0),
      cells: variants.map((v) =>
        v.verification ? esc(f.int(v.verification.misplaced)) : esc(t(lang, "counts.notVerified"))
      ),
    });
  }
  // The verification that ran alongside the load: shown when any variant had one.
  if (variants.some((v) => v.live)) {
    verification.push({
      label: t(lang, "live"),
      help: t(lang, "help.live"),
      bad: variants.map((v) => v.live?.agrees === false),
      cells: variants.map((v) => {
        if (!v.live) return "–";
        const verdict = t(lang, v.live.agrees === false ? "live.disagrees" : "live.agrees");
        const first = v.live.firstAnomalyMs === null ? "" : ` <small>(${
          esc(
            t(lang, "live.firstAnomaly", { s: f.int(Math.round(v.live.firstAnomalyMs / 1000)) }),
          )
        })</small>`;
        return v.live.agrees === null ? "–" + first : esc(verdict) + first;
      }),
    }, {
      label: t(lang, "live.peak"),
      cells: variants.map((v) => v.live ? esc(f.int(v.live.peakUnresolved)) : "–"),
    });
  }
  if (variants.some((v) => v.stoppedEarly)) {
    events.push({
      label: t(lang, "stoppedEarly"),
      bad: variants.map((v) => v.stoppedEarly !== undefined),
      cells: variants.map((v) => v.stoppedEarly ? quoted(v.stoppedEarly, "code") : "–"),
    });
  }
  const throughput: Row[] = [
    {
      label: t(lang, "throughput.acked"),
      cells: variants.map((v) => esc(f.rate(v.throughput.ackedPerSecond))),
    },
    {
      label: t(lang, "throughput.sent"),
      cells: variants.map((v) => esc(f.rate(v.throughput.sentPerSecond))),
    },
    {
      label: t(lang, "throughput.bytes"),
      cells: variants.map((v) => esc(f.int(v.throughput.bytesPerSecond))),
    },
    {
      label: t(lang, "throughput.drain"),
      cells: variants.map((v) => esc(f.int(v.throughput.drain.acked))),
    },
  ];
  // Wire figures and application resends exist in reports since they were added.
  if (variants.some((v) => v.network)) {
    throughput.push(
      {
        label: t(lang, "network.requests"),
        cells: variants.map((v) => v.network ? esc(f.int(v.network.produceRequests)) : "–"),
      },
      {
        label: t(lang, "network.bytes"),
        cells: variants.map((v) => v.network ? esc(f.int(v.network.requestBytes)) : "–"),
      },
    );
  }
  // A split run: how many workers, and the worst of each, so that a late worker shows.
  if (variants.some((v) => v.workers)) {
    const worst = (v: (typeof variants)[number], of: (w: WorkerInfo) => number) =>
      v.workers ? esc(f.ms(Math.max(...v.workers.map((w) => Math.abs(of(w)))))) : "–";
    throughput.push(
      {
        label: t(lang, "workers.count"),
        cells: variants.map((v) => v.workers ? esc(f.int(v.workers.length)) : "–"),
      },
      {
        label: t(lang, "workers.startLag"),
        cells: variants.map((v) => worst(v, (w) => w.startLagMs)),
      },
      {
        label: t(lang, "workers.clockOffset"),
        cells: variants.map((v) => worst(v, (w) => w.clockOffsetMs)),
      },
      {
        label: t(lang, "workers.scheduleLag"),
        cells: variants.map((v) => worst(v, (w) => w.dispatchLagP99Ms)),
      },
    );
  }
  if (variants.some((v) => v.appResends)) {
    throughput.push({
      label: t(lang, "appResends"),
      cells: variants.map((v) => esc(f.int(v.appResends ?? 0))),
    });
  }
  const latency = (
    which: "fromIntended" | "fromSend" | "scheduleLag",
    keys: readonly LatencyRow[],
  ): Row[] =>
    keys.map((key) => ({
      label: latencyLabel(key),
      cells: variants.map((v) => esc(f.ms(v.latency[which][key]))),
    }));
  const allIntended: Row[] = LATENCY_ROWS.map((key) => ({
    label: latencyLabel(key),
    bad: variants.map((v) =>
      v.latency.allIntended[key] === null && v.latency.allIntended.events > 0
    ),
    cells: variants.map((v) =>
      esc(beyondBoundMs(f, v.latency.allIntended[key], v.latency.allIntended.events))
    ),
  }));
  const counts = table(lang, variants, [
    { title: t(lang, "counts.section"), rows: [...events, ...verification] },
    { title: t(lang, "throughput"), rows: throughput },
    { title: t(lang, "latency.allIntended"), rows: allIntended },
    { title: t(lang, "latency.fromIntended"), rows: latency("fromIntended", LATENCY_ROWS) },
    { title: t(lang, "latency.fromSend"), rows: latency("fromSend", ["p50", "p99", "max"]) },
    { title: t(lang, "latency.scheduleLag"), rows: latency("scheduleLag", ["p50", "p99", "max"]) },
  ]);
  return section(
    "side-by-side",
    t(lang, "section.sideBySide"),
    `${counts}\n<p class="help">${esc(t(lang, "latency.note"))}</p>\n<h3>${
      esc(t(lang, "section.producer"))
    }</h3>\n${producerTable(variants, lang, f)}`,
  );
}

/**
 * Producer settings side by side: Kafka's names and values as written (quoted, they are
 * Kafka's), rows that differ highlighted; then how each client departed from them.
 */
function producerTable(variants: VariantReport[], lang: Lang, f: Formatter): string {
  const code = (text: string) => quoted(text, "code");
  // Each value as text (to tell which rows differ) and as HTML.
  const rows: { labelHtml: string; values: { text: string; html: string }[] }[] = [
    {
      labelHtml: esc(t(lang, "producer.client")),
      values: variants.map((v) => {
        const text = `${v.client.name} ${v.client.version}`;
        return { text, html: code(text) };
      }),
    },
    {
      labelHtml: esc(t(lang, "producer.send")),
      values: variants.map((v) => ({
        text: `${v.send.kind} ${v.send.maxOutstanding}`,
        html: messageHtml(lang, "producer.sendMode", {
          mode: code(v.send.kind),
          max: esc(f.int(v.send.maxOutstanding)),
        }),
      })),
    },
  ];
  const keys: string[] = [];
  for (const v of variants) {
    for (const key of Object.keys(v.producer)) if (!keys.includes(key)) keys.push(key);
  }
  const property = (key: string, valueOf: (v: VariantReport) => string | undefined) =>
    rows.push({
      labelHtml: code(key),
      values: variants.map((v) => {
        const text = valueOf(v) ?? "—";
        return { text, html: text === "—" ? text : code(text) };
      }),
    });
  for (const key of keys) {
    property(key, (v) => {
      const value = (v.producer as unknown as Record<string, unknown>)[key];
      return value === undefined ? undefined : String(value);
    });
  }
  // Properties passed through to the client as written (socket.timeout.ms…).
  for (const key of [...new Set(variants.flatMap((v) => Object.keys(v.properties)))].sort()) {
    property(key, (v) => v.properties[key]);
  }
  const body = rows.map((r) => {
    const differs = new Set(r.values.map((value) => value.text)).size > 1;
    return `<tr${
      differs ? ` class="differs" title="${esc(t(lang, "producer.differs"))}"` : ""
    }><th>${r.labelHtml}</th>${r.values.map((value) => `<td>${value.html}</td>`).join("")}</tr>`;
  }).join("\n");
  const notes = variants.flatMap((v) =>
    (v.notes ?? []).map((note) =>
      `<li><b lang="en">${esc(v.name)}</b>${esc(t(lang, "punct.colon"))} ${
        typeof note === "string" ? quoted(note) : phraseHtml(lang, note)
      }</li>`
    )
  );
  const notesBlock = notes.length === 0
    ? ""
    : `<p class="help">${esc(t(lang, "producer.notes"))}</p><ul class="help">${
      notes.join("")
    }</ul>`;
  return `<div class="scroll"><table><thead><tr><th>${esc(t(lang, "producer.property"))}</th>${
    variants.map((v) => `<th lang="en">${esc(v.name)}</th>`).join("")
  }</tr></thead><tbody>\n${body}\n</tbody></table></div>${notesBlock}`;
}

function phasesSection(report: RunReport, lang: Lang, f: Formatter): string {
  const parts: string[] = [`<p class="help">${esc(t(lang, "phases.help"))}</p>`];
  let any = false;
  for (const variant of report.variants) {
    for (const { fault, phase } of faultPhases(variant)) {
      any = true;
      const planned = t(lang, "phases.planned", {
        at: f.seconds(fault.plannedAtMs),
        length: fault.plannedForMs === null
          ? t(lang, "phases.untilEnd")
          : f.seconds(fault.plannedForMs),
      });
      const actual = fault.startedAtMs === null
        ? t(lang, "phases.neverStarted")
        : t(lang, "phases.actual", {
          from: f.seconds(fault.startedAtMs),
          to: fault.endedAtMs === null ? t(lang, "phases.untilEnd") : f.seconds(fault.endedAtMs),
        });
      const brokers = fault.brokers.length > 0
        ? ` · ${
          t(lang, "phases.brokers", {
            n: fault.brokers.length,
            ids: listText(lang, fault.brokers),
          })
        }`
        : "";
      // Another fault inside the before window: that window is no clean baseline.
      const before = phase.before;
      const overlapping = before === null
        ? []
        : variant.faults.filter((o) =>
          o.id !== fault.id && o.startedAtMs !== null &&
          o.startedAtMs < before.toMs && (o.endedAtMs ?? Infinity) > before.fromMs
        );
      const overlap = overlapping.length === 0
        ? ""
        : `<p class="help">⚠️ ${
          esc(t(lang, "phases.overlap", {
            n: overlapping.length,
            other: listText(lang, overlapping.map((o) => o.id)),
          }))
        }</p>`;
      const error = overlap + faultErrors(lang, fault);
      parts.push(
        `<h3>${
          messageHtml(lang, "phases.heading", {
            variant: quoted(variant.name),
            id: esc(fault.id),
            label: faultLabelHtml(lang, fault),
          })
        }</h3>\n<p class="help">${esc(planned)} · ${esc(actual)}${esc(brokers)}</p>${error}`,
      );
      if (phase.during === null) continue;
      const windows = [phase.before, phase.during, phase.after];
      const cell = (w: PhaseFigures | null, pick: (w: PhaseFigures) => string) =>
        `<td class="num">${w === null || w.events === 0 ? "—" : esc(pick(w))}</td>`;
      const row = (label: string, pick: (w: PhaseFigures) => string) =>
        `<tr><th>${esc(label)}</th>${windows.map((w) => cell(w, pick)).join("")}</tr>`;
      const windowLabel = (w: PhaseFigures | null) =>
        w === null
          ? ""
          : `<br><small>${esc(f.seconds(w.fromMs))} → ${esc(f.seconds(w.toMs))}</small>`;
      // ∞: the percentile falls among events never acknowledged; ≈: too few events for a p99.
      const ms = (w: PhaseFigures, v: number | null) =>
        `${beyondBoundMs(f, v, w.events)}${w.fewEvents ? " ≈" : ""}`;
      const recovered = phase.recoveredMs === null
        ? t(lang, "phases.notWithinRun")
        : t(lang, "phases.after.ms", { time: f.seconds(phase.recoveredMs) });
      parts.push(
        `<div class="scroll"><table><thead><tr><th></th>${
          (["phases.before", "phases.during", "phases.after"] as const).map((key, i) =>
            `<th class="num">${esc(t(lang, key))}${windowLabel(windows[i])}</th>`
          ).join("")
        }</tr></thead><tbody>
${row(t(lang, "phases.events"), (w) => f.int(w.events))}
${row(t(lang, "phases.notAcked"), (w) => f.int(w.notAcked))}
${row("p50", (w) => ms(w, w.p50))}
${row("p99", (w) => ms(w, w.p99))}
${row("max", (w) => ms(w, w.max))}
<tr class="group"><th colspan="4">${esc(t(lang, "phases.recovery"))}</th></tr>
<tr><th>${esc(t(lang, "phases.p99Recovered"))}</th><td colspan="3">${
          esc(fault.endedAtMs === null ? t(lang, "phases.neverEnded") : recovered)
        }</td></tr>
</tbody></table></div>`,
      );
    }
  }
  if (!any) parts.push(`<p>${esc(t(lang, "phases.none"))}</p>`);
  return section("phases", t(lang, "section.phases"), parts.join("\n"));
}

/** Why a fault did not start or end cleanly: sismo's words translated, the reasons quoted. */
function faultErrors(lang: Lang, fault: FaultWindow): string {
  const problems =
    fault.problems?.map((p) =>
      messageHtml(lang, p.stage === "start" ? "fault.problem.start" : "fault.problem.heal", {
        reason: quoted(p.reason),
      })
    ) ?? (fault.error ? [quoted(fault.error)] : []);
  return problems.map((problem) =>
    `<p class="help">${messageHtml(lang, "phases.error", { error: problem })}</p>`
  ).join("");
}

function anomaliesSection(report: RunReport, lang: Lang, f: Formatter): string {
  const parts = report.variants.map((v) => {
    const title = `<h3>${quoted(v.name)}</h3>`;
    if (v.verification === null) return `${title}<p>${esc(t(lang, "anomalies.notVerified"))}</p>`;
    const unreadablePartitions = v.verification.unreadablePartitions;
    const unreadable = unreadablePartitions.length > 0
      ? `<p class="help">${
        esc(t(lang, "anomalies.unreadable", {
          n: unreadablePartitions.length,
          list: listText(lang, unreadablePartitions),
        }))
      }</p>`
      : "";
    const rows: string[] = [];
    // When each event was due, and the faults in force then (by the fault windows).
    const load = report.scenario.resolved.load;
    const schedule = createSchedule(load.rate, load.warmupMs + load.durationMs);
    const dueMs = (seq: number) => seq < schedule.total ? schedule.timeOf(seq) : null;
    const faultsAt = (ms: number | null) =>
      ms === null
        ? "—"
        : v.faults.filter((w) =>
          w.startedAtMs !== null && w.startedAtMs <= ms && (w.endedAtMs ?? Infinity) > ms
        ).map((w) => w.id).join(", ") || "—";
    for (const { key } of VERIFICATION_ROWS) {
      if (key === "ok") continue;
      for (const s of v.verification.samples[key] ?? []) {
        const due = dueMs(s.seq);
        rows.push(
          `<tr><td>${esc(t(lang, key))}</td><td class="num">${
            esc(f.int(s.seq))
          }</td><td class="num">${due === null ? "—" : esc(f.seconds(due))}</td><td>${
            esc(faultsAt(due))
          }</td><td class="num">${
            s.partition === null ? "—" : esc(String(s.partition))
          }</td><td class="num">${esc(s.offset ?? "—")}</td><td><code>${
            esc(s.key ?? "—")
          }</code></td><td>${phrasesHtml(lang, sampleFacts(key, s))}</td></tr>`,
        );
      }
    }
    if (rows.length === 0) return `${title}${unreadable}<p>${esc(t(lang, "anomalies.none"))}</p>`;
    const heads = ([
      "anomalies.kind",
      "anomalies.seq",
      "anomalies.due",
      "anomalies.fault",
      "anomalies.partition",
      "anomalies.offset",
      "anomalies.key",
      "anomalies.detail",
    ] as const)
      .map((key, i) =>
        `<th${[1, 2, 4, 5].includes(i) ? ' class="num"' : ""}>${esc(t(lang, key))}</th>`
      )
      .join("");
    return `${title}${unreadable}<div class="scroll"><table><thead><tr>${heads}</tr></thead><tbody>\n${
      rows.join("\n")
    }\n</tbody></table></div>`;
  });
  return section("anomalies", t(lang, "section.anomalies"), parts.join("\n"));
}

/** Each variant's consumer group (issue 11); nothing when no variant has one. */
function consumerSection(report: RunReport, lang: Lang, f: Formatter): string {
  const load = report.scenario.resolved.load;
  const loadEndMs = load.warmupMs + load.durationMs;
  const parts = report.variants.flatMap((v) =>
    v.consumer ? [consumerGroupHtml(v, v.consumer, { lang, f, loadEndMs })] : []
  );
  if (parts.length === 0) return "";
  return section(
    "consumer",
    t(lang, "section.consumer"),
    `<p class="help">${esc(t(lang, "consumer.help"))}</p>\n${parts.join("\n")}`,
  );
}

function errorsSection(report: RunReport, lang: Lang, f: Formatter): string {
  const parts = report.variants.map((v) => {
    const title = `<h3>${quoted(v.name)}</h3>`;
    if (v.errors.length === 0) return `${title}<p>${esc(t(lang, "errors.none"))}</p>`;
    const seen = (ms: number | undefined) => ms === undefined ? "—" : esc(f.seconds(ms));
    return `${title}<div class="scroll"><table><thead><tr><th>${
      esc(t(lang, "errors.source"))
    }</th><th>${esc(t(lang, "errors.message"))}</th><th class="num">${
      esc(t(lang, "errors.count"))
    }</th><th class="num">${esc(t(lang, "errors.first"))}</th><th class="num">${
      esc(t(lang, "errors.last"))
    }</th></tr></thead><tbody>\n${
      v.errors.map((e) =>
        `<tr><td>${esc(t(lang, `errors.source.${e.source ?? "send"}` as MessageKey))}</td><td>${
          errorMessageHtml(lang, e)
        }</td><td class="num">${esc(f.int(e.count))}</td><td class="num">${
          seen(e.firstMs)
        }</td><td class="num">${seen(e.lastMs)}</td></tr>`
      )
        .join("\n")
    }\n</tbody></table></div>`;
  });
  return section("errors", t(lang, "section.errors"), parts.join("\n"));
}

/** sismo's finding in the report's language, or the client's message quoted as code. */
function errorMessageHtml(lang: Lang, error: ReportedError): string {
  const phrase = errorPhrase(error);
  const text = phrase.params?.text;
  return phrase.id === "text.quoted" && typeof text === "object" && !Array.isArray(text)
    ? quoted(text.quoted, "code")
    : phraseHtml(lang, phrase);
}

function environmentSection(report: RunReport, lang: Lang, f: Formatter): string {
  const env = report.environment;
  const clients = [...new Set(report.variants.map((v) => `${v.client.name} ${v.client.version}`))];
  const runMs = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  // Values as HTML: names and versions from outside sismo are quoted.
  const rows: [string, string][] = [
    [t(lang, "env.duration"), esc(Number.isFinite(runMs) ? f.seconds(runMs) : "—")],
    [
      t(lang, "env.kafka"),
      esc(`${env.kafka.version} (${t(lang, `env.mode.${env.kafka.mode}`)})`),
    ],
    [t(lang, "env.bootstrap"), esc(env.kafka.bootstrap)],
    ...(env.kafka.security
      ? [[t(lang, "env.security"), esc(env.kafka.security)] as [string, string]]
      : []),
    [t(lang, "env.brokers"), esc(f.int(env.kafka.brokers))],
    [
      t(lang, "env.toxiproxy"),
      esc(
        env.toxiproxy === null
          ? t(lang, "env.none")
          : `${env.toxiproxy.version} (${env.toxiproxy.url})`,
      ),
    ],
    [t(lang, "env.client"), quoted(clients.join(", "))],
    [t(lang, "env.deno"), esc(`${env.deno} (V8 ${env.v8}, TypeScript ${env.typescript})`)],
    [
      t(lang, "env.machine"),
      `${quoted(`${env.os} ${env.arch}`)}, ${
        esc(
          `${t(lang, "env.cpus", { n: env.cpus })}, ${
            t(lang, "env.memory", { gib: f.num(env.memoryBytes / 2 ** 30, 1) })
          }`,
        )
      }`,
    ],
    [t(lang, "env.tool"), esc(report.tool.version)],
  ];
  return section(
    "environment",
    t(lang, "section.environment"),
    `<table><tbody>\n${
      rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join("\n")
    }\n</tbody></table>`,
  );
}
