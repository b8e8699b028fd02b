/**
 * The vocabulary of scenario files: the property names each mapping accepts,
 * the enumerations, and the Toxiproxy toxic attributes. The validator and the
 * JSON Schema test both read these lists, so the two cannot drift apart.
 *
 * @module
 */
import { type ProducerConfig, TEXT_LANGS, type ToxicType } from "./types.ts";

/** Property names per kind of mapping; each id is a `definitions` entry of the JSON Schema. */
export const SECTION_KEYS = {
  scenario: [
    "name",
    "description",
    "cluster",
    "topic",
    "load",
    "drain",
    "parallel",
    "variants",
    "clients",
    "client.properties",
    "expect",
    "faults",
    "profiles",
  ],
  cluster: ["brokers"],
  topic: ["partitions", "replication.factor", "min.insync.replicas", "configs"],
  load: ["rate", "duration", "warmup", "message.size", "keys", "send"],
  /** `load.rate` in mapping form: exactly one of these. */
  rateMap: ["ramp", "steps"],
  ramp: ["from", "to"],
  step: ["rate", "for"],
  /** `send` in mapping form. */
  sendMap: ["mode", "max.outstanding"],
  variant: [
    "name",
    "description",
    "client",
    "send",
    "app.resend.every",
    "producer",
    "client.properties",
    "consumer",
    "expect",
  ],
  /** A variant's consumer group (issue 11). */
  consumer: [
    "members",
    "commit",
    "commit.every",
    "commit.on.revoke",
    "poll.records",
    "processing",
    "dead.letter",
    "properties",
    "catch.up",
  ],
  /** How the group's application processes each record. */
  processing: ["time", "poison"],
  /** `processing.time` in mapping form: uniform {min, max}, or exponential {mean, max}. */
  processingTime: ["min", "max", "mean"],
  producer: [
    "acks",
    "enable.idempotence",
    "max.in.flight.requests.per.connection",
    "retries",
    "retry.backoff.ms",
    "retry.backoff.max.ms",
    "request.timeout.ms",
    "delivery.timeout.ms",
    "linger.ms",
    "batch.size",
    "compression.type",
  ] satisfies (keyof ProducerConfig)[],
  fault: [
    "at",
    "for",
    "toxic",
    "broker",
    "proxy",
    "member",
    "stream",
    "toxicity",
    "attributes",
    "target",
    "connections",
  ],
  /** A fault `target` in mapping form: exactly one of these. */
  targetMap: ["leader-of", "followers-of"],
  /** Whose connections a toxic or proxy fault hits: one member's (absent: every client's). */
  connections: ["member"],
  /** `description` in mapping form: the text per language. */
  description: TEXT_LANGS,
  /** `profiles`: the scaled-down versions of the scenario (only `quick` for now). */
  profiles: ["quick"],
  /** One profile's scale factors. */
  profile: ["time", "rate"],
} as const satisfies Record<string, readonly string[]>;

/** Id of a kind of mapping in {@link SECTION_KEYS}. */
export type Section = keyof typeof SECTION_KEYS;

/** Accepted spellings of `acks`, and what each resolves to. */
export const ACKS_VALUES: Readonly<Record<string, ProducerConfig["acks"]>> = {
  all: "all",
  "-1": "all",
  "1": "1",
  "0": "0",
};

/** Values of `compression.type`. */
export const COMPRESSION_TYPES = [
  "none",
  "gzip",
  "snappy",
  "lz4",
  "zstd",
] as const satisfies readonly ProducerConfig["compression.type"][];

/** Values of the `send` mode. */
export const SEND_MODES = ["sync", "pipelined"] as const;

/** Values of `broker:` in a fault. */
export const BROKER_OPS = ["stop", "kill", "pause"] as const;

/** Values of `member:` in a fault: kill (SIGKILL), pause (SIGSTOP), leave (a clean stop). */
export const MEMBER_OPS = ["kill", "pause", "leave", "join"] as const;

/** Values of a consumer group's `commit`. */
export const COMMIT_MODES = ["auto", "after-each", "after-batch", "async"] as const;

/** Consumer properties sismo sets itself for each member: not the scenario's to give. */
export const CONSUMER_PROPERTIES_SET_BY_SISMO = [
  "bootstrap.servers",
  "group.id",
  "client.id",
] as const;

/** Values of `stream:` in a toxic fault. */
export const STREAMS = ["downstream", "upstream"] as const;

/** One attribute of a toxic: a non-negative integer. */
export interface ToxicAttribute {
  /** Absent: the attribute is required. */
  default?: number;
  /** Unit, for messages and labels. */
  unit: "ms" | "µs" | "KB/s" | "bytes";
  /** Smallest accepted value. */
  min: number;
}

/**
 * Attributes of each toxic type, as Toxiproxy 2.12 documents them. Values are
 * integers (Toxiproxy reads int64).
 */
export const TOXIC_ATTRIBUTES: Readonly<
  Record<ToxicType, Readonly<Record<string, ToxicAttribute>>>
> = {
  latency: { latency: { unit: "ms", min: 0 }, jitter: { unit: "ms", min: 0, default: 0 } },
  bandwidth: { rate: { unit: "KB/s", min: 0 } },
  slow_close: { delay: { unit: "ms", min: 0 } },
  timeout: { timeout: { unit: "ms", min: 0 } },
  reset_peer: { timeout: { unit: "ms", min: 0, default: 0 } },
  slicer: {
    average_size: { unit: "bytes", min: 1 },
    size_variation: { unit: "bytes", min: 0, default: 0 },
    delay: { unit: "µs", min: 0, default: 0 },
  },
  limit_data: { bytes: { unit: "bytes", min: 0 } },
};

/** Toxic types in a stable order. */
export const TOXIC_TYPES = Object.keys(TOXIC_ATTRIBUTES) as ToxicType[];
