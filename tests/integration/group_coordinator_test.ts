/**
 * `target: coordinator` names the broker Kafka itself says coordinates the group: on three
 * brokers, for groups whose state lives in each partition of `__consumer_offsets`, sismo's
 * answer (the leader of the group's partition, `lib/stack/admin.ts`) is compared with
 * librdkafka's `rd_kafka_list_groups`, which asks every broker which groups it coordinates.
 */
import assert from "node:assert/strict";
import "../../lib/stack/quiet_kafkajs.ts";
import { Kafka, logLevel } from "kafkajs";
import { createLibrdkafkaConsumer } from "../../lib/clients/librdkafka/consumer.ts";
import { cString, PRODUCER } from "../../lib/clients/librdkafka/ffi.ts";
import { buildConf, loadLibrdkafka } from "../../lib/clients/librdkafka/library.ts";
import { acquireEnvironment } from "../../lib/run/environment.ts";
import { groupPartition } from "../../lib/stack/admin.ts";

/** The coordinator of `groupId` as librdkafka's group listing reports it. */
async function listedCoordinator(bootstrap: string[], groupId: string): Promise<number> {
  const { install, lib } = await loadLibrdkafka();
  // Only these two symbols: the same library, opened again (dlopen shares it).
  const extra = Deno.dlopen(install.path, {
    rd_kafka_list_groups: {
      parameters: ["pointer", "buffer", "buffer", "i32"],
      result: "i32",
      nonblocking: true,
    },
    rd_kafka_group_list_destroy: { parameters: ["pointer"], result: "void" },
  });
  const { conf } = buildConf(lib, { "bootstrap.servers": bootstrap.join(",") });
  const errstr = new Uint8Array(512);
  const rk = lib.rd_kafka_new(PRODUCER, conf, errstr, BigInt(errstr.length));
  assert.ok(rk, cString(Deno.UnsafePointer.of(errstr)));
  try {
    const out = new BigUint64Array(1);
    const group = new TextEncoder().encode(groupId + "\0");
    const err = await extra.symbols.rd_kafka_list_groups(rk, group, out, 10_000);
    assert.equal(err, 0, `rd_kafka_list_groups: error ${err}`);
    const list = Deno.UnsafePointer.create(out[0])!;
    try {
      // struct rd_kafka_group_list { struct rd_kafka_group_info *groups; int group_cnt; }
      const listView = new Deno.UnsafePointerView(list);
      assert.equal(listView.getInt32(8), 1, `${groupId}: one group listed`);
      // struct rd_kafka_group_info { rd_kafka_metadata_broker broker { int32 id; … }; … }
      const info = new Deno.UnsafePointerView(listView.getPointer(0)!);
      return info.getInt32(0);
    } finally {
      extra.symbols.rd_kafka_group_list_destroy(list);
    }
  } finally {
    await lib.rd_kafka_destroy(rk);
    extra.close();
  }
}

Deno.test({
  name: "the group coordinator sismo targets is the one Kafka reports, for every partition",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const env = await acquireEnvironment({ brokers: 3 });
    const kafka = new Kafka({
      clientId: "coordinator-test",
      brokers: env.controlBootstrap,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const topic = `it-coordinator-${Date.now()}`;
    const consumers = [];
    try {
      await admin.createTopics({
        topics: [{ topic, numPartitions: 3, replicationFactor: 3 }],
        waitForLeaders: true,
      });
      // One group per partition of __consumer_offsets (the stack has 3), each with a member.
      const partitions = (await admin.fetchTopicMetadata({ topics: ["__consumer_offsets"] }))
        .topics[0]?.partitions.length ?? 3;
      const groups: string[] = [];
      for (let i = 0; groups.length < partitions && i < 1000; i++) {
        const id = `${topic}-g${i}`;
        if (!groups.some((g) => groupPartition(g, partitions) === groupPartition(id, partitions))) {
          groups.push(id);
        }
      }
      for (const groupId of groups) {
        const c = await createLibrdkafkaConsumer({
          bootstrap: env.bootstrap,
          topic,
          groupId,
          clientId: groupId,
          properties: { "session.timeout.ms": "6000", "heartbeat.interval.ms": "500" },
        });
        consumers.push(c);
        const until = Date.now() + 30_000;
        while (c.assignment().length === 0) {
          assert.ok(Date.now() < until, `${groupId}: no assignment in 30 s`);
          await c.poll(10, 100);
        }
      }
      for (const groupId of groups) {
        const ours = await env.groupCoordinator(groupId);
        assert.equal(ours, await listedCoordinator(env.controlBootstrap, groupId), groupId);
      }
    } finally {
      for (const c of consumers) await c.close();
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
      await env.release();
    }
  },
});
