/** Helpers shared by the scenario tests. */
import assert from "node:assert/strict";
import { type Problem, ScenarioError } from "../../lib/scenario/errors.ts";
import { parseScenario } from "../../lib/scenario/load.ts";

/** Every problem `text` has; fails when it parses. */
export function problemsOf(text: string): Problem[] {
  try {
    parseScenario(text, "s.yaml");
  } catch (error) {
    assert.ok(error instanceof ScenarioError, String(error));
    return error.problems;
  }
  throw new Error("the scenario parsed");
}
