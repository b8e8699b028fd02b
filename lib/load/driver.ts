/**
 * The client driver interface: the small surface the generator needs from a
 * Kafka client library, so another client (librdkafka, the Java client) can be
 * added beside KafkaJS. Modelled on OpenMessaging Benchmark's producer driver.
 *
 * @module
 */
import type { ProducerConfig } from "../scenario/types.ts";

/** One record to produce to an explicit partition. */
export interface OutRecord {
  key: string | null;
  value: Uint8Array;
}

/** Where a successfully produced batch landed. */
export interface BatchAck {
  partition: number;
  /** Offset of the first record of the batch; -1 when unknown (acks=0). */
  baseOffset: number;
}

/** A connected producer for one topic. */
export interface ProducerDriver {
  /** Client name and version for reports. */
  readonly client: { name: string; version: string };
  /**
   * Sends to one partition the generator may have in flight at once (Infinity:
   * the client's own per-connection limit applies).
   */
  readonly maxInFlightPerPartition: number;
  /** How the driver departs from the settings as written, for the report. */
  readonly notes: string[];
  /**
   * Produce records to one partition, in order, as one client call. Resolves
   * when the client reports success (after its own retries); rejects with the
   * client's error when it gives up.
   */
  send(partition: number, records: OutRecord[]): Promise<BatchAck>;
  /** Produce requests sent and their bytes on the wire (after compression), so far. */
  stats(): { produceRequests: number; requestBytes: number };
  /** Partition a keyed record goes to, as the client's default partitioner decides. */
  partitionForKey(key: string, partitions: number): number;
  disconnect(): Promise<void>;
}

/** What a driver factory needs. */
export interface DriverOptions {
  bootstrap: string[];
  topic: string;
  producer: ProducerConfig;
  clientId: string;
  /** Called with every error message the client logs, for the report. */
  onClientLog?: (level: "error" | "warn", message: string) => void;
}

/** Settings a client cannot honour: the runner refuses the scenario with this message. */
export class UnsupportedSettingError extends Error {
  override name = "UnsupportedSettingError";
}
