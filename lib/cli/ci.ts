/**
 * `sismo ci`: the regression suite. Runs every scenario of `scenarios/` (or
 * those named by `--only`) one after another, in the quick profile by
 * default, into `reports/ci/<timestamp>/`, compares each with a baseline when
 * one is given, and exits 0 only when every expectation held and nothing
 * regressed. `--repeat N` runs the list N times over and reports each
 * scenario's stability.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseTolerances } from "../report/compare.ts";
import { listScenarios } from "../scenario/list.ts";
import { isProfileName, PROFILE_NAMES } from "../scenario/profile.ts";
import { CLIENT_NAMES, isClientName } from "../clients/names.ts";
import { closest } from "../scenario/suggest.ts";
import { BaselineError, type BaselineReports, findBaselineReports } from "../suite/baseline.ts";
import { entryLine, entryName, stabilityLines } from "../suite/console.ts";
import { suiteStability } from "../suite/stability.ts";
import { interruptOnSignals } from "../suite/interrupt.ts";
import { acquireEnvironment, type RunEnvironment } from "../run/environment.ts";
import { loadScenario } from "../scenario/load.ts";
import {
  releaseResources,
  runSuite,
  type SuiteResource,
  type SuiteScenario,
} from "../suite/suite.ts";
import { suiteExitCode } from "../suite/types.ts";
import { UsageError } from "./usage.ts";
import { EXTERNAL_HELP, EXTERNAL_OPTIONS, readExternalCluster } from "./external.ts";

/** The most runs of each scenario `--repeat` accepts. */
export const MAX_REPEAT = 100;

/**
 * The value of `--repeat`: a whole number from 1 to {@link MAX_REPEAT}; 1 when absent.
 *
 * @throws {UsageError} otherwise.
 */
export function parseRepeat(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPEAT) {
    throw new UsageError(
      `--repeat must be a whole number of runs from 1 to ${MAX_REPEAT}, got "${text}"`,
    );
  }
  return n;
}

/** Help text of `ci`. */
export const CI_HELP = `Usage: deno task ci [options]

Runs every scenario of scenarios/ one after another (quick profile by default) and writes
reports/ci/<timestamp>/: each run's reports, index.html, junit.xml, summary.md and suite.json.

Options:
  --profile quick|full   Profile of every scenario (default quick: times and rates scaled down)
  --client NAME          Run every variant on this client (${CLIENT_NAMES.join(", ")}) instead of
                         the clients each file names
  --only a,b             Run only these scenarios (names as in deno task scenario --list)
  --baseline DIR         Compare with an earlier suite folder (or a folder of <scenario>/<run>/);
                         a regression fails the suite
  --tolerance LIST       e.g. p99=10%,throughput=5% (defaults: p50=10%, p99=10%, throughput=5%)
${EXTERNAL_HELP}
  --reports DIR          Parent folder of suite folders (default reports/ci)
  --scenarios DIR        Folder of the scenario files (default scenarios)
  --repeat N             Run the whole list N times over (1 to ${MAX_REPEAT}, default 1) and report
                         each expectation's runs held and observed min/median/max against its
                         threshold: stable, thin (held every time, but the median is less than
                         twice the spread from the threshold), flaky (held in some runs only)
                         or failing (in none)
  -h, --help             This help

Exit codes: 0 every expectation held (in every run) and nothing regressed, 1 otherwise,
2 bad input, 3 nothing failed but some run was inconclusive, 130 interrupted (Ctrl-C ends the
current run cleanly, keeps its partial report, skips the rest).`;

/** Suite folder name: the start time, as run directories are named. */
function timestamp(d: Date): string {
  return d.toISOString().replace(/[:]/g, "-").replace(/\.\d+Z$/, "Z");
}

/** A fresh folder `parent/<timestamp>` (suffixed `-2`, `-3`… if taken). */
async function freshFolder(parent: string, name: string): Promise<string> {
  await Deno.mkdir(parent, { recursive: true });
  for (let n = 1;; n++) {
    const dir = join(parent, n === 1 ? name : `${name}-${n}`);
    try {
      await Deno.mkdir(dir);
      return dir;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
}

/** The scenarios to run, in name order, or those `--only` names (in name order too). */
export async function selectScenarios(
  dir: string,
  only: string | undefined,
): Promise<SuiteScenario[]> {
  const listed = await listScenarios(dir);
  if (listed.length === 0) throw new UsageError(`no scenario files (*.yaml) in ${dir}/`);
  const all = listed.map(({ name, file }) => ({ name, file }));
  if (only === undefined) return all;
  const wanted = only.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (wanted.length === 0) throw new UsageError("--only needs at least one scenario name");
  const names = all.map((s) => s.name);
  for (const name of wanted) {
    if (names.includes(name)) continue;
    const guess = closest(name, names);
    throw new UsageError(
      `--only: unknown scenario "${name}"${guess ? `; did you mean "${guess}"?` : ""} ` +
        `(available: ${names.join(", ")})`,
    );
  }
  return all.filter((s) => wanted.includes(s.name));
}

/** A cluster of the suite as what the suite stops at its end. */
function suiteResource(cluster: RunEnvironment): SuiteResource {
  return {
    description: `the ${cluster.brokerIds.length}-broker ${cluster.mode} cluster`,
    release: () => cluster.release(),
  };
}

/** Run `ci`; returns the exit code. */
export async function ciCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      profile: { type: "string" },
      client: { type: "string" },
      only: { type: "string" },
      baseline: { type: "string" },
      tolerance: { type: "string" },
      reports: { type: "string" },
      scenarios: { type: "string" },
      repeat: { type: "string" },
      ...EXTERNAL_OPTIONS,
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(CI_HELP);
    return 0;
  }
  const repeat = parseRepeat(values.repeat);
  if (positionals.length > 0) {
    throw new UsageError(
      `ci takes no scenario names (got ${positionals.join(" ")}); use --only a,b`,
    );
  }
  const profile = values.profile ?? "quick";
  if (!isProfileName(profile)) {
    throw new UsageError(`--profile must be ${PROFILE_NAMES.join(" or ")}, got "${profile}"`);
  }
  const client = values.client;
  if (client !== undefined && !isClientName(client)) {
    throw new UsageError(`--client must be one of ${CLIENT_NAMES.join(", ")}, got "${client}"`);
  }
  const tolerances = parseTolerances(values.tolerance ?? "");
  const external = await readExternalCluster(values);
  const scenarios = await selectScenarios(values.scenarios ?? "scenarios", values.only);
  let baseline: BaselineReports | null = null;
  if (values.baseline !== undefined) {
    try {
      baseline = await findBaselineReports(values.baseline);
    } catch (error) {
      if (error instanceof BaselineError) throw new UsageError(`--baseline: ${error.message}`);
      throw error;
    }
  }

  const dir = await freshFolder(values.reports ?? join("reports", "ci"), timestamp(new Date()));
  const width = Math.max(
    ...scenarios.map((s) =>
      entryName({ scenario: s.name, round: repeat > 1 ? repeat : undefined }).length
    ),
  );
  const compared = baseline === null
    ? ""
    : `, against ${baseline.root} (${baseline.reports.size} baseline report(s))`;
  const times = repeat > 1 ? ` × ${repeat} runs` : "";
  console.error(
    `Suite: ${scenarios.length} scenario(s)${times}, ${profile} profile${compared} → ${dir}`,
  );
  const interrupt = interruptOnSignals(
    "ending the current scenario cleanly, then stopping the suite…",
  );
  // One local cluster per broker count for the whole suite, instead of one per scenario;
  // clusters someone else started are reused and left running.
  const clusters: RunEnvironment[] = [];
  // Until the suite runs, stopping the clusters is this function's job; then runSuite's.
  let suiteReleases = false;
  try {
    const counts = new Set<number>();
    for (const s of scenarios) {
      // the suite loads the file again and records why it is invalid as the scenario's error
      const plan = await loadScenario(s.file).catch(() => null);
      if (plan) counts.add(plan.cluster.brokers);
    }
    if (external.bootstrap) {
      // Checked once before any scenario: a cluster that cannot be used stops the suite (exit 2).
      clusters.push(await acquireEnvironment({ brokers: 0, ...external }));
    } else {
      for (const brokers of [...counts].sort((a, b) => b - a)) {
        clusters.push(
          await acquireEnvironment({ brokers, progress: (line) => console.error(line) }),
        );
      }
    }
    suiteReleases = true;
    const { result, paths } = await runSuite({
      scenarios,
      profile,
      repeat,
      client,
      external,
      dir,
      baseline,
      tolerances,
      signal: interrupt.signal,
      onEntry: (entry) => console.log(entryLine(entry, width)),
      resources: clusters.map(suiteResource),
      onError: (error) => console.error(`suite error: ${error}`),
    });
    if (repeat > 1) {
      console.log(["", ...stabilityLines(suiteStability(result.entries), repeat)].join("\n"));
    }
    console.log(`\n${paths.index}`);
    return suiteExitCode(result);
  } finally {
    if (!suiteReleases) {
      for (const error of await releaseResources(clusters.map(suiteResource))) {
        console.error(`suite error: ${error}`);
      }
    }
    interrupt.dispose();
  }
}
