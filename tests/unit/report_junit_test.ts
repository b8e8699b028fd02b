import assert from "node:assert/strict";
import { renderJunit } from "../../lib/report/junit.ts";
import { fixture, parseXml as parse, type XmlNode as Node } from "./report_helpers.ts";

Deno.test("junit: one suite per variant, one case per expectation, failures carry the observed value", () => {
  const doc = parse(renderJunit(fixture()));
  const suites: Node[] = doc.testsuites.testsuite;
  assert.deepEqual(suites.map((s) => s.name), [
    "idempotent-vs-plain.plain",
    "idempotent-vs-plain.idempotent",
  ]);
  assert.equal(doc.testsuites.tests, "6");
  assert.equal(doc.testsuites.failures, "1");
  assert.equal(suites[0].failures, "1");
  assert.equal(suites[1].failures, "0");
  const cases: Node[] = suites[0].testcase;
  assert.deepEqual(cases.map((c) => c.name), ["lost == 0", "duplicated == 0", "p99 < 5s"]);
  assert.ok(cases.every((c) => c.classname === "idempotent-vs-plain.plain"));
  const failed = cases[1];
  assert.equal(failed.failure.message, "observed 1,622; expected duplicated == 0");
  assert.equal(cases[0].failure, undefined);
  assert.equal(cases[2].failure, undefined);
});

Deno.test("junit: markup and control characters in text still give valid XML", () => {
  const report = fixture();
  report.scenario.name = `a&b <c> "d" 'e'`;
  report.variants[0].expectations[1].text = `dup <= 0 && x\u0001 "q"`;
  const doc = parse(renderJunit(report));
  const suite = doc.testsuites.testsuite[0];
  assert.equal(suite.name, `a&b <c> "d" 'e'.plain`);
  assert.equal(suite.testcase[1].name, `dup <= 0 && x\uFFFD "q"`);
});

Deno.test("junit: an interrupted run adds an erroring case to every suite", () => {
  const report = fixture();
  report.outcome = "interrupted";
  report.errors = ["interrupted by SIGINT"];
  const doc = parse(renderJunit(report));
  assert.equal(doc.testsuites.errors, "2");
  for (const suite of doc.testsuites.testsuite) {
    const run = suite.testcase.find((c: Node) => c.name === "run");
    assert.equal(run.error.type, "interrupted");
    assert.equal(run.error["#text"], "interrupted by SIGINT");
  }
});

Deno.test("junit: a run that failed before any variant still reports an error", () => {
  const report = fixture();
  report.outcome = "error";
  report.variants = [];
  report.errors = ["cannot reach 127.0.0.1:19092"];
  const doc = parse(renderJunit(report));
  assert.equal(doc.testsuites.errors, "1");
  assert.equal(
    doc.testsuites.testsuite[0].testcase[0].error["#text"],
    "cannot reach 127.0.0.1:19092",
  );
});
