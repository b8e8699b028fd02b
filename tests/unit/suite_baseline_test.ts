import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BaselineError,
  findBaselineReports,
  latestName,
  reportsOfSuiteJson,
} from "../../lib/suite/baseline.ts";
import { withTempDir } from "./suite_helpers.ts";

async function touch(path: string, text = "{}"): Promise<void> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, text);
}

async function assertBaselineError(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof BaselineError, String(error));
    assert.match(error.message, message);
    return true;
  });
}

function suiteJsonText(scenarios: Record<string, string | null>): string {
  return JSON.stringify({
    suiteVersion: 1,
    scenarios: Object.fromEntries(
      Object.entries(scenarios).map(([name, dir]) => [name, { outcome: "passed", dir }]),
    ),
  });
}

Deno.test("latestName picks the last timestamp", () => {
  assert.equal(
    latestName(["2025-11-20T14-03-12Z", "2025-11-21T09-00-00Z", "2025-11-20T23-59-59Z"]),
    "2025-11-21T09-00-00Z",
  );
  assert.equal(latestName([]), undefined);
});

Deno.test("reportsOfSuiteJson joins each run dir to the suite folder and skips scenarios that did not run", () => {
  const reports = reportsOfSuiteJson(
    JSON.parse(suiteJsonText({ a: "a/2025-11-20T14-03-12Z", b: null })),
    "base",
  );
  assert.deepEqual([...reports], [["a", join("base", "a", "2025-11-20T14-03-12Z", "report.json")]]);
  assert.throws(() => reportsOfSuiteJson({ runs: [] }, "base"), BaselineError);
  assert.throws(() => reportsOfSuiteJson(null, "base"), BaselineError);
  assert.throws(() => reportsOfSuiteJson({ scenarios: [] }, "base"), BaselineError);
});

Deno.test("a suite folder: suite.json names the runs; missing reports are left out", async () => {
  await withTempDir(async (dir) => {
    await touch(join(dir, "a", "2025-11-20T14-03-12Z", "report.json"));
    await touch(join(dir, "a", "2025-11-21T00-00-00Z", "report.json")); // not the one suite.json names
    await touch(join(dir, "suite.json"), suiteJsonText({ a: "a/2025-11-20T14-03-12Z", b: "b/x" }));
    const found = await findBaselineReports(dir);
    assert.equal(found.root, dir);
    assert.equal(found.layout, "suite");
    assert.deepEqual([...found.reports], [
      ["a", join(dir, "a", "2025-11-20T14-03-12Z", "report.json")],
    ]);
  });
});

Deno.test("a folder of suite folders (a downloaded reports/ci artifact): the latest suite", async () => {
  await withTempDir(async (dir) => {
    for (const suite of ["2025-11-19T10-00-00Z", "2025-11-20T10-00-00Z"]) {
      await touch(join(dir, suite, "a", "run", "report.json"));
      await touch(join(dir, suite, "suite.json"), suiteJsonText({ a: "a/run" }));
    }
    const found = await findBaselineReports(dir);
    assert.equal(found.root, join(dir, "2025-11-20T10-00-00Z"));
    assert.deepEqual([...found.reports], [
      ["a", join(dir, "2025-11-20T10-00-00Z", "a", "run", "report.json")],
    ]);
  });
});

Deno.test("any folder of runs: the latest run of each scenario", async () => {
  await withTempDir(async (dir) => {
    await touch(join(dir, "a", "2025-11-19T10-00-00Z", "report.json"));
    await touch(join(dir, "a", "2025-11-20T10-00-00Z", "report.json"));
    await touch(join(dir, "a", "2025-11-21T10-00-00Z", "notes.txt")); // no report: not a run
    await touch(join(dir, "b", "2025-11-18T10-00-00Z", "report.json"));
    await Deno.mkdir(join(dir, "empty"));
    const found = await findBaselineReports(dir);
    assert.equal(found.layout, "runs");
    assert.deepEqual([...found.reports].sort(), [
      ["a", join(dir, "a", "2025-11-20T10-00-00Z", "report.json")],
      ["b", join(dir, "b", "2025-11-18T10-00-00Z", "report.json")],
    ]);
  });
});

Deno.test("a missing folder, a file, or a folder without reports is bad input", async () => {
  await withTempDir(async (dir) => {
    await assertBaselineError(findBaselineReports(join(dir, "nope")), /does not exist/);
    await touch(join(dir, "file.txt"));
    await assertBaselineError(findBaselineReports(join(dir, "file.txt")), /not a folder/);
    await Deno.mkdir(join(dir, "empty", "a", "run"), { recursive: true });
    await assertBaselineError(findBaselineReports(join(dir, "empty")), /no sismo reports/);
    await touch(join(dir, "broken", "suite.json"), "{not json");
    await assertBaselineError(findBaselineReports(join(dir, "broken")), /suite.json/);
  });
});
