import assert from "node:assert/strict";
import { join } from "node:path";
import { selectScenarios } from "../../lib/cli/ci.ts";
import { UsageError } from "../../lib/cli/usage.ts";
import { DEFAULT_TOLERANCES } from "../../lib/report/compare.ts";
import type { RunReport } from "../../lib/report/types.ts";
import { ScenarioError } from "../../lib/scenario/errors.ts";
import { loadScenario } from "../../lib/scenario/load.ts";
import type { ProfileName } from "../../lib/scenario/types.ts";
import { findBaselineReports } from "../../lib/suite/baseline.ts";
import type { RunOneOptions } from "../../lib/suite/run_one.ts";
import type { ConnectionSettings } from "../../lib/connection/settings.ts";
import {
  releaseResources,
  runSuite,
  type SuiteDeps,
  type SuiteScenario,
} from "../../lib/suite/suite.ts";
import type { SuiteJson } from "../../lib/suite/types.ts";
import { suiteExitCode } from "../../lib/suite/types.ts";
import {
  failedReport,
  fakeSuiteDeps,
  passedReport,
  planOf,
  suiteOptions,
  withTempDir,
} from "./suite_helpers.ts";

const SCENARIOS: SuiteScenario[] = ["alpha", "bravo", "charlie", "delta"].map((name) => ({
  name,
  file: `scenarios/${name}.yaml`,
}));

interface Calls {
  loaded: [string, ProfileName][];
  runs: { plan: string; opts: Omit<RunOneOptions, "signal"> }[];
}

/**
 * Fake world: alpha passes, bravo's file is invalid, charlie fails an
 * expectation, delta's cluster cannot start. `tweak` changes a report before
 * it is written; the clock advances 1 s per reading.
 */
function fakeDeps(
  calls: Calls,
  opts: { profileOfReports?: ProfileName; tweak?: (r: RunReport) => void; onRun?: () => void } = {},
): SuiteDeps {
  return fakeSuiteDeps(
    (plan, runOpts) => {
      const { signal: _, ...rest } = runOpts;
      calls.runs.push({ plan: plan.name, opts: rest });
      opts.onRun?.();
      if (plan.name === "delta") throw new Error("port 29091 is in use");
      const report = plan.name === "charlie" ? failedReport(plan.name) : passedReport(plan.name);
      report.scenario.resolved.profile = opts.profileOfReports ?? plan.profile;
      if (runOpts.signal.aborted) report.outcome = "interrupted";
      opts.tweak?.(report);
      return { report, folder: "2025-11-20T14-03-12Z" };
    },
    (file, profile) => {
      calls.loaded.push([file, profile]);
      const plan = planOf(file, profile);
      if (plan.name === "bravo") {
        return Promise.reject(
          new ScenarioError([{
            file,
            line: 4,
            column: 9,
            path: "load.rate",
            message: "must be > 0",
          }]),
        );
      }
      return Promise.resolve(plan);
    },
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("runSuite runs every scenario in order, records setup errors and goes on", async () => {
  await withTempDir(async (dir) => {
    const calls: Calls = { loaded: [], runs: [] };
    const seen: string[] = [];
    const { result, paths } = await runSuite(
      suiteOptions(SCENARIOS, dir, { onEntry: (e) => seen.push(`${e.scenario}:${e.outcome}`) }),
      fakeDeps(calls),
    );

    assert.deepEqual(seen, ["alpha:passed", "bravo:error", "charlie:failed", "delta:error"]);
    assert.deepEqual(calls.loaded.map(([, p]) => p), ["quick", "quick", "quick", "quick"]);
    assert.deepEqual(calls.runs.map((r) => r.plan), ["alpha", "charlie", "delta"]);
    for (const run of calls.runs) {
      assert.deepEqual(run.opts, { reportsDir: dir, lang: "en", chatter: "quiet" });
    }
    const [alpha, bravo, charlie, delta] = result.entries;
    assert.equal(alpha.dir, "alpha/2025-11-20T14-03-12Z");
    assert.equal(alpha.durationMs, 1000);
    assert.match(bravo.error!, /load\.rate: must be > 0/);
    assert.equal(bravo.dir, null);
    assert.equal(charlie.report!.outcome, "failed");
    assert.equal(delta.error, "port 29091 is in use");
    assert.equal(suiteExitCode(result), 1);

    for (const path of Object.values(paths)) assert.ok(await exists(path), path);
    assert.equal(paths.index, join(dir, "index.html"));
    const json: SuiteJson = JSON.parse(await Deno.readTextFile(paths.json));
    assert.deepEqual(
      Object.entries(json.scenarios).map(([name, e]) => [name, e.outcome, e.dir]),
      [
        ["alpha", "passed", "alpha/2025-11-20T14-03-12Z"],
        ["bravo", "error", null],
        ["charlie", "failed", "charlie/2025-11-20T14-03-12Z"],
        ["delta", "error", null],
      ],
    );
    assert.equal(json.outcome, "failed");
    const index = await Deno.readTextFile(paths.index);
    assert.equal([...index.matchAll(/<tr id="scenario-/g)].length, 4);
  });
});

Deno.test("runSuite compares with the baseline suite and fails on a regression", async () => {
  await withTempDir(async (dir) => {
    const base = join(dir, "base");
    const first = await runSuite(suiteOptions(SCENARIOS, base), fakeDeps({ loaded: [], runs: [] }));
    assert.equal(suiteExitCode(first.result), 1);

    const baseline = await findBaselineReports(base);
    assert.deepEqual([...baseline.reports.keys()], ["alpha", "charlie"]);
    const current = join(dir, "current");
    const { result } = await runSuite(
      suiteOptions(SCENARIOS, current, { baseline }),
      fakeDeps({ loaded: [], runs: [] }, {
        tweak: (r) => {
          if (r.scenario.name === "alpha") r.variants[1].verification!.counts.reordered = 3;
        },
      }),
    );
    const [alpha, bravo, charlie] = result.entries;
    assert.equal(alpha.outcome, "passed");
    assert.equal(
      alpha.baseline!.baseline,
      join(base, "alpha", "2025-11-20T14-03-12Z", "report.json"),
    );
    assert.equal(alpha.baseline!.comparison!.regressed, true);
    assert.equal(bravo.baseline, null);
    assert.equal(charlie.baseline!.comparison!.regressed, false);
    const runDir = join(current, "alpha", "2025-11-20T14-03-12Z");
    assert.match(await Deno.readTextFile(join(runDir, "comparison.md")), /❌/);
    assert.ok(await exists(join(runDir, "comparison.html")));

    const json: SuiteJson = JSON.parse(await Deno.readTextFile(join(current, "suite.json")));
    assert.deepEqual(json.scenarios.alpha.regressions, [
      "idempotent reordered: 0 → 3 (any increase regresses)",
    ]);
    assert.equal(json.scenarios.alpha.comparison, "alpha/2025-11-20T14-03-12Z/comparison.html");
    assert.equal(json.baseline, base);
  });
});

Deno.test("a passing suite without regressions exits 0", async () => {
  await withTempDir(async (dir) => {
    const only = [SCENARIOS[0]];
    const options = {
      scenarios: only,
      profile: "quick" as const,
      baseline: null,
      tolerances: DEFAULT_TOLERANCES,
      signal: new AbortController().signal,
    };
    await runSuite({ ...options, dir: join(dir, "a") }, fakeDeps({ loaded: [], runs: [] }));
    const baseline = await findBaselineReports(join(dir, "a"));
    const { result } = await runSuite(
      { ...options, dir: join(dir, "b"), baseline },
      fakeDeps({ loaded: [], runs: [] }),
    );
    assert.equal(result.entries[0].baseline!.comparison!.regressed, false);
    assert.equal(suiteExitCode(result), 0);
  });
});

/** The baseline outcome of one scenario whose baseline run was made with `baselineDeps`. */
async function againstBaseline(baselineDeps: SuiteDeps) {
  return await withTempDir(async (dir) => {
    const scenarios = [SCENARIOS[0]];
    await runSuite(suiteOptions(scenarios, join(dir, "before")), baselineDeps);
    const baseline = await findBaselineReports(join(dir, "before"));
    const { result } = await runSuite(
      suiteOptions(scenarios, join(dir, "now"), { baseline }),
      fakeDeps({ loaded: [], runs: [] }),
    );
    return { baseline: result.entries[0].baseline!, exitCode: suiteExitCode(result) };
  });
}

Deno.test("a baseline of another profile is not compared, with a note", async () => {
  const { baseline, exitCode } = await againstBaseline(
    fakeDeps({ loaded: [], runs: [] }, { profileOfReports: "full" }),
  );
  assert.equal(baseline.comparison, null);
  assert.equal(baseline.note, "baseline ran the full profile, this run quick: not compared");
  assert.equal(exitCode, 0);
});

Deno.test("Ctrl-C during a run: that run keeps its partial report, the rest are not run", async () => {
  await withTempDir(async (dir) => {
    const controller = new AbortController();
    const calls: Calls = { loaded: [], runs: [] };
    const { result, paths } = await runSuite(
      suiteOptions(SCENARIOS, dir, { profile: "full", signal: controller.signal }),
      fakeDeps(calls, { onRun: () => controller.abort() }),
    );
    assert.deepEqual(calls.runs.map((r) => r.plan), ["alpha"]);
    assert.deepEqual(result.entries.map((e) => e.outcome), [
      "interrupted",
      "not-run",
      "not-run",
      "not-run",
    ]);
    assert.equal(result.interrupted, true);
    assert.equal(suiteExitCode(result), 130);
    const json: SuiteJson = JSON.parse(await Deno.readTextFile(paths.json));
    assert.equal(json.outcome, "interrupted");
    assert.equal(json.profile, "full");
  });
});

Deno.test("a cluster the suite cannot stop is a suite error: console, outputs, exit 1", async () => {
  await withTempDir(async (dir) => {
    const released: string[] = [];
    const reported: string[] = [];
    const { result, paths } = await runSuite(
      suiteOptions([SCENARIOS[0]], dir, {
        resources: [
          {
            description: "the 3-broker local cluster",
            release:
              () => (released.push("3"), Promise.reject(new Error("broker-2 still running"))),
          },
          {
            description: "the 1-broker local cluster",
            release: () => (released.push("1"), Promise.resolve()),
          },
        ],
        onError: (e) => reported.push(e),
      }),
      fakeDeps({ loaded: [], runs: [] }),
    );

    assert.deepEqual(released, ["3", "1"], "a failed release does not skip the next one");
    const expected = "the 3-broker local cluster could not be stopped: broker-2 still running";
    assert.deepEqual(reported, [expected]);
    assert.deepEqual(result.errors, [expected]);
    assert.equal(result.entries[0].outcome, "passed");
    assert.equal(suiteExitCode(result), 1);
    const json: SuiteJson = JSON.parse(await Deno.readTextFile(paths.json));
    assert.equal(json.outcome, "failed");
    assert.deepEqual(json.errors, [expected]);
    assert.match(await Deno.readTextFile(paths.markdown), /## ⚠️ Suite errors\n\n- the 3-broker/);
    assert.match(await Deno.readTextFile(paths.index), /class="error suite-error">the 3-broker/);
    assert.match(
      await Deno.readTextFile(paths.junit),
      /<error message="the 3-broker[^"]*" type="suite">/,
    );
  });
});

Deno.test("the suite's clusters are stopped even when the suite itself fails", async () => {
  await withTempDir(async (dir) => {
    const released: string[] = [];
    const reported: string[] = [];
    const deps = fakeDeps({ loaded: [], runs: [] });
    await assert.rejects(
      runSuite(
        suiteOptions([SCENARIOS[0]], dir, {
          onEntry: () => {
            throw new Error("console gone");
          },
          resources: [{
            description: "the 1-broker local cluster",
            release: () => (released.push("1"), Promise.reject(new Error("no such process"))),
          }],
          onError: (e) => reported.push(e),
        }),
        deps,
      ),
      /console gone/,
    );
    assert.deepEqual(released, ["1"]);
    assert.deepEqual(reported, [
      "the 1-broker local cluster could not be stopped: no such process",
    ]);
  });
});

Deno.test("releaseResources releases each in turn and returns what failed", async () => {
  const order: string[] = [];
  const errors = await releaseResources([
    { description: "a", release: () => (order.push("a"), Promise.reject("refused")) },
    { description: "b", release: () => (order.push("b"), Promise.resolve()) },
  ]);
  assert.deepEqual(order, ["a", "b"]);
  assert.deepEqual(errors, ["a could not be stopped: refused"]);
  assert.deepEqual(await releaseResources([]), []);
});

Deno.test("selectScenarios: all in name order, or those --only names; unknown names suggest", async () => {
  await withTempDir(async (dir) => {
    for (const name of ["zulu", "alpha", "mike"]) {
      await Deno.writeTextFile(join(dir, `${name}.yaml`), `name: ${name}\n`);
    }
    await Deno.writeTextFile(join(dir, "notes.txt"), "");
    assert.deepEqual((await selectScenarios(dir, undefined)).map((s) => s.name), [
      "alpha",
      "mike",
      "zulu",
    ]);
    const only = await selectScenarios(dir, "zulu, alpha");
    assert.deepEqual(only, [
      { name: "alpha", file: join(dir, "alpha.yaml") },
      { name: "zulu", file: join(dir, "zulu.yaml") },
    ]);
    await assert.rejects(selectScenarios(dir, "alpah"), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /unknown scenario "alpah"; did you mean "alpha"\?/);
      return true;
    });
    await assert.rejects(selectScenarios(dir, " , "), UsageError);
    await assert.rejects(selectScenarios(join(dir, "none"), undefined), UsageError);
  });
});

Deno.test("the suite's real-stack fixture is a valid scenario of a few seconds", async () => {
  const quick = await loadScenario("tests/fixtures/suite/tiny.yaml", { profile: "quick" });
  assert.equal(quick.cluster.brokers, 1);
  assert.equal(quick.profile, "quick");
  assert.ok(quick.load.warmupMs + quick.load.durationMs + quick.drainMs <= 5000);
  assert.deepEqual((await selectScenarios("tests/fixtures/suite", undefined)).map((s) => s.name), [
    "tiny",
  ]);
});

Deno.test("a baseline that ran something else (another rate) is not compared, with the difference named", async () => {
  const { baseline } = await againstBaseline(fakeDeps({ loaded: [], runs: [] }, {
    tweak: (r) => (r.scenario.resolved.load.rate = { kind: "constant", perSecond: 99 }),
  }));
  assert.equal(baseline.comparison, null);
  assert.match(baseline.note!, /^baseline ran something else \(load: .*99.*\): not compared$/);
});

Deno.test("an external cluster reaches every run, and its secrets no suite output", async () => {
  await withTempDir(async (dir) => {
    const password = "canary-Pa55word-1234";
    const connection: ConnectionSettings = {
      securityProtocol: "SASL_SSL",
      sasl: { mechanism: "SCRAM-SHA-256", username: "app", password },
      tls: null,
      source: "client.properties",
    };
    const external = {
      bootstrap: ["kafka-1.example:9093"],
      toxiproxyUrl: "http://127.0.0.1:8474",
      connection,
    };
    const seen: RunOneOptions[] = [];
    const deps = fakeSuiteDeps((plan, opts) => {
      seen.push(opts);
      // An error whose text repeats the password (as a careless library might).
      if (plan.name === "bravo") throw new Error(`login refused for app:${password}`);
      return { report: passedReport(plan.name), folder: "2025-11-20T14-03-12Z" };
    });
    const { result, paths } = await runSuite(
      suiteOptions(SCENARIOS.slice(0, 2), dir, { external }),
      deps,
    );
    assert.equal(seen.length, 2);
    for (const opts of seen) {
      assert.deepEqual(opts.bootstrap, external.bootstrap);
      assert.equal(opts.toxiproxyUrl, external.toxiproxyUrl);
      assert.equal(opts.connection, connection);
    }
    assert.match(result.entries[1].error!, /login refused for app:\*\*\*/);
    for (const path of Object.values(paths)) {
      assert.ok(!(await Deno.readTextFile(path)).includes(password), path);
    }
  });
});
