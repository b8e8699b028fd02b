/**
 * Which Toxiproxy proxy carries each broker's client traffic, on a Toxiproxy
 * the user names (`--toxiproxy`). Clients go where a broker's metadata says,
 * so a broker's proxy is the one listening at the address the broker
 * advertises; a proxy named `broker-<id>` is taken when none listens there.
 *
 * @example
 * ```ts
 * import { mapProxies } from "./proxy_map.ts";
 * const { proxies, missing } = mapProxies(
 *   [{ nodeId: 1, host: "127.0.0.1", port: 9191 }, { nodeId: 2, host: "127.0.0.1", port: 9192 }],
 *   [{ name: "kafka-a", listen: "127.0.0.1:9191" }, { name: "broker-2", listen: "[::]:7000" }],
 * );
 * proxies.get(1); // "kafka-a"
 * proxies.get(2); // "broker-2"
 * missing; // []
 * ```
 * @module
 */

/** A broker as the cluster's metadata gives it: the address clients are sent to. */
export interface AdvertisedBroker {
  nodeId: number;
  host: string;
  port: number;
}

/** What the mapping reads of a proxy. */
export interface ListedProxy {
  name: string;
  /** `host:port` the proxy listens on. */
  listen: string;
}

/** Broker id → proxy name, and the brokers no proxy carries. */
export interface ProxyMap {
  proxies: Map<number, string>;
  missing: AdvertisedBroker[];
}

const WILDCARDS = new Set(["", "0.0.0.0", "::", "[::]"]);
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

function splitListen(listen: string): { host: string; port: number } | null {
  const m = /^(.*):(\d+)$/.exec(listen);
  return m ? { host: m[1], port: Number(m[2]) } : null;
}

/** Does a proxy listening on `listen` receive connections made to `host:port`? */
export function listensAt(listen: string, host: string, port: number): boolean {
  const l = splitListen(listen);
  if (!l || l.port !== port) return false;
  const a = l.host.toLowerCase();
  const b = host.toLowerCase();
  return a === b || WILDCARDS.has(a) || (LOOPBACK_NAMES.has(a) && LOOPBACK_NAMES.has(b));
}

/** Map each broker to the proxy listening at its advertised address, else to `broker-<id>`. */
export function mapProxies(brokers: AdvertisedBroker[], listed: ListedProxy[]): ProxyMap {
  const proxies = new Map<number, string>();
  const missing: AdvertisedBroker[] = [];
  for (const b of brokers) {
    const at = listed.filter((p) => listensAt(p.listen, b.host, b.port));
    // An exact host beats a wildcard listener on the same port.
    const exact = at.find((p) =>
      splitListen(p.listen)?.host.toLowerCase() === b.host.toLowerCase()
    );
    const named = listed.find((p) => p.name === `broker-${b.nodeId}`);
    const proxy = exact ?? at[0] ?? named;
    if (proxy) proxies.set(b.nodeId, proxy.name);
    else missing.push(b);
  }
  return { proxies, missing };
}
