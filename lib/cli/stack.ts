/**
 * `sismo stack provision|up|status|down`: the local Kafka + Toxiproxy stack.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { DEFAULT_BASE_PORT } from "../stack/layout.ts";
import { stackDown, stackStatus, stackUp } from "../stack/local.ts";
import { provision } from "../stack/provision.ts";
import { securityFiles, STACK_SECURITIES, type StackSecurity } from "../stack/security.ts";
import { CLIENT_NAMES } from "../clients/names.ts";
import { clientFactory } from "../clients/registry.ts";
import { UsageError } from "./usage.ts";

/** Help text of `stack`. */
export const STACK_HELP = `Usage: deno task stack <command> [options]

Commands:
  provision            Install the Kafka jars (Maven Central), Toxiproxy (go install) and the
                       clients' parts (librdkafka from PyPI) into the cache
  up [--brokers 1|3]   Start KRaft brokers and Toxiproxy; returns when a round trip through the proxies works
  status               Show processes, registered brokers, addresses and logs
  down                 Stop everything and delete the data

Options:
  --brokers N          1 or 3 (default 3)
  --base-port P        First port of the stack's port block (default ${DEFAULT_BASE_PORT}):
                       P+91.. proxies (bootstrap), P+191.. CLIENT, P+291.. INTERNAL, P+391.. CONTROLLER,
                       P+474 Toxiproxy API
  --heap-mb M          Heap of each broker JVM (default 512 with 3 brokers, 768 with 1)
  --security S         What the clients' listeners speak: plaintext (default), sasl_ssl (SCRAM
                       users over TLS) or ssl (TLS with client certificates); a throwaway CA and
                       the client settings are made in the stack's folder (client.properties)
  -h, --help           This help

Environment: KAFKA_HOME (use an existing Kafka), TOXIPROXY_SERVER (use an existing Toxiproxy),
SISMO_CACHE (cache folder, default ~/.cache/sismo).`;

function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got "${value}"`);
  return n;
}

/** Run `stack`; returns the exit code. */
export async function stackCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      brokers: { type: "string" },
      "base-port": { type: "string" },
      "heap-mb": { type: "string" },
      security: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || positionals.length === 0) {
    console.log(STACK_HELP);
    return values.help ? 0 : 2;
  }
  const [command, ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const basePort = intOption("base-port", values["base-port"], DEFAULT_BASE_PORT);
  const progress = (line: string) => console.error(line);
  switch (command) {
    case "provision": {
      const { kafka, toxiproxy } = await provision(progress);
      console.log(`Kafka ${kafka.version}: ${kafka.classpath} (${kafka.source})`);
      console.log(`Toxiproxy: ${toxiproxy.path} (${toxiproxy.source})`);
      // The clients' own parts too (librdkafka's library, the Java sidecar), so that a first
      // scenario run starts at once.
      for (const name of CLIENT_NAMES) {
        const { version } = await clientFactory(name).prepare(progress);
        console.log(`client ${name}: ${version}`);
      }
      return 0;
    }
    case "up": {
      const brokers = intOption("brokers", values.brokers, 3);
      if (brokers !== 1 && brokers !== 3) throw new UsageError("--brokers must be 1 or 3");
      const heapMb = values["heap-mb"] ? intOption("heap-mb", values["heap-mb"], 512) : undefined;
      const security = (values.security ?? "plaintext").toLowerCase() as StackSecurity;
      if (!STACK_SECURITIES.includes(security)) {
        throw new UsageError(
          `--security must be one of ${STACK_SECURITIES.join(", ")}, got "${values.security}"`,
        );
      }
      const state = await stackUp({ brokers, basePort, heapMb, security, progress });
      console.log(
        `Kafka ${state.kafkaVersion}, ${state.brokers} broker(s), cluster ${state.clusterId}`,
      );
      console.log(`bootstrap servers (through Toxiproxy): ${state.bootstrap.join(",")}`);
      if (security !== "plaintext") {
        // The path, never the password: the file is readable by this user only.
        console.log(
          `clients' listeners: ${security.toUpperCase()}; connection settings: ${
            securityFiles(state.dir).clientProperties
          }\n  (Kafka's CLI tools: --command-config <that file>; sismo scenarios on this stack use it)`,
        );
      }
      console.log(`Toxiproxy API: ${state.toxiproxyUrl}`);
      console.log(`logs: ${state.dir}/node-*/kafka.log, ${state.dir}/toxiproxy.log`);
      console.log("Stop with: deno task stack down");
      return 0;
    }
    case "status": {
      const s = await stackStatus(basePort);
      if (!s.state) {
        console.log(`No local stack on base port ${basePort}.`);
        return 0;
      }
      console.log(`Kafka ${s.state.kafkaVersion}, started ${s.state.startedAt}`);
      for (const p of s.processes) console.log(`  ${p.name.padEnd(10)} pid ${p.pid}  ${p.status}`);
      console.log(
        `registered brokers: ${s.registered ? s.registered.join(", ") || "none" : "unreachable"}`,
      );
      console.log(`bootstrap servers (through Toxiproxy): ${s.state.bootstrap.join(",")}`);
      console.log(`Toxiproxy API: ${s.state.toxiproxyUrl}`);
      console.log(`logs: ${s.state.dir}`);
      return s.processes.every((p) => p.status === "running") ? 0 : 1;
    }
    case "down": {
      const stopped = await stackDown({ basePort, progress });
      console.log(stopped.length ? `Stopped ${stopped.join(", ")}.` : "Nothing was running.");
      return 0;
    }
    default:
      throw new UsageError(`unknown stack command "${command}" (provision, up, status, down)`);
  }
}
