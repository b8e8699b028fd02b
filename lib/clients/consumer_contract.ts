/**
 * The consumer driver contract (issue 11): what a consumer group member needs from a Kafka
 * client, poll-shaped as librdkafka's `rd_kafka_consumer_poll` and Confluent.Kafka's
 * `Consume` are: the member asks for records, processes them, and commits as its commit mode
 * says; the client joins the group, rebalances, heartbeats and (with auto-commit) commits on
 * its own, as it does for an application. A client that pushes records instead (KafkaJS's
 * `eachBatch`) adapts to this in its own folder.
 *
 * @module
 */
import type { ConnectionSettings } from "../connection/settings.ts";
import type { PropertyProblem } from "./contract.ts";

/** A record as a member receives it. */
export interface ConsumedRecord {
  partition: number;
  offset: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
}

/** The next offset to read of a partition: what a commit stores. */
export interface CommitPosition {
  partition: number;
  offset: number;
}

/** One member's consumer. */
export interface ConsumerDriver {
  readonly client: { name: string; version: string };
  /**
   * Up to `max` records, waiting at most `timeoutMs` for the first; an empty array when
   * none came. Rebalances happen within polls, as in the clients.
   */
  poll(max: number, timeoutMs: number): Promise<ConsumedRecord[]>;
  /**
   * Commit `positions` for the group: `sync` resolves once the broker answered (and rejects
   * with its error), `async` returns at once (a failure shows in the client's log only).
   */
  commit(positions: CommitPosition[], mode: "sync" | "async"): Promise<void>;
  /**
   * The application finished `record` (processed, dead-lettered or skipped). A client whose
   * offsets follow the application's progress (KafkaJS's `resolveOffset`) marks it here;
   * librdkafka stored the offset when its poll handed the record over, and ignores this.
   */
  handled?(record: ConsumedRecord): void;
  /** Partitions assigned to this member now. */
  assignment(): number[];
  /**
   * Commit before partitions are revoked, as a careful application does in its revoke
   * handler (Confluent.Kafka's `SetPartitionsRevokedHandler`, the Java client's
   * `onPartitionsRevoked`): from now on, when a rebalance is about to take partitions that
   * are still this member's (not lost: its session did not expire), the driver asks `hook`
   * what to commit and commits it, waiting for the answer, before it lets them go.
   */
  commitOnRevoke(hook: RevokeCommit): void;
  /** Leave the group (a clean close commits nothing more than the commit mode did). */
  close(): Promise<void>;
}

/** What a member commits when partitions are revoked; see {@link ConsumerDriver.commitOnRevoke}. */
export interface RevokeCommit {
  /** The positions to commit of the `revoked` partitions (none: nothing is committed). */
  positions(revoked: number[]): CommitPosition[];
  /** The commit's outcome: null when the broker took it. */
  done(error: Error | null): void;
}

/** What a consumer driver is created with. */
export interface ConsumerOptions {
  bootstrap: string[];
  /** Security protocol, SASL and TLS; plaintext when absent. */
  connection?: ConnectionSettings;
  topic: string;
  groupId: string;
  clientId: string;
  /**
   * Kafka's consumer properties as the scenario gives them (`enable.auto.commit`,
   * `session.timeout.ms`, `partition.assignment.strategy`, `group.protocol`…), passed to the
   * client under their own names where it knows them.
   */
  properties: Record<string, string>;
  /** The client's own warnings and errors, as text. */
  onClientLog?: (level: "error" | "warn", message: string) => void;
}

/** A client that can run group members. */
export interface ConsumerDriverFactory {
  readonly name: string;
  /** Provision and load what the client needs; its version. */
  prepare(progress?: (line: string) => void): Promise<{ version: string }>;
  /** After `prepare`: each consumer property the client rejects or cannot honour. */
  check(properties: Record<string, string>): PropertyProblem[];
  /** Subscribe a new member to `options.topic` in `options.groupId`. */
  create(options: ConsumerOptions): Promise<ConsumerDriver>;
}
