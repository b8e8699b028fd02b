import assert from "node:assert/strict";
import { listensAt, mapProxies } from "../../lib/faults/proxy_map.ts";

Deno.test("listensAt: same port, and the same host, a wildcard, or loopback by another name", () => {
  assert.ok(listensAt("127.0.0.1:9191", "127.0.0.1", 9191));
  assert.ok(listensAt("0.0.0.0:9191", "kafka-1.internal", 9191));
  assert.ok(listensAt("[::]:9191", "10.0.0.5", 9191));
  assert.ok(listensAt("localhost:9191", "127.0.0.1", 9191));
  assert.ok(listensAt("KAFKA-1:9191", "kafka-1", 9191));
  assert.ok(!listensAt("127.0.0.1:9192", "127.0.0.1", 9191));
  assert.ok(!listensAt("10.0.0.6:9191", "10.0.0.5", 9191));
  assert.ok(!listensAt("not an address", "127.0.0.1", 9191));
});

Deno.test("mapProxies: by advertised address first, then by the broker-<id> name; the rest missing", () => {
  const brokers = [
    { nodeId: 1, host: "127.0.0.1", port: 9191 },
    { nodeId: 2, host: "127.0.0.1", port: 9192 },
    { nodeId: 3, host: "10.0.0.7", port: 9093 },
    { nodeId: 4, host: "10.0.0.8", port: 9093 },
  ];
  const { proxies, missing } = mapProxies(brokers, [
    // A proxy named for broker 1 that does not carry it loses to the one that does.
    { name: "broker-1", listen: "127.0.0.1:7001" },
    { name: "wild", listen: "0.0.0.0:9191" },
    { name: "kafka-a", listen: "127.0.0.1:9191" },
    { name: "kafka-b", listen: "localhost:9192" },
    { name: "broker-3", listen: "127.0.0.1:7003" },
  ]);
  assert.deepEqual([...proxies], [[1, "kafka-a"], [2, "kafka-b"], [3, "broker-3"]]);
  assert.deepEqual(missing, [{ nodeId: 4, host: "10.0.0.8", port: 9093 }]);
});
