import assert from "node:assert/strict";
import type { RunReport } from "../../lib/report/types.ts";
import { compare } from "../../lib/run/expectations.ts";
import type { ComparisonOp } from "../../lib/scenario/types.ts";
import {
  marginMet,
  scenarioMessage,
  scenarioStability,
  spreadOf,
  type StabilityRun,
  suiteStability,
  verdictMessage,
  worseVerdict,
} from "../../lib/suite/stability.ts";
import { passedReport } from "./suite_helpers.ts";

/** An observed value: a number, `inf` (beyond every bound) or null (not measured). */
type Observed = number | "inf" | null;

/**
 * A run of a report with one variant, `v`, whose expectations are given as
 * `[text, metric, op, threshold, observed]`; each passes as `compare` says.
 */
function report(expectations: [string, string, ComparisonOp, number, Observed][]): RunReport {
  const r = passedReport("s");
  r.variants = [r.variants[0]];
  r.variants[0].name = "v";
  r.variants[0].expectations = expectations.map(([text, metric, op, threshold, observed], i) => ({
    text,
    metric,
    op,
    threshold,
    observed: observed === "inf" ? null : observed,
    ...(observed === "inf" ? { unbounded: true } : {}),
    passed: observed !== null && compare(observed === "inf" ? Infinity : observed, op, threshold),
    line: 10 + i,
  }));
  r.outcome = r.variants[0].expectations.every((e) => e.passed) ? "passed" : "failed";
  return r;
}

/** Runs of one expectation `text` (`metric op threshold`) observing each value in turn. */
function runsOf(
  metric: string,
  op: ComparisonOp,
  threshold: number,
  values: Observed[],
): StabilityRun[] {
  return values.map((observed, i) => {
    const r = report([[`${metric} ${op} ${threshold}`, metric, op, threshold, observed]]);
    return { round: i + 1, outcome: r.outcome, report: r, error: null };
  });
}

function only(runs: StabilityRun[]) {
  const s = scenarioStability("s", runs);
  assert.equal(s.expectations.length, 1);
  return { scenario: s, e: s.expectations[0] };
}

Deno.test("spreadOf: min, median (middle pair averaged), max; infinity sorts last", () => {
  assert.deepEqual(spreadOf([5, 1, 3]), { min: 1, median: 3, max: 5 });
  assert.deepEqual(spreadOf([4, 1, 3, 2]), { min: 1, median: 2.5, max: 4 });
  assert.deepEqual(spreadOf([Infinity, 1, 2]), { min: 1, median: 2, max: Infinity });
  assert.deepEqual(spreadOf([Infinity, 1]), { min: 1, median: Infinity, max: Infinity });
  assert.deepEqual(spreadOf([Infinity, Infinity]), {
    min: Infinity,
    median: Infinity,
    max: Infinity,
  });
  assert.equal(spreadOf([]), null);
});

Deno.test("marginMet: median at least twice the spread from the threshold; == and != never vary", () => {
  assert.equal(marginMet("<", 5000, { min: 1000, median: 1500, max: 2000 }), true);
  assert.equal(marginMet("<", 5000, { min: 3000, median: 3600, max: 4000 }), false);
  assert.equal(marginMet("<", 5000, { min: 3000, median: 3000, max: 4000 }), true, "exactly 2×");
  assert.equal(marginMet("<=", 0, { min: 0, median: 0, max: 0 }), true, "no spread, no distance");
  assert.equal(marginMet("==", 0, { min: 0, median: 0, max: 0 }), true);
  assert.equal(marginMet("==", 0, { min: 0, median: 0, max: 1 }), false);
  assert.equal(marginMet("!=", 0, { min: 3, median: 4, max: 900 }), false);
  assert.equal(marginMet(">", 10, { min: 20, median: Infinity, max: Infinity }), false);
  assert.equal(marginMet(">", 10, { min: Infinity, median: Infinity, max: Infinity }), true);
});

Deno.test("stable: held in every run with the margin", () => {
  const { scenario, e } = only(runsOf("p99", "<", 5000, [1200, 1500, 1300, 1100, 1400]));
  assert.equal(e.verdict, "stable");
  assert.deepEqual([e.runs, e.held, e.measured, e.unbounded], [5, 5, 5, 0]);
  assert.deepEqual(e.spread, { min: 1100, median: 1300, max: 1500 });
  assert.equal(e.marginMet, true);
  assert.equal(scenario.verdict, "stable");
  assert.equal(scenario.passed, 5);
  assert.equal(
    verdictMessage(e),
    "stable: held 5 of 5 (min 1,100 ms, median 1,300 ms, max 1,500 ms; threshold < 5,000 ms)",
  );
  assert.equal(scenarioMessage(scenario), "stable: 5 of 5 runs passed");
});

Deno.test("thin: held in every run, but the median is closer to the threshold than 2× the spread", () => {
  const { scenario, e } = only(runsOf("p99", "<", 5000, [3900, 4500, 4800]));
  assert.equal(e.verdict, "thin");
  assert.equal(e.held, 3);
  assert.equal(e.marginMet, false);
  assert.equal(scenario.verdict, "thin");
  assert.equal(
    verdictMessage(e),
    "thin: held 3 of 3 (min 3,900 ms, median 4,500 ms, max 4,800 ms; threshold < 5,000 ms; " +
      "median 500 ms from the threshold, under 2 × the spread of 900 ms)",
  );
});

Deno.test("flaky: held in some runs, not in others; the scenario is flaky", () => {
  const { scenario, e } = only(runsOf("duplicated", ">", 0, [0, 221, 965, 0, 300]));
  assert.equal(e.verdict, "flaky");
  assert.deepEqual([e.runs, e.held], [5, 3]);
  assert.equal(
    verdictMessage(e),
    "flaky: held 3 of 5 (min 0, median 221, max 965; threshold > 0)",
  );
  assert.equal(scenario.verdict, "flaky");
  assert.equal(scenario.passed, 3);
});

Deno.test("failing: held in no run", () => {
  const { scenario, e } = only(runsOf("lost", "==", 0, [3, 3, 3]));
  assert.equal(e.verdict, "failing");
  assert.equal(e.held, 0);
  assert.equal(scenario.verdict, "failing");
  assert.equal(verdictMessage(e), "failing: held 0 of 3 (min 3, median 3, max 3; threshold == 0)");
});

Deno.test("== and !=: stable only when the observed value never varied", () => {
  assert.equal(only(runsOf("lost", "==", 0, [0, 0, 0])).e.verdict, "stable");
  const varied = only(runsOf("duplicated", "!=", 0, [5, 80, 3000])).e;
  assert.equal(varied.verdict, "thin");
  assert.match(verdictMessage(varied), /; the observed value varied from run to run\)$/);
  assert.equal(only(runsOf("duplicated", "!=", 0, [7, 7])).e.verdict, "stable");
});

Deno.test("unbounded values count as +∞ in the spread and are written ∞", () => {
  const failed = only(runsOf("p99", "<", 5000, [1200, "inf", 1300])).e;
  assert.equal(failed.verdict, "flaky");
  assert.equal(failed.unbounded, 1);
  assert.deepEqual(failed.spread, { min: 1200, median: 1300, max: Infinity });
  assert.equal(
    verdictMessage(failed),
    "flaky: held 2 of 3 (min 1,200 ms, median 1,300 ms, max ∞; threshold < 5,000 ms)",
  );
  const never = only(runsOf("p99", "<", 5000, ["inf", "inf"])).e;
  assert.equal(never.verdict, "failing");
  assert.match(verdictMessage(never), /min ∞, median ∞, max ∞/);
  // Held (p99 > 100) but with an infinite spread: no margin.
  const slow = only(runsOf("p99", ">", 100, [400, "inf", "inf"])).e;
  assert.equal(slow.verdict, "thin");
});

Deno.test("a value not measured counts as not held and stays out of the spread", () => {
  const { e } = only(runsOf("lost", "==", 0, [0, null, 0]));
  assert.equal(e.verdict, "flaky");
  assert.deepEqual([e.held, e.measured], [2, 2]);
  assert.deepEqual(e.spread, { min: 0, median: 0, max: 0 });
  assert.equal(
    verdictMessage(e),
    "flaky: held 2 of 3 (min 0, median 0, max 0; threshold == 0; not measured or not judged in 1 run)",
  );
  const never = only(runsOf("lost", "==", 0, [null, null])).e;
  assert.equal(never.verdict, "failing");
  assert.equal(never.spread, null);
  assert.equal(never.marginMet, null);
  assert.equal(verdictMessage(never), "failing: held 0 of 2 (not measured; threshold == 0)");
});

Deno.test("a run that errored or was inconclusive counts as one where nothing held, and is named", () => {
  const runs = runsOf("p99", "<", 5000, [1200, 1300, 1250, 1200]);
  // Run 2 broke after measuring: its figures do not count.
  runs[1].outcome = "error";
  runs[1].report!.outcome = "error";
  runs[1].report!.errors = ["verification failed: broker-2 unreachable\nstack…"];
  // Run 3 could not start: no report.
  runs[2] = { round: 3, outcome: "error", report: null, error: "port 29091 is in use" };
  // Run 4's verification could not cover every event.
  runs[3].outcome = "inconclusive";
  runs[3].report!.outcome = "inconclusive";
  runs[3].report!.inconclusive = ["v: partition 2 could not be read to its end"];
  const { scenario, e } = only(runs);
  assert.equal(e.verdict, "flaky");
  assert.deepEqual([e.runs, e.held, e.measured], [4, 1, 1]);
  assert.deepEqual(e.spread, { min: 1200, median: 1200, max: 1200 });
  assert.deepEqual(scenario.broken, [
    { round: 2, outcome: "error", why: "verification failed: broker-2 unreachable" },
    { round: 3, outcome: "error", why: "port 29091 is in use" },
    { round: 4, outcome: "inconclusive", why: "v: partition 2 could not be read to its end" },
  ]);
  assert.equal(scenario.verdict, "flaky");
  assert.equal(
    scenarioMessage(scenario),
    "flaky: 1 of 4 runs passed; run 2 error: verification failed: broker-2 unreachable; " +
      "run 3 error: port 29091 is in use; run 4 inconclusive: v: partition 2 could not be read to its end",
  );
});

Deno.test("a scenario whose every run errored is failing, even with no expectation known", () => {
  const s = scenarioStability("s", [
    { round: 1, outcome: "error", report: null, error: "no such file" },
    { round: 2, outcome: "error", report: null, error: "no such file" },
  ]);
  assert.deepEqual(s.expectations, []);
  assert.equal(s.verdict, "failing");
  assert.equal(s.runs, 2);
});

Deno.test("interrupted and not-run runs are not counted", () => {
  const runs = runsOf("lost", "==", 0, [0, 0, 5]);
  runs[2].outcome = "interrupted";
  runs.push({ round: 4, outcome: "not-run", report: null, error: null });
  const { scenario, e } = only(runs);
  assert.equal(e.verdict, "stable");
  assert.equal(e.runs, 2);
  assert.equal(scenario.unfinished, 2);
  assert.equal(
    scenarioMessage(scenario),
    "stable: 2 of 2 runs passed; 2 runs interrupted or not run",
  );
  const none = scenarioStability("s", [{ outcome: "not-run", report: null, error: null }]);
  assert.equal(none.verdict, null);
  assert.equal(scenarioMessage(none), "no finished run");
});

Deno.test("the scenario's verdict is the worst of its expectations'", () => {
  const values: [number, number][] = [[0, 1200], [0, 4900], [0, 1300]];
  const runs: StabilityRun[] = values.map(([lost, p99], i) => {
    const r = report([
      ["lost == 0", "lost", "==", 0, lost],
      ["p99 < 5s", "p99", "<", 5000, p99],
    ]);
    return { round: i + 1, outcome: r.outcome, report: r, error: null };
  });
  const s = scenarioStability("s", runs);
  assert.deepEqual(s.expectations.map((e) => [e.variant, e.text, e.verdict]), [
    ["v", "lost == 0", "stable"],
    ["v", "p99 < 5s", "thin"],
  ]);
  assert.equal(s.verdict, "thin");
  assert.equal(worseVerdict("thin", "flaky"), "flaky");
  assert.equal(worseVerdict("failing", "flaky"), "failing");
  assert.equal(worseVerdict("stable", "stable"), "stable");
});

Deno.test("suiteStability groups the runs by scenario, in order of first appearance", () => {
  const runs = runsOf("lost", "==", 0, [0, 1, 0, 0]);
  const entries = [
    { ...runs[0], scenario: "b" },
    { ...runs[1], scenario: "a" },
    { ...runs[2], scenario: "b" },
    { ...runs[3], scenario: "a" },
  ];
  const stability = suiteStability(entries);
  assert.deepEqual(stability.map((s) => [s.scenario, s.runs, s.verdict]), [
    ["b", 2, "stable"],
    ["a", 2, "flaky"],
  ]);
});
