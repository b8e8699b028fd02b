import assert from "node:assert/strict";
import { join } from "node:path";
import { CI_HELP, ciCommand, parseRepeat } from "../../lib/cli/ci.ts";
import { SCENARIO_HELP, scenarioCommand } from "../../lib/cli/scenario.ts";
import { UsageError } from "../../lib/cli/usage.ts";
import type { RunReport } from "../../lib/report/types.ts";
import { compare } from "../../lib/run/expectations.ts";
import type { ComparisonOp, Plan } from "../../lib/scenario/types.ts";
import { findBaselineReports } from "../../lib/suite/baseline.ts";
import { entryLine, stabilityLines } from "../../lib/suite/console.ts";
import { renderSuiteIndex } from "../../lib/suite/index_html.ts";
import { renderSuiteJunit } from "../../lib/suite/junit.ts";
import { renderSuiteMarkdown } from "../../lib/suite/markdown.ts";
import { repeatExitCode, repeatRuns } from "../../lib/suite/repeat.ts";
import { afterSecondOf, type RunOneOptions, type WrittenRun } from "../../lib/suite/run_one.ts";
import { scenarioStability, suiteStability } from "../../lib/suite/stability.ts";
import { runSuite, type SuiteDeps, type SuiteScenario } from "../../lib/suite/suite.ts";
import { suiteJson } from "../../lib/suite/suite_json.ts";
import {
  type SuiteEntry,
  suiteExitCode,
  type SuiteJson,
  suiteOutcome,
} from "../../lib/suite/types.ts";
import {
  fakeSuiteDeps,
  parseXml,
  passedReport,
  ranEntry,
  suiteOf,
  suiteOptions,
  withTempDir as withDir,
} from "./suite_helpers.ts";

// deno-lint-ignore no-explicit-any
type Node = any;

/**
 * A report of scenario `name` with one variant `v` and two expectations, `lost == 0` and
 * `p99 < 5s`, observing `lost` and `p99` (ms); each passes as `compare` says.
 */
function reportOf(name: string, lost: number, p99: number): RunReport {
  const r = passedReport(name);
  r.variants = [r.variants[0]];
  r.variants[0].name = "v";
  const expectation = (
    text: string,
    metric: string,
    op: ComparisonOp,
    threshold: number,
    observed: number,
    line: number,
  ) => ({ text, metric, op, threshold, observed, passed: compare(observed, op, threshold), line });
  r.variants[0].expectations = [
    expectation("lost == 0", "lost", "==", 0, lost, 20),
    expectation("p99 < 5s", "p99", "<", 5000, p99, 21),
  ];
  r.outcome = r.variants[0].expectations.every((e) => e.passed) ? "passed" : "failed";
  return r;
}

const SCENARIOS: SuiteScenario[] = ["steady", "wobbly"].map((name) => ({
  name,
  file: `scenarios/${name}.yaml`,
}));

/**
 * Fake world: `steady` always holds with room to spare; `wobbly` is flaky on purpose, its p99
 * alternating between 4 s (held) and 6 s (failed) from one run to the next. Each run writes
 * its reports into `<scenario>/run-<n>`; the clock advances 1 s per reading.
 */
function fakeDeps(opts: { onRun?: (plan: string, n: number) => void } = {}): SuiteDeps {
  const runs = new Map<string, number>();
  return fakeSuiteDeps((plan, runOpts) => {
    const n = (runs.get(plan.name) ?? 0) + 1;
    runs.set(plan.name, n);
    opts.onRun?.(plan.name, n);
    const report = plan.name === "wobbly"
      ? reportOf(plan.name, 0, n % 2 === 1 ? 4000 : 6000)
      : reportOf(plan.name, 0, [1200, 1300, 1250, 1280][(n - 1) % 4]);
    if (runOpts.signal.aborted) report.outcome = "interrupted";
    return { report, folder: `run-${n}` };
  });
}

/** A temporary folder of these tests, removed afterwards. */
const withTempDir = (fn: (dir: string) => Promise<void>) => withDir(fn, "sismo-repeat-");

Deno.test("--repeat: a scenario made flaky on purpose is reported flaky everywhere, not passed", async () => {
  await withTempDir(async (dir) => {
    const lines: string[] = [];
    const { result, paths } = await runSuite(
      suiteOptions(SCENARIOS, dir, { repeat: 4, onEntry: (e) => lines.push(entryLine(e, 9)) }),
      fakeDeps(),
    );

    // Round-major: every scenario once, then again.
    assert.deepEqual(result.entries.map((e) => `${e.scenario}#${e.round}:${e.outcome}`), [
      "steady#1:passed",
      "wobbly#1:passed",
      "steady#2:passed",
      "wobbly#2:failed",
      "steady#3:passed",
      "wobbly#3:passed",
      "steady#4:passed",
      "wobbly#4:failed",
    ]);
    assert.equal(result.repeat, 4);
    assert.equal(suiteOutcome(result), "failed");
    assert.equal(suiteExitCode(result), 1);
    assert.equal(lines[0], "PASS   steady #1     1.0 s");
    assert.equal(lines[3], "FAIL   wobbly #2     1.0 s  1 of 2 expectations failed");

    const [steady, wobbly] = suiteStability(result.entries);
    assert.equal(steady.verdict, "stable");
    assert.deepEqual(steady.expectations.map((e) => e.verdict), ["stable", "stable"]);
    assert.equal(wobbly.verdict, "flaky");
    const p99 = wobbly.expectations[1];
    assert.deepEqual([p99.text, p99.runs, p99.held, p99.verdict], ["p99 < 5s", 4, 2, "flaky"]);
    assert.deepEqual(p99.spread, { min: 4000, median: 5000, max: 6000 });

    // Console
    const table = stabilityLines(suiteStability(result.entries), 4);
    assert.match(table[0], /^Stability over 4 runs/);
    assert.ok(
      table.some((l) => /^wobbly\s+v\s+lost == 0\s+4\/4\s+0\s+0\s+0\s+== 0\s+stable$/.test(l)),
      table.join("\n"),
    );
    assert.ok(
      table.some((l) =>
        /^\s+v\s+p99 < 5s\s+2\/4\s+4,000 ms\s+5,000 ms\s+6,000 ms\s+< 5,000 ms\s+flaky$/.test(l)
      ),
      table.join("\n"),
    );
    assert.ok(table.includes("wobbly  flaky: 2 of 4 runs passed"), table.join("\n"));
    assert.ok(table.includes("steady  stable: 4 of 4 runs passed"), table.join("\n"));

    // summary.md
    const md = await Deno.readTextFile(paths.markdown);
    assert.match(md, /^# ❌ sismo suite — failed\n/);
    assert.match(md, /2 scenarios × 4 runs: 6 passed, 2 failed/);
    assert.match(md, /## Stability over 4 runs\n/);
    assert.match(
      md,
      /\| wobbly \| v \| `p99 < 5s` \| 2 \/ 4 \| 4,000 ms \| 5,000 ms \| 6,000 ms \| &lt; 5,000 ms \| ❌ flaky \|/,
    );
    assert.match(md, /\| steady \| v \| `p99 < 5s` \| 4 \/ 4 \| .* \| ✅ stable \|/);
    assert.match(md, /- wobbly: ❌ flaky: 2 of 4 runs passed/);
    assert.match(md, /\| scenario \| run \| outcome \|/);
    assert.match(md, /\| wobbly \| 2 \| ❌ failed \| 1 \/ 2 \|/);
    assert.match(md, /## ❌ wobbly \(run 2\)\n/);

    // junit.xml
    const doc = parseXml(await Deno.readTextFile(paths.junit));
    const suites: Node[] = doc.testsuites.testsuite;
    const names = suites.map((s) => s.name);
    assert.equal(new Set(names).size, names.length, "every run's suites are named apart");
    assert.deepEqual(names.slice(0, 4), [
      "steady.run-1.v",
      "wobbly.run-1.v",
      "steady.run-2.v",
      "wobbly.run-2.v",
    ]);
    assert.equal(suites[3].testcase[0].classname, "wobbly.run-2.v");
    const stability = suites.find((s) => s.name === "stability");
    assert.ok(stability, "a stability suite");
    const cases = Object.fromEntries(
      stability.testcase.map((c: Node) => [`${c.classname}|${c.name}`, c]),
    );
    assert.equal(
      cases["wobbly.v|p99 < 5s"].failure.message,
      "flaky: held 2 of 4 (min 4,000 ms, median 5,000 ms, max 6,000 ms; threshold < 5,000 ms)",
    );
    assert.equal(cases["wobbly.v|p99 < 5s"].failure.type, "flaky");
    assert.equal(cases["wobbly.v|lost == 0"].failure, undefined);
    assert.equal(cases["steady.v|p99 < 5s"].failure, undefined);
    assert.equal(cases["steady|runs"].failure, undefined);
    assert.equal(Number(stability.tests), 6);
    assert.equal(Number(stability.failures), 1);
    assert.equal(
      Number(doc.testsuites.failures),
      suites.flatMap((s) => s.testcase).filter((c: Node) => c.failure).length,
    );

    // suite.json
    const json: SuiteJson = JSON.parse(await Deno.readTextFile(paths.json));
    assert.equal(json.outcome, "failed");
    assert.equal(json.repeat, 4);
    assert.equal(json.runs!.length, 8);
    assert.deepEqual(json.runs![3].scenario, "wobbly");
    assert.deepEqual(json.runs![3].round, 2);
    assert.equal(json.runs![3].outcome, "failed");
    assert.equal(json.scenarios.wobbly.dir, "wobbly/run-4", "the latest run");
    assert.equal(json.stability!.wobbly.verdict, "flaky");
    assert.deepEqual(json.stability!.wobbly.expectations[1], {
      variant: "v",
      text: "p99 < 5s",
      metric: "p99",
      op: "<",
      threshold: 5000,
      line: 21,
      runs: 4,
      held: 2,
      measured: 4,
      unbounded: 0,
      min: 4000,
      median: 5000,
      max: 6000,
      marginMet: false,
      verdict: "flaky",
      message:
        "flaky: held 2 of 4 (min 4,000 ms, median 5,000 ms, max 6,000 ms; threshold < 5,000 ms)",
    });
    assert.equal(json.stability!.steady.verdict, "stable");

    // index.html
    const html = await Deno.readTextFile(paths.index);
    const section = /<section id="stability">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
    assert.match(section, /<h2>Stability over 4 runs<\/h2>/);
    const row = /<tr id="stability-wobbly">[\s\S]*?<\/tr>\s*<tr>([\s\S]*?)<\/tr>/.exec(section)
      ?.[1] ?? "";
    assert.match(row, /<code>p99 &lt; 5s<\/code>/);
    assert.match(row, /2 \/ 4<\/td><td class="num">4,000 ms<\/td><td class="num">5,000 ms/);
    assert.match(row, /<span class="badge fail">FLAKY<\/span>/);
    assert.match(section, /<b>wobbly<\/b>: flaky: 2 of 4 runs passed/);
    assert.equal([...html.matchAll(/<tr id="scenario-[a-z]+-run-\d">/g)].length, 8);
    assert.match(html, /Scenarios <b>2<\/b> × <b>4<\/b> runs/);

    // A later suite takes each scenario's latest run as its baseline.
    const baseline = await findBaselineReports(dir);
    assert.equal(baseline.reports.get("wobbly"), join(dir, "wobbly", "run-4", "report.json"));
  });
});

Deno.test("--repeat: a scenario that always holds with room to spare passes, stable", async () => {
  await withTempDir(async (dir) => {
    const { result, paths } = await runSuite(
      suiteOptions([SCENARIOS[0]], dir, { repeat: 3 }),
      fakeDeps(),
    );
    assert.equal(suiteExitCode(result), 0);
    const json: SuiteJson = JSON.parse(await Deno.readTextFile(paths.json));
    assert.equal(json.outcome, "passed");
    assert.equal(json.stability!.steady.verdict, "stable");
    assert.deepEqual(json.stability!.steady.expectations.map((e) => e.verdict), [
      "stable",
      "stable",
    ]);
    const doc = parseXml(await Deno.readTextFile(paths.junit));
    const stability = doc.testsuites.testsuite.find((s: Node) => s.name === "stability");
    assert.equal(stability.failures, "0");
    assert.match(
      stability.testcase[1]["system-out"],
      /^stable: held 3 of 3 \(min 1,200 ms, median 1,250 ms, max 1,300 ms; threshold < 5,000 ms\)/,
    );
    assert.match(await Deno.readTextFile(paths.markdown), /^# ✅ sismo suite — passed\n/);
  });
});

Deno.test("--repeat: thin expectations are JUnit failures but fail no run", () => {
  const entries = [1200, 4900, 1300].map((p99, i) => ({
    ...ranEntry(reportOf("edge", 0, p99)),
    round: i + 1,
  }));
  const result = { ...suiteOf(entries), repeat: 3 };
  assert.equal(suiteExitCode(result), 0);
  const doc = parseXml(renderSuiteJunit(result));
  const stability = doc.testsuites.testsuite.find((s: Node) => s.name === "stability");
  const thin = stability.testcase.find((c: Node) => c.name === "p99 < 5s");
  assert.equal(thin.failure.type, "thin");
  assert.equal(
    thin.failure.message,
    "thin: held 3 of 3 (min 1,200 ms, median 1,300 ms, max 4,900 ms; threshold < 5,000 ms; " +
      "median 3,700 ms from the threshold, under 2 × the spread of 3,700 ms)",
  );
  assert.match(
    renderSuiteMarkdown(result),
    /\| ⚠️ thin: median 3,700 ms from the threshold, under 2 × the spread of 3,700 ms \|/,
  );
  assert.match(renderSuiteIndex(result), /<span class="badge thin">THIN<\/span>/);
});

Deno.test("--repeat: a run that could not start makes the scenario flaky, named in every output", () => {
  const entries: SuiteEntry[] = [
    { ...ranEntry(reportOf("alpha", 0, 1000)), round: 1 },
    {
      scenario: "alpha",
      round: 2,
      file: "scenarios/alpha.yaml",
      outcome: "error",
      dir: null,
      durationMs: 100,
      report: null,
      error: "port 29091 is in use",
      baseline: null,
    },
  ];
  const result = { ...suiteOf(entries), repeat: 2 };
  assert.equal(suiteOutcome(result), "failed");
  const [alpha] = suiteStability(result.entries);
  assert.equal(alpha.verdict, "flaky");
  assert.deepEqual(alpha.expectations.map((e) => e.verdict), ["flaky", "flaky"]);
  const doc = parseXml(renderSuiteJunit(result));
  const suites: Node[] = doc.testsuites.testsuite;
  assert.deepEqual(suites.map((s) => s.name), ["alpha.run-1.v", "alpha.run-2", "stability"]);
  const runs = suites[2].testcase.find((c: Node) => c.name === "runs");
  assert.equal(runs.classname, "alpha");
  assert.equal(
    runs.failure.message,
    "flaky: nothing held in 1 of 2 runs (run 2 error: port 29091 is in use)",
  );
  assert.match(
    renderSuiteMarkdown(result),
    /- alpha: ❌ flaky: 1 of 2 runs passed; run 2 error: port/,
  );
  assert.match(renderSuiteIndex(result), /flaky: 1 of 2 runs passed; run 2 error: port 29091/);
  const json = suiteJson(result);
  assert.deepEqual(json.stability!.alpha.broken, [
    { round: 2, outcome: "error", why: "port 29091 is in use" },
  ]);
  assert.equal(json.scenarios.alpha.dir, "alpha/2025-11-20T14-03-12Z", "the latest run that ran");
});

Deno.test("--repeat: Ctrl-C ends the current round as not run and starts no other", async () => {
  await withTempDir(async (dir) => {
    const controller = new AbortController();
    const { result } = await runSuite(
      suiteOptions(SCENARIOS, dir, { repeat: 3, signal: controller.signal }),
      fakeDeps({ onRun: (plan, n) => plan === "steady" && n === 2 && controller.abort() }),
    );
    assert.deepEqual(result.entries.map((e) => `${e.scenario}#${e.round}:${e.outcome}`), [
      "steady#1:passed",
      "wobbly#1:passed",
      "steady#2:interrupted",
      "wobbly#2:not-run",
    ]);
    assert.equal(suiteExitCode(result), 130);
  });
});

Deno.test("without --repeat, outputs are those of a single run (no stability, no run numbers)", async () => {
  await withTempDir(async (dir) => {
    const { result, paths } = await runSuite(suiteOptions(SCENARIOS, dir), fakeDeps());
    assert.equal(result.repeat, 1);
    assert.ok(result.entries.every((e) => e.round === undefined));
    const json: SuiteJson = JSON.parse(await Deno.readTextFile(paths.json));
    assert.equal(json.repeat, 1);
    assert.equal(json.runs, undefined);
    assert.equal(json.stability, undefined);
    assert.ok(!(await Deno.readTextFile(paths.junit)).includes('name="stability"'));
    assert.ok(!(await Deno.readTextFile(paths.markdown)).includes("Stability"));
    assert.ok(!(await Deno.readTextFile(paths.index)).includes('id="stability"'));
  });
});

Deno.test("--repeat must be a whole number from 1 to 100", async () => {
  assert.equal(parseRepeat(undefined), 1);
  assert.equal(parseRepeat("1"), 1);
  assert.equal(parseRepeat("10"), 10);
  assert.equal(parseRepeat("100"), 100);
  for (const bad of ["0", "abc", "101", "2.5", "-1", "", "1e2", "3x"]) {
    assert.throws(() => parseRepeat(bad), (e: unknown) => {
      assert.ok(e instanceof UsageError, bad);
      assert.equal(
        e.message,
        `--repeat must be a whole number of runs from 1 to 100, got "${bad}"`,
      );
      return true;
    });
  }
  // Rejected before anything is read or started.
  await assert.rejects(ciCommand(["--repeat", "0"]), UsageError);
  await assert.rejects(ciCommand(["--repeat", "abc", "--scenarios", "/nonexistent"]), UsageError);
  await assert.rejects(scenarioCommand(["no-such-scenario", "--repeat", "abc"]), UsageError);
  await assert.rejects(scenarioCommand(["no-such-scenario", "--repeat", "0"]), /--repeat must/);
  assert.match(CI_HELP, /--repeat N/);
  assert.match(SCENARIO_HELP, /--repeat N/);
});

/** A fake runner of `plan` whose runs return the given outcomes in turn (`throw`: a setup error). */
function scriptedRunner(
  outcomes: (RunReport["outcome"] | "throw")[],
  opts: { onRun?: (n: number) => void } = {},
) {
  let n = 0;
  let clock = 0;
  return {
    runOne(plan: Plan, _opts: RunOneOptions): Promise<WrittenRun> {
      const outcome = outcomes[n++];
      opts.onRun?.(n);
      if (outcome === "throw") return Promise.reject(new Error("port 29091 is in use"));
      const report = reportOf(plan.name, 0, outcome === "failed" ? 6000 : 1000);
      report.outcome = outcome;
      const dir = `reports/${plan.name}/run-${n}`;
      return Promise.resolve({
        report,
        dir,
        files: {
          json: `${dir}/report.json`,
          html: `${dir}/report.html`,
          junit: `${dir}/junit.xml`,
          markdown: `${dir}/summary.md`,
        },
      });
    },
    now: () => (clock += 2000),
  };
}

Deno.test("scenario --repeat: N runs of the plan, each with its own report; exit code of them all", async () => {
  const plan = structuredClone(passedReport("wobbly").scenario.resolved);
  const signal = new AbortController().signal;
  const seen: string[] = [];
  const runs = await repeatRuns(plan, 4, { signal }, {
    deps: scriptedRunner(["passed", "failed", "throw", "passed"]),
    onRun: (e) => seen.push(`${e.round}:${e.outcome}:${e.dir}`),
  });
  assert.deepEqual(seen, [
    "1:passed:reports/wobbly/run-1",
    "2:failed:reports/wobbly/run-2",
    "3:error:null",
    "4:passed:reports/wobbly/run-4",
  ]);
  assert.equal(runs[2].error, "port 29091 is in use");
  assert.equal(runs[0].durationMs, 2000);
  assert.equal(entryLine(runs[1], 9), "FAIL   wobbly #2     2.0 s  1 of 2 expectations failed");
  const stability = scenarioStability(plan.name, runs);
  assert.equal(stability.verdict, "flaky");
  assert.equal(stability.expectations[1].verdict, "flaky");
  assert.equal(repeatExitCode(runs), 1);
  assert.ok(
    stabilityLines([stability], 4).includes(
      "wobbly  flaky: 2 of 4 runs passed; run 3 error: port 29091 is in use",
    ),
  );

  // A setup error of the first run is the command's error, as without --repeat.
  await assert.rejects(
    repeatRuns(plan, 3, { signal }, { deps: scriptedRunner(["throw"]) }),
    /port 29091 is in use/,
  );
  const passed = await repeatRuns(plan, 3, { signal }, {
    deps: scriptedRunner(["passed", "passed", "passed"]),
  });
  assert.equal(repeatExitCode(passed), 0);
  const inconclusive = await repeatRuns(plan, 2, { signal }, {
    deps: scriptedRunner(["passed", "inconclusive"]),
  });
  assert.equal(repeatExitCode(inconclusive), 3);

  // Ctrl-C during run 2: it keeps its partial report, no further run starts.
  const controller = new AbortController();
  const stopped = await repeatRuns(plan, 5, { signal: controller.signal }, {
    deps: scriptedRunner(["passed", "interrupted", "passed"], {
      onRun: (n) => n === 2 && controller.abort(),
    }),
  });
  assert.deepEqual(stopped.map((e) => e.outcome), ["passed", "interrupted"]);
  assert.equal(repeatExitCode(stopped), 130);
});

Deno.test("a scenario run again waits for the next wall-clock second (run folders are named to the second)", async () => {
  const started = performance.now();
  await afterSecondOf(1999, () => 1900);
  assert.ok(performance.now() - started >= 90, "waited for the second to end");
  const again = performance.now();
  await afterSecondOf(1999, () => 2000);
  await afterSecondOf(1999, () => 5000);
  assert.ok(performance.now() - again < 50, "no wait once the second is over");
});
