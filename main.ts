/**
 * sismo: shakes a Kafka cluster and records what moved.
 *
 * Thin CLI: parses the subcommand, calls into `lib/`, maps outcomes to exit
 * codes (0 ok, 1 an expectation failed or a comparison regressed, 2 bad input
 * or setup error, 130 interrupted).
 *
 * @module
 */
import { stackCommand } from "./lib/cli/stack.ts";
import { scenarioCommand } from "./lib/cli/scenario.ts";
import { compareCommand, reportCommand } from "./lib/cli/report.ts";
import { ciCommand } from "./lib/cli/ci.ts";
import { workerCommand } from "./lib/cli/worker.ts";
import { k8sCommand } from "./lib/cli/k8s.ts";
import { memberCommand } from "./lib/cli/member.ts";
import { ScenarioError } from "./lib/scenario/errors.ts";
import { ReportInputError } from "./lib/report/errors.ts";
import { UnsupportedSettingError } from "./lib/clients/contract.ts";
import { UsageError } from "./lib/cli/usage.ts";
import { ProvisionError } from "./lib/stack/provision.ts";
import { StackError } from "./lib/stack/local.ts";
import { ConnectionConfigError } from "./lib/connection/properties_file.ts";
import { ConnectionCheckError } from "./lib/connection/check.ts";

const HELP = `sismo — load and chaos testing for Apache Kafka producers

Usage: deno task <command> [arguments]   (or: deno run -A main.ts <command> …)

Commands:
  scenario <name|file.yaml>   Run a scenario (deno task scenario --list to see the built-in ones)
  stack <provision|up|status|down>   The local Kafka + Toxiproxy stack
  report <report.json>        Re-render the HTML report of a run
  compare <baseline.json> <current.json>   Compare two runs
  ci                          Run the built-in scenarios in the quick profile (regression suite)
  worker                      One share of a split load (started by scenario --workers N)
  k8s render <name|file.yaml>  Kubernetes manifests of a run split over worker pods
  member                      One consumer group member (started by sismo for a consumer workload)

Each command takes --help.`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  stack: () => Promise.resolve(stackCommand),
  scenario: () => Promise.resolve(scenarioCommand),
  report: () => Promise.resolve(reportCommand),
  compare: () => Promise.resolve(compareCommand),
  ci: () => Promise.resolve(ciCommand),
  worker: () => Promise.resolve(workerCommand),
  k8s: () => Promise.resolve(k8sCommand),
  member: () => Promise.resolve(memberCommand),
};

/** Known error kinds that mean bad input or a setup problem: exit code 2. */
function isInputOrSetupError(e: unknown): boolean {
  const kinds = [
    UsageError,
    ProvisionError,
    StackError,
    ScenarioError,
    ReportInputError,
    UnsupportedSettingError,
    ConnectionConfigError,
    ConnectionCheckError,
  ];
  if (kinds.some((k) => e instanceof k)) return true;
  // node:util parseArgs errors carry a code such as ERR_PARSE_ARGS_UNKNOWN_OPTION.
  return typeof (e as { code?: unknown })?.code === "string" &&
    String((e as { code: string }).code).startsWith("ERR_PARSE_ARGS");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "-h" || name === "--help" || name === "help") {
    console.log(HELP);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`sismo: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (e) {
    if (isInputOrSetupError(e)) {
      const message = (e as Error).message;
      console.error(`sismo ${name}:${message.includes("\n") ? "\n" : " "}${message}`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
