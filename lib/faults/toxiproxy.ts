/**
 * Toxiproxy as the fault engine needs it: add and remove a toxic, disable and
 * enable a proxy, list a proxy's toxics — over Toxiproxy's HTTP API, with a
 * timeout on every request and the HTTP status kept on every failure (a toxic
 * already gone is not a failure to remove it; a 500 is).
 *
 * Also the cleanup between variants and at the end of a run:
 * {@link removeSismoToxics} removes sismo's toxics (by name prefix) from the
 * proxies a run uses, on a local or an external Toxiproxy, and returns what it
 * could not remove instead of swallowing it.
 *
 * `toxiproxy-node-client` (used by the stack) drops the status code into its
 * message, has no way to list toxics and no timeout, hence this small client.
 *
 * @module
 */
import type { ToxicType } from "../scenario/types.ts";

/** Every toxic sismo adds is named `sismo-…`; nothing else is ever removed by sismo. */
export const TOXIC_PREFIX = "sismo-";

/**
 * Name prefix of the toxics of the engines created with this run tag
 * (`sismo-<runTag>-`): what a run removes between variants and at its end.
 */
export function runToxicPrefix(runTag: string): string {
  checkTag(runTag);
  return `${TOXIC_PREFIX}${runTag}-`;
}

/** Throws unless `tag` can go into a toxic name (and a URL path) as is. */
export function checkTag(tag: string): void {
  if (!/^[A-Za-z0-9]{1,32}$/.test(tag)) {
    throw new Error(`run tag ${JSON.stringify(tag)}: 1 to 32 letters or digits expected`);
  }
}

/** A toxic as sismo adds it. */
export interface ToxicSpec {
  name: string;
  type: ToxicType;
  stream: "upstream" | "downstream";
  toxicity: number;
  attributes: Record<string, number>;
}

/** What a proxy looks like now. */
export interface ProxyState {
  name: string;
  enabled: boolean;
  listen: string;
  upstream: string;
  /** Names of the toxics on it. */
  toxics: string[];
}

/** The Toxiproxy operations the engine and the cleanup use (a fake one in tests). */
export interface ToxiproxyApi {
  /** The proxy now, or null when there is no proxy of that name. */
  getProxy(proxy: string): Promise<ProxyState | null>;
  addToxic(proxy: string, toxic: ToxicSpec): Promise<void>;
  /** True when removed, false when it was not there (nor the proxy): nothing left to remove. */
  removeToxic(proxy: string, name: string): Promise<boolean>;
  setEnabled(proxy: string, enabled: boolean): Promise<void>;
}

/** A Toxiproxy request that failed; `status` is null when no HTTP answer came. */
export class ToxiproxyError extends Error {
  override name = "ToxiproxyError";
  constructor(message: string, readonly status: number | null) {
    super(message);
  }
}

/** Default time limit of one Toxiproxy request. */
export const TOXIPROXY_TIMEOUT_MS = 10_000;
/** Tries of one call when the connection itself fails (not when Toxiproxy answers an error). */
const NETWORK_ATTEMPTS = 3;

/** A {@link ToxiproxyApi} on the Toxiproxy HTTP API at `url` (e.g. `http://127.0.0.1:8474`). */
export function toxiproxyHttp(
  url: string,
  timeoutMs = TOXIPROXY_TIMEOUT_MS,
): ToxiproxyApi & { listProxies(): Promise<ProxyState[]> } {
  const base = url.replace(/\/+$/, "");
  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const what = `${method} ${base}${path}`;
    try {
      let res: Response | null = null;
      // A connection-level failure ("fetch failed": a pooled connection the server had
      // closed) is retried: every call here is idempotent, and a toxic that a lost answer
      // had created answers 409 to the retry (taken as created below).
      let retried = false;
      for (let attempt = 1; res === null; attempt++) {
        try {
          res = await fetch(base + path, {
            method,
            headers: body === undefined ? undefined : { "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: controller.signal,
          });
        } catch (e) {
          if (controller.signal.aborted) {
            throw new ToxiproxyError(`${what}: no answer within ${timeoutMs} ms`, null);
          }
          if (attempt >= NETWORK_ATTEMPTS) {
            const cause = (e as { cause?: unknown }).cause;
            throw new ToxiproxyError(
              `${what}: ${message(e)}${cause ? ` (${message(cause)})` : ""}, ${attempt} attempts`,
              null,
            );
          }
          retried = true;
          await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
      if (retried && method === "POST" && res.status === 409) {
        await res.body?.cancel();
        return undefined;
      }
      let text: string;
      try {
        text = await res.text();
      } catch (e) {
        const why = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : message(e);
        throw new ToxiproxyError(`${what}: HTTP ${res.status}, body unreadable: ${why}`, null);
      }
      if (!res.ok) {
        throw new ToxiproxyError(`${what}: HTTP ${res.status}${errorDetail(text)}`, res.status);
      }
      if (!text.trim()) return undefined;
      try {
        return JSON.parse(text);
      } catch { // the parse error says less than the text itself
        throw new ToxiproxyError(
          `${what}: HTTP ${res.status} but not JSON: ${text.slice(0, 200)}`,
          res.status,
        );
      }
    } finally {
      clearTimeout(timer);
    }
  }
  const proxyPath = (proxy: string) => `/proxies/${encodeURIComponent(proxy)}`;
  const api = {
    async getProxy(proxy: string) {
      let data: unknown;
      try {
        data = await call("GET", proxyPath(proxy));
      } catch (e) {
        if (e instanceof ToxiproxyError && e.status === 404) return null;
        throw e;
      }
      return proxyState(data as ProxyJson, proxy);
    },
    /** Every proxy of the server. */
    async listProxies() {
      const data = (await call("GET", "/proxies") ?? {}) as Record<string, ProxyJson>;
      return Object.entries(data).map(([name, p]) => proxyState(p, name));
    },
    async addToxic(proxy: string, toxic: ToxicSpec) {
      await call("POST", `${proxyPath(proxy)}/toxics`, toxic);
    },
    async removeToxic(proxy: string, name: string) {
      try {
        await call("DELETE", `${proxyPath(proxy)}/toxics/${encodeURIComponent(name)}`);
        return true;
      } catch (e) {
        if (e instanceof ToxiproxyError && e.status === 404) return false;
        throw e;
      }
    },
    async setEnabled(proxy: string, enabled: boolean) {
      // Toxiproxy 2.x before PATCH wants listen and upstream with `enabled`.
      const p = await api.getProxy(proxy);
      if (!p) throw new ToxiproxyError(`no proxy ${proxy} on ${base}`, 404);
      await call("POST", proxyPath(proxy), { enabled, listen: p.listen, upstream: p.upstream });
    },
  };
  return api;
}

/** Toxiproxy's error body is `{"error": "...", "status": n}`. */
function errorDetail(text: string): string {
  if (!text.trim()) return "";
  try {
    const e = JSON.parse(text) as { error?: unknown };
    if (typeof e.error === "string") return `: ${e.error}`;
  } catch { /* not JSON: the raw text below says it */ }
  return `: ${text.trim().slice(0, 200)}`;
}

/** A proxy as Toxiproxy's API gives it. */
interface ProxyJson {
  name?: string;
  enabled?: boolean;
  listen?: string;
  upstream?: string;
  toxics?: { name?: string }[] | null;
}

function proxyState(p: ProxyJson, name: string): ProxyState {
  return {
    name: p.name ?? name,
    enabled: p.enabled !== false,
    listen: p.listen ?? "",
    upstream: p.upstream ?? "",
    toxics: (p.toxics ?? []).map((t) => String(t.name)),
  };
}

/** A thrown value's message. */
export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Options of {@link removeSismoToxics}. */
export interface ToxicCleanupOptions {
  /** Toxiproxy API URL, or a client (tests). */
  toxiproxy: string | ToxiproxyApi;
  /** The proxies the run uses (e.g. `env.brokerIds.map(env.proxyName)`); no other is touched. */
  proxies: string[];
  /**
   * Remove only toxics whose name starts with this; must start with `sismo-`.
   * Default `sismo-` (every sismo toxic, a crashed earlier run's included);
   * {@link runToxicPrefix} keeps to one run's toxics.
   */
  prefix?: string;
  /**
   * Also enable those of `proxies` that are disabled (proxy-down faults).
   * Right on a local stack; on an external Toxiproxy only when the run had
   * proxy-down faults, and then with `leaveDisabled`.
   */
  enableProxies?: boolean;
  /**
   * Proxies found disabled before the run (see {@link disabledProxies}): someone
   * else's doing, so never enabled here.
   */
  leaveDisabled?: readonly string[];
}

/**
 * Which of `proxies` are disabled now: taken before a run on an external
 * Toxiproxy, so that its clean-up enables again only what the run disabled.
 * Unreachable or missing proxies are left out (nothing to enable there).
 */
export async function disabledProxies(
  toxiproxy: string | ToxiproxyApi,
  proxies: readonly string[],
): Promise<string[]> {
  const tp = typeof toxiproxy === "string" ? toxiproxyHttp(toxiproxy) : toxiproxy;
  const states = await Promise.all(proxies.map((p) => tp.getProxy(p).catch(() => null)));
  return states.filter((s): s is ProxyState => s !== null && !s.enabled).map((s) => s.name)
    .sort();
}

/** What {@link removeSismoToxics} did. */
export interface ToxicCleanup {
  /** `proxy/toxic` of each toxic removed. */
  removed: string[];
  /** Proxies enabled again. */
  enabled: string[];
  /** What could not be listed, removed or enabled, with the reason; empty when clean. */
  errors: string[];
}

/**
 * Remove every toxic sismo added (name prefix) on the given proxies of a
 * Toxiproxy, local or external, and optionally enable those proxies again.
 * Never throws for a Toxiproxy failure: each one is an entry of `errors`, which
 * the run must report (a toxic left in place distorts whatever runs next).
 * A proxy that does not exist has nothing to clean.
 */
export async function removeSismoToxics(opts: ToxicCleanupOptions): Promise<ToxicCleanup> {
  const prefix = opts.prefix ?? TOXIC_PREFIX;
  if (!prefix.startsWith(TOXIC_PREFIX)) {
    throw new Error(`toxic prefix ${JSON.stringify(prefix)} must start with ${TOXIC_PREFIX}`);
  }
  const tp = typeof opts.toxiproxy === "string" ? toxiproxyHttp(opts.toxiproxy) : opts.toxiproxy;
  const result: ToxicCleanup = { removed: [], enabled: [], errors: [] };
  await Promise.all([...new Set(opts.proxies)].map(async (proxy) => {
    let state: ProxyState | null;
    try {
      state = await tp.getProxy(proxy);
    } catch (e) {
      result.errors.push(`proxy ${proxy}: could not list its toxics: ${message(e)}`);
      return;
    }
    if (!state) return;
    for (const name of state.toxics.filter((n) => n.startsWith(prefix))) {
      try {
        if (await tp.removeToxic(proxy, name)) result.removed.push(`${proxy}/${name}`);
      } catch (e) {
        result.errors.push(`proxy ${proxy}: could not remove toxic ${name}: ${message(e)}`);
      }
    }
    if (opts.enableProxies && !state.enabled && !opts.leaveDisabled?.includes(proxy)) {
      try {
        await tp.setEnabled(proxy, true);
        result.enabled.push(proxy);
      } catch (e) {
        result.errors.push(`proxy ${proxy}: could not enable it again: ${message(e)}`);
      }
    }
  }));
  result.removed.sort();
  result.enabled.sort();
  result.errors.sort();
  return result;
}
