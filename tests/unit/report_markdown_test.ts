import assert from "node:assert/strict";
import { markdownCode } from "../../lib/report/escape.ts";
import { renderMarkdown } from "../../lib/report/markdown.ts";
import { fixture } from "./report_helpers.ts";

Deno.test("markdown: outcome, verdict table, counts, latency and faults", () => {
  const md = renderMarkdown(fixture());
  assert.match(md, /^# ❌ idempotent-vs-plain — Failed\n/);
  assert.ok(md.includes("| plain | `duplicated == 0` | 1,622 | ❌ FAIL |"));
  assert.ok(md.includes("| idempotent | `duplicated == 0` | 0 | ✅ PASS |"));
  assert.ok(md.includes("| Duplicated | **1,622 (+2,771 extra copies)** | 0 |"));
  assert.ok(md.includes("| p99 | 4,268 ms | 4,235 ms |"));
  assert.match(
    md,
    /\| plain \| f1: latency 1,000 ms ±200 ms downstream on all \| 15\.0 s → 23\.0 s \| 0 → 56 → 0 \| 7\.77 ms → ∞ → 7\.48 ms \|/,
  );
});

Deno.test("markdown: table cells cannot break the table", () => {
  const report = fixture();
  report.variants[0].name = "a|b\nc";
  report.variants[0].expectations[0].text = "lost | x";
  const md = renderMarkdown(report);
  assert.ok(md.includes("| a\\|b c | `lost \\| x` |"));
  const verdictRow = md.split("\n").find((l) => l.includes("`lost \\| x`"))!;
  assert.equal(verdictRow.split(/(?<!\\)\|/).length - 2, 4, verdictRow);
});

Deno.test("markdown: French when asked", () => {
  const md = renderMarkdown(fixture(), { lang: "fr" });
  assert.match(md, /^# ❌ idempotent-vs-plain — Échoué/);
  assert.ok(md.includes("| Dupliqués |"));
  assert.ok(md.includes("Attendu"));
});

Deno.test("markdownCode fences text holding backticks", () => {
  assert.equal(markdownCode("a`b"), "``a`b``");
  assert.equal(markdownCode("`x`"), "`` `x` ``");
  assert.equal(markdownCode("p|q"), "`p\\|q`");
});
