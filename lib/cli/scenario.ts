/**
 * `sismo scenario <name|file> [options]` and `sismo scenario --list`;
 * `--repeat N` runs the scenario N times and prints its stability.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadScenario } from "../scenario/load.ts";
import { listScenarios, resolveScenarioPath } from "../scenario/list.ts";
import { isProfileName, PROFILE_NAMES } from "../scenario/profile.ts";
import { summaryTable } from "../run/summary.ts";
import { interruptOnSignals } from "../suite/interrupt.ts";
import { runAndWrite, type RunOneOptions } from "../suite/run_one.ts";
import { EXTERNAL_HELP, EXTERNAL_OPTIONS, readExternalCluster } from "./external.ts";
import { entryLine, stabilityLines } from "../suite/console.ts";
import { repeatExitCode, repeatRuns } from "../suite/repeat.ts";
import { scenarioStability } from "../suite/stability.ts";
import type { Plan } from "../scenario/types.ts";
import { UsageError } from "./usage.ts";
import { CLIENT_NAMES, isClientName } from "../clients/names.ts";
import { MAX_REPEAT, parseRepeat } from "./ci.ts";
import { splitAddress } from "./worker.ts";

/** Most worker processes `--workers` starts. */
export const MAX_WORKERS = 64;

/** Help text of `scenario`. */
export const SCENARIO_HELP = `Usage: deno task scenario <name|file.yaml> [options]
       deno task scenario --list

Runs each producer variant of the scenario against real Kafka under the same load and faults,
verifies every event by reading the topic back, and writes reports/<scenario>/<timestamp>/.

Options:
  --list                 List the built-in scenarios
${EXTERNAL_HELP}
  --reports DIR          Parent folder of run directories (default reports)
  --lang en|fr           Language of the HTML report (default en)
  --profile full|quick   full: as written (default); quick: times and rates scaled down by the
                         scenario's profiles.quick factors (default 0.5 each)
  --client NAME          Run every variant once, on this client: ${CLIENT_NAMES.join(", ")}
                         (default: what the file says; librdkafka when it names none)
  --keep-topics          Keep the variants' topics after verification
  --fail-fast            Stop a variant's load at the first anomaly that breaks an expectation
                         for good (lost == 0 and one event lost); its events are still verified
                         and the report written, the run fails
  --client-log           Keep every line each variant's producer client logs (info, and the debug
                         lines asked for, e.g. librdkafka's debug property in client.properties)
                         in client-logs/<variant>.log of the run's folder, with the load's start
                         and the fault windows; not with --workers
  --repeat N             Run the scenario N times (1 to ${MAX_REPEAT}, default 1), each run with its
                         own reports, then print each expectation's runs held and observed
                         min/median/max against its threshold: stable, thin (held every time, but
                         the median is less than twice the spread from the threshold), flaky
                         (held in some runs only) or failing (in none)
  --workers N            Split each variant's load over N worker processes on this machine (1 to
                         ${MAX_WORKERS}): each sends every N-th event at its intended time, this process
                         plays the faults once and verifies the merged result once (no live
                         verification; not with --fail-fast). Default: one process sends all
  --listen HOST:PORT     With --workers: do not start the workers, wait for N of them to connect
                         (deno task worker --connect HOST:PORT, e.g. the pods of a Kubernetes
                         Indexed Job: deno task k8s render)
  -h, --help             This help

Exit codes: 0 every expectation held (in every run), 1 one failed (in some run), 2 bad input
(nothing started) or a run error (setup, a fault that did not start or heal, a variant that
failed, a topic left behind), 3 inconclusive (verification could not cover every event),
130 interrupted.`;

/** Run `scenario`; returns the exit code. */
export async function scenarioCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      list: { type: "boolean" },
      ...EXTERNAL_OPTIONS,
      reports: { type: "string" },
      lang: { type: "string" },
      profile: { type: "string" },
      "keep-topics": { type: "boolean" },
      "fail-fast": { type: "boolean" },
      "client-log": { type: "boolean" },
      client: { type: "string" },
      repeat: { type: "string" },
      workers: { type: "string" },
      listen: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(SCENARIO_HELP);
    return 0;
  }
  const repeat = parseRepeat(values.repeat);
  const workers = parseWorkers(values.workers);
  if (values.listen !== undefined && workers === undefined) {
    throw new UsageError("--listen goes with --workers N (how many workers to wait for)");
  }
  const listen = values.listen === undefined ? undefined : splitAddress(values.listen, "--listen");
  if (workers !== undefined && values["fail-fast"]) {
    throw new UsageError(
      "--fail-fast needs the live verification, which a run split with --workers does not have",
    );
  }
  if (workers !== undefined && values["client-log"]) {
    throw new UsageError(
      "--client-log keeps the log of the one producer of each variant; with --workers the " +
        "producers are in the worker processes",
    );
  }
  if (values.list) {
    const list = await listScenarios("scenarios");
    const w = Math.max(...list.map((s) => s.name.length));
    for (const s of list) console.log(`${s.name.padEnd(w)}  ${s.summary}`);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(`give one scenario name or file (deno task scenario --list shows them)`);
  }
  const lang = values.lang ?? "en";
  if (lang !== "en" && lang !== "fr") {
    throw new UsageError(`--lang must be en or fr, got "${lang}"`);
  }
  const external = await readExternalCluster(values);
  const profile = values.profile ?? "full";
  if (!isProfileName(profile)) {
    throw new UsageError(`--profile must be ${PROFILE_NAMES.join(" or ")}, got "${profile}"`);
  }
  const client = values.client;
  if (client !== undefined && !isClientName(client)) {
    throw new UsageError(`--client must be one of ${CLIENT_NAMES.join(", ")}, got "${client}"`);
  }
  const plan = await loadScenario(resolveScenarioPath(positionals[0]), { profile, client });

  const interrupt = interruptOnSignals(
    "stopping the load, ending faults, keeping a partial report…",
  );
  const quick = plan.profile === "full" ? "" : `, ${plan.profile} profile`;
  const times = repeat > 1 ? `, ${repeat} runs` : "";
  console.error(
    `Scenario ${plan.name} (${plan.file}): ${plan.variants.length} variant(s)${quick}${times}`,
  );
  const runOptions: RunOneOptions = {
    ...external,
    reportsDir: values.reports,
    keepTopics: values["keep-topics"],
    failFast: values["fail-fast"],
    clientLog: values["client-log"],
    workers,
    ...(listen ? { listen: { hostname: listen[0], port: listen[1] } } : {}),
    signal: interrupt.signal,
    lang,
  };
  try {
    if (repeat > 1) return await repeatedCommand(plan, repeat, runOptions);
    const { report, files } = await runAndWrite(plan, runOptions);
    console.log(summaryTable(report));
    console.log(`\nReport: ${files.html}\n        ${files.json}`);
    for (const e of report.errors) console.error(`error: ${e}`);
    switch (report.outcome) {
      case "passed":
        console.log("Every expectation held.");
        return 0;
      case "failed":
        console.log("An expectation failed.");
        return 1;
      case "inconclusive":
        for (const why of report.inconclusive ?? []) console.log(`inconclusive: ${why}`);
        console.log("Inconclusive: verification could not cover every event (see above).");
        return 3;
      case "interrupted":
        return 130;
      case "error":
        return 2;
    }
  } finally {
    interrupt.dispose();
  }
}

/** `--workers N`: undefined when absent; a UsageError unless 1 to {@link MAX_WORKERS}. */
export function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > MAX_WORKERS) {
    throw new UsageError(
      `--workers must be a whole number from 1 to ${MAX_WORKERS}, got "${text}"`,
    );
  }
  return n;
}

/** `--repeat N` above 1: the runs one after the other, a line each, then the stability table. */
async function repeatedCommand(plan: Plan, repeat: number, opts: RunOneOptions): Promise<number> {
  const width = `${plan.name} #${repeat}`.length;
  const runs = await repeatRuns(plan, repeat, opts, {
    onRun: (entry) => {
      const report = entry.dir === null ? "" : `  → ${join(entry.dir, "report.html")}`;
      console.log(`${entryLine(entry, width)}${report}`);
    },
  });
  console.log(["", ...stabilityLines([scenarioStability(plan.name, runs)], repeat)].join("\n"));
  const code = repeatExitCode(runs);
  const verdict: Record<number, string> = {
    0: `Every expectation held in every run (${runs.length}).`,
    1: "An expectation failed in some run, or a run could not finish (see above).",
    3: "Inconclusive: in some run, verification could not cover every event (see its report).",
    130: "Interrupted: the runs above are all there is.",
  };
  console.log(verdict[code] ?? "");
  return code;
}
