import assert from "node:assert/strict";
import { Ajv } from "ajv";
import { type Problem, ScenarioError } from "../../lib/scenario/errors.ts";
import { parseScenario } from "../../lib/scenario/load.ts";
import {
  isProfileName,
  PROFILE_NAMES,
  QUICK_PROFILE_DEFAULTS,
} from "../../lib/scenario/profile.ts";

// Lines 1–6; a profiles block appended starts on line 7.
const BASE = `name: t
description: d
load:
  rate: 100
  duration: 10s
variants: [{name: a}]
`;

function problemsOf(text: string): Problem[] {
  try {
    parseScenario(text, "s.yaml");
  } catch (error) {
    assert.ok(error instanceof ScenarioError, String(error));
    return error.problems;
  }
  throw new Error("the scenario parsed");
}

function assertOneProblem(text: string, line: number, path: string, message: string): void {
  const problems = problemsOf(text);
  assert.equal(problems.length, 1, problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  assert.deepEqual(
    { line: problems[0].line, path: problems[0].path },
    { line, path },
    problems[0].message,
  );
  assert.ok(problems[0].message.includes(message), `"${problems[0].message}" lacks "${message}"`);
}

Deno.test("a valid profiles block parses (so each case below fails for its own reason)", () => {
  const plan = parseScenario(`${BASE}profiles:\n  quick:\n    time: 1\n    rate: 0.01\n`, "s");
  assert.deepEqual(plan.profiles, { quick: { time: 1, rate: 0.01 } });
  assert.deepEqual(parseScenario(`${BASE}profiles:\n`, "s").profiles, {
    quick: { time: 0.5, rate: 0.5 },
  });
});

Deno.test("profiles: unknown keys get a suggestion at their line", () => {
  assertOneProblem(`${BASE}profile:\n  quick: {}\n`, 7, "profile", 'did you mean "profiles"?');
  assertOneProblem(`${BASE}profiles:\n  quik: {}\n`, 8, "profiles.quik", 'did you mean "quick"?');
  assertOneProblem(
    `${BASE}profiles:\n  quick:\n    time: 0.5\n    rates: 0.5\n`,
    10,
    "profiles.quick.rates",
    'did you mean "rate"?',
  );
  assertOneProblem(
    `${BASE}profiles:\n  full: {time: 1}\n`,
    8,
    "profiles.full",
    "unknown property",
  );
});

Deno.test("profiles: wrong types are reported at the value", () => {
  assertOneProblem(`${BASE}profiles: quick\n`, 7, "profiles", "must be a mapping");
  assertOneProblem(`${BASE}profiles:\n  quick: 0.5\n`, 8, "profiles.quick", "must be a mapping");
  assertOneProblem(
    `${BASE}profiles:\n  quick:\n    time: fast\n`,
    9,
    "profiles.quick.time",
    'must be a number, got string "fast"',
  );
  assertOneProblem(
    `${BASE}profiles:\n  quick:\n    rate: [0.5]\n`,
    9,
    "profiles.quick.rate",
    "must be a number, got a list",
  );
});

Deno.test("profiles: factors must be in (0, 1]", () => {
  for (
    const [value, message] of [["0", "must be > 0"], ["-0.5", "must be > 0"], [
      "1.5",
      "must be <= 1",
    ]]
  ) {
    assertOneProblem(
      `${BASE}profiles:\n  quick:\n    rate: 0.5\n    time: ${value}\n`,
      10,
      "profiles.quick.time",
      message,
    );
  }
  const both = problemsOf(`${BASE}profiles:\n  quick:\n    time: 2\n    rate: 0\n`);
  assert.deepEqual(both.map((p) => [p.line, p.path]), [
    [9, "profiles.quick.time"],
    [10, "profiles.quick.rate"],
  ]);
});

Deno.test("profiles problems are reported together with other problems", () => {
  const problems = problemsOf(
    BASE.replace("rate: 100", "rate: -1") + "profiles:\n  quick:\n    time: 0\n",
  );
  assert.deepEqual(problems.map((p) => p.path), ["load.rate", "profiles.quick.time"]);
});

Deno.test("profile names", () => {
  assert.deepEqual(PROFILE_NAMES, ["full", "quick"]);
  assert.ok(isProfileName("quick") && isProfileName("full"));
  assert.ok(!isProfileName("Quick") && !isProfileName("fast") && !isProfileName(""));
});

Deno.test("the JSON Schema's profile block agrees with the validator", async () => {
  const schema = JSON.parse(await Deno.readTextFile("lib/scenario/scenario.schema.json"));
  const profile = schema.definitions.profile.properties;
  assert.equal(profile.time.default, QUICK_PROFILE_DEFAULTS.time);
  assert.equal(profile.rate.default, QUICK_PROFILE_DEFAULTS.rate);
  const validate = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true })
    .compile(schema);
  const doc = (profiles: unknown) => ({
    name: "t",
    description: "d",
    load: { rate: 100, duration: "10s" },
    variants: [{ name: "a" }],
    profiles,
  });
  assert.ok(validate(doc({ quick: { time: 1, rate: 0.01 } })), JSON.stringify(validate.errors));
  assert.ok(validate(doc({})));
  for (
    const bad of [{ quick: { time: 0 } }, { quick: { rate: 1.5 } }, { quik: {} }, {
      quick: { tme: 0.5 },
    }]
  ) {
    assert.equal(validate(doc(bad)), false, JSON.stringify(bad));
  }
});
