/**
 * The local stack for real: three KRaft brokers and Toxiproxy, started on their
 * own port block so a stack the developer has running is not disturbed.
 */
import assert from "node:assert/strict";
import "../../lib/stack/quiet_kafkajs.ts";
import { Kafka, logLevel } from "kafkajs";
import { Toxiproxy } from "toxiproxy-node-client";
import {
  LocalBrokerControl,
  readState,
  roundTrip,
  stackDown,
  stackStatus,
  stackUp,
} from "../../lib/stack/local.ts";
import { registeredBrokers, topicPartitions } from "../../lib/stack/admin.ts";
import { delay, isRunning as stackProcessRunning } from "../../lib/stack/processes.ts";

const BASE_PORT = 31000;

async function canConnect(port: number): Promise<boolean> {
  try {
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    // Toxiproxy accepts then closes at once when its proxy is down; a real broker keeps it open.
    const buf = new Uint8Array(1);
    const closed = await Promise.race([
      c.read(buf).then((n) => n === null).catch(() => true),
      delay(300).then(() => false),
    ]);
    c.close();
    return !closed;
  } catch {
    return false;
  }
}

async function produceTo(bootstrap: string[], topic: string, partition: number): Promise<boolean> {
  const kafka = new Kafka({
    clientId: "stack-test",
    brokers: bootstrap,
    logLevel: logLevel.NOTHING,
    requestTimeout: 2000,
    connectionTimeout: 1000,
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 },
  });
  const producer = kafka.producer({ retry: { retries: 1, initialRetryTime: 100 } });
  await producer.connect();
  try {
    await producer.send({ topic, acks: 1, messages: [{ value: "x", partition }] });
    return true;
  } catch {
    return false;
  } finally {
    await producer.disconnect().catch(() => {});
  }
}

async function waitUntil(what: string, timeoutMs: number, f: () => Promise<boolean>) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await f().catch(() => false)) return;
    await delay(500);
  }
  assert.fail(`timed out waiting for ${what}`);
}

Deno.test({
  name: "stack: three brokers behind Toxiproxy, controlled and torn down",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    await stackDown({ basePort: BASE_PORT });
    const state = await stackUp({ brokers: 3, basePort: BASE_PORT });
    try {
      await t.step("three brokers are registered and the stack reports them", async () => {
        assert.deepEqual(await registeredBrokers(state.directBootstrap), [1, 2, 3]);
        const s = await stackStatus(BASE_PORT);
        assert.equal(s.processes.length, 4);
        assert.ok(s.processes.every((p) => p.status === "running"));
        assert.deepEqual(s.registered, [1, 2, 3]);
      });

      await t.step("a produce/consume round trip works through the proxies", async () => {
        await roundTrip(state.bootstrap, state.directBootstrap, 3);
      });

      await t.step(
        "a disabled proxy cuts its broker off from clients, not the others",
        async () => {
          const topic = "stack-test-proxy";
          const admin = new Kafka({ brokers: state.directBootstrap, logLevel: logLevel.NOTHING })
            .admin();
          await admin.connect();
          // Partition i lives only on broker i+1, so each partition needs exactly one proxy.
          await admin.createTopics({
            waitForLeaders: true,
            topics: [{
              topic,
              replicaAssignment: [
                { partition: 0, replicas: [1] },
                { partition: 1, replicas: [2] },
                { partition: 2, replicas: [3] },
              ],
            }],
          });
          await admin.disconnect();
          assert.equal(
            await produceTo(state.bootstrap, topic, 1),
            true,
            "broker 2 reachable before",
          );
          const tp = new Toxiproxy(state.toxiproxyUrl);
          const proxy = await tp.get("broker-2");
          await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
          try {
            assert.equal(await canConnect(state.layout.nodes[1].proxyPort), false);
            assert.equal(await canConnect(state.layout.nodes[0].proxyPort), true);
            assert.equal(await produceTo(state.bootstrap, topic, 1), false, "broker 2 cut off");
            assert.equal(
              await produceTo(state.bootstrap, topic, 0),
              true,
              "broker 1 still reachable",
            );
            assert.equal(
              await produceTo(state.bootstrap, topic, 2),
              true,
              "broker 3 still reachable",
            );
            // The broker itself is fine: only the client path through its proxy is down.
            assert.deepEqual(await registeredBrokers(state.directBootstrap), [1, 2, 3]);
          } finally {
            await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
          }
          assert.equal(await produceTo(state.bootstrap, topic, 1), true, "broker 2 back");
        },
      );

      await t.step("a killed broker restarts and rejoins the ISR", async () => {
        const topic = "stack-test-isr";
        const admin = new Kafka({ brokers: state.directBootstrap, logLevel: logLevel.NOTHING })
          .admin();
        await admin.connect();
        await admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic, numPartitions: 3, replicationFactor: 3 }],
        });
        await admin.disconnect();
        const control = new LocalBrokerControl(state);
        await control.kill(3);
        assert.equal(control.isRunning(3), false);
        await waitUntil("broker 3 to leave the ISR", 60000, async () => {
          const parts = await topicPartitions(state.directBootstrap, topic);
          return parts.every((p) => !p.isr.includes(3));
        });
        await control.start(3);
        assert.equal(control.isRunning(3), true);
        await waitUntil("broker 3 to rejoin every ISR", 90000, async () => {
          const parts = await topicPartitions(state.directBootstrap, topic);
          return parts.every((p) => p.isr.length === 3 && p.isr.includes(3));
        });
      });
    } finally {
      const recorded = (await readState(BASE_PORT))?.processes ?? state.processes;
      await stackDown({ basePort: BASE_PORT });
      await t.step("after down no process of the stack remains", async () => {
        for (const p of recorded) {
          assert.equal(stackProcessRunning(p), false, `${p.name} still runs`);
        }
        const ps = await new Deno.Command("pgrep", { args: ["-af", `stacks/${BASE_PORT}`] })
          .output();
        const left = new TextDecoder().decode(ps.stdout).trim();
        assert.equal(left, "", `processes left: ${left}`);
        assert.equal(await readState(BASE_PORT), null);
      });
    }
  },
});
