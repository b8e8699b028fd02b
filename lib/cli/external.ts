/**
 * The options that point `scenario` and `ci` at an external cluster
 * (`--bootstrap`, `--toxiproxy`, `--command-config`): one parser and one help
 * text, so that both commands read them alike.
 *
 * @module
 */
import { readConnectionFile } from "../connection/read.ts";
import type { RunOptions } from "../run/run.ts";
import { UsageError } from "./usage.ts";

/** Help lines of the external-cluster options. */
export const EXTERNAL_HELP =
  `  --bootstrap H:P[,H:P]  Use an external cluster instead of the local stack
  --toxiproxy URL        Toxiproxy API of the external cluster; each broker's proxy is the one
                         listening at the address the broker advertises (or named broker-<id>)
  --command-config FILE  How to connect to the external cluster: a Kafka client properties file
                         (security.protocol, sasl.*, ssl.*; \${env:NAME} takes a value from
                         the environment), as Kafka's CLI tools take it`;

/** `parseArgs` options of the external-cluster flags. */
export const EXTERNAL_OPTIONS = {
  bootstrap: { type: "string" },
  toxiproxy: { type: "string" },
  "command-config": { type: "string" },
} as const;

/** Where and how to reach an external cluster; all absent for the local stack. */
export type ExternalCluster = Pick<RunOptions, "bootstrap" | "toxiproxyUrl" | "connection">;

/**
 * Read the external-cluster flags.
 *
 * @throws {UsageError} when `--toxiproxy` or `--command-config` comes without `--bootstrap`.
 * @throws {ConnectionConfigError} for a bad properties file.
 */
export async function readExternalCluster(values: {
  bootstrap?: string;
  toxiproxy?: string;
  "command-config"?: string;
}): Promise<ExternalCluster> {
  if (values.toxiproxy && !values.bootstrap) {
    throw new UsageError(
      "--toxiproxy goes with --bootstrap (the local stack has its own Toxiproxy)",
    );
  }
  if (values["command-config"] && !values.bootstrap) {
    throw new UsageError(
      "--command-config goes with --bootstrap (a local stack gives its own connection settings)",
    );
  }
  const bootstrap = values.bootstrap?.split(",").map((s) => s.trim()).filter(Boolean);
  if (values.bootstrap !== undefined && !bootstrap?.length) {
    throw new UsageError("--bootstrap needs at least one host:port");
  }
  return {
    bootstrap,
    toxiproxyUrl: values.toxiproxy,
    connection: values["command-config"]
      ? await readConnectionFile(values["command-config"])
      : undefined,
  };
}
