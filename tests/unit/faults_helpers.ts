/**
 * Fakes for the fault engine tests: a Toxiproxy HTTP API on 127.0.0.1 (in
 * memory, with failures on demand) and a broker control that records what it
 * was asked.
 */
import type { FaultAction, FaultPlan, FaultTarget } from "../../lib/scenario/types.ts";
import type { BrokerControl, FaultEnvironment } from "../../lib/faults/engine.ts";

interface FakeProxy {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: Map<string, Record<string, unknown>>;
}

/** A failure the fake server answers with, for requests matching `method` and `path`. */
export interface FakeFailure {
  method: string;
  path: RegExp;
  status: number;
  /** How many requests fail (default: all). */
  times?: number;
}

/** An in-memory Toxiproxy API (the routes sismo and toxiproxy-node-client use). */
export class FakeToxiproxy {
  proxies = new Map<string, FakeProxy>();
  failures: FakeFailure[] = [];
  /** `METHOD path` of every request, in order. */
  requests: string[] = [];
  /** Every toxic name ever added, per proxy, in order. */
  added: string[] = [];
  #server: Deno.HttpServer<Deno.NetAddr>;
  url: string;

  constructor(proxyNames: string[]) {
    for (const [i, name] of proxyNames.entries()) {
      this.proxies.set(name, {
        name,
        listen: `127.0.0.1:${21000 + i}`,
        upstream: `127.0.0.1:${22000 + i}`,
        enabled: true,
        toxics: new Map(),
      });
    }
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (req) => this.#handle(req),
    );
    this.url = `http://127.0.0.1:${this.#server.addr.port}`;
  }

  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  /** Names of the toxics on a proxy now. */
  toxics(proxy: string): string[] {
    return [...this.proxies.get(proxy)!.toxics.keys()];
  }

  enabled(proxy: string): boolean {
    return this.proxies.get(proxy)!.enabled;
  }

  fail(method: string, path: RegExp, status = 500, times?: number) {
    this.failures.push({ method, path, status, times });
  }

  async #handle(req: Request): Promise<Response> {
    const path = decodeURIComponent(new URL(req.url).pathname);
    this.requests.push(`${req.method} ${path}`);
    const body = req.body ? await req.text() : "";
    const failure = this.failures.find((f) =>
      f.method === req.method && f.path.test(path) && (f.times === undefined || f.times > 0)
    );
    if (failure) {
      if (failure.times !== undefined) failure.times--;
      return json({ error: "injected failure", status: failure.status }, failure.status);
    }
    const m = path.match(/^\/proxies\/([^/]+)(?:\/toxics(?:\/([^/]+))?)?$/);
    if (req.method === "POST" && path === "/reset") {
      for (const p of this.proxies.values()) {
        p.enabled = true;
        p.toxics.clear();
      }
      return new Response(null, { status: 204 });
    }
    if (!m) return json({ error: "not found", status: 404 }, 404);
    const proxy = this.proxies.get(m[1]);
    if (!proxy) return json({ error: "proxy not found", status: 404 }, 404);
    const isToxics = path.includes("/toxics");
    const toxic = m[2];
    const show = () => ({
      name: proxy.name,
      listen: proxy.listen,
      upstream: proxy.upstream,
      enabled: proxy.enabled,
      toxics: [...proxy.toxics.values()],
    });
    if (!isToxics) {
      if (req.method === "GET") return json(show());
      if (req.method === "POST" || req.method === "PATCH") {
        const input = JSON.parse(body || "{}");
        if (typeof input.enabled === "boolean") proxy.enabled = input.enabled;
        return json(show());
      }
    } else if (toxic === undefined) {
      if (req.method === "GET") return json([...proxy.toxics.values()]);
      if (req.method === "POST") {
        const t = JSON.parse(body);
        if (proxy.toxics.has(t.name)) {
          return json({ error: "toxic already exists", status: 409 }, 409);
        }
        proxy.toxics.set(t.name, t);
        this.added.push(`${proxy.name}/${t.name}`);
        return json(t);
      }
    } else {
      const t = proxy.toxics.get(toxic);
      if (!t) return json({ error: "toxic not found", status: 404 }, 404);
      if (req.method === "GET") return json(t);
      if (req.method === "DELETE") {
        proxy.toxics.delete(toxic);
        return new Response(null, { status: 204 });
      }
    }
    return json({ error: "method not allowed", status: 405 }, 405);
  }
}

function json(data: unknown, status = 200): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** Broker control that records calls; `failOn` makes an operation on a broker throw. */
export class FakeBrokers implements BrokerControl {
  state = new Map<number, "running" | "stopped" | "paused">();
  calls: string[] = [];
  failOn = new Set<string>();
  /** Milliseconds each operation takes. */
  delayMs = 0;

  constructor(ids: number[]) {
    for (const id of ids) this.state.set(id, "running");
  }

  async #op(op: string, id: number, to: "running" | "stopped" | "paused") {
    this.calls.push(`${op} ${id}`);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failOn.has(`${op} ${id}`)) throw new Error(`injected: ${op} ${id} failed`);
    this.state.set(id, to);
  }
  stop(id: number) {
    return this.#op("stop", id, "stopped");
  }
  kill(id: number) {
    return this.#op("kill", id, "stopped");
  }
  pause(id: number) {
    return this.#op("pause", id, "paused");
  }
  resume(id: number) {
    return this.#op("resume", id, "running");
  }
  start(id: number) {
    return this.#op("start", id, "running");
  }

  allRunning(): boolean {
    return [...this.state.values()].every((s) => s === "running");
  }
}

/** A fault of the plan. */
export function fault(
  id: string,
  atMs: number,
  forMs: number | null,
  target: FaultTarget,
  action: FaultAction,
): FaultPlan {
  return {
    id,
    label: `${id} ${action.kind} on ${target.kind}`,
    atMs,
    forMs,
    target,
    action,
    source: { line: 1, path: `faults[${Number(id.slice(1)) - 1}]` },
  };
}

/** A latency toxic. */
export const LATENCY: FaultAction = {
  kind: "toxic",
  type: "latency",
  stream: "downstream",
  toxicity: 1,
  attributes: { latency: 1000, jitter: 0 },
};

/** An environment of brokers 1…n behind proxies `broker-<id>`. */
export function environment(
  opts: {
    toxiproxyUrl?: string | null;
    brokers?: BrokerControl | null;
    ids?: number[];
    partitionState?: FaultEnvironment["partitionState"];
    partitionTopic?: string;
    groupCoordinator?: FaultEnvironment["groupCoordinator"];
    /** Each broker has a member proxy, `broker-<id>-member`. */
    memberProxies?: boolean;
  },
): FaultEnvironment {
  return {
    toxiproxyUrl: opts.toxiproxyUrl ?? null,
    proxyName: (id) => `broker-${id}`,
    ...(opts.memberProxies ? { memberProxyName: (id: number) => `broker-${id}-member` } : {}),
    brokers: opts.brokers ?? null,
    brokerIds: opts.ids ?? [1, 2, 3],
    partitionState: opts.partitionState ??
      (() => Promise.resolve({ leader: 1, replicas: [1, 2, 3] })),
    partitionTopic: opts.partitionTopic,
    groupCoordinator: opts.groupCoordinator,
    groupId: opts.groupCoordinator ? "g" : undefined,
  };
}

/** Resolves once `cond()` holds; rejects after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
