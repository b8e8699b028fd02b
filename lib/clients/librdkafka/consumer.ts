/**
 * librdkafka's consumer, as Confluent.Kafka's `Consume` drives it: `rd_kafka_subscribe`, then
 * `rd_kafka_consumer_poll` for each record, the group's rebalances served inside those polls
 * by a rebalance callback that does what Confluent.Kafka's does for an application without
 * handlers: assign or revoke the partitions, incrementally when the protocol is cooperative
 * (cooperative-sticky, and the KIP-848 protocol). Without a callback librdkafka would do it
 * itself, but then its close ends without leaving a cooperative group: the others waited for
 * the session timeout (measured: 6 s, against 0.1 s with confluent-kafka-python, which sets
 * one). The application's properties pass through under Kafka's names.
 *
 * What librdkafka does with offsets is its own, and is what this driver is for: with
 * `enable.auto.offset.store=true` (its default) the offset of each record is stored when a
 * poll hands it over, before the application processed it, and `enable.auto.commit` commits
 * the stored offsets every `auto.commit.interval.ms` from librdkafka's own thread. A member
 * killed between a commit and the end of its processing has committed past what it never
 * finished: the checker sees it.
 *
 * Polls and the close run on the JavaScript thread, so that the rebalance callback they call
 * runs there, within them (a callback from another thread would have to wait for this one): a
 * poll that finds nothing sleeps 2 ms and asks again, up to its timeout. A synchronous commit
 * waits on a Deno worker thread. Messages are copied at once and destroyed: no pointer
 * outlives the call that got it.
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
  RevokeCommit,
} from "../consumer_contract.ts";
import {
  CONSUMED,
  CONSUMER,
  cstr,
  cString,
  ERR_ASSIGN_PARTITIONS,
  ERR_PARTITION_EOF,
  ERR_REVOKE_PARTITIONS,
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
  const out = partitionsIn(list);
  lib.rd_kafka_topic_partition_list_destroy(list);
  return out;
}

/** Partitions of a `rd_kafka_topic_partition_list_t` that librdkafka owns, sorted. */
function partitionsIn(list: Deno.PointerObject): number[] {
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
  const log = o.onClientLog ?? (() => {});
  /** Free a `rd_kafka_error_t`, logging it. */
  const consumeError = (error: Deno.PointerValue, what: string) => {
    if (error === null) return;
    log("warn", `${what}: ${cString(lib.rd_kafka_error_string(error))}`);
    lib.rd_kafka_error_destroy(error);
  };
  const topic = cstr(o.topic);
  /** A `rd_kafka_topic_partition_list_t` of `positions` on the topic (caller destroys it). */
  const offsetList = (positions: CommitPosition[]) => {
    const list = lib.rd_kafka_topic_partition_list_new(positions.length);
    for (const p of positions) {
      lib.rd_kafka_topic_partition_list_add(list, topic, p.partition);
      lib.rd_kafka_topic_partition_list_set_offset(list, topic, p.partition, BigInt(p.offset));
    }
    return list;
  };

  let revokeCommit: RevokeCommit | null = null;
  /**
   * The member's commit before `partitions` go, synchronous: this runs inside the rebalance
   * callback, and librdkafka lets them go only once the callback returns. Not when the
   * assignment is lost (the session expired): the group has moved on, the commit would be
   * refused, and a careful application (the Java client's `onPartitionsLost`) does not try.
   */
  const commitBeforeRevoke = (handle: Deno.PointerObject, partitions: Deno.PointerValue) => {
    if (revokeCommit === null || partitions === null) return;
    if (lib.rd_kafka_assignment_lost(handle) !== 0) return;
    const positions = revokeCommit.positions(partitionsIn(partitions));
    if (positions.length === 0) return;
    const list = offsetList(positions);
    const err = lib.rd_kafka_commit(handle, list, 0);
    lib.rd_kafka_topic_partition_list_destroy(list);
    revokeCommit.done(
      err === 0 ? null : new Error(`librdkafka: commit on revoke failed: ${errorText(lib, err)}`),
    );
  };
  // Called from within consumer_poll and consumer_close, on this thread.
  const rebalance = new Deno.UnsafeCallback(
    { parameters: ["pointer", "i32", "pointer", "pointer"], result: "void" } as const,
    (handle, err, partitions) => {
      if (handle === null) return;
      const cooperative = cString(lib.rd_kafka_rebalance_protocol(handle)) === "COOPERATIVE";
      if (err === ERR_REVOKE_PARTITIONS) commitBeforeRevoke(handle, partitions);
      if (err === ERR_ASSIGN_PARTITIONS) {
        if (cooperative) {
          consumeError(lib.rd_kafka_incremental_assign(handle, partitions), "incremental assign");
        } else lib.rd_kafka_assign(handle, partitions);
      } else if (err === ERR_REVOKE_PARTITIONS && cooperative) {
        consumeError(lib.rd_kafka_incremental_unassign(handle, partitions), "incremental unassign");
      } else {
        // Revoked (eager), or a rebalance error: let everything go, as Confluent.Kafka does.
        if (err !== ERR_REVOKE_PARTITIONS) log("warn", `rebalance: ${errorText(lib, err)}`);
        lib.rd_kafka_assign(handle, null);
      }
    },
  );
  lib.rd_kafka_conf_set_rebalance_cb(conf, rebalance.pointer);
  const errstr = new Uint8Array(512);
  const rk = lib.rd_kafka_new(CONSUMER, conf, errstr, BigInt(errstr.length));
  if (rk === null) {
    lib.rd_kafka_conf_destroy(conf);
    rebalance.close();
    throw new Error(`librdkafka: ${cString(Deno.UnsafePointer.of(errstr))}`);
  }
  // Errors and group events come through the consumer's polls, not a second queue.
  lib.rd_kafka_poll_set_consumer(rk);
  const subscription = lib.rd_kafka_topic_partition_list_new(1);
  lib.rd_kafka_topic_partition_list_add(subscription, topic, -1);
  const subscribed = lib.rd_kafka_subscribe(rk, subscription);
  lib.rd_kafka_topic_partition_list_destroy(subscription);
  if (subscribed !== 0) {
    await lib.rd_kafka_destroy(rk);
    rebalance.close();
    throw new Error(`librdkafka: cannot subscribe to ${o.topic}: ${errorText(lib, subscribed)}`);
  }

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

  return {
    client: { name: "librdkafka", version },
    async poll(max, timeoutMs) {
      if (closed) return [];
      const records: ConsumedRecord[] = [];
      const until = performance.now() + timeoutMs;
      let msg = lib.rd_kafka_consumer_poll(rk, 0);
      while (msg === null && performance.now() < until && !closed) {
        await new Promise((r) => setTimeout(r, 2));
        msg = lib.rd_kafka_consumer_poll(rk, 0);
      }
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
    commitOnRevoke(hook) {
      revokeCommit = hook;
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
      const err = lib.rd_kafka_consumer_close(rk);
      if (err !== 0) log("warn", `consumer close: ${errorText(lib, err)}`);
      await lib.rd_kafka_destroy(rk);
      rebalance.close();
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
