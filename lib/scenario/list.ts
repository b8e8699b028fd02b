/**
 * Find scenarios by name: `idempotent-vs-plain` is
 * `scenarios/idempotent-vs-plain.yaml`.
 *
 * @example
 * ```ts
 * import { listScenarios, resolveScenarioPath } from "./list.ts";
 *
 * for (const s of await listScenarios("scenarios")) console.log(s.name, s.summary);
 * resolveScenarioPath("idempotent-vs-plain"); // "scenarios/idempotent-vs-plain.yaml"
 * ```
 * @module
 */
import { basename, extname, join } from "node:path";
import { parse } from "yaml";
import { ScenarioError } from "./errors.ts";
import { closest } from "./suggest.ts";
import { TEXT_LANGS } from "./types.ts";

/** One scenario file of a folder. */
export interface ScenarioEntry {
  /** File name without `.yaml` / `.yml`: what {@link resolveScenarioPath} accepts. */
  name: string;
  /** Path of the file, `dir` joined with its name. */
  file: string;
  /** First line of the description; empty when there is none or the file does not parse. */
  summary: string;
}

const EXTENSIONS = [".yaml", ".yml"];

/**
 * The scenario files (`*.yaml`, `*.yml`) directly in `dir`, sorted by name.
 * Files are not validated: a broken scenario is still listed. A missing
 * folder lists nothing.
 */
export async function listScenarios(dir: string): Promise<ScenarioEntry[]> {
  const entries: ScenarioEntry[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !EXTENSIONS.includes(extname(entry.name))) continue;
      const file = join(dir, entry.name);
      entries.push({
        name: basename(entry.name, extname(entry.name)),
        file,
        summary: summaryOf(await Deno.readTextFile(file)),
      });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The scenario file meant by `nameOrPath`: an existing file as is, else a bare
 * name looked up as `<dir>/<name>.yaml` (or `.yml`).
 *
 * @throws {ScenarioError} naming the available scenarios and the closest one
 *   when nothing matches.
 */
export function resolveScenarioPath(nameOrPath: string, dir = "scenarios"): string {
  if (isFile(nameOrPath)) return nameOrPath;
  const bare = !/[\\/]/.test(nameOrPath) && !EXTENSIONS.includes(extname(nameOrPath));
  if (bare) {
    for (const extension of EXTENSIONS) {
      const file = join(dir, nameOrPath + extension);
      if (isFile(file)) return file;
    }
  }
  const names = namesIn(dir);
  const wanted = bare ? nameOrPath : basename(nameOrPath, extname(nameOrPath));
  const guess = closest(wanted, names);
  const available = names.length === 0
    ? `no scenarios in ${dir}/`
    : `available: ${names.join(", ")}`;
  const hint = guess === undefined ? "" : `; did you mean "${guess}"?`;
  const what = bare ? `unknown scenario "${nameOrPath}"` : "no such file";
  throw new ScenarioError([
    {
      file: bare ? "" : nameOrPath,
      line: 0,
      column: 0,
      path: "",
      message: `${what}${hint} (${available})`,
    },
  ]);
}

function summaryOf(text: string): string {
  try {
    const written = (parse(text) as { description?: unknown } | null)?.description;
    // Per language ({en, fr}): the English text when there is one, as the console is English.
    const byLang = written !== null && typeof written === "object"
      ? written as Record<string, unknown>
      : {};
    const description = typeof written === "string"
      ? written
      : TEXT_LANGS.map((lang) => byLang[lang]).find((t) => typeof t === "string");
    if (typeof description !== "string") return "";
    return description.trim().split("\n")[0].trim();
  } catch { // a broken file is still listed; running it reports why
    return "";
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch { // not there: look elsewhere, then say what is available
    return false;
  }
}

function namesIn(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)]
      .filter((entry) => entry.isFile && EXTENSIONS.includes(extname(entry.name)))
      .map((entry) => basename(entry.name, extname(entry.name)))
      .sort();
  } catch { // only a hint in the error about the scenario asked for: none to offer
    return [];
  }
}
