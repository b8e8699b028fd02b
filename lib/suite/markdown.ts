/**
 * `summary.md` of a suite run, for CI job summaries (`$GITHUB_STEP_SUMMARY`)
 * and merge-request comments: one table row per scenario, the suite's own
 * errors, then the failed expectations, regressions and errors of each
 * scenario that did not pass.
 *
 * @example
 * ```ts
 * import type { SuiteResult } from "./types.ts";
 * import { join } from "node:path";
 * declare const suiteDir: string, result: SuiteResult;
 * import { renderSuiteMarkdown } from "./markdown.ts";
 * await Deno.writeTextFile(join(suiteDir, "summary.md"), renderSuiteMarkdown(result));
 * ```
 * @module
 */
import { escapeMarkdownCell as cell, markdownCode } from "../report/escape.ts";
import { format } from "../report/i18n.ts";
import { markdownTable } from "../report/markdown.ts";
import { OBSERVED_WORDS_EN, observedText } from "../report/metrics.ts";
import { redact } from "../report/redact.ts";
import { outcomeCounts, toleranceText } from "./index_html.ts";
import { regressionLines } from "./regressions.ts";
import { expectationCounts } from "./suite_json.ts";
import {
  type EntryOutcome,
  entryRegressed,
  type SuiteEntry,
  suiteOutcome,
  type SuiteResult,
} from "./types.ts";

const en = format("en");

const OUTCOME_MARK: Record<EntryOutcome, string> = {
  passed: "✅ passed",
  failed: "❌ failed",
  inconclusive: "❔ inconclusive",
  error: "⚠️ error",
  interrupted: "⚠️ interrupted",
  "not-run": "⏭️ not run",
};

function baselineText(entry: SuiteEntry): string {
  const baseline = entry.baseline;
  if (baseline === null) return "—";
  if (baseline.comparison === null) return cell(baseline.note ?? "not compared");
  if (!entryRegressed(entry)) return "✅ no regression";
  const n = regressionLines(baseline.comparison).length;
  return `❌ ${n} regression${n === 1 ? "" : "s"}`;
}

function details(entry: SuiteEntry): string[] {
  const out: string[] = [];
  const failed = (entry.report?.variants ?? []).flatMap((v) =>
    v.expectations.filter((e) => !e.passed).map((e) => [
      cell(v.name),
      markdownCode(e.text),
      cell(observedText(en, e, OBSERVED_WORDS_EN)),
    ])
  );
  if (failed.length > 0) {
    out.push(
      "Failed expectations:",
      "",
      markdownTable(["variant", "expected", "observed"], failed, ["l", "l", "r"]),
      "",
    );
  }
  const comparison = entry.baseline?.comparison;
  if (comparison && comparison.regressed) {
    out.push("Regressions against the baseline:", "");
    out.push(...regressionLines(comparison).map((line) => `- ${cell(line)}`), "");
  }
  const errors = [...(entry.error === null ? [] : [entry.error]), ...(entry.report?.errors ?? [])];
  if (errors.length > 0) {
    out.push("Errors:", "", ...errors.map((e) => `- ${cell(e)}`), "");
  }
  return out;
}

/** Render the suite as Markdown (secrets redacted). */
export function renderSuiteMarkdown(result: SuiteResult): string {
  const safe = redact(result);
  const outcome = suiteOutcome(safe);
  const icon = outcome === "passed" ? "✅" : outcome === "failed" ? "❌" : "⚠️";
  const elapsed = Date.parse(safe.finishedAt) - Date.parse(safe.startedAt);
  const facts = [
    `profile ${markdownCode(safe.profile)}`,
    `${safe.entries.length} scenario${safe.entries.length === 1 ? "" : "s"}: ${
      outcomeCounts(safe.entries)
    }`,
    ...(Number.isFinite(elapsed) ? [`took ${en.seconds(elapsed)}`] : []),
    ...(safe.baselineDir === null ? [] : [
      `baseline ${markdownCode(safe.baselineDir)} (tolerances ${toleranceText(safe.tolerances)})`,
    ]),
  ];
  const out = [`# ${icon} sismo suite — ${outcome}`, "", `${facts.join(" · ")}`, ""];
  const rows = safe.entries.map((e) => {
    const counts = expectationCounts(e);
    const total = counts.passed + counts.failed;
    return [
      cell(e.scenario),
      OUTCOME_MARK[e.outcome],
      e.report === null ? "—" : `${counts.passed} / ${total}`,
      e.outcome === "not-run" ? "—" : en.seconds(e.durationMs),
      baselineText(e),
    ];
  });
  out.push(
    markdownTable(
      ["scenario", "outcome", "expectations held", "duration", "baseline"],
      rows,
      ["l", "l", "r", "r", "l"],
    ),
    "",
  );
  if (safe.errors.length > 0) {
    out.push("## ⚠️ Suite errors", "", ...safe.errors.map((e) => `- ${cell(e)}`), "");
  }
  for (const entry of safe.entries) {
    const lines = details(entry);
    if (lines.length === 0) continue;
    out.push(`## ${OUTCOME_MARK[entry.outcome].split(" ")[0]} ${cell(entry.scenario)}`, "");
    out.push(...lines);
  }
  out.push(
    "Each scenario's report (`report.html`, with charts and fault phases) is linked from the " +
      "suite's `index.html`.",
    "",
  );
  return out.join("\n");
}
