/**
 * The shape of `report.json`: everything one run measured, as plain data.
 *
 * Bump {@link REPORT_SCHEMA_VERSION} on any incompatible change and keep
 * `lib/report/report.schema.json` in step.
 *
 * @module
 */
import type { FaultTarget, Plan, ProducerConfig, SendMode } from "../scenario/types.ts";

/** Version of the report format written by this code. */
export const REPORT_SCHEMA_VERSION = 1;

/** Latency distribution of one variant, in milliseconds. */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  p9999: number;
  max: number;
  /** The full HdrHistogram (microsecond values), base64 compressed, as hdr-histogram-js encodes it. */
  histogram: string;
}

/** One second of a variant's run, counted by the event's intended send second (acks by ack time). */
export interface TimelinePoint {
  /** Seconds since the variant's load started. */
  t: number;
  /** Events whose send was attempted in this second. */
  sent: number;
  /** Acknowledgements received in this second. */
  acked: number;
  /** Sends that failed in this second. */
  failed: number;
  /** Events dropped in this second because outstanding sends were at their bound. */
  notSent: number;
  /** Outstanding events at the end of this second. */
  outstanding: number;
  /** Latency from intended send time of events acknowledged in this second, ms; null when none. */
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** A fault as it really happened during one variant. */
export interface FaultWindow {
  id: string;
  label: string;
  kind: "toxic" | "proxy-down" | "broker";
  target: FaultTarget;
  /** Brokers the target resolved to when the fault started. */
  brokers: number[];
  plannedAtMs: number;
  plannedForMs: number | null;
  /** Milliseconds since the variant's load started; null if it never started. */
  startedAtMs: number | null;
  endedAtMs: number | null;
  /** Why it did not start or end cleanly. */
  error?: string;
}

/** One anomalous event kept as an example. */
export interface EventSample {
  seq: number;
  partition: number | null;
  offset: string | null;
  key: string | null;
  /** Extra facts: copies read, previous sequence for a reorder, producer error. */
  detail?: string;
}

/** Counts of every verification class; exact. */
export interface VerificationCounts {
  /** Acknowledged and read exactly once, in order. */
  ok: number;
  /** Acknowledged, never read. */
  lost: number;
  /** Events read more than once. */
  duplicated: number;
  /** Extra copies over all duplicated events. */
  duplicates: number;
  /** The producer reported failure or timeout, yet the event is in the log. */
  phantom: number;
  /** The producer reported failure and the event is absent: an honest failure. */
  failedAbsent: number;
  /** Events whose first copy was read after a higher sequence of the same ordering group (the key for N keys, else the partition) in the same partition. */
  reordered: number;
  /** Records in the topic that this run did not write. */
  foreign: number;
  /** Events that could not be checked because their partition was unreadable. */
  unverified: number;
}

/** What the verifier found for one variant. */
export interface VerificationReport {
  counts: VerificationCounts;
  samples: Partial<Record<keyof VerificationCounts, EventSample[]>>;
  /** Records read during verification. */
  recordsRead: number;
  durationMs: number;
  /** Partitions that could not be read to their end offset. */
  unreadablePartitions: number[];
}

/** The outcome of one expectation. */
export interface ExpectationOutcome {
  text: string;
  metric: string;
  op: string;
  threshold: number;
  observed: number | null;
  passed: boolean;
  line: number;
}

/** Everything measured for one variant. */
export interface VariantReport {
  name: string;
  description: string;
  client: { name: string; version: string };
  producer: ProducerConfig;
  send: SendMode;
  topic: string;
  startedAt: string;
  finishedAt: string;
  counts: {
    /** Events the schedule asked for. */
    intended: number;
    sent: number;
    acked: number;
    failed: number;
    notSent: number;
  };
  /** Acknowledged events per second over the measured period (warm-up excluded). */
  throughput: { ackedPerSecond: number; sentPerSecond: number; bytesPerSecond: number };
  latency: {
    /** From the intended send time: corrected for coordinated omission. */
    fromIntended: LatencySummary;
    /** From the moment the client was handed the event. */
    fromSend: LatencySummary;
  };
  timeline: TimelinePoint[];
  faults: FaultWindow[];
  verification: VerificationReport | null;
  expectations: ExpectationOutcome[];
  /** Produce requests the client sent and their size on the wire (after compression). */
  network?: { produceRequests: number; requestBytes: number; retries?: number };
  /** Second sends of already acknowledged events by the application (`app.resend.every`). */
  appResends?: number;
  /** How the client driver departed from the settings as written (e.g. in-flight limits it enforces). */
  notes?: string[];
  /** Errors the producer reported, grouped by message, most frequent first. */
  errors: { message: string; count: number }[];
}

/** Where and on what the run happened. */
export interface EnvironmentInfo {
  kafka: { version: string; bootstrap: string; brokers: number; mode: "local" | "external" };
  toxiproxy: { version: string; url: string } | null;
  deno: string;
  v8: string;
  typescript: string;
  os: string;
  arch: string;
  cpus: number;
  memoryBytes: number;
}

/** The whole of `report.json`. */
export interface RunReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: "sismo"; version: string };
  runId: string;
  scenario: { name: string; description: string; file: string; resolved: Plan };
  startedAt: string;
  finishedAt: string;
  environment: EnvironmentInfo;
  /** passed: every expectation held; failed: one did not; interrupted: Ctrl-C; error: setup or run error. */
  outcome: "passed" | "failed" | "interrupted" | "error";
  variants: VariantReport[];
  errors: string[];
}
