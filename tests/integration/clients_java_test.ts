/**
 * The Java producer driver on a real one-broker stack: keyed records come back
 * where the delivery reports say, purge fails what the client still holds, and
 * no JVM child outlives the driver (close, or the Deno process dying).
 */
import assert from "node:assert/strict";
import "../../lib/stack/quiet_kafkajs.ts";
import { stackDown, stackUp } from "../../lib/stack/local.ts";
import { withAdmin } from "../../lib/stack/admin.ts";
import { consumeRanges, partitionOffsets } from "../../lib/verify/consume.ts";
import { delay } from "../../lib/stack/processes.ts";
import { javaClient } from "../../lib/clients/java/driver.ts";
import type { DeliveryReport, DriverOptions } from "../../lib/clients/contract.ts";
import type { ProducerConfig } from "../../lib/scenario/types.ts";
import { alive, childrenMatching, JAVA_SIDECAR, waitUntil } from "./helpers.ts";
import { PRODUCER_DEFAULTS } from "../../lib/scenario/producer.ts";

const BASE_PORT = 31500;

/** What the drivers passed to onClientLog. */
const clientLog: string[] = [];

const PRODUCER: ProducerConfig = { ...PRODUCER_DEFAULTS, "enable.idempotence": true };

async function createTopic(bootstrap: string[], topic: string, partitions: number) {
  await withAdmin(bootstrap, (admin) =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
    }));
}

function options(
  bootstrap: string[],
  topic: string,
  partitions: number,
  reports: DeliveryReport[],
  producer: Partial<ProducerConfig> = {},
  properties: Record<string, string> = {},
): DriverOptions {
  return {
    bootstrap,
    topic,
    partitions,
    producer: { ...PRODUCER, ...producer },
    properties,
    clientId: `java-test-${topic}`,
    onDelivery: (r) => reports.push(r),
    onClientLog: (level, message) => clientLog.push(`${level} ${message}`),
  };
}

Deno.test({
  name: "java driver: produce, read back, purge, no child left",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    await stackDown({ basePort: BASE_PORT });
    const state = await stackUp({ brokers: 1, basePort: BASE_PORT });
    try {
      const { version } = await javaClient.prepare(() => {});
      assert.match(version, /^\d+\.\d+/);

      await t.step("check: unknown and reserved properties are problems", () => {
        assert.deepEqual(javaClient.check(PRODUCER, { "buffer.memory": "1000000" }), []);
        const problems = javaClient.check(PRODUCER, {
          "linger.mss": "5",
          "key.serializer": "x",
          "max.block.ms": "100",
        });
        assert.deepEqual(problems.map((p) => p.property), ["linger.mss", "key.serializer"]);
      });

      await t.step(
        "2000 keyed records: persisted, unique offsets, read back in place",
        async () => {
          const topic = "java-driver-produce";
          await createTopic(state.directBootstrap, topic, 3);
          const reports: DeliveryReport[] = [];
          const driver = await javaClient.create(options(state.bootstrap, topic, 3, reports));
          assert.equal(driver.client.name, "java");
          assert.equal(driver.client.version, version);
          const n = 2000;
          const keys = new Map<number, string>();
          for (let i = 0; i < n; i++) {
            const key = `key-${i % 37}`;
            keys.set(i, key);
            driver.send({ token: i, key, value: new TextEncoder().encode(`value-${i}`) });
            if (i % 200 === 0) await delay(1);
          }
          await waitUntil("2000 delivery reports", 30_000, () => reports.length >= n);
          await delay(700); // a stats frame
          const stats = driver.stats();
          await driver.close();
          assert.equal(reports.length, n);
          const byToken = new Map(reports.map((r) => [r.token, r]));
          assert.equal(byToken.size, n);
          const seen = new Set<string>();
          const perPartition = new Map<number, number>();
          const partitionOfKey = new Map<string, number>();
          for (const r of reports) {
            assert.equal(r.status, "persisted", JSON.stringify(r));
            assert.ok(r.offset >= 0 && r.partition >= 0 && r.partition < 3, JSON.stringify(r));
            const at = `${r.partition}:${r.offset}`;
            assert.ok(!seen.has(at), `offset ${at} reported twice`);
            seen.add(at);
            perPartition.set(r.partition, (perPartition.get(r.partition) ?? 0) + 1);
            const key = keys.get(r.token)!;
            // One key, one partition (murmur2).
            assert.equal(partitionOfKey.get(key) ?? r.partition, r.partition);
            partitionOfKey.set(key, r.partition);
          }
          assert.ok(perPartition.size > 1, "keys spread over partitions");
          assert.ok(stats.produceRequests > 0 && stats.requestBytes > n * 7, JSON.stringify(stats));

          const offsets = await partitionOffsets(state.directBootstrap, topic);
          for (const o of offsets) assert.equal(o.high - o.low, perPartition.get(o.partition) ?? 0);
          const read = new Map<string, string>();
          const res = await consumeRanges({
            bootstrap: state.directBootstrap,
            topic,
            ranges: offsets.map((o) => ({ partition: o.partition, start: o.low, end: o.high })),
            groupId: `java-test-${crypto.randomUUID()}`,
            timeoutMs: 30_000,
            onRecord: (partition, offset, key, value) => {
              read.set(
                `${partition}:${offset}`,
                `${new TextDecoder().decode(key!)}=${new TextDecoder().decode(value!)}`,
              );
            },
          });
          assert.equal(res.recordsRead, n);
          for (const r of reports) {
            assert.equal(
              read.get(`${r.partition}:${r.offset}`),
              `${keys.get(r.token)}=value-${r.token}`,
            );
          }
          assert.deepEqual(await childrenMatching(Deno.pid, JAVA_SIDECAR), []);
        },
      );

      await t.step("purge fails records held in the accumulator (not persisted)", async () => {
        const topic = "java-driver-purge";
        await createTopic(state.directBootstrap, topic, 2);
        const reports: DeliveryReport[] = [];
        const driver = await javaClient.create(
          options(state.bootstrap, topic, 2, reports, {
            "linger.ms": 60000,
            "batch.size": 1048576,
          }),
        );
        // One record first so the client has the topic's metadata, then 500 that linger.
        driver.send({ token: 0, key: "k", value: new Uint8Array(10) });
        await delay(500);
        for (let i = 1; i <= 500; i++) {
          driver.send({ token: i, key: `k${i}`, value: new Uint8Array(100) });
        }
        await delay(1000);
        assert.equal(reports.length, 0, "nothing is sent while lingering");
        await driver.purge();
        assert.equal(reports.length, 501);
        for (const r of reports) {
          assert.equal(r.status, "not-persisted", JSON.stringify(r));
          assert.equal(r.offset, -1);
          assert.ok(r.error, "a failed report carries the client's error");
        }
        // After purge the driver only refuses.
        driver.send({ token: 999, key: null, value: new Uint8Array(1) });
        await waitUntil("the refused record's report", 5000, () => reports.length === 502);
        assert.equal(reports[501].status, "not-persisted");
        await driver.close();
        assert.equal(reports.length, 502);
        assert.deepEqual(await childrenMatching(Deno.pid, JAVA_SIDECAR), []);
        const offsets = await partitionOffsets(state.directBootstrap, topic);
        assert.equal(offsets.reduce((s, o) => s + o.high - o.low, 0), 0);
      });

      await t.step("purge with a request in flight: possibly persisted, the rest not", async () => {
        const topic = "java-driver-inflight";
        await createTopic(state.directBootstrap, topic, 1);
        const reports: DeliveryReport[] = [];
        const driver = await javaClient.create(
          options(state.bootstrap, topic, 1, reports, {
            "linger.ms": 0,
            "max.in.flight.requests.per.connection": 1,
          }),
        );
        driver.send({ token: 0, key: "k", value: new Uint8Array(10) });
        await waitUntil("the warm-up record", 10_000, () => reports.length === 1);
        const proxies = await (await fetch(`${state.toxiproxyUrl}/proxies`)).json();
        try {
          // Answers come back 3 s late: the first request stays in flight, the rest wait.
          for (const name of Object.keys(proxies)) {
            const r = await fetch(`${state.toxiproxyUrl}/proxies/${name}/toxics`, {
              method: "POST",
              body: JSON.stringify({
                name: "slow",
                type: "latency",
                stream: "downstream",
                attributes: { latency: 3000 },
              }),
            });
            await r.body?.cancel();
          }
          for (let i = 1; i <= 50; i++) {
            driver.send({ token: i, key: "k", value: new Uint8Array(100) });
            await delay(2);
          }
          await delay(500);
          await driver.purge();
        } finally {
          const r = await fetch(`${state.toxiproxyUrl}/reset`, { method: "POST" });
          await r.body?.cancel();
        }
        await driver.close();
        const failed = reports.slice(1);
        assert.equal(failed.length, 50);
        const possibly = failed.filter((r) => r.status === "possibly-persisted");
        const not = failed.filter((r) => r.status === "not-persisted");
        assert.equal(possibly.length + not.length, 50);
        assert.ok(possibly.length > 0, "the batch in flight is possibly persisted");
        assert.ok(not.length > 0, "queued batches are not persisted");
        assert.ok(
          possibly.every((r) => /closed forcefully/.test(r.error ?? "")),
          possibly[0].error,
        );
        // What was in flight did reach the log; nothing else did.
        await delay(3500);
        const [o] = await partitionOffsets(state.directBootstrap, topic);
        assert.ok(o.high - o.low - 1 <= possibly.length, `${o.high - o.low - 1} written`);
      });

      await t.step("delivery timeout with the broker unreachable: not persisted", async () => {
        const topic = "java-driver-timeout";
        await createTopic(state.directBootstrap, topic, 1);
        const reports: DeliveryReport[] = [];
        const driver = await javaClient.create(
          // Kafka 4's client may forget the topic once no broker answers (its default
          // metadata.recovery.strategy=rebootstrap), and each send() then blocks for metadata
          // up to max.block.ms: keep the metadata, so that the delivery timeout decides.
          options(state.bootstrap, topic, 1, reports, {
            "request.timeout.ms": 1000,
            "delivery.timeout.ms": 2500,
          }, { "metadata.recovery.strategy": "none" }),
        );
        driver.send({ token: 0, key: "k", value: new Uint8Array(10) });
        await waitUntil("the warm-up record", 10_000, () => reports.length === 1);
        const proxies: Record<string, { listen: string; upstream: string }> =
          await (await fetch(`${state.toxiproxyUrl}/proxies`)).json();
        const setEnabled = async (enabled: boolean) => {
          for (const [name, p] of Object.entries(proxies)) {
            const r = await fetch(`${state.toxiproxyUrl}/proxies/${name}`, {
              method: "POST",
              body: JSON.stringify({ enabled, listen: p.listen, upstream: p.upstream }),
            });
            await r.body?.cancel();
          }
        };
        const t0 = Date.now();
        try {
          await setEnabled(false);
          for (let i = 1; i <= 50; i++) {
            driver.send({ token: i, key: "k", value: new Uint8Array(100) });
          }
          await waitUntil("timed-out reports", 20_000, () => reports.length === 51);
        } finally {
          await setEnabled(true);
          await driver.close();
        }
        assert.ok(Date.now() - t0 >= 2000, "not before the delivery timeout");
        assert.ok(
          clientLog.some((l) => l.startsWith("warn ") && l.includes("java-driver-timeout")),
          "the client's WARN lines reach onClientLog",
        );
        for (const r of reports.slice(1)) {
          assert.equal(r.status, "not-persisted", JSON.stringify(r));
          assert.match(r.error ?? "", /TimeoutException/);
        }
      });

      await t.step("a bad property value is a clear start-up error", async () => {
        const opts = options(state.bootstrap, "java-driver-bad", 1, []);
        opts.properties = { "buffer.memory": "lots" };
        await assert.rejects(() => javaClient.create(opts), /buffer\.memory/);
        assert.deepEqual(await childrenMatching(Deno.pid, JAVA_SIDECAR), []);
      });

      await t.step("the child exits by itself when the Deno process dies", async () => {
        const driverUrl = new URL("../../lib/clients/java/driver.ts", import.meta.url).href;
        const code = `
          import { javaClient } from "${driverUrl}";
          await javaClient.prepare(() => {});
          await javaClient.create({
            bootstrap: ${JSON.stringify(state.bootstrap)}, topic: "java-driver-orphan",
            partitions: 1, producer: ${JSON.stringify(PRODUCER)}, properties: {},
            clientId: "orphan", onDelivery: () => {},
          });
          console.log("ready");
          await new Promise(() => {});
        `;
        const deno = new Deno.Command(Deno.execPath(), {
          args: ["eval", "--ext=ts", code],
          stdout: "piped",
          stderr: "inherit",
        }).spawn();
        const reader = deno.stdout.pipeThrough(new TextDecoderStream()).getReader();
        let text = "";
        while (!text.includes("ready")) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
        }
        assert.ok(text.includes("ready"), "the orphan driver started");
        const javas = await childrenMatching(deno.pid, JAVA_SIDECAR);
        assert.equal(javas.length, 1);
        deno.kill("SIGKILL");
        await deno.status;
        reader.cancel().catch(() => {});
        await waitUntil("the orphaned java child to exit", 10_000, () => !alive(javas[0]));
      });
    } finally {
      await stackDown({ basePort: BASE_PORT });
    }
  },
});
