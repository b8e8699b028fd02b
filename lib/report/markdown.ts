/**
 * Markdown summary of a run, for CI job summaries and pull-request comments:
 * verdict table, counts and latency side by side, and what each fault did.
 *
 * @example
 * ```ts
 * import type { RunReport } from "./types.ts";
 * declare const report: RunReport;
 * import { renderMarkdown } from "./markdown.ts";
 * await Deno.writeTextFile(Deno.env.get("GITHUB_STEP_SUMMARY")!, renderMarkdown(report));
 * ```
 * @module
 */
import { escapeMarkdownCell as cell, markdownCode } from "./escape.ts";
import { faultLabel } from "./fault_label.ts";
import { LATENCY_ROWS, VERIFICATION_ROWS } from "./html.ts";
import { format, type Lang, type MessageKey, t } from "./i18n.ts";
import { beyondBoundMs, latencyLabel, observedText } from "./metrics.ts";
import { faultPhases } from "./phases.ts";
import type { PhaseFigures } from "./types.ts";
import { redact } from "./redact.ts";
import type { RunReport } from "./types.ts";

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /** Language of labels and number formats; English by default. */
  lang?: Lang;
}

/** A Markdown table from a header row and body rows (cells already escaped). */
export function markdownTable(
  head: string[],
  rows: string[][],
  align: ("l" | "r" | "c")[],
): string {
  const rule = align.map((a) => a === "r" ? "---:" : a === "c" ? ":---:" : "---");
  return [head, rule, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

/** Render a run as Markdown (secrets redacted). */
export function renderMarkdown(report: RunReport, opts: MarkdownOptions = {}): string {
  const safe = redact(report);
  const lang = opts.lang ?? "en";
  const f = format(lang);
  const passMark = (passed: boolean) =>
    passed ? `✅ ${t(lang, "verdict.pass")}` : `❌ ${t(lang, "verdict.fail")}`;
  const out: string[] = [];
  const icon = safe.outcome === "passed" ? "✅" : safe.outcome === "failed" ? "❌" : "⚠️";
  out.push(
    `# ${icon} ${safe.scenario.name} — ${t(lang, `outcome.${safe.outcome}` as MessageKey)}`,
    "",
  );
  if (safe.scenario.description.trim() !== "") {
    out.push(...safe.scenario.description.trim().split("\n").map((l) => `> ${l}`), "");
  }
  out.push(
    `${t(lang, "meta.run")} ${markdownCode(safe.runId)} · ${t(lang, "meta.started")} ${
      f.date(safe.startedAt)
    } · ${markdownCode(safe.scenario.file)}`,
    "",
  );
  if (safe.errors.length > 0) {
    out.push(`## ${t(lang, "section.errors")}`, "", ...safe.errors.map((e) => `- ${cell(e)}`), "");
  }

  out.push(`## ${t(lang, "section.verdict")}`, "");
  const verdictRows = safe.variants.flatMap((v) =>
    v.expectations.map((e) => [
      cell(v.name),
      markdownCode(e.text),
      cell(observedText(f, e, {
        notMeasured: t(lang, "verdict.notMeasured"),
        unbounded: t(lang, "verdict.unbounded"),
      })),
      passMark(e.passed),
    ])
  );
  out.push(
    verdictRows.length === 0 ? t(lang, "verdict.none") : markdownTable(
      ["", t(lang, "verdict.expected"), t(lang, "verdict.observed"), t(lang, "verdict.result")],
      verdictRows,
      ["l", "l", "r", "c"],
    ),
    "",
  );

  const names = safe.variants.map((v) => cell(v.name));
  const align = ["l" as const, ...safe.variants.map(() => "r" as const)];
  out.push(`## ${t(lang, "section.sideBySide")}`, "");
  const countRows: string[][] = [
    [
      t(lang, "producer.client"),
      ...safe.variants.map((v) => cell(`${v.client.name} ${v.client.version}`)),
    ],
    ...(["sent", "acked", "failed", "notSent"] as const).map((k) => [
      t(lang, k),
      ...safe.variants.map((v) => f.int(v.counts[k])),
    ]),
    ...VERIFICATION_ROWS.map(({ key, bad }) => [
      t(lang, key),
      ...safe.variants.map((v) => {
        const n = v.verification?.counts[key];
        if (n === undefined) return t(lang, "counts.notVerified");
        const extra = key === "duplicated" && v.verification!.counts.duplicates > 0
          ? ` (${t(lang, "counts.extraCopies", { n: v.verification!.counts.duplicates })})`
          : "";
        const text = f.int(n) + extra;
        return bad && n > 0 ? `**${text}**` : text;
      }),
    ]),
    [t(lang, "throughput.acked"), ...safe.variants.map((v) => f.rate(v.throughput.ackedPerSecond))],
    [t(lang, "throughput.drain"), ...safe.variants.map((v) => f.int(v.throughput.drain.acked))],
  ];
  out.push(markdownTable(["", ...names], countRows, align), "");
  out.push(`### ${t(lang, "latency.allIntended")}`, "");
  out.push(
    markdownTable(
      ["", ...names],
      LATENCY_ROWS.map((k) => [
        latencyLabel(k),
        ...safe.variants.map((v) => {
          const ms = v.latency.allIntended[k];
          return beyondBoundMs(f, ms, v.latency.allIntended.events);
        }),
      ]),
      align,
    ),
    "",
  );
  out.push(`### ${t(lang, "latency.fromIntended")}`, "");
  out.push(
    markdownTable(
      ["", ...names],
      LATENCY_ROWS.map((k) => [
        latencyLabel(k),
        ...safe.variants.map((v) => f.ms(v.latency.fromIntended[k])),
      ]),
      align,
    ),
    "",
  );

  const faultRows: string[][] = [];
  for (const v of safe.variants) {
    for (const { fault, phase } of faultPhases(v)) {
      const ran = fault.startedAtMs === null
        ? t(lang, "phases.neverStarted")
        : `${f.seconds(fault.startedAtMs)} → ${
          fault.endedAtMs === null ? t(lang, "phases.untilEnd") : f.seconds(fault.endedAtMs)
        }`;
      const three = (pick: (w: PhaseFigures) => string) =>
        [phase.before, phase.during, phase.after].map((w) =>
          w === null || w.events === 0 ? "—" : pick(w)
        ).join(" → ");
      const recovered = (ms: number | null) =>
        fault.endedAtMs === null
          ? t(lang, "phases.neverEnded")
          : ms === null
          ? t(lang, "phases.notWithinRun")
          : f.seconds(ms);
      faultRows.push([
        cell(v.name),
        cell(`${fault.id}: ${faultLabel(lang, fault).text}`),
        ran,
        three((w) => f.int(w.notAcked)),
        three((w) => `${beyondBoundMs(f, w.p99, w.events)}${w.fewEvents ? " ≈" : ""}`),
        phase.during === null ? "—" : recovered(phase.recoveredMs),
      ]);
    }
  }
  out.push(`## ${t(lang, "section.phases")}`, "");
  out.push(
    faultRows.length === 0 ? t(lang, "phases.none") : markdownTable(
      [
        "",
        t(lang, "phases.fault"),
        t(lang, "phases.window"),
        `${t(lang, "phases.notAcked")} (${t(lang, "phases.before")} → ${
          t(lang, "phases.during")
        } → ${t(lang, "phases.after")})`,
        `${t(lang, "phases.p99")} (${t(lang, "phases.before")} → ${t(lang, "phases.during")} → ${
          t(lang, "phases.after")
        })`,
        t(lang, "phases.p99Recovered"),
      ],
      faultRows,
      ["l", "l", "l", "r", "r", "r"],
    ),
    "",
  );
  out.push(...consumerLines(safe, lang));
  return out.join("\n");
}

/**
 * Each variant's consumer group (issue 11): what became of the records, the longest pause of
 * a partition around a member fault and the catch-up after the load; nothing without one.
 */
function consumerLines(report: RunReport, lang: Lang): string[] {
  const f = format(lang);
  const rows = report.variants.flatMap((v) => {
    const group = v.consumer;
    if (!group) return [];
    const c = group.counts;
    const count = (n: number | undefined, bad = false) =>
      n === undefined
        ? t(lang, "consumer.notReadShort")
        : bad && n > 0
        ? `**${f.int(n)}**`
        : f.int(n);
    const more = c && c.reprocessings > 0
      ? `${count(c.processedMoreThanOnce, true)} (${
        t(lang, "consumer.reprocessings", { n: c.reprocessings })
      })`
      : count(c?.processedMoreThanOnce, true);
    return [[
      cell(v.name),
      count(c?.records),
      count(c?.processedOnce),
      more,
      count(c?.deadLettered),
      count(c?.lost, true),
      count(c?.unprocessed),
      group.pauseMaxMs === null ? "—" : f.ms(group.pauseMaxMs),
      group.catchUpMs === null ? `**${t(lang, "consumer.never")}**` : f.ms(group.catchUpMs),
    ]];
  });
  if (rows.length === 0) return [];
  return [
    `## ${t(lang, "section.consumer")}`,
    "",
    markdownTable(
      [
        "",
        t(lang, "processing.records"),
        t(lang, "processing.once"),
        t(lang, "processing.moreThanOnce"),
        t(lang, "processing.deadLettered"),
        t(lang, "processing.lost"),
        t(lang, "processing.unprocessed"),
        t(lang, "consumer.pauseMax"),
        t(lang, "consumer.catchUp"),
      ],
      rows,
      ["l", "r", "r", "r", "r", "r", "r", "r", "r"],
    ),
    "",
  ];
}
