/**
 * The validated, fully resolved plan that a scenario file turns into.
 *
 * Everything downstream (stack, load, faults, verify, report) reads only this
 * plain data: defaults are already applied, durations are milliseconds, and
 * producer settings keep Kafka's own property names so reports show the names
 * workshop audiences know.
 *
 * @module
 */
import type { ClientName } from "../clients/names.ts";
import type { CommitMode } from "../consume/member.ts";
import type { ProcessingModel } from "../consume/processing_model.ts";

/** Languages a scenario's texts can be written in: the languages of the reports. */
export const TEXT_LANGS = ["en", "fr"] as const;

/** One of {@link TEXT_LANGS}. */
export type TextLang = (typeof TEXT_LANGS)[number];

/** A text in each language the file gives it in (at least one). */
export type LocalizedText = Partial<Record<TextLang, string>>;

/** Where a value came from in the scenario file, for error messages and reports. */
export interface SourceRef {
  /** 1-based line in the scenario file; 0 when the value is a default. */
  line: number;
  /** Field path such as `variants[1].producer.acks`. */
  path: string;
}

/** How many events per second the generator aims for over time. */
export type RateSchedule =
  | { kind: "constant"; perSecond: number }
  /** Linear change from `from` to `to` over the whole load (warm-up included). */
  | { kind: "ramp"; from: number; to: number }
  /** Successive constant rates; the last step holds until the load ends. */
  | { kind: "steps"; steps: { perSecond: number; forMs: number }[] };

/** Which keys events carry. */
export type KeySpace =
  | { kind: "none" }
  /** Keys `k0` … `k{count-1}`, assigned round-robin by sequence number. */
  | { kind: "fixed"; count: number }
  /** A distinct key per event (`e{seq}`). */
  | { kind: "per-event" };

/** How the generator hands events to the client. */
export type SendMode =
  /** Await each send before the next: one event outstanding at a time. Late events wait in order. */
  | { kind: "sync"; maxOutstanding: number }
  /** Sends overlap; at most `maxOutstanding` events are outstanding, the rest are counted as not sent. */
  | { kind: "pipelined"; maxOutstanding: number };

/** The produce load, identical for every variant. */
export interface LoadPlan {
  rate: RateSchedule;
  /** Warm-up: events are sent and verified, but their latencies are not recorded. */
  warmupMs: number;
  /** Measured load after the warm-up. The load lasts `warmupMs + durationMs`. */
  durationMs: number;
  /** Bytes of each record value, header prefix included (minimum 32, the header). */
  messageSize: number;
  keys: KeySpace;
  send: SendMode;
}

/** Producer settings under Kafka's own property names, defaults resolved. */
export interface ProducerConfig {
  acks: "all" | "1" | "0";
  "enable.idempotence": boolean;
  "max.in.flight.requests.per.connection": number;
  retries: number;
  "retry.backoff.ms": number;
  "retry.backoff.max.ms": number;
  "request.timeout.ms": number;
  "delivery.timeout.ms": number;
  "linger.ms": number;
  "batch.size": number;
  "compression.type": "none" | "gzip" | "snappy" | "lz4" | "zstd";
}

/** A named metric that an expectation can test. */
export type MetricName =
  | "sent"
  | "acked"
  | "failed"
  | "not_sent"
  | "ok"
  | "lost"
  | "duplicated"
  | "duplicates"
  | "phantom"
  | "failed_absent"
  | "reordered"
  | "foreign"
  | "unverified"
  | "p50"
  | "p90"
  | "p99"
  | "p999"
  | "p9999"
  | "max"
  | "throughput"
  // A consumer group's processing (issue 11): what became of the topic's records.
  | "processing.once"
  | "processing.more_than_once"
  | "processing.reprocessings"
  | "processing.dead_lettered"
  | "processing.lost"
  | "processing.unprocessed"
  | "processing.dead_letter_missing"
  /** The longest pause of a partition around a fault. */
  | "rebalance.pause.max"
  /** The longest wait of a partition, after a member fault, until another member had it. */
  | "rebalance.reassign.max"
  /** Members running when the load ended that held no partition. */
  | "members.idle";

/** Comparison operator of an expectation. */
export type ComparisonOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

/** `lost == 0`, `p99 < 250ms`, `throughput >= 1800/s`. */
export interface Expectation {
  /** As written in the file. */
  text: string;
  metric: MetricName;
  op: ComparisonOp;
  /** Canonical units: counts, milliseconds for latencies, events/s for throughput. */
  value: number;
  source: SourceRef;
}

/** One producer configuration to compare, on one client. */
export interface VariantPlan {
  /** Unique in the plan; `<name>-<client>` when the scenario runs each variant on several clients. */
  name: string;
  /** The name as written in the file (the same for every client it runs on). */
  baseName: string;
  /** In English when the file gives it, else in the language it gives; `""` when none. */
  description: string;
  /** Every language of the description, when the file writes it per language (`{en, fr}`). */
  descriptions?: LocalizedText;
  /** Registry name of the client driver (`lib/clients/registry.ts`). */
  client: ClientName;
  producer: ProducerConfig;
  /** Further producer properties, passed through to the client unchanged. */
  properties: Record<string, string>;
  /** Line of each producer property written in the file (modelled or passed through). */
  propertyLines: Record<string, number>;
  /**
   * `client.properties`: further properties given only on that client (already
   * merged into `properties` for this variant's client).
   */
  clientProperties: Partial<
    Record<ClientName, { properties: Record<string, string>; lines: Record<string, number> }>
  >;
  send: SendMode;
  /**
   * The application sends every n-th event a second time once the first send is
   * acknowledged (`app.resend.every`); 0 = never. Kafka sees a new record.
   */
  appResendEvery: number;
  /** A consumer group reading the variant's topic while the load runs (issue 11). */
  consumer?: ConsumerGroupPlan;
  expectations: Expectation[];
  source: SourceRef;
}

/**
 * A variant's consumer group: `members` member processes on the variant's client, each
 * processing every record it gets as `processing` says and committing as `commit` says.
 */
export interface ConsumerGroupPlan {
  members: number;
  commit: CommitMode;
  /** Records per commit in after-batch and async modes; null: each poll's records. */
  commitEvery: number | null;
  /**
   * Batch modes: before a rebalance takes partitions, commit what was processed of them, as a
   * careful application's revoke handler does (default false).
   */
  commitOnRevoke: boolean;
  /** Records a member takes per poll (1, Confluent.Kafka's `Consume`, by default). */
  pollRecords: number;
  processing: ProcessingModel;
  /** Poison records go to a dead-letter topic (else they are logged and skipped). */
  deadLetter: boolean;
  /** Kafka's consumer properties, passed to the client. */
  properties: Record<string, string>;
  /** Line of each consumer property written. */
  propertyLines: Record<string, number>;
  /** After the load and its drain, how long the group may take to catch up, ms. */
  catchUpMs: number;
  source: SourceRef;
}

/** Which brokers a fault hits, resolved when the fault starts. */
export type FaultTarget =
  | { kind: "all" }
  | { kind: "brokers"; ids: number[] }
  /** The broker leading this partition of the variant's topic when the fault starts. */
  | { kind: "leader"; partition: number }
  /** The replicas of this partition other than its leader when the fault starts. */
  | { kind: "followers"; partition: number }
  /** The broker coordinating the variant's consumer group when the fault starts. */
  | { kind: "coordinator" }
  /** A member of the variant's consumer group, by its index (member faults only). */
  | { kind: "member"; index: number }
  /** A member that joins the variant's consumer group (`member: join`), the next index. */
  | { kind: "new-member" };

/** Toxiproxy toxic types sismo accepts. */
export type ToxicType =
  | "latency"
  | "bandwidth"
  | "slow_close"
  | "timeout"
  | "reset_peer"
  | "slicer"
  | "limit_data";

/** What a fault does. */
export type FaultAction =
  | {
    kind: "toxic";
    type: ToxicType;
    stream: "upstream" | "downstream";
    toxicity: number;
    attributes: Record<string, number>;
    /** Only this consumer group member's connections (its own proxies); absent: every client's. */
    member?: number;
  }
  /**
   * The broker's proxy is disabled: connections are refused and open ones closed (only the
   * proxy of `member`'s connections when given).
   */
  | { kind: "proxy-down"; member?: number }
  /** stop = SIGTERM, kill = SIGKILL, pause = SIGSTOP; the broker is brought back after the window. */
  | { kind: "broker"; op: "stop" | "kill" | "pause" }
  /**
   * A consumer group member: kill = SIGKILL (a crash), pause = SIGSTOP (a long GC pause),
   * leave = it stops cleanly; after the window it starts again (or resumes). join = a new
   * member starts (scaling out), and leaves cleanly after the window.
   */
  | { kind: "member"; op: "kill" | "pause" | "leave" | "join" };

/** One entry of the fault timeline. */
export interface FaultPlan {
  /** Stable id such as `f1`, in file order. */
  id: string;
  /** Human label, e.g. `latency 3000ms downstream on all`. */
  label: string;
  /** Start, from the start of the variant's load (warm-up included). */
  atMs: number;
  /** How long it lasts; null means until the end of the load. */
  forMs: number | null;
  target: FaultTarget;
  action: FaultAction;
  source: SourceRef;
}

/** The topic each variant writes to (a fresh one per variant). */
export interface TopicPlan {
  partitions: number;
  replicationFactor: number;
  /** Other topic configs, `min.insync.replicas` included when given. */
  configs: Record<string, string>;
}

/**
 * Which version of the scenario runs: `full` as written, or `quick`, with
 * shorter times and lower rates (see `lib/scenario/profile.ts`).
 */
export type ProfileName = "full" | "quick";

/** Scale factors of a profile, each in (0, 1]. */
export interface ProfileScale {
  /** Multiplies load.warmup, load.duration, every rate step's `for`, every fault's `at` and `for`. */
  time: number;
  /** Multiplies every rate: constant, ramp ends, rate steps. */
  rate: number;
}

/** A whole resolved scenario. */
export interface Plan {
  name: string;
  /** In English when the file gives it, else in the language it gives: what the console shows. */
  description: string;
  /** Every language of the description, when the file writes it per language (`{en, fr}`). */
  descriptions?: LocalizedText;
  /** Path of the scenario file as given. */
  file: string;
  cluster: { brokers: number };
  topic: TopicPlan;
  load: LoadPlan;
  variants: VariantPlan[];
  /** Run the variants at the same time (true) or one after another (false). */
  parallel: boolean;
  faults: FaultPlan[];
  /** Time after the load for outstanding sends to settle before verification. */
  drainMs: number;
  /** The profile this plan was scaled to; `full` as parsed. */
  profile: ProfileName;
  /** Scale factors of each profile, defaults resolved (shown in reports: what was run). */
  profiles: { quick: ProfileScale };
}
