/**
 * The producer driver contract: what the generator needs from a Kafka client,
 * and nothing more. Shaped after OpenMessaging Benchmark's producer driver: the
 * generator hands the driver **one record per call** as each event becomes due,
 * and the client batches, lingers, retries and times out as it does for an
 * application. The driver answers once per record with a {@link DeliveryReport}
 * (partition, offset, persistence status), as librdkafka's delivery reports and
 * Confluent.Kafka's `DeliveryResult` do.
 *
 * What a client lacks (KafkaJS has no linger, batch.size, delivery timeout or
 * cancellation) is emulated inside that client's own folder and declared in
 * {@link DriverCapabilities}, so the report can say what was native.
 *
 * @module
 */
import type { ConnectionSettings } from "../connection/settings.ts";
import type { Phrase } from "../report/types.ts";
import type { ProducerConfig } from "../scenario/types.ts";

/**
 * Whether a record is in the log, as the client knows it: librdkafka's
 * `rd_kafka_msg_status_t` and Confluent.Kafka's `PersistenceStatus`.
 */
export type PersistenceStatus = "persisted" | "possibly-persisted" | "not-persisted";

/** One record to produce. */
export interface OutRecord {
  /**
   * The caller's handle for this record, echoed in its delivery report. sismo
   * uses the event's sequence number, and a negative number for an application
   * resend (see the generator).
   */
  token: number;
  key: string | null;
  /**
   * Valid only during `send`: the generator writes the next event into the same buffer. A
   * driver that keeps the bytes past the call copies them (librdkafka copies on produce).
   */
  value: Uint8Array;
}

/** The client's answer for one record. */
export interface DeliveryReport {
  token: number;
  /** Partition the record was written to (or meant for); -1 when the client never chose one. */
  partition: number;
  /** Offset in the log; -1 when unknown (acks=0, or failed). */
  offset: number;
  status: PersistenceStatus;
  /** Set when the send failed: the client's error, as it words it. */
  error?: string;
  /**
   * A success reported after the same record was already reported failed (an
   * emulated delivery timeout that the client could not cancel): the record
   * may now be in the log.
   */
  lateSuccess?: boolean;
}

/** The report of a record the client refused before sending it (closed producer, full queue…). */
export function notSent(token: number, error: string): DeliveryReport {
  return { token, partition: -1, offset: -1, status: "not-persisted", error };
}

/** Produce requests, bytes and retries as the client counts them, so far. */
export interface DriverStats {
  produceRequests: number;
  /** Bytes of produce requests on the wire, after compression. */
  requestBytes: number;
  /** Retried produce requests, when the client counts them (undefined otherwise). */
  retries?: number;
}

/** What a client does itself, and what its driver emulates around it. */
export interface DriverCapabilities {
  /** linger.ms and batch.size are the client's own. */
  batching: "native" | "emulated";
  /** delivery.timeout.ms is the client's own. */
  deliveryTimeout: "native" | "emulated";
  /** Pending sends can be cancelled (librdkafka's purge, Java's close with timeout 0). */
  cancel: boolean;
  /** The partitioner is the client's own (the generator never picks partitions). */
  partitioner: string;
}

/** A connected producer for one topic. */
export interface ProducerDriver {
  /** Client name (its registry key) and the runtime version, for reports. */
  readonly client: { name: string; version: string };
  readonly capabilities: DriverCapabilities;
  /**
   * How the driver departs from the settings as written, for the report: phrases whose
   * sentences are in `lib/report/i18n.ts` (`note.…`), so each report says them in its language.
   */
  readonly notes: Phrase[];
  /**
   * Hand one record to the client. Never throws for a Kafka-side failure: every
   * record gets exactly one delivery report through `onDelivery` (plus, at most,
   * one `lateSuccess` report), possibly before `send` returns.
   */
  send(record: OutRecord): void;
  /**
   * Cancel every record the client still holds: each gets a failed report with
   * status not-persisted (queued) or possibly-persisted (in flight). Used at the
   * end of the drain and on Ctrl-C.
   */
  purge(): Promise<void>;
  /** Produce requests and bytes so far. */
  stats(): DriverStats;
  /** Close the connection; pending records are abandoned (purge first). */
  close(): Promise<void>;
}

/** What every driver factory gets. */
export interface DriverOptions {
  bootstrap: string[];
  /** Security protocol, SASL and TLS (`lib/connection/`); plaintext when absent. */
  connection?: ConnectionSettings;
  topic: string;
  /** Partitions of the topic (KafkaJS's emulated accumulator keeps one batch per partition). */
  partitions: number;
  producer: ProducerConfig;
  /** Further client properties, passed through unchanged (Kafka's names). */
  properties: Record<string, string>;
  clientId: string;
  /** Receives every record's delivery report. */
  onDelivery: (report: DeliveryReport) => void;
  /** Called with the lines the client logs: errors and warnings, for the report. */
  onClientLog?: (level: ClientLogLevel, message: string) => void;
  /**
   * Also pass on the client's informational lines, and the debug lines it was asked for
   * (librdkafka's `debug` property), for `--client-log`; errors and warnings only by default.
   */
  verboseLog?: boolean;
}

/** How much a client log line weighs, as the clients' own levels map onto it. */
export type ClientLogLevel = "error" | "warn" | "info" | "debug";

/** A property a client rejects, found before anything starts. */
export interface PropertyProblem {
  /** The property name as written. */
  property: string;
  message: string;
}

/** One client in the registry. */
export interface ClientDriverFactory {
  /** Registry name, as scenario files write it in `client:`. */
  readonly name: string;
  /** What the client is, in a few words, for `--help` and docs. */
  readonly description: string;
  /**
   * Install what the client needs (a native library, jars) into the cache, and
   * return its runtime version. Runs before anything starts.
   */
  prepare(progress: (line: string) => void): Promise<{ version: string }>;
  /**
   * Check a variant's settings against the client, after `prepare`: each
   * property the client rejects or cannot honour is one problem.
   */
  check(producer: ProducerConfig, properties: Record<string, string>): PropertyProblem[];
  create(opts: DriverOptions): Promise<ProducerDriver>;
}

/** Settings a client cannot honour: the runner refuses the scenario with this message. */
export class UnsupportedSettingError extends Error {
  override name = "UnsupportedSettingError";
}
