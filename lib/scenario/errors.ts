/**
 * Errors of scenario files: every problem found, each with its place in the
 * file, so a user can fix them all in one pass.
 *
 * @example
 * ```ts
 * import { ScenarioError } from "./errors.ts";
 *
 * const error = new ScenarioError([
 *   { file: "s.yaml", line: 3, column: 5, path: "load.rate", message: "must be > 0" },
 * ]);
 * error.message; // "s.yaml:3:5 load.rate: must be > 0"
 * ```
 * @module
 */

/** One thing wrong with a scenario file. */
export interface Problem {
  /** Path of the scenario file as given; empty when not known yet. */
  file: string;
  /** 1-based line; 0 when the problem has no place in the file. */
  line: number;
  /** 1-based column; 0 when the problem has no place in the file. */
  column: number;
  /** Field path such as `variants[0].producer.acks`; empty for the whole file. */
  path: string;
  /** What is wrong, and a fix when one is known. */
  message: string;
}

/** Render one problem as `file:line:column path: message` (parts left out when unknown). */
export function formatProblem(problem: Problem): string {
  const place = problem.line > 0
    ? `${problem.file}:${problem.line}:${problem.column}`
    : problem.file;
  const path = problem.path === "" ? "" : `${problem.path}: `;
  return `${place}${place === "" ? "" : " "}${path}${problem.message}`;
}

/** Problems in file order: by line, then column; stable otherwise. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * A scenario file could not be turned into a plan. `message` lists every
 * problem, one per line, in file order.
 */
export class ScenarioError extends Error {
  /** Every problem found, in file order. */
  readonly problems: Problem[];

  /** Build the error from at least one problem. */
  constructor(problems: readonly Problem[]) {
    const sorted = sortProblems(problems);
    super(sorted.map(formatProblem).join("\n"));
    this.name = "ScenarioError";
    this.problems = sorted;
  }
}
