/**
 * The KafkaJS 2.2.4 driver: maps Kafka producer properties onto KafkaJS
 * options, and says plainly which ones sismo implements on top instead.
 *
 * | Kafka property | KafkaJS |
 * |---|---|
 * | acks | `send({ acks })`: all → -1 |
 * | enable.idempotence | `producer({ idempotent })` |
 * | max.in.flight.requests.per.connection | `producer({ maxInFlightRequests })` |
 * | retries | `producer({ retry: { retries } })` |
 * | retry.backoff.ms / retry.backoff.max.ms | `retry.initialRetryTime` / `retry.maxRetryTime` (exponential, ×2, ±20 %) |
 * | request.timeout.ms | client `requestTimeout` and the produce request's `timeout` (as the Java client does) |
 * | delivery.timeout.ms | no KafkaJS equivalent: emulated by `accumulator.ts`; KafkaJS cannot cancel a send, so a send past its delivery timeout may still be written later (a phantom), where a Java or librdkafka producer would drop a batch that never left its accumulator |
 * | (reconnects) | the same retry policy on the client: with KafkaJS a failed connection costs a retry, so `retries` bounds how long a send waits for a broker that is down (librdkafka and the Java client reconnect without limit; only their delivery timeout bounds it) |
 * | linger.ms, batch.size | no KafkaJS equivalent: the per-partition accumulator of `accumulator.ts` |
 * | (partitioner) | murmur2 for keyed records (KafkaJS's DefaultPartitioner, as the Java client); sticky for keyless ones, in `accumulator.ts` |
 * | compression.type | gzip built in; snappy and lz4 through `codecs.ts`; zstd has no pure-JS codec: refused |
 *
 * Idempotence: KafkaJS 2.2.4 assigns a partition's sequence numbers when a
 * send starts and rolls them back when it fails, while the failed send waits
 * to retry. A second send to the same partition started in that gap takes the
 * rolled-back numbers: the broker then answers OutOfOrderSequence, or takes
 * the later batch for a duplicate of the earlier one and drops it while
 * acknowledging it (silent loss). sismo measured both (lost, duplicated and
 * reordered events with enable.idempotence=true). So with idempotence on, this
 * driver keeps one send per partition in flight, which is the guarantee the
 * Java client's in-flight limit gives; other partitions still overlap.
 *
 * @module
 */
import { kafkaJsSecurity } from "../../connection/clients.ts";
import { PLAINTEXT } from "../../connection/settings.ts";
import "../../stack/quiet_kafkajs.ts";
import "./codecs.ts";
import { Buffer } from "node:buffer";
import { CompressionTypes, Kafka, logLevel, Partitioners } from "kafkajs";
import type { ProducerConfig } from "../../scenario/types.ts";
import type {
  ClientDriverFactory,
  DriverOptions,
  OutRecord,
  ProducerDriver,
  PropertyProblem,
} from "../contract.ts";
import { Accumulator, type BatchResult } from "./accumulator.ts";

/** KafkaJS version pinned in deno.json. */
export const KAFKAJS_VERSION = "2.2.4";

const ACKS = { all: -1, "1": 1, "0": 0 } as const;

/** Settings KafkaJS cannot honour, found before anything starts. */
export function checkKafkajsSupport(
  p: ProducerConfig,
  properties: Record<string, string>,
): PropertyProblem[] {
  const problems: PropertyProblem[] = [];
  if (p["compression.type"] === "zstd") {
    problems.push({
      property: "compression.type",
      message: "compression.type=zstd is not available with the kafkajs client " +
        "(no pure-JS zstd codec): use none, gzip, snappy or lz4",
    });
  }
  for (const name of Object.keys(properties)) {
    problems.push({
      property: name,
      message: `${name} is not supported by the kafkajs client, which takes only the ` +
        "properties sismo maps (acks, enable.idempotence, max.in.flight.requests.per.connection, " +
        "retries, retry.backoff.ms, retry.backoff.max.ms, request.timeout.ms, " +
        "delivery.timeout.ms, linger.ms, batch.size, compression.type)",
    });
  }
  return problems;
}

const defaultPartitioner = Partitioners.DefaultPartitioner();

/** Kafka's retries and exponential backoff as a KafkaJS retry policy. */
function kafkajsRetry(p: ProducerConfig) {
  return {
    retries: p.retries,
    initialRetryTime: Math.max(1, p["retry.backoff.ms"]),
    maxRetryTime: Math.max(1, p["retry.backoff.max.ms"]),
    multiplier: 2,
    factor: 0.2,
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Connect a KafkaJS producer for one topic. */
export async function createKafkajsDriver(opts: DriverOptions): Promise<ProducerDriver> {
  const p = opts.producer;
  const problems = checkKafkajsSupport(p, opts.properties);
  if (problems.length) throw new Error(problems.map((x) => x.message).join("; "));
  const wire = { produceRequests: 0, requestBytes: 0 };
  const kafka = new Kafka({
    clientId: opts.clientId,
    brokers: opts.bootstrap,
    ...kafkaJsSecurity(opts.connection ?? PLAINTEXT),
    requestTimeout: p["request.timeout.ms"],
    connectionTimeout: Math.min(p["request.timeout.ms"], 10000),
    // KafkaJS's client-level retrier governs reconnecting and metadata; left at its default
    // (5 tries) it fails every pending send during a longer outage, whatever the producer's
    // retries. KafkaJS users set one retry policy for both: so does this driver. With
    // KafkaJS, a connection that cannot be made costs a retry (librdkafka and the Java client
    // reconnect without limit and let the delivery timeout decide).
    retry: kafkajsRetry(p),
    // DEBUG only to read each produce request's size, which KafkaJS logs as it builds the
    // request (its REQUEST instrumentation event carries the response size instead).
    logLevel: logLevel.DEBUG,
    logCreator: () => ({ level, log }) => {
      if (level === logLevel.DEBUG) {
        if (typeof log.message === "string" && log.message.startsWith("Request Produce(")) {
          wire.produceRequests++;
          wire.requestBytes += Number(log.size) || 0;
        }
        return;
      }
      // KafkaJS's own debug lines (every request) stay out even of --client-log: its INFO
      // lines name connections, retries and leaders.
      if (!opts.onClientLog || level > (opts.verboseLog ? logLevel.INFO : logLevel.WARN)) return;
      const message = String(log.message ?? "");
      const error = log.error ? `: ${log.error}` : "";
      const mapped = level === logLevel.ERROR ? "error" : level === logLevel.WARN ? "warn" : "info";
      opts.onClientLog(mapped, message + error);
    },
  });
  const producer = kafka.producer({
    idempotent: p["enable.idempotence"],
    maxInFlightRequests: p["max.in.flight.requests.per.connection"],
    allowAutoTopicCreation: false,
    retry: kafkajsRetry(p),
  });
  await withTimeout(
    producer.connect(),
    30000,
    `cannot connect a producer to ${opts.bootstrap.join(",")} within 30 s`,
  );
  const compression = {
    none: CompressionTypes.None,
    gzip: CompressionTypes.GZIP,
    snappy: CompressionTypes.Snappy,
    lz4: CompressionTypes.LZ4,
    zstd: CompressionTypes.ZSTD,
  }[p["compression.type"]];
  const acks = ACKS[p.acks];
  const topic = opts.topic;
  const sendBatch = async (partition: number, records: OutRecord[]): Promise<BatchResult> => {
    const res = await producer.send({
      topic,
      acks,
      timeout: p["request.timeout.ms"],
      compression,
      messages: records.map((r) => ({
        key: r.key,
        // KafkaJS wants a Buffer; a view over the accumulator's copy costs no second copy.
        value: Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength),
        partition,
      })),
    });
    if (acks === 0) return { baseOffset: -1 }; // no response to read
    const meta = res.find((m) => m?.partition === partition);
    if (!meta) {
      // Seen with KafkaJS 2.2.4 after connection resets: send() resolves with no result for
      // the partition, and the records are not in the log. That is not an acknowledgement.
      throw new Error("KafkaJS resolved the send without a result for its partition");
    }
    const base = Number(meta.baseOffset);
    return { baseOffset: Number.isFinite(base) ? base : -1 };
  };
  const partitionMetadata = Array.from({ length: opts.partitions }, (_, i) => ({
    partitionId: i,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [],
    isr: [],
  }));
  // With idempotence on, one send per partition in flight (see the module doc): the
  // accumulator holds sealed batches back meanwhile, so they keep growing.
  const serialize = p["enable.idempotence"];
  const accumulator = new Accumulator({
    partitions: opts.partitions,
    lingerMs: p["linger.ms"],
    batchBytes: p["batch.size"],
    deliveryTimeoutMs: p["delivery.timeout.ms"],
    maxInFlightPerPartition: serialize ? 1 : Infinity,
    partitionForKey: (key) =>
      defaultPartitioner({ topic, partitionMetadata, message: { key, value: null } }),
    sendBatch,
    onDelivery: opts.onDelivery,
  });
  return {
    client: { name: "kafkajs", version: KAFKAJS_VERSION },
    capabilities: {
      batching: "emulated",
      deliveryTimeout: "emulated",
      cancel: false,
      partitioner: "murmur2 (KafkaJS DefaultPartitioner); sticky for keyless records (emulated)",
    },
    notes: [
      { id: "note.kafkajs.emulated" },
      ...(serialize ? [{ id: "note.kafkajs.idempotent" }] : []),
    ],
    send(record: OutRecord): void {
      // The accumulator keeps the record until its batch goes: its own copy of the value.
      accumulator.append({ ...record, value: record.value.slice() });
    },
    purge(): Promise<void> {
      accumulator.purge();
      return Promise.resolve();
    },
    stats: () => ({ ...wire }),
    async close() {
      accumulator.close();
      // every record was reported or purged above; a failed disconnect changes no result
      await producer.disconnect().catch(() => {});
    },
  };
}

/** The KafkaJS client in the registry. */
export const kafkajsClient: ClientDriverFactory = {
  name: "kafkajs",
  description: "KafkaJS 2.2.4, pure JavaScript (linger, batching and delivery timeout emulated)",
  prepare: () => Promise.resolve({ version: KAFKAJS_VERSION }),
  check: checkKafkajsSupport,
  create: createKafkajsDriver,
};
