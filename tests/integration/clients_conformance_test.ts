/**
 * Conformance of every client driver in the registry, on the real local stack
 * (one broker behind Toxiproxy): what the generator relies on from any client.
 *
 * - each acknowledged record's partition and offset are where the record is in
 *   the log, and per-key order holds;
 * - every compression codec the client accepts reads back byte for byte;
 * - purge cancels records the client still holds (not persisted);
 * - a delivery timeout while the broker is unreachable fails every record;
 * - idempotence with five requests in flight under reset_peer and latency
 *   toxics writes every acknowledged record once, in order (a scenario run).
 */
import assert from "node:assert/strict";
import { Toxiproxy } from "toxiproxy-node-client";
import { CLIENTS } from "../../lib/clients/registry.ts";
import { CLIENT_NAMES, type ClientName } from "../../lib/clients/names.ts";
import type { DeliveryReport, ProducerDriver } from "../../lib/clients/contract.ts";
import { acquireEnvironment, type RunEnvironment } from "../../lib/run/environment.ts";
import { consumeRanges, partitionOffsets } from "../../lib/verify/consume.ts";
import { withAdmin } from "../../lib/stack/admin.ts";
import { PRODUCER_DEFAULTS } from "../../lib/scenario/producer.ts";
import { parseScenario } from "../../lib/scenario/load.ts";
import { runScenario } from "../../lib/run/run.ts";
import type { ProducerConfig } from "../../lib/scenario/types.ts";
import { waitUntil } from "./helpers.ts";

const PARTITIONS = 3;
let topicCount = 0;

async function freshTopic(env: RunEnvironment, client: string): Promise<string> {
  const topic = `sismo.conformance.${client}.${Date.now()}.${topicCount++}`;
  await withAdmin(env.controlBootstrap, (admin) =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
    }));
  for (let i = 0; i < 100; i++) {
    const offsets = await partitionOffsets(env.controlBootstrap, topic).catch(() => []);
    if (offsets.length === PARTITIONS) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return topic;
}

/** A connected driver whose reports land in `reports`, by token. */
async function connect(
  env: RunEnvironment,
  client: ClientName,
  topic: string,
  producer: Partial<ProducerConfig> = {},
  properties: Record<string, string> = {},
) {
  const reports = new Map<number, DeliveryReport[]>();
  const driver = await CLIENTS[client].create({
    bootstrap: env.bootstrap,
    topic,
    partitions: PARTITIONS,
    producer: { ...PRODUCER_DEFAULTS, ...producer },
    properties,
    clientId: `conformance-${client}`,
    onDelivery: (r) => {
      const list = reports.get(r.token) ?? [];
      list.push(r);
      reports.set(r.token, list);
    },
  });
  return { driver, reports };
}

function value(seq: number, size = 200): Uint8Array {
  const bytes = new Uint8Array(size);
  new DataView(bytes.buffer).setUint32(0, seq);
  for (let i = 4; i < size; i++) bytes[i] = 97 + ((seq + i) % 26);
  return bytes;
}

/** Every record of the topic: partition, offset, key, value. */
async function readAll(env: RunEnvironment, topic: string) {
  const offsets = await partitionOffsets(env.controlBootstrap, topic);
  const out: { partition: number; offset: number; key: string | null; value: Uint8Array }[] = [];
  await consumeRanges({
    bootstrap: env.controlBootstrap,
    topic,
    ranges: offsets.map((o) => ({ partition: o.partition, start: o.low, end: o.high })),
    groupId: `conformance-read-${topic}`,
    timeoutMs: 30000,
    onRecord: (partition, offset, key, v) =>
      out.push({
        partition,
        offset: Number(offset),
        key: key === null ? null : new TextDecoder().decode(key),
        value: Uint8Array.from(v!), // a copy: KafkaJS hands out views into a shared buffer
      }),
  });
  return out;
}

async function closeQuietly(driver: ProducerDriver) {
  await driver.close();
}

const env = await acquireEnvironment({ brokers: 1 });
const proxies = new Toxiproxy(env.toxiproxyUrl!);

for (const client of CLIENT_NAMES) {
  Deno.test({
    name: `${client} driver conforms`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async (t) => {
      const factory = CLIENTS[client];
      await factory.prepare(() => {});

      await t.step(
        "acks carry the partition and offset found in the log; per-key order",
        async () => {
          const topic = await freshTopic(env, client);
          const { driver, reports } = await connect(env, client, topic, { "linger.ms": 5 });
          const N = 3000;
          try {
            for (let seq = 0; seq < N; seq++) {
              driver.send({ token: seq, key: `k${seq % 16}`, value: value(seq) });
              if (seq % 500 === 499) await new Promise((r) => setTimeout(r, 20));
            }
            await waitUntil(`${N} delivery reports`, 60000, () => reports.size === N);
          } finally {
            await closeQuietly(driver);
          }
          for (const [token, list] of reports) {
            assert.equal(list.length, 1, `one report for ${token}`);
            assert.equal(list[0].error, undefined, `record ${token} failed: ${list[0].error}`);
            assert.equal(list[0].status, "persisted");
          }
          const log = await readAll(env, topic);
          assert.equal(log.length, N);
          const lastSeqOfKey = new Map<string, number>();
          for (const rec of log.sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
            const seq = new DataView(rec.value.buffer).getUint32(0);
            assert.deepEqual(rec.value, value(seq), `value of ${seq} read back`);
            assert.equal(rec.key, `k${seq % 16}`);
            const [ack] = reports.get(seq)!;
            assert.equal(ack.partition, rec.partition, `partition of ${seq}`);
            assert.equal(ack.offset, rec.offset, `offset of ${seq}`);
            const before = lastSeqOfKey.get(rec.key!) ?? -1;
            assert.ok(seq > before, `key ${rec.key}: ${seq} after ${before}`);
            lastSeqOfKey.set(rec.key!, seq);
          }
        },
      );

      await t.step("every codec the client accepts reads back", async () => {
        const codecs = (["none", "gzip", "snappy", "lz4", "zstd"] as const).filter((c) =>
          factory.check({ ...PRODUCER_DEFAULTS, "compression.type": c }, {}).length === 0
        );
        assert.ok(codecs.includes("gzip") && codecs.includes("lz4"), codecs.join(","));
        for (const codec of codecs) {
          const topic = await freshTopic(env, client);
          const { driver, reports } = await connect(env, client, topic, {
            "compression.type": codec,
            "linger.ms": 20,
          });
          try {
            for (let seq = 0; seq < 300; seq++) {
              driver.send({ token: seq, key: null, value: value(seq, 1000) });
            }
            await waitUntil(`${codec} reports`, 30000, () => reports.size === 300);
          } finally {
            await closeQuietly(driver);
          }
          const log = await readAll(env, topic);
          assert.equal(log.length, 300, codec);
          const seen = new Set<number>();
          for (const rec of log) {
            const seq = new DataView(rec.value.buffer).getUint32(0);
            assert.deepEqual(rec.value, value(seq, 1000), `${codec}: value of ${seq}`);
            seen.add(seq);
          }
          assert.equal(seen.size, 300, codec);
        }
      });

      await t.step("purge cancels what the client still holds: not persisted", async () => {
        const topic = await freshTopic(env, client);
        const { driver, reports } = await connect(env, client, topic, {
          "linger.ms": 30000,
          "batch.size": 10_000_000,
          "delivery.timeout.ms": 120000,
        });
        try {
          for (let seq = 0; seq < 100; seq++) {
            driver.send({ token: seq, key: null, value: value(seq) });
          }
          await new Promise((r) => setTimeout(r, 300));
          assert.equal(reports.size, 0, "nothing answered while lingering");
          await driver.purge();
          await waitUntil("purged reports", 10000, () => reports.size === 100);
        } finally {
          await closeQuietly(driver);
        }
        for (const [token, [r]] of reports) {
          assert.ok(r.error, `record ${token} failed`);
          assert.equal(r.status, "not-persisted", `record ${token}: ${r.error}`);
        }
        assert.equal((await readAll(env, topic)).length, 0);
      });

      await t.step(
        "a delivery timeout with the broker unreachable fails every record",
        async () => {
          const topic = await freshTopic(env, client);
          // The Java client (Kafka 4's metadata.recovery.strategy=rebootstrap) may forget the
          // topic once no broker answers; each send() then blocks for metadata up to
          // max.block.ms (60 s). Keep the metadata, so that the delivery timeout decides.
          const { driver, reports } = await connect(env, client, topic, {
            "request.timeout.ms": 1000,
            "delivery.timeout.ms": 2500,
            "linger.ms": 5,
            retries: 2147483647,
          }, client === "java" ? { "metadata.recovery.strategy": "none" } : {});
          const proxy = await proxies.get(env.proxyName(env.brokerIds[0]));
          try {
            // One record first, so the client knows the topic's partitions before the cut.
            driver.send({ token: 0, key: null, value: value(0) });
            await waitUntil("the first report", 30000, () => reports.size === 1);
            assert.equal(reports.get(0)![0].error, undefined);
            await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
            for (let seq = 1; seq <= 50; seq++) {
              driver.send({ token: seq, key: null, value: value(seq) });
            }
            await waitUntil("timed-out reports", 20000, () => reports.size === 51);
          } finally {
            await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
            await closeQuietly(driver);
          }
          for (let seq = 1; seq <= 50; seq++) {
            const [r] = reports.get(seq)!;
            assert.ok(r.error, `record ${seq} failed`);
            // Nothing reached the broker. librdkafka tracks whether a record was ever sent and
            // says not persisted; the Java client's TimeoutException ("not sent, or no response")
            // and KafkaJS cannot tell, so their drivers may only say possibly persisted.
            if (factory.name === "librdkafka") {
              assert.equal(r.status, "not-persisted", `record ${seq}: ${r.error}`);
            } else assert.notEqual(r.status, "persisted", `record ${seq}`);
          }
        },
      );
    },
  });
}

Deno.test({
  name:
    "idempotence with 5 in flight under reset_peer and latency: no duplicate, no loss, in order",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const plan = parseScenario(
      `
name: conformance-idempotence
description: Idempotent producers under connection resets with five requests in flight.
cluster: {brokers: 1}
topic: {partitions: 3, replication.factor: 1}
load: {rate: 400, warmup: 1s, duration: 12s, message.size: 256, keys: 12}
drain: 20s
clients: [${CLIENT_NAMES.join(", ")}]
variants:
  - name: idem
    producer:
      enable.idempotence: true
      max.in.flight.requests.per.connection: 5
      retry.backoff.ms: 50
      linger.ms: 10
      request.timeout.ms: 5000
      delivery.timeout.ms: 60000
expect:
  - acked > 0
  - lost == 0
  - duplicated == 0
  - reordered == 0
  - phantom == 0
  - unverified == 0
faults:
  - {at: 2s, for: 8s, toxic: latency, stream: downstream, attributes: {latency: 100}}
  - {at: 2s, for: 8s, toxic: reset_peer, stream: upstream, toxicity: 0.5, attributes: {timeout: 500}}
`,
      "conformance-idempotence",
    );
    const dir = await Deno.makeTempDir();
    try {
      const { report } = await runScenario(plan, {
        signal: new AbortController().signal,
        reportsDir: dir,
      });
      assert.deepEqual(report.errors, []);
      for (const v of report.variants) {
        for (const e of v.expectations) {
          assert.ok(e.passed, `${v.name} (${v.client.name}): ${e.text}, observed ${e.observed}`);
        }
      }
      assert.equal(report.variants.length, CLIENT_NAMES.length);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a property a client rejects, or an unknown client, is a line-numbered error, exit 2",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const cases: [string, string, RegExp][] = [
      [
        "bad-value",
        `variants:\n  - name: a\n    producer:\n      queue.buffering.max.kbytes: lots\n`,
        /bad-value\.yaml:8 .*queue\.buffering\.max\.kbytes.*librdkafka rejects/,
      ],
      [
        "unknown-to-java",
        `variants:\n  - name: a\n    client: java\n    producer:\n      socket.timeout.ms: 1000\n`,
        /unknown-to-java\.yaml:9 .*socket\.timeout\.ms.*not a producer property of the Java/,
      ],
      ["no-such-client", `variants:\n  - name: a\n    client: nope\n`, /no-such-client\.yaml:7:13/],
      [
        "shared-bad-value",
        `client.properties:\n  librdkafka: {queue.buffering.max.kbytes: lots}\n` +
        `variants:\n  - name: a\n`,
        // The line and the field where it was written: the scenario's client.properties.
        /shared-bad-value\.yaml:6 client\.properties\.librdkafka\.queue\.buffering\.max\.kbytes .*librdkafka rejects/,
      ],
    ];
    try {
      for (const [name, variants, expected] of cases) {
        const file = `${dir}/${name}.yaml`;
        await Deno.writeTextFile(
          file,
          `name: ${name}\ndescription: d\nload: {rate: 10, duration: 2s}\n` +
            `cluster: {brokers: 3}\n${variants}`,
        );
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", "main.ts", "scenario", file, "--reports", `${dir}/reports`],
          cwd: new URL("../..", import.meta.url).pathname,
          stdout: "piped",
          stderr: "piped",
        }).output();
        const err = new TextDecoder().decode(out.stderr);
        assert.equal(out.code, 2, `${name}: exit code\n${err}`);
        assert.match(err, expected, name);
        // Nothing started: no 3-broker cluster was brought up for the run.
        assert.doesNotMatch(err, /Starting 3 broker/, name);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "conformance: release the stack",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () => env.release(),
});
