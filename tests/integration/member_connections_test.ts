/**
 * A network fault on one consumer group member's connections (issue 11), on the real local
 * stack: the member bootstraps through the brokers' member proxies, the toxic goes on those
 * proxies only, so it cuts that member off and no other client.
 *
 * The cut member's partition waits for its session to time out at the coordinator, then goes to
 * the other member; the other member's own partition never waits that long. Had the toxic hit
 * every client, both partitions would have stopped for the whole window.
 */
import assert from "node:assert/strict";
import "../../lib/stack/quiet_kafkajs.ts";
import { Kafka, logLevel } from "kafkajs";
import { acquireEnvironment } from "../../lib/run/environment.ts";
import { runScenario } from "../../lib/run/run.ts";
import { parseScenario } from "../../lib/scenario/load.ts";
import { readState } from "../../lib/stack/local.ts";
import { childrenMatching } from "./helpers.ts";

const MEMBER = /main\.ts member(\s|$)/;
const SESSION_MS = 6000;
const WINDOW_MS = 12_000;

const SCENARIO = `
name: integration-member-connections
description: One member's connections held for 12 s; the other member goes on.
cluster: {brokers: 1}
topic: {partitions: 2, replication.factor: 1}
load: {rate: 100, duration: 20s, message.size: 64, keys: 32}
drain: 3s
variants:
  - name: cut
    client: librdkafka
    producer: {acks: all, enable.idempotence: true}
    consumer:
      members: 2
      commit: after-each
      processing: {time: 2ms}
      properties: {session.timeout.ms: ${SESSION_MS}, heartbeat.interval.ms: 1000}
    expect:
      - processing.lost == 0
      - processing.unprocessed == 0
faults:
  - {at: 3s, for: ${
  WINDOW_MS / 1000
}s, toxic: timeout, attributes: {timeout: 0}, connections: {member: 1}}
`;

Deno.test({
  name:
    "a toxic on one member's connections cuts that member off, and only it: its partition waits for the session timeout, the other's never waits for the window",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const env = await acquireEnvironment({ brokers: 1 });
    const reportsDir = await Deno.makeTempDir({ prefix: "sismo-reports-" });
    try {
      // The member listener sends a client that bootstrapped there to the member proxies.
      const state = (await readState())!;
      const kafka = new Kafka({
        clientId: "member-listener-test",
        brokers: env.memberBootstrap!,
        logLevel: logLevel.NOTHING,
      });
      const admin = kafka.admin();
      await admin.connect();
      const cluster = await admin.describeCluster().finally(() => admin.disconnect());
      assert.deepEqual(
        cluster.brokers.map((b) => b.port),
        state.layout.nodes.map((n) => n.memberProxyPort),
      );

      const { report } = await runScenario(parseScenario(SCENARIO, "inline"), {
        signal: new AbortController().signal,
        reportsDir,
      });
      const [v] = report.variants;
      assert.equal(
        report.outcome,
        "passed",
        JSON.stringify([report.errors, v.expectations, v.inconclusive]),
      );
      const [window] = v.faults;
      assert.equal(window.action?.kind === "toxic" && window.action.member, 1);
      assert.ok(window.startedAtMs !== null && window.endedAtMs !== null);
      const [pause] = v.consumer!.pauses;
      assert.equal(pause.member, 1, "the fault is member 1's");
      const held = pause.partitions.filter((p) => p.reassignedMs !== null);
      const other = pause.partitions.filter((p) => p.reassignedMs === null);
      assert.equal(held.length, 1, JSON.stringify(pause));
      assert.equal(other.length, 1, JSON.stringify(pause));
      // Cut off: its partition went on only once the coordinator gave up on it.
      assert.ok(held[0].reassignedMs! >= SESSION_MS - 1000, JSON.stringify(pause));
      assert.ok(held[0].reassignedMs! < WINDOW_MS, JSON.stringify(pause));
      assert.ok(held[0].pauseMs! >= SESSION_MS - 1000, JSON.stringify(pause));
      // The other member was never cut: its partition stopped only for the two eager rebalances
      // (3.9 s in a run), never for the window (12.2 s in a run with every client's cut).
      assert.ok(other[0].pauseMs! < WINDOW_MS - 4000, JSON.stringify(pause));

      // Healed: no sismo toxic left on any proxy, the member proxies included.
      for (const node of state.layout.nodes) {
        for (const proxy of [node.proxyName, node.memberProxyName]) {
          const res = await fetch(`${state.toxiproxyUrl}/proxies/${proxy}/toxics`);
          assert.equal(res.status, 200, proxy);
          assert.deepEqual(await res.json(), [], proxy);
        }
      }
      assert.deepEqual(await childrenMatching(Deno.pid, MEMBER), [], "no member process left");
    } finally {
      await env.release();
      await Deno.remove(reportsDir, { recursive: true });
    }
  },
});
