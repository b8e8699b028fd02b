import assert from "node:assert/strict";
import { ScenarioError } from "../../lib/scenario/errors.ts";
import { METRICS, parseExpectation } from "../../lib/scenario/expectation.ts";
import type { MetricName } from "../../lib/scenario/types.ts";

const source = { line: 7, path: "variants[0].expect[2]" };

/** The single problem message of a failing parse. */
function problemOf(text: string): string {
  try {
    parseExpectation(text, source);
  } catch (error) {
    assert.ok(error instanceof ScenarioError);
    assert.equal(error.problems.length, 1);
    assert.equal(error.problems[0].line, 7);
    assert.equal(error.problems[0].path, "variants[0].expect[2]");
    return error.problems[0].message;
  }
  throw new Error(`${text} parsed`);
}

Deno.test("parseExpectation reads every count metric", () => {
  const counts: MetricName[] = [
    "sent",
    "acked",
    "failed",
    "not_sent",
    "ok",
    "lost",
    "duplicated",
    "duplicates",
    "phantom",
    "failed_absent",
    "reordered",
    "foreign",
    "unverified",
    "processing.once",
    "processing.more_than_once",
    "processing.reprocessings",
    "processing.dead_lettered",
    "processing.lost",
    "processing.unprocessed",
    "processing.dead_letter_missing",
  ];
  for (const metric of counts) {
    assert.deepEqual(parseExpectation(`${metric} <= 12`, source), {
      text: `${metric} <= 12`,
      metric,
      op: "<=",
      value: 12,
      source,
    });
  }
  // Every metric of the contract has a kind here; a new one would need a test.
  assert.deepEqual(
    Object.keys(METRICS).sort(),
    [
      ...counts,
      "p50",
      "p90",
      "p99",
      "p999",
      "p9999",
      "max",
      "throughput",
      "rebalance.pause.max",
      "rebalance.reassign.max",
      "members.idle",
    ].sort(),
  );
  assert.equal(parseExpectation("rebalance.pause.max < 15s", source).value, 15_000);
  assert.equal(
    parseExpectation("processing.duplicated == 0", source).metric,
    "processing.more_than_once",
  );
});

Deno.test("parseExpectation reads every operator", () => {
  for (const op of ["==", "!=", "<", "<=", ">", ">="]) {
    assert.equal(parseExpectation(`lost ${op} 0`, source).op, op);
  }
  assert.equal(parseExpectation("lost==0", source).op, "==");
  assert.equal(parseExpectation("  lost>=3  ", source).value, 3);
});

Deno.test("parseExpectation accepts decimal counts", () => {
  assert.equal(parseExpectation("duplicates < 0.5", source).value, 0.5);
});

Deno.test("parseExpectation reads latencies as durations in ms", () => {
  const cases: [string, MetricName, number][] = [
    ["p50 < 250ms", "p50", 250],
    ["p90 < 1s", "p90", 1000],
    ["p99 < 1.5s", "p99", 1500],
    ["p999 < 2m", "p999", 120_000],
    ["p9999 < 40", "p9999", 40],
    ["max <= 1m30s", "max", 90_000],
    ["p99.9 < 300ms", "p999", 300],
    ["p99.99 < 400ms", "p9999", 400],
  ];
  for (const [text, metric, value] of cases) {
    const expectation = parseExpectation(text, source);
    assert.equal(expectation.metric, metric, text);
    assert.equal(expectation.value, value, text);
    assert.equal(expectation.text, text);
  }
});

Deno.test("parseExpectation reads throughput as events per second", () => {
  assert.equal(parseExpectation("throughput >= 1800/s", source).value, 1800);
  assert.equal(parseExpectation("throughput >= 1800", source).value, 1800);
  assert.equal(parseExpectation("throughput > 99.5/s", source).value, 99.5);
});

Deno.test("parseExpectation maps dashed aliases", () => {
  assert.equal(parseExpectation("not-sent == 0", source).metric, "not_sent");
  assert.equal(parseExpectation("failed-absent == 0", source).metric, "failed_absent");
});

Deno.test("parseExpectation keeps duplicates and duplicated apart", () => {
  assert.equal(parseExpectation("duplicates == 0", source).metric, "duplicates");
  assert.equal(parseExpectation("duplicated == 0", source).metric, "duplicated");
});

Deno.test("parseExpectation rejects unknown metrics with a suggestion", () => {
  assert.equal(problemOf("lots == 0"), 'unknown metric "lots"; did you mean "lost"?');
  assert.equal(
    problemOf("duplicate > 0"),
    'unknown metric "duplicate"; did you mean "duplicated"?',
  );
  assert.equal(problemOf("p95 < 1s"), 'unknown metric "p95"; did you mean "p90"?');
  assert.match(problemOf("zzzzzzzzz == 0"), /^unknown metric "zzzzzzzzz"; known: sent, acked, /);
});

Deno.test("parseExpectation rejects bad operators with the fix", () => {
  assert.equal(problemOf("lost = 0"), 'unknown operator "="; did you mean "=="?');
  assert.equal(problemOf("lost =< 0"), 'unknown operator "=<"; did you mean "<="?');
  assert.equal(problemOf("lost => 0"), 'unknown operator "=>"; did you mean ">="?');
});

Deno.test("parseExpectation rejects values of the wrong kind", () => {
  assert.match(problemOf("lost == 1s"), /^lost is a count: .* got "1s"$/);
  assert.match(problemOf("lost == -1"), /^lost is a count/);
  assert.match(problemOf("p99 < fast"), /^p99 is a latency: .* got "fast"$/);
  assert.match(problemOf("throughput > 10/m"), /^throughput is a rate: .* got "10\/m"$/);
  assert.match(problemOf("throughput > 1s"), /^throughput is a rate/);
});

Deno.test("parseExpectation rejects text that is not <metric> <op> <value>", () => {
  for (const text of ["", "lost", "lost ==", "== 0", "lost == 0 and more", "p99 < 3 events"]) {
    assert.match(problemOf(text), /^invalid expectation .*write <metric> <op> <value>/, text);
  }
});
