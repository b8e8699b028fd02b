/**
 * librdkafka's consumer, as Confluent.Kafka's `Consume` drives it: `rd_kafka_subscribe`, then
 * `rd_kafka_consumer_poll` for each record, the group's rebalances served inside those polls
 * (librdkafka assigns and revokes by itself when no rebalance callback is set, eagerly or
 * incrementally as the assignment strategy or `group.protocol` says). The application's
 * properties pass through under Kafka's names.
 *
 * What librdkafka does with offsets is its own, and is what this driver is for: with
 * `enable.auto.offset.store=true` (its default) the offset of each record is stored when a
 * poll hands it over, before the application processed it, and `enable.auto.commit` commits
 * the stored offsets every `auto.commit.interval.ms` from librdkafka's own thread. A member
 * killed between a commit and the end of its processing has committed past what it never
 * finished: the checker sees it.
 *
 * A poll blocks on a Deno worker thread (`consumer_poll_blocking`) only when nothing is
 * fetched already; a synchronous commit and the close wait there too. Messages are copied at
 * once and destroyed: no pointer outlives the call that got it.
 *
 * @module
 */
import { librdkafkaProperties as connectionProperties } from "../../connection/clients.ts";
import { PLAINTEXT } from "../../connection/settings.ts";
import type {
  CommitPosition,
  ConsumedRecord,
  ConsumerDriver,
  ConsumerDriverFactory,
  ConsumerOptions,
} from "../consumer_contract.ts";
import {
  CONSUMED,
  CONSUMER,
  cstr,
  cString,
  ERR_PARTITION_EOF,
  errorText,
  type Librdkafka,
  MESSAGE,
  PARTITION_LIST,
} from "./ffi.ts";
import { buildConf, int64, loadedLibrdkafka, loadLibrdkafka } from "./library.ts";

/** The consumer properties as librdkafka gets them (Kafka's names, values as text). */
export function librdkafkaConsumerProperties(o: ConsumerOptions): Record<string, string> {
  return {
    "log_level": "4", // warnings and errors on the member's stderr, unless the scenario says
    ...o.properties,
    ...connectionProperties(o.connection ?? PLAINTEXT),
    "bootstrap.servers": o.bootstrap.join(","),
    "group.id": o.groupId,
    "client.id": o.clientId,
  };
}

/** Copy `len` bytes at `ptr` (null for a null pointer). */
function copyBytes(ptr: bigint, len: number): Uint8Array | null {
  const p = Deno.UnsafePointer.create(ptr);
  if (p === null) return null;
  const out = new Uint8Array(len);
  if (len > 0) Deno.UnsafePointerView.copyInto(p, out);
  return out;
}

/** Partitions of a `rd_kafka_topic_partition_list_t` (then destroyed). */
function partitionsOf(lib: Librdkafka, list: Deno.PointerObject): number[] {
  const view = new Deno.UnsafePointerView(list);
  const count = view.getInt32(PARTITION_LIST.cnt);
  const elems = view.getPointer(PARTITION_LIST.elems);
  const out: number[] = [];
  if (elems !== null) {
    const elemView = new Deno.UnsafePointerView(elems);
    for (let i = 0; i < count; i++) {
      out.push(elemView.getInt32(i * PARTITION_LIST.elemSize + PARTITION_LIST.partition));
    }
  }
  lib.rd_kafka_topic_partition_list_destroy(list);
  return out.sort((a, b) => a - b);
}

/** Subscribe a librdkafka consumer; see the module doc. */
export async function createLibrdkafkaConsumer(o: ConsumerOptions): Promise<ConsumerDriver> {
  const { lib, version } = await loadLibrdkafka();
  const { conf, problems } = buildConf(lib, librdkafkaConsumerProperties(o));
  if (problems.length) {
    lib.rd_kafka_conf_destroy(conf);
    throw new Error(problems.map((p) => p.message).join("; "));
  }
  const errstr = new Uint8Array(512);
  const rk = lib.rd_kafka_new(CONSUMER, conf, errstr, BigInt(errstr.length));
  if (rk === null) {
    lib.rd_kafka_conf_destroy(conf);
    throw new Error(`librdkafka: ${cString(Deno.UnsafePointer.of(errstr))}`);
  }
  // Errors and group events come through the consumer's polls, not a second queue.
  lib.rd_kafka_poll_set_consumer(rk);
  const topic = cstr(o.topic);
  const subscription = lib.rd_kafka_topic_partition_list_new(1);
  lib.rd_kafka_topic_partition_list_add(subscription, topic, -1);
  const subscribed = lib.rd_kafka_subscribe(rk, subscription);
  lib.rd_kafka_topic_partition_list_destroy(subscription);
  if (subscribed !== 0) {
    await lib.rd_kafka_destroy(rk);
    throw new Error(`librdkafka: cannot subscribe to ${o.topic}: ${errorText(lib, subscribed)}`);
  }

  const log = o.onClientLog ?? (() => {});
  const head = new Uint8Array(MESSAGE.size);
  const headView = new DataView(head.buffer);
  const listOut = new BigUint64Array(1);
  let closed = false;

  /** The record in `msg` (then destroyed), or null for an error or the end of a partition. */
  const take = (msg: Deno.PointerObject): ConsumedRecord | null => {
    Deno.UnsafePointerView.copyInto(msg, head);
    const err = headView.getInt32(MESSAGE.err, true);
    let record: ConsumedRecord | null = null;
    if (err === 0) {
      record = {
        partition: headView.getInt32(MESSAGE.partition, true),
        offset: int64(headView, MESSAGE.offset),
        value: copyBytes(
          headView.getBigUint64(CONSUMED.payload, true),
          int64(headView, CONSUMED.len),
        ),
        key: copyBytes(headView.getBigUint64(CONSUMED.key, true), int64(headView, CONSUMED.keyLen)),
      };
    } else if (err !== ERR_PARTITION_EOF) {
      log("warn", `consumer: ${errorText(lib, err)}`);
    }
    lib.rd_kafka_message_destroy(msg);
    return record;
  };

  /** A `rd_kafka_topic_partition_list_t` of `positions` on the topic (caller destroys it). */
  const offsetList = (positions: CommitPosition[]) => {
    const list = lib.rd_kafka_topic_partition_list_new(positions.length);
    for (const p of positions) {
      lib.rd_kafka_topic_partition_list_add(list, topic, p.partition);
      lib.rd_kafka_topic_partition_list_set_offset(list, topic, p.partition, BigInt(p.offset));
    }
    return list;
  };

  return {
    client: { name: "librdkafka", version },
    async poll(max, timeoutMs) {
      if (closed) return [];
      const records: ConsumedRecord[] = [];
      let msg = lib.rd_kafka_consumer_poll(rk, 0);
      if (msg === null) msg = await lib.consumer_poll_blocking(rk, timeoutMs);
      while (msg !== null) {
        const record = take(msg);
        if (record) records.push(record);
        if (records.length >= max) break;
        msg = lib.rd_kafka_consumer_poll(rk, 0);
      }
      return records;
    },
    async commit(positions, mode) {
      if (closed || positions.length === 0) return;
      const list = offsetList(positions);
      try {
        const err = mode === "sync"
          ? await lib.commit_blocking(rk, list, 0)
          : lib.rd_kafka_commit(rk, list, 1);
        if (err !== 0) throw new Error(`librdkafka: commit failed: ${errorText(lib, err)}`);
      } finally {
        lib.rd_kafka_topic_partition_list_destroy(list);
      }
    },
    assignment() {
      if (closed) return [];
      if (lib.rd_kafka_assignment(rk, listOut) !== 0) return [];
      const list = Deno.UnsafePointer.create(listOut[0]);
      return list === null ? [] : partitionsOf(lib, list);
    },
    async close() {
      if (closed) return;
      closed = true;
      const err = await lib.rd_kafka_consumer_close(rk);
      if (err !== 0) log("warn", `consumer close: ${errorText(lib, err)}`);
      await lib.rd_kafka_destroy(rk);
    },
  };
}

/** librdkafka as a group member's client. */
export const librdkafkaConsumerClient: ConsumerDriverFactory = {
  name: "librdkafka",
  async prepare(progress) {
    const { version } = await loadLibrdkafka(progress);
    return { version };
  },
  check(properties) {
    const prepared = loadedLibrdkafka();
    if (!prepared) throw new Error("librdkafka: check() before prepare()");
    const { conf, problems } = buildConf(prepared.lib, properties);
    prepared.lib.rd_kafka_conf_destroy(conf);
    return problems;
  },
  create: createLibrdkafkaConsumer,
};
