/**
 * Read a scenario file into a validated, fully resolved {@link Plan}.
 *
 * @example
 * ```ts
 * import { loadScenario } from "./load.ts";
 *
 * const plan = await loadScenario("scenarios/idempotent-vs-plain.yaml");
 * console.log(plan.variants.map((v) => v.name));
 * const quick = await loadScenario("scenarios/idempotent-vs-plain.yaml", { profile: "quick" });
 * ```
 * @module
 */
import { LineCounter, parseDocument } from "yaml";
import { ScenarioError } from "./errors.ts";
import { applyProfile } from "./profile.ts";
import { Reader } from "./reader.ts";
import type { Plan, ProfileName } from "./types.ts";
import type { ClientName } from "../clients/names.ts";
import { readPlan } from "./validate.ts";

/** Options of {@link parseScenario} and {@link loadScenario}. */
export interface LoadOptions {
  /** Profile to scale the plan to (see `profile.ts`); default `full`, the file as written. */
  profile?: ProfileName;
  /** Run every variant once, on this client, whatever the file says (`--client`). */
  client?: ClientName;
}

/**
 * Parse and validate scenario text; `file` names it in messages and becomes
 * `Plan.file`.
 *
 * @throws {ScenarioError} listing every problem found (YAML syntax errors
 *   first stop the check: the structure is unknown until they are fixed).
 */
export function parseScenario(text: string, file: string, opts: LoadOptions = {}): Plan {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const reader = new Reader(file, doc, lines);
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      reader.report(error.pos[0], "", `YAML: ${firstLine(error.message)}`);
    }
    throw new ScenarioError(reader.problems);
  }
  const plan = readPlan(reader, opts.client);
  if (plan === undefined || reader.problems.length > 0) {
    throw new ScenarioError(reader.problems);
  }
  return applyProfile(plan, opts.profile ?? "full");
}

/**
 * Read, parse and validate the scenario file at `path` (kept as given in
 * `Plan.file`).
 *
 * @throws {ScenarioError} when the file cannot be read or is not a valid scenario.
 */
export async function loadScenario(path: string, opts: LoadOptions = {}): Promise<Plan> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "no such file" : String(error);
    throw new ScenarioError([{ file: path, line: 0, column: 0, path: "", message: reason }]);
  }
  return parseScenario(text, path, opts);
}

function firstLine(message: string): string {
  return message.split("\n")[0];
}
