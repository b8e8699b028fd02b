/**
 * The provisioned librdkafka, loaded once per process and checked against the pinned version,
 * and what both its producer (`driver.ts`) and its consumer (`consumer.ts`) do with it:
 * properties applied to a conf, 64-bit fields read from its structs.
 *
 * @module
 */
import type { PropertyProblem } from "../contract.ts";
import { CONF, cstr, cString, type Librdkafka, openLibrdkafka } from "./ffi.ts";
import { ensureLibrdkafka, type LibrdkafkaInstall } from "./provision.ts";

/** The library, once loaded. */
export interface LoadedLibrdkafka {
  install: LibrdkafkaInstall;
  lib: Librdkafka;
  version: string;
}

/** Kept so that synchronous checks can use the library a `prepare` loaded. */
let prepared: LoadedLibrdkafka | null = null;

/** The library loaded by {@link loadLibrdkafka}, or null before that. */
export function loadedLibrdkafka(): LoadedLibrdkafka | null {
  return prepared;
}

/** Provision (first use) and open librdkafka; refuses a version other than the pinned one. */
export async function loadLibrdkafka(
  progress: (line: string) => void = () => {},
): Promise<LoadedLibrdkafka> {
  if (prepared) return prepared;
  const install = await ensureLibrdkafka(progress);
  const { lib, version } = openLibrdkafka(install.path);
  if (install.pinnedVersion && version !== install.pinnedVersion) {
    // Struct offsets were checked for the pinned version only.
    throw new Error(
      `${install.path} reports librdkafka ${version}, expected ${install.pinnedVersion}: ` +
        "remove it from the cache to provision it again",
    );
  }
  prepared = { install, lib, version };
  return prepared;
}

/** Apply properties to a fresh conf; returns the conf and every rejected property. */
export function buildConf(
  lib: Librdkafka,
  props: Record<string, string>,
): { conf: Deno.PointerValue; problems: PropertyProblem[] } {
  const conf = lib.rd_kafka_conf_new();
  const errstr = new Uint8Array(512);
  const problems: PropertyProblem[] = [];
  for (const [name, value] of Object.entries(props)) {
    const res = lib.rd_kafka_conf_set(conf, cstr(name), cstr(value), errstr, BigInt(errstr.length));
    if (res !== CONF.OK) {
      const text = cString(Deno.UnsafePointer.of(errstr));
      problems.push({
        property: name,
        message: res === CONF.UNKNOWN
          ? `librdkafka does not know the property ${name}`
          : `librdkafka rejects ${name}=${value}: ${text}`,
      });
    }
  }
  return { conf, problems };
}

/** A little-endian 64-bit integer as a number (exact below 2^53: offsets and opaques are). */
export function int64(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getInt32(at + 4, true) * 2 ** 32;
}
