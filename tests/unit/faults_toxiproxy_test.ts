import assert from "node:assert/strict";
import {
  disabledProxies,
  removeSismoToxics,
  runToxicPrefix,
  type ToxicSpec,
  ToxiproxyError,
  toxiproxyHttp,
} from "../../lib/faults/toxiproxy.ts";
import { FakeToxiproxy } from "./faults_helpers.ts";

const toxic = (name: string): ToxicSpec => ({
  name,
  type: "latency",
  stream: "downstream",
  toxicity: 1,
  attributes: { latency: 10 },
});

Deno.test("removeSismoToxics removes only sismo's toxics, only from the proxies given", async () => {
  const tp = new FakeToxiproxy(["broker-1", "broker-2", "other"]);
  try {
    const api = toxiproxyHttp(tp.url);
    await api.addToxic("broker-1", toxic("sismo-aa-e1-f1-b1"));
    await api.addToxic("broker-1", toxic("user-latency"));
    await api.addToxic("broker-2", toxic("sismo-bb-e1-f1-b2"));
    await api.addToxic("other", toxic("sismo-aa-e1-f1-b9"));
    const all = await removeSismoToxics({ toxiproxy: tp.url, proxies: ["broker-1", "broker-2"] });
    assert.deepEqual(all, {
      removed: ["broker-1/sismo-aa-e1-f1-b1", "broker-2/sismo-bb-e1-f1-b2"],
      enabled: [],
      errors: [],
    });
    assert.deepEqual(tp.toxics("broker-1"), ["user-latency"]);
    assert.deepEqual(tp.toxics("other"), ["sismo-aa-e1-f1-b9"]);
  } finally {
    await tp.close();
  }
});

Deno.test("removeSismoToxics with a run prefix leaves another run's toxics", async () => {
  const tp = new FakeToxiproxy(["broker-1"]);
  try {
    const api = toxiproxyHttp(tp.url);
    await api.addToxic("broker-1", toxic("sismo-aa-e1-f1-b1"));
    await api.addToxic("broker-1", toxic("sismo-bb-e1-f1-b1"));
    const r = await removeSismoToxics({
      toxiproxy: api,
      proxies: ["broker-1"],
      prefix: runToxicPrefix("aa"),
    });
    assert.deepEqual(r.removed, ["broker-1/sismo-aa-e1-f1-b1"]);
    assert.deepEqual(tp.toxics("broker-1"), ["sismo-bb-e1-f1-b1"]);
    await assert.rejects(
      removeSismoToxics({ toxiproxy: api, proxies: ["broker-1"], prefix: "" }),
      /must start with sismo-/,
    );
  } finally {
    await tp.close();
  }
});

Deno.test("removeSismoToxics returns what it could not remove or list, with the reason", async () => {
  const tp = new FakeToxiproxy(["broker-1", "broker-2", "broker-3"]);
  try {
    const api = toxiproxyHttp(tp.url);
    await api.addToxic("broker-1", toxic("sismo-aa-e1-f1-b1"));
    await api.addToxic("broker-2", toxic("sismo-aa-e1-f1-b2"));
    tp.fail("DELETE", /^\/proxies\/broker-1\/toxics\//);
    tp.fail("GET", /^\/proxies\/broker-3$/, 503);
    const r = await removeSismoToxics({
      toxiproxy: tp.url,
      proxies: ["broker-1", "broker-2", "broker-3", "missing"],
    });
    assert.deepEqual(r.removed, ["broker-2/sismo-aa-e1-f1-b2"]);
    assert.equal(r.errors.length, 2);
    assert.match(
      r.errors[0],
      /^proxy broker-1: could not remove toxic sismo-aa-e1-f1-b1: .*HTTP 500/,
    );
    assert.match(r.errors[1], /^proxy broker-3: could not list its toxics: .*HTTP 503/);
  } finally {
    await tp.close();
  }
});

Deno.test("removeSismoToxics enables the proxies again when asked", async () => {
  const tp = new FakeToxiproxy(["broker-1", "broker-2"]);
  try {
    const api = toxiproxyHttp(tp.url);
    await api.setEnabled("broker-1", false);
    await removeSismoToxics({ toxiproxy: api, proxies: ["broker-1"] });
    assert.equal(tp.enabled("broker-1"), false, "not without enableProxies");
    const r = await removeSismoToxics({
      toxiproxy: api,
      proxies: ["broker-1"],
      enableProxies: true,
    });
    assert.deepEqual(r.enabled, ["broker-1"]);
    assert.equal(tp.enabled("broker-1"), true);
  } finally {
    await tp.close();
  }
});

Deno.test("removeSismoToxics leaves disabled a proxy that was disabled before the run", async () => {
  const tp = new FakeToxiproxy(["broker-1", "broker-2"]);
  try {
    const api = toxiproxyHttp(tp.url);
    await api.setEnabled("broker-2", false); // someone else's doing
    const before = await disabledProxies(api, ["broker-1", "broker-2", "broker-9"]);
    assert.deepEqual(before, ["broker-2"]);
    await api.setEnabled("broker-1", false); // the run's proxy-down fault
    const r = await removeSismoToxics({
      toxiproxy: api,
      proxies: ["broker-1", "broker-2"],
      enableProxies: true,
      leaveDisabled: before,
    });
    assert.deepEqual(r.enabled, ["broker-1"]);
    assert.equal(tp.enabled("broker-1"), true);
    assert.equal(tp.enabled("broker-2"), false);
  } finally {
    await tp.close();
  }
});

Deno.test("toxiproxyHttp: a toxic already gone is not an error, a 500 is, a dead server too", async () => {
  const tp = new FakeToxiproxy(["broker-1"]);
  const api = toxiproxyHttp(tp.url);
  try {
    assert.equal(await api.removeToxic("broker-1", "sismo-nope"), false);
    assert.equal(await api.getProxy("nope"), null);
    tp.fail("POST", /toxics$/, 500, 1);
    const e = await api.addToxic("broker-1", toxic("sismo-x")).catch((e) => e);
    assert.ok(e instanceof ToxiproxyError);
    assert.equal(e.status, 500);
    assert.match(e.message, /HTTP 500: injected failure/);
  } finally {
    await tp.close();
  }
  const dead = await api.getProxy("broker-1").catch((e) => e);
  assert.ok(dead instanceof ToxiproxyError);
  assert.equal(dead.status, null);
});

Deno.test("toxiproxyHttp: a request without answer fails after the timeout", async () => {
  const hang = Promise.withResolvers<void>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async () => {
      await hang.promise;
      return new Response("{}");
    },
  );
  try {
    const api = toxiproxyHttp(`http://127.0.0.1:${server.addr.port}`, 50);
    await assert.rejects(api.getProxy("broker-1"), /no answer within 50 ms/);
  } finally {
    hang.resolve();
    await server.shutdown();
  }
});

Deno.test("toxiproxyHttp: a connection dropped before the answer is retried (fetch failed once)", async () => {
  // A raw server: the first connection is closed without an answer, the next ones get a 204.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  let connections = 0;
  const serving = (async () => {
    for await (const conn of listener) {
      connections++;
      if (connections === 1) {
        conn.close();
        continue;
      }
      const buf = new Uint8Array(4096);
      await conn.read(buf);
      await conn.write(
        new TextEncoder().encode("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"),
      );
      conn.close();
    }
  })();
  try {
    const api = toxiproxyHttp(`http://127.0.0.1:${port}`);
    assert.equal(await api.removeToxic("broker-1", "sismo-aa-e1-f1-b1"), true);
    assert.equal(connections, 2);
  } finally {
    listener.close();
    await serving.catch(() => {}); // the loop ends with the closed listener
  }
});
