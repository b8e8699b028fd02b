/**
 * `summary.md` of a suite run, for CI job summaries (`$GITHUB_STEP_SUMMARY`)
 * and merge-request comments: one table row per scenario, the suite's own
 * errors, then the failed expectations, regressions and errors of each
 * scenario that did not pass. With `--repeat`, one row per run and, first, a
 * "Stability over N runs" table: each expectation's runs held, observed
 * minimum, median and maximum against its threshold, and verdict.
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

const VERDICT_MARK: Record<StabilityVerdict, string> = {
  stable: "✅ stable",
  thin: "⚠️ thin",
  flaky: "❌ flaky",
  failing: "❌ failing",
};

/** The "Stability over N runs" section of a repeated suite. */
export function stabilitySection(
  stability: readonly ScenarioStability[],
  repeat: number,
): string[] {
  const out = [
    `## Stability over ${repeat} runs`,
    "",
    `_stable_: held in every run, the median at least ${MARGIN_FACTOR}× the run-to-run spread ` +
    "(max − min) from the threshold (for `==` and `!=`: never varied); _thin_: held in every " +
    "run, closer than that; _flaky_: held in some runs only; _failing_: held in none. A run " +
    "that errored or was inconclusive counts as one in which nothing held.",
    "",
  ];
  const rows = stability.flatMap((s) =>
    s.expectations.map((e) => [
      cell(s.scenario),
      cell(e.variant),
      markdownCode(e.text),
      `${e.held} / ${e.runs}`,
      cell(spreadValue(e, "min")),
      cell(spreadValue(e, "median")),
      cell(spreadValue(e, "max")),
      cell(thresholdText(e)),
      VERDICT_MARK[e.verdict] + (e.verdict === "thin" ? cell(`: ${marginText(e)}`) : ""),
    ])
  );
  if (rows.length > 0) {
    out.push(
      markdownTable(
        [...STABILITY_COLUMNS],
        rows,
        STABILITY_COLUMNS.map((column) => isFigureColumn(column) ? "r" : "l"),
      ),
      "",
    );
  }
  out.push(
    ...stability.map((s) =>
      `- ${cell(s.scenario)}: ${
        s.verdict === null ? "" : `${VERDICT_MARK[s.verdict].split(" ")[0]} `
      }${cell(scenarioMessage(s))}`
    ),
    "",
  );
  return out;
}

/** Render the suite as Markdown (secrets redacted). */
export function renderSuiteMarkdown(result: SuiteResult): string {
  const safe = redact(result);
  const outcome = suiteOutcome(safe);
  const icon = outcome === "passed" ? "✅" : outcome === "failed" ? "❌" : "⚠️";
  const elapsed = Date.parse(safe.finishedAt) - Date.parse(safe.startedAt);
  const repeated = safe.repeat > 1;
  const scenarioCount = new Set(safe.entries.map((e) => e.scenario)).size;
  const facts = [
    `profile ${markdownCode(safe.profile)}`,
    repeated
      ? `${scenarioCount} scenario${scenarioCount === 1 ? "" : "s"} × ${safe.repeat} runs: ${
        outcomeCounts(safe.entries)
      }`
      : `${safe.entries.length} scenario${safe.entries.length === 1 ? "" : "s"}: ${
        outcomeCounts(safe.entries)
      }`,
    ...(Number.isFinite(elapsed) ? [`took ${en.seconds(elapsed)}`] : []),
    ...(safe.baselineDir === null ? [] : [
      `baseline ${markdownCode(safe.baselineDir)} (tolerances ${toleranceText(safe.tolerances)})`,
    ]),
  ];
  const out = [`# ${icon} sismo suite — ${outcome}`, "", `${facts.join(" · ")}`, ""];
  if (repeated) out.push(...stabilitySection(suiteStability(safe.entries), safe.repeat));
  const rows = safe.entries.map((e) => {
    const counts = expectationCounts(e);
    const total = counts.passed + counts.failed;
    return [
      cell(e.scenario),
      ...(repeated ? [String(e.round ?? "—")] : []),
      OUTCOME_MARK[e.outcome],
      e.report === null ? "—" : `${counts.passed} / ${total}`,
      e.outcome === "not-run" ? "—" : en.seconds(e.durationMs),
      baselineText(e),
    ];
  });
  if (repeated) out.push("## Runs", "");
  out.push(
    markdownTable(
      [
        "scenario",
        ...(repeated ? ["run"] : []),
        "outcome",
        "expectations held",
        "duration",
        "baseline",
      ],
      rows,
      ["l", ...(repeated ? ["r" as const] : []), "l", "r", "r", "l"],
    ),
    "",
  );
  if (safe.errors.length > 0) {
    out.push("## ⚠️ Suite errors", "", ...safe.errors.map((e) => `- ${cell(e)}`), "");
  }
  for (const entry of safe.entries) {
    const lines = details(entry);
    if (lines.length === 0) continue;
    const run = entry.round === undefined ? "" : ` (run ${entry.round})`;
    out.push(`## ${OUTCOME_MARK[entry.outcome].split(" ")[0]} ${cell(entry.scenario)}${run}`, "");
    out.push(...lines);
  }
  out.push(
    "Each scenario's report (`report.html`, with charts and fault phases) is linked from the " +
      "suite's `index.html`.",
    "",
  );
  return out.join("\n");
}
