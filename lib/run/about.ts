/**
 * What a report says about the tool and the machine it ran on.
 *
 * @module
 */
import { describeConnection } from "../connection/settings.ts";
import os from "node:os";
import type { EnvironmentInfo } from "../report/types.ts";
import type { RunEnvironment } from "./environment.ts";

/** sismo's own version. */
export const SISMO_VERSION = "0.1.0";

/** Versions and machine facts for `report.json`. */
export function environmentInfo(env: RunEnvironment): EnvironmentInfo {
  return {
    kafka: {
      version: env.kafkaVersion,
      bootstrap: env.bootstrap.join(","),
      brokers: env.brokerIds.length,
      mode: env.mode,
      ...(env.connection.securityProtocol === "PLAINTEXT"
        ? {}
        : { security: describeConnection(env.connection) }),
    },
    toxiproxy: env.toxiproxyUrl ? { version: env.toxiproxyVersion, url: env.toxiproxyUrl } : null,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    os: `${Deno.build.os} ${os.release()}`,
    arch: Deno.build.arch,
    cpus: navigator.hardwareConcurrency,
    memoryBytes: Deno.systemMemoryInfo().total,
  };
}
