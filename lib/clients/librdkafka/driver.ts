/**
 * The librdkafka driver: the C library underneath Confluent.Kafka (.NET),
 * which the course teaches, driven through Deno FFI (`ffi.ts`).
 *
 * Properties keep Kafka's names and pass through to librdkafka unchanged
 * (librdkafka accepts the Java names sismo uses); a property librdkafka
 * rejects is reported before anything starts. Batching, linger, retries, the
 * delivery timeout and partitioning are librdkafka's own. Each record is one
 * `rd_kafka_produce` call (the payload copied), answered by a delivery report
 * event with its partition, offset and persistence status
 * (`rd_kafka_message_status`, Confluent.Kafka's `DeliveryResult.Status`).
 * `purge` is `rd_kafka_purge` of queued and in-flight records.
 *
 * Set by sismo unless the scenario sets them: `queue.buffering.max.messages=0`
 * (no limit: sismo's `max.outstanding` is the bound, counted as not sent),
 * `statistics.interval.ms=1000` (request and byte counts for the report),
 * `log.queue=true` with `log_level=4` (warnings and errors as events, not on
 * stderr; 6, info too, with `--client-log`). The partitioner is librdkafka's default, `consistent_random`
 * (CRC32 of the key), which Confluent.Kafka users get.
 *
 * @module
 */
import { librdkafkaProperties as connectionProperties } from "../../connection/clients.ts";
import { PLAINTEXT } from "../../connection/settings.ts";
import {
  type ClientDriverFactory,
  type ClientLogLevel,
  type DeliveryReport,
  type DriverOptions,
  notSent,
  type OutRecord,
  type ProducerDriver,
} from "../contract.ts";
import type { ProducerConfig } from "../../scenario/types.ts";
import {
  cstr,
  cString,
  errorText,
  EVENT,
  MESSAGE,
  MSG_F_COPY,
  MSG_STATUS,
  PARTITION_UA,
  PRODUCER,
  PURGE,
  size,
} from "./ffi.ts";
import { buildConf, int64, loadedLibrdkafka, loadLibrdkafka } from "./library.ts";
import { brokerEntries, WireCounts } from "./wire_counts.ts";

/**
 * The producer settings as librdkafka properties (Kafka's names, values as text); `verbose`
 * (`--client-log`) lets info lines through by default, not only warnings and errors.
 */
export function librdkafkaProperties(
  p: ProducerConfig,
  extra: Record<string, string>,
  verbose = false,
): Record<string, string> {
  const props: Record<string, string> = {
    "queue.buffering.max.messages": "0",
    "statistics.interval.ms": "1000",
    "log_level": verbose ? "6" : "4",
  };
  for (const [name, value] of Object.entries(p)) props[name] = String(value);
  Object.assign(props, extra);
  props["log.queue"] = "true"; // the driver reads logs as events: not the user's to change
  return props;
}

/** Longest stretch of delivery-report handling between two turns of the event loop. */
const POLL_SLICE_MS = 0.5;

/** Tokens may be negative (application resends); opaques must be non-null pointers. */
const OPAQUE_BIAS = 2 ** 40;

/** Create a librdkafka producer for one topic. */
export async function createLibrdkafkaDriver(opts: DriverOptions): Promise<ProducerDriver> {
  const { lib, version } = await loadLibrdkafka();
  const props = librdkafkaProperties(opts.producer, opts.properties, opts.verboseLog);
  props["bootstrap.servers"] = opts.bootstrap.join(",");
  Object.assign(props, connectionProperties(opts.connection ?? PLAINTEXT));
  props["client.id"] = opts.clientId;
  const { conf, problems } = buildConf(lib, props);
  if (problems.length) {
    lib.rd_kafka_conf_destroy(conf);
    throw new Error(problems.map((p) => p.message).join("; "));
  }
  lib.rd_kafka_conf_set_events(conf, EVENT.DR | EVENT.ERROR | EVENT.STATS | EVENT.LOG);
  const errstr = new Uint8Array(512);
  const rk = lib.rd_kafka_new(PRODUCER, conf, errstr, BigInt(errstr.length));
  if (rk === null) {
    lib.rd_kafka_conf_destroy(conf); // not taken over on failure
    throw new Error(`librdkafka: ${cString(Deno.UnsafePointer.of(errstr))}`);
  }
  const queue = lib.rd_kafka_queue_get_main(rk);
  lib.rd_kafka_set_log_queue(rk, null); // logs to the main queue, as events
  const rkt = lib.rd_kafka_topic_new(rk, cstr(opts.topic), null);
  if (rkt === null) {
    lib.rd_kafka_queue_destroy(queue);
    await lib.rd_kafka_destroy(rk);
    throw new Error(`librdkafka: cannot create a topic handle for ${opts.topic}`);
  }

  const wire = new WireCounts();
  const acked = opts.producer.acks !== "0";
  /** Statistics events handled so far (librdkafka emits one per statistics.interval.ms). */
  let statsSeen = 0;
  const log = opts.onClientLog ?? (() => {});
  let messages = new BigUint64Array(1024);
  const ptrOut = new BigUint64Array(2);
  const messageHead = new Uint8Array(MESSAGE.size);
  const head = new DataView(messageHead.buffer);
  const levelOut = new Int32Array(1);

  const deliveries = (ev: Deno.PointerObject) => {
    const count = Number(lib.rd_kafka_event_message_count(ev));
    if (count > messages.length) messages = new BigUint64Array(count * 2);
    const n = Number(lib.rd_kafka_event_message_array(ev, messages, BigInt(messages.length)));
    for (let i = 0; i < n; i++) {
      const msg = Deno.UnsafePointer.create(messages[i]);
      if (msg === null) continue;
      // One copy of the struct's head, read without a view or BigInts: half the cost per record.
      Deno.UnsafePointerView.copyInto(msg, messageHead);
      const err = head.getInt32(MESSAGE.err, true);
      const partition = head.getInt32(MESSAGE.partition, true);
      const offset = int64(head, MESSAGE.offset);
      const token = int64(head, MESSAGE.opaque) - OPAQUE_BIAS;
      // A success with acks other than 0 is persisted; otherwise ask librdkafka (one FFI call).
      const status = err === 0 && acked
        ? "persisted"
        : MSG_STATUS[lib.rd_kafka_message_status(msg)] ?? "possibly-persisted";
      const report: DeliveryReport = err === 0
        ? { token, partition, offset, status }
        : { token, partition, offset: -1, status, error: errorText(lib, err) };
      opts.onDelivery(report);
    }
  };
  const handle = (ev: Deno.PointerObject) => {
    switch (lib.rd_kafka_event_type(ev)) {
      case EVENT.DR:
        deliveries(ev);
        break;
      case EVENT.ERROR: {
        const fatal = lib.rd_kafka_event_error_is_fatal(ev) ? "fatal: " : "";
        log("error", fatal + cString(lib.rd_kafka_event_error_string(ev)));
        break;
      }
      case EVENT.LOG: {
        const fac = new BigUint64Array(1);
        if (lib.rd_kafka_event_log(ev, fac, ptrOut, levelOut) === 0) {
          const level = syslogLevel(levelOut[0]);
          if (opts.verboseLog || level === "error" || level === "warn") {
            log(level, cString(Deno.UnsafePointer.create(ptrOut[0])));
          }
        }
        break;
      }
      case EVENT.STATS: {
        statsSeen++;
        wire.add(brokerEntries(cString(lib.rd_kafka_event_stats(ev))));
        break;
      }
    }
    lib.rd_kafka_event_destroy(ev);
  };

  // The poll loop: one blocking poll on a worker thread, then whatever else is ready for up
  // to POLL_SLICE_MS, so that a burst of delivery reports never holds the event loop (and the
  // generator's next due events) for long.
  let stopping = false;
  const pollLoop = (async () => {
    while (!stopping) {
      const ev = await lib.queue_poll_blocking(queue, 100);
      if (ev === null) continue;
      const until = performance.now() + POLL_SLICE_MS;
      handle(ev);
      while (performance.now() < until) {
        const more = lib.rd_kafka_queue_poll(queue, 0);
        if (more === null) break;
        handle(more);
      }
    }
  })();

  const keys = new Map<string, Uint8Array<ArrayBuffer>>();
  const encoder = new TextEncoder();
  let closed = false;

  return {
    client: { name: "librdkafka", version },
    capabilities: {
      batching: "native",
      deliveryTimeout: "native",
      cancel: true,
      partitioner: "consistent_random (librdkafka's default, CRC32 of the key; sticky for keyless)",
    },
    notes: [{ id: "note.librdkafka.stats" }],
    send(record: OutRecord): void {
      if (closed) {
        opts.onDelivery(notSent(record.token, "producer closed"));
        return;
      }
      let key: Uint8Array<ArrayBuffer> | null = null;
      if (record.key !== null) {
        key = keys.get(record.key) ?? null;
        if (key === null) {
          key = encoder.encode(record.key) as Uint8Array<ArrayBuffer>;
          if (keys.size < 100_000) keys.set(record.key, key);
        }
      }
      const value = record.value as Uint8Array<ArrayBuffer>;
      const r = lib.rd_kafka_produce(
        rkt,
        PARTITION_UA,
        MSG_F_COPY,
        value,
        size(value.byteLength),
        key,
        size(key?.byteLength ?? 0),
        size(record.token + OPAQUE_BIAS),
      );
      if (r !== 0) {
        // Refused before it was queued (queue full, unknown partition…): never sent.
        opts.onDelivery(notSent(record.token, errorText(lib, lib.rd_kafka_last_error())));
      }
    },
    purge(): Promise<void> {
      if (!closed) lib.rd_kafka_purge(rk, PURGE.QUEUE | PURGE.INFLIGHT | PURGE.NON_BLOCKING);
      return Promise.resolve();
    },
    stats: () => wire.total(),
    async close() {
      if (closed) return;
      closed = true;
      lib.rd_kafka_purge(rk, PURGE.QUEUE | PURGE.INFLIGHT | PURGE.NON_BLOCKING);
      // Serve the purged reports (they go nowhere once the generator froze its ledger).
      const until = performance.now() + 2000;
      while (lib.rd_kafka_outq_len(rk) > 0 && performance.now() < until) {
        await new Promise((r) => setTimeout(r, 20));
      }
      // Statistics come once a second: wait for the second one handled after this point (the
      // first may have been taken before it and waited in the queue), so that the report's
      // request and byte counts cover the whole run. On a loaded machine they can come late
      // (2.5 s was seen to be too short): wait up to 6 s, and say so if they never came.
      const seenBefore = statsSeen;
      const closing = performance.now();
      while (statsSeen < seenBefore + 2 && performance.now() < closing + 6000) {
        await new Promise((r) => setTimeout(r, 20));
      }
      if (statsSeen < seenBefore + 2) {
        log(
          "warn",
          "statistics did not come after the run: request and byte counts may miss its last second",
        );
      }
      stopping = true;
      await pollLoop;
      for (;;) {
        const ev = lib.rd_kafka_queue_poll(queue, 0);
        if (ev === null) break;
        handle(ev);
      }
      lib.rd_kafka_topic_destroy(rkt);
      lib.rd_kafka_queue_destroy(queue);
      await lib.rd_kafka_destroy(rk);
    },
  };
}

/** The librdkafka client in the registry. */
export const librdkafkaClient: ClientDriverFactory = {
  name: "librdkafka",
  description: "librdkafka (the engine of Confluent.Kafka) through Deno FFI",
  async prepare(progress) {
    const { version } = await loadLibrdkafka(progress);
    return { version };
  },
  check(producer, properties) {
    const prepared = loadedLibrdkafka();
    if (!prepared) throw new Error("librdkafka: check() before prepare()");
    const { lib } = prepared;
    const { conf, problems } = buildConf(lib, librdkafkaProperties(producer, properties));
    lib.rd_kafka_conf_destroy(conf);
    return problems;
  },
  create: createLibrdkafkaDriver,
};

/** librdkafka logs with syslog's levels: 0-3 errors, 4 warnings, 5-6 notices and info, 7 debug. */
export function syslogLevel(level: number): ClientLogLevel {
  return level <= 3 ? "error" : level === 4 ? "warn" : level <= 6 ? "info" : "debug";
}
