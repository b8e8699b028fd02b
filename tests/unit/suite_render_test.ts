import assert from "node:assert/strict";
import { entryLine } from "../../lib/suite/console.ts";
import { renderSuiteIndex } from "../../lib/suite/index_html.ts";
import { renderSuiteJunit, testsuitesOf } from "../../lib/suite/junit.ts";
import { renderSuiteMarkdown } from "../../lib/suite/markdown.ts";
import { regressionLines } from "../../lib/suite/regressions.ts";
import { suiteJson } from "../../lib/suite/suite_json.ts";
import { suiteExitCode, suiteOutcome } from "../../lib/suite/types.ts";
import { renderJunit } from "../../lib/report/junit.ts";
import {
  errorEntry,
  failedReport,
  notRunEntry,
  parseXml,
  passedReport,
  ranEntry,
  suiteOf,
  withoutRegression,
  withRegression,
} from "./suite_helpers.ts";

// deno-lint-ignore no-explicit-any
type Node = any;

/** A suite with one scenario of each kind: passed, failed, setup error, regressed, not run. */
function mixedSuite() {
  return suiteOf([
    withoutRegression(ranEntry(passedReport("alpha"))),
    ranEntry(failedReport("bravo")),
    errorEntry("charlie", 'charlie.yaml:3:5 load.rate: must be > 0 <script>alert("x")</script>'),
    withRegression(ranEntry(passedReport("delta"))),
    notRunEntry("echo"),
  ], "baseline");
}

Deno.test("suite outcome and exit code", () => {
  const passed = suiteOf([
    ranEntry(passedReport("a")),
    withoutRegression(ranEntry(passedReport("b"))),
  ]);
  assert.equal(suiteOutcome(passed), "passed");
  assert.equal(suiteExitCode(passed), 0);
  const regressed = suiteOf([withRegression(ranEntry(passedReport("a")))]);
  assert.equal(suiteOutcome(regressed), "failed");
  assert.equal(suiteExitCode(regressed), 1);
  assert.equal(suiteExitCode(suiteOf([ranEntry(failedReport("a"))])), 1);
  assert.equal(suiteExitCode(suiteOf([errorEntry("a", "no such file")])), 1);
  assert.equal(suiteExitCode(suiteOf([ranEntry(passedReport("a")), notRunEntry("b")])), 130);
  const stopped = suiteOf([errorEntry("a", "aborted")]);
  stopped.interrupted = true;
  assert.equal(suiteOutcome(stopped), "interrupted");
  assert.equal(suiteExitCode(suiteOf([])), 0);
  const notStopped = suiteOf([ranEntry(passedReport("a"))]);
  notStopped.errors.push("the 1-broker local cluster could not be stopped: EPERM");
  assert.equal(suiteOutcome(notStopped), "failed");
  assert.equal(suiteExitCode(notStopped), 1);
  notStopped.interrupted = true;
  assert.equal(suiteOutcome(notStopped), "interrupted");
});

Deno.test("regression lines name the variant, the figure and both values", () => {
  const entry = withRegression(ranEntry(passedReport("delta")));
  assert.deepEqual(regressionLines(entry.baseline!.comparison!), [
    "plain lost: 0 → 7 (any increase regresses)",
  ]);
  const none = withoutRegression(ranEntry(passedReport("alpha")));
  assert.deepEqual(regressionLines(none.baseline!.comparison!), []);
  const missing = withRegression(ranEntry(passedReport("delta")));
  missing.baseline!.comparison!.onlyInBaseline = ["gone"];
  assert.equal(
    regressionLines(missing.baseline!.comparison!)[0],
    "variant gone is missing from the current run",
  );
});

Deno.test("index.html: one row per scenario with outcome, verdicts, duration and links", () => {
  const html = renderSuiteIndex(mixedSuite());
  const rows = [...html.matchAll(/<tr id="scenario-([a-z]+)">([\s\S]*?)<\/tr>/g)];
  assert.deepEqual(rows.map((r) => r[1]), ["alpha", "bravo", "charlie", "delta", "echo"]);
  const row = Object.fromEntries(rows.map((r) => [r[1], r[2]]));

  assert.match(row.alpha, /class="outcome small passed">passed</);
  assert.match(row.alpha, /href="alpha\/2025-11-20T14-03-12Z\/report.html">report.html</);
  assert.match(row.alpha, /href="alpha\/2025-11-20T14-03-12Z\/report.json"/);
  assert.match(row.alpha, /href="alpha\/2025-11-20T14-03-12Z\/summary.md"/);
  assert.match(row.alpha, /href="alpha\/2025-11-20T14-03-12Z\/comparison.html">comparison</);
  assert.match(row.alpha, /NO REGRESSION/);
  assert.match(row.alpha, /41\.2 s/);

  assert.match(row.bravo, /class="outcome small failed">failed</);
  assert.match(row.bravo, /<b>plain<\/b> <span class="badge fail">FAIL<\/span>/);
  assert.match(row.bravo, /<b>idempotent<\/b> <span class="badge pass">PASS<\/span>/);
  assert.match(row.bravo, /<li class="fail">.*duplicated == 0.*observed 1,622/);
  assert.match(row.bravo, /no baseline/);

  assert.match(row.charlie, /class="outcome small error">error</);
  assert.ok(!row.charlie.includes("<script>"), "error text escaped");
  assert.match(row.charlie, /&lt;script&gt;/);
  assert.ok(!row.charlie.includes("report.html"), "no links for a scenario that did not run");

  assert.match(row.delta, /REGRESSED/);
  assert.match(row.delta, /plain lost: 0 → 7/);
  assert.match(row.echo, /not run/);
});

Deno.test("index.html is self-contained: no scripts, no remote resources, strict CSP", () => {
  const html = renderSuiteIndex(mixedSuite());
  assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
  assert.match(
    html,
    /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/,
  );
  assert.ok(!/<script/i.test(html), "no script element");
  assert.ok(!/(src|href)="(https?:)?\/\//i.test(html), "nothing remote");
  assert.match(html, /<span class="outcome interrupted">interrupted<\/span>/);
  assert.match(html, /Profile <b>quick<\/b>/);
  assert.match(
    html,
    /Baseline <code>baseline<\/code> \(tolerances p50 \+10%, p99 \+10%, throughput -5%; 1 regressed\)/,
  );
});

Deno.test("index.html leaves out the baseline column without a baseline", () => {
  const html = renderSuiteIndex(suiteOf([ranEntry(passedReport("alpha"))]));
  assert.ok(!html.includes("<th>Baseline</th>"));
  assert.match(html, /<span class="outcome passed">passed<\/span>/);
  const withBaseline = renderSuiteIndex(mixedSuite());
  assert.ok(withBaseline.includes("<th>Baseline</th>"));
});

Deno.test("junit.xml combines every scenario's suites, errors, skips and baseline checks", () => {
  const doc = parseXml(renderSuiteJunit(mixedSuite()));
  const suites: Node[] = doc.testsuites.testsuite;
  assert.deepEqual(suites.map((s) => s.name), [
    "alpha.plain",
    "alpha.idempotent",
    "alpha.baseline",
    "bravo.plain",
    "bravo.idempotent",
    "charlie",
    "delta.plain",
    "delta.idempotent",
    "delta.baseline",
    "echo",
  ]);
  const cases = suites.flatMap((s) => s.testcase);
  assert.equal(Number(doc.testsuites.tests), cases.length);
  assert.equal(Number(doc.testsuites.failures), cases.filter((c) => c.failure).length);
  assert.equal(Number(doc.testsuites.errors), cases.filter((c) => c.error).length);
  assert.equal(Number(doc.testsuites.skipped), 1);
  for (const s of suites) assert.equal(Number(s.tests), s.testcase.length, s.name);

  const byName = Object.fromEntries(suites.map((s) => [s.name, s]));
  assert.equal(
    byName["bravo.plain"].testcase[1].failure.message,
    "observed 1,622; expected duplicated == 0",
  );
  assert.equal(byName.charlie.testcase[0].error.type, "setup");
  assert.match(byName.charlie.testcase[0].error.message, /load.rate: must be > 0 <script>/);
  assert.ok(byName.echo.testcase[0].skipped !== undefined);
  const delta = byName["delta.baseline"].testcase;
  assert.deepEqual(delta.map((c: Node) => c.name), [
    "plain: no regression against the baseline",
    "idempotent: no regression against the baseline",
  ]);
  assert.equal(delta[0].failure.message, "plain lost: 0 → 7 (any increase regresses)");
  assert.equal(delta[1].failure, undefined);
  assert.equal(byName["alpha.baseline"].failures, "0");
});

Deno.test("errors of the suite itself: an erroring suite case, a section, a list", () => {
  const result = suiteOf([ranEntry(passedReport("alpha"))]);
  result.errors.push("the 3-broker local cluster could not be stopped: <EPERM>");
  const doc = parseXml(renderSuiteJunit(result));
  const suite = doc.testsuites.testsuite.find((s: Node) => s.name === "suite");
  assert.equal(suite.testcase[0].error.type, "suite");
  assert.match(suite.testcase[0].error.message, /could not be stopped: <EPERM>/);
  assert.equal(Number(doc.testsuites.errors), 1);
  assert.match(renderSuiteMarkdown(result), /^# ❌ sismo suite — failed\n/);
  assert.match(renderSuiteMarkdown(result), /## ⚠️ Suite errors\n\n- the 3-broker .*&lt;EPERM&gt;/);
  assert.match(
    renderSuiteIndex(result),
    /<div class="error suite-error">[^<]*&lt;EPERM&gt;<\/div>/,
  );
  assert.deepEqual(suiteJson(result).errors, [result.errors[0]]);
});

Deno.test("testsuitesOf keeps renderJunit's suites and totals", () => {
  const report = failedReport("bravo");
  const suites = testsuitesOf(renderJunit(report));
  assert.deepEqual(suites.map((s) => [s.tests, s.failures, s.errors, s.skipped]), [[3, 1, 0, 0], [
    3,
    0,
    0,
    0,
  ]]);
  assert.match(suites[0].xml, /^ {2}<testsuite name="bravo.plain"[\s\S]*<\/testsuite>$/);
  assert.throws(() => testsuitesOf("<nope/>"));
});

Deno.test("summary.md: a row per scenario, then what went wrong", () => {
  const md = renderSuiteMarkdown(mixedSuite());
  assert.match(md, /^# ⚠️ sismo suite — interrupted\n/);
  assert.match(
    md,
    /profile `quick` · 5 scenarios: 2 passed, 1 failed, 1 error, 1 not run · took 270\.0 s/,
  );
  const rows = md.split("\n").filter((l) => /^\| (alpha|bravo|charlie|delta|echo) \|/.test(l));
  assert.deepEqual(rows, [
    "| alpha | ✅ passed | 6 / 6 | 41.2 s | ✅ no regression |",
    "| bravo | ❌ failed | 5 / 6 | 41.2 s | — |",
    "| charlie | ⚠️ error | — | 0.1 s | — |",
    "| delta | ✅ passed | 6 / 6 | 41.2 s | ❌ 1 regression |",
    "| echo | ⏭️ not run | — | — | — |",
  ]);
  assert.match(md, /## ❌ bravo\n\nFailed expectations:\n\n\| variant \| expected \| observed \|/);
  assert.match(md, /\| plain \| `duplicated == 0` \| 1,622 \|/);
  assert.match(
    md,
    /## ⚠️ charlie\n\nErrors:\n\n- charlie.yaml:3:5 load.rate: must be &gt; 0 &lt;script&gt;/,
  );
  assert.match(md, /## ✅ delta\n\nRegressions against the baseline:\n\n- plain lost: 0 → 7/);
  assert.ok(!md.includes("## ✅ alpha"), "nothing to say about a clean pass");
});

Deno.test("suite.json: scenario → outcome, dir, duration, regressions", () => {
  const json = suiteJson(mixedSuite());
  assert.equal(json.suiteVersion, 1);
  assert.equal(json.outcome, "interrupted");
  assert.equal(json.profile, "quick");
  assert.equal(json.baseline, "baseline");
  assert.deepEqual(Object.keys(json.scenarios), ["alpha", "bravo", "charlie", "delta", "echo"]);
  assert.deepEqual(json.scenarios.delta, {
    file: "scenarios/delta.yaml",
    outcome: "passed",
    dir: "delta/2025-11-20T14-03-12Z",
    durationMs: 41234,
    error: null,
    expectations: { passed: 6, failed: 0 },
    baseline: "baseline/delta/2025-11-19T10-00-00Z/report.json",
    regressed: true,
    regressions: ["plain lost: 0 → 7 (any increase regresses)"],
    comparison: "delta/2025-11-20T14-03-12Z/comparison.html",
  });
  assert.equal(json.scenarios.alpha.regressed, false);
  assert.deepEqual(json.scenarios.bravo.expectations, { passed: 5, failed: 1 });
  assert.equal(json.scenarios.bravo.regressed, null);
  assert.equal(json.scenarios.charlie.dir, null);
  assert.match(json.scenarios.charlie.error!, /must be > 0/);
  assert.equal(json.scenarios.echo.outcome, "not-run");
  assert.deepEqual(json.errors, []);
});

Deno.test("console lines: outcome, name, time, and what went wrong", () => {
  const [alpha, bravo, charlie, delta, echo] = mixedSuite().entries;
  assert.equal(entryLine(alpha, 7), "PASS   alpha      41.2 s  no regression");
  assert.equal(entryLine(bravo, 7), "FAIL   bravo      41.2 s  1 of 6 expectations failed");
  assert.equal(
    entryLine(charlie, 7),
    'ERROR  charlie     0.1 s  charlie.yaml:3:5 load.rate: must be > 0 <script>alert("x")</script>',
  );
  assert.equal(
    entryLine(delta, 7),
    "REGR   delta      41.2 s  REGRESSED: plain lost: 0 → 7 (any increase regresses)",
  );
  assert.equal(entryLine(echo, 7), "SKIP   echo               not run: the suite was interrupted");
  assert.equal(entryLine(ranEntry(passedReport("alpha"))), "PASS   alpha    41.2 s");
});
