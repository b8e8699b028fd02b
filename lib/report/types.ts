/**
 * The shape of `report.json`: everything one run measured, as plain data.
 *
 * Bump {@link REPORT_SCHEMA_VERSION} on any incompatible change and keep
 * `lib/report/report.schema.json` in step.
 *
 * @module
 */
import type {
  FaultAction,
  FaultTarget,
  Plan,
  ProducerConfig,
  SendMode,
} from "../scenario/types.ts";
import type { ProcessingModel } from "../consume/processing_model.ts";

/** Version of the report format written by this code. */
export const REPORT_SCHEMA_VERSION = 2;

/**
 * A sentence of sismo's own as an id and its parameters, so that each report says it in its
 * language: the sentences are in `lib/report/i18n.ts` under the id. A number is written in the
 * report's number format (and `n` chooses the plural form), a list of numbers joined as the
 * language joins them, a string shown as it is (an offset, a version), `{ quoted }` marked as
 * text from outside sismo (a client's error message), left in its own language.
 */
export interface Phrase {
  id: string;
  params?: Record<string, PhraseParam>;
}

/** A worker that produced one share of a variant's load (`--workers N`). */
export interface WorkerInfo {
  /** Its share, `i/N`. */
  segment: string;
  host: string;
  pid: number;
  /** Client name and version. */
  client: string;
  /** How late its load clock was ready after the shared start, ms. */
  startLagMs: number;
  /** Its clock minus the coordinator's, ms (the start was moved by it). */
  clockOffsetMs: number;
  /** p99 of its events' hand-off after their intended time, ms: its schedule lag. */
  dispatchLagP99Ms: number;
  /** The machine it ran on. */
  machine: WorkerMachine;
}

/** A worker's machine, as it saw it. */
export interface WorkerMachine {
  /** `linux 6.12.0`. */
  os: string;
  arch: string;
  cpus: number;
  memoryBytes: number;
}

/** A parameter of a {@link Phrase}. */
export type PhraseParam = number | number[] | string | { quoted: string };

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

/**
 * Latency over every event the schedule intended in the measured window (warm-up excluded):
 * what latency expectations judge. An event never acknowledged (not sent because the
 * outstanding bound was hit, failed, or never answered) counts as slower than any bound, as a
 * request that never answered counts for an SLA: a percentile that falls among those events is
 * null, "beyond every bound". Computed exactly from the acknowledged events' histogram
 * (`fromIntended`) and the count of the others.
 */
export interface IntendedLatency {
  /** Events the schedule intended in the measured window. */
  events: number;
  /** Of those, acknowledged (their latencies are `fromIntended`). */
  acknowledged: number;
  /** Of those, never acknowledged: not sent, failed, or unanswered. */
  unacknowledged: number;
  /** Milliseconds from the intended send time; null when among the unacknowledged. */
  p50: number | null;
  p75: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  p999: number | null;
  p9999: number | null;
  max: number | null;
}

/**
 * Figures of the events whose intended send time falls in one second, whatever happened to them
 * later: where the damage of a fault belongs.
 */
export interface IntendedSecond {
  /** Events the schedule intended in this second: the target rate. */
  events: number;
  /** Of those, acknowledged (whenever the acknowledgement came). */
  acked: number;
  /** Of those, failed. */
  failed: number;
  /** Of those, not sent (outstanding bound). */
  notSent: number;
  /** Latency from the intended send time of those acknowledged, ms; null when none. */
  p50: number | null;
  p99: number | null;
  max: number | null;
  /** Anomalies among these events, once verified (each event once per class it is in). */
  anomalies?: { lost: number; duplicated: number; phantom: number; reordered: number };
}

/**
 * One second of a variant's run. `sent` and `notSent` count by the second the send was
 * attempted (its intended second, up to the generator's lag); `acked`, `failed` and the
 * latencies by the second the answer came; `intended` by the intended send second.
 */
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
  /** The events intended in this second and what became of them; absent after the load. */
  intended?: IntendedSecond;
  /**
   * Anomalies the live verification found in this second, by the wall clock (duplicated,
   * reordered and foreign as read; lost and phantom once their delivery window passed);
   * absent when none were.
   */
  found?: number;
}

/** A fault as it really happened during one variant. */
export interface FaultWindow {
  id: string;
  /** In English, for the console; reports write it from `kind`, `target` and `action`. */
  label: string;
  kind: "toxic" | "proxy-down" | "broker" | "member";
  target: FaultTarget;
  /** What the fault did (toxic type, stream and attributes; broker op); absent in older reports. */
  action?: FaultAction;
  /** Brokers the target resolved to when the fault started. */
  brokers: number[];
  plannedAtMs: number;
  plannedForMs: number | null;
  /** Milliseconds since the variant's load started; null if it never started. */
  startedAtMs: number | null;
  endedAtMs: number | null;
  /** Why it did not start or end cleanly. */
  error?: string;
  /** The same, one entry per problem, for reports in other languages. */
  problems?: { stage: "start" | "heal"; reason: string }[];
}

/**
 * Exact figures of the events whose intended send time falls in one window, whatever became
 * of them later (see `lib/metrics/phases.ts`).
 */
export interface PhaseFigures {
  /** Window start and end (exclusive), ms since the variant's load started. */
  fromMs: number;
  toMs: number;
  /** Events intended in the window. */
  events: number;
  /** Of those, acknowledged (whenever the acknowledgement came). */
  acked: number;
  /** Of those, never acknowledged: failed, not sent or unanswered. */
  notAcked: number;
  /** Latency from the intended time over every event of the window, ms; null: beyond every bound (or no event). */
  p50: number | null;
  p99: number | null;
  max: number | null;
  /** Fewer than 100 events: the p99 says little. */
  fewEvents: boolean;
}

/** Before, during and after one fault, by intended send time, and when latency recovered. */
export interface FaultPhase {
  /** The fault's id (see `faults`). */
  faultId: string;
  /** Null when the fault never started. */
  before: PhaseFigures | null;
  during: PhaseFigures | null;
  after: PhaseFigures | null;
  /**
   * Ms from the fault's end to the first one-second window of intended events all
   * acknowledged with a p99 within 1.5 × the p99 before the fault; null when not within the
   * load (or the fault never ended).
   */
  recoveredMs: number | null;
}

/** One anomalous event kept as an example. */
export interface EventSample {
  seq: number;
  partition: number | null;
  offset: string | null;
  key: string | null;
  /** Extra facts: copies read, previous sequence for a reorder, producer error. */
  detail?: string;
  /** The same facts as phrases, for reports in other languages (else read from `detail`). */
  facts?: Phrase[];
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
  /**
   * Events out of place: per ordering group (the key for N keys, else the partition, within a
   * partition), the first copies in read order minus a longest increasing subsequence of them.
   * 0, 99, 1 … 98 counts 1 (99); a batch written after the next one counts the batch's size.
   */
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
  /**
   * Acknowledged events (late acks included) read back, but never at the partition and offset of
   * their acknowledgement (on the partition alone when the acknowledgement has no offset, as with
   * acks=0). Not a class of `counts`: these events are counted there too.
   */
  misplaced: number;
  /** The first misplaced events in read order: where the acknowledgement said, where the first copy was. */
  misplacedSamples: {
    seq: number;
    key: string | null;
    ackPartition: number;
    /** Null when the acknowledgement gave no offset. */
    ackOffset: string | null;
    partition: number;
    offset: string;
  }[];
}

/** The verification that ran alongside the load (see `lib/verify/live.ts`). */
export interface LiveVerificationReport {
  counts: VerificationCounts;
  misplaced: number;
  recordsRead: number;
  /**
   * Whether `counts` and `misplaced` equal the end-of-run verification's; null when there was
   * no end-of-run verification to compare with.
   */
  agrees: boolean | null;
  /** What differed, as `lost: 3 live, 4 at the end`. */
  differences: string[];
  /** Most events held unsettled at once, and the most bytes of state (estimated). */
  peakUnresolved: number;
  peakBytes: number;
  /** Records read below a settle bound, answers after it: counts may then differ. */
  boundViolations: number;
  /** Ms after the load start when the first anomaly was known; null when none was. */
  firstAnomalyMs: number | null;
  /** What the live read worked around or could not do. */
  problems: string[];
}

/** The outcome of one expectation. */
export interface ExpectationOutcome {
  text: string;
  metric: string;
  op: string;
  threshold: number;
  /** Null when not measured, or when beyond every bound (see `unbounded`). */
  observed: number | null;
  /** The observed percentile falls among events never acknowledged: slower than any bound. */
  unbounded?: boolean;
  passed: boolean;
  line: number;
}

/** One kind of error of a variant, grouped by message. */
export interface ReportedError {
  message: string;
  count: number;
  /**
   * Who said it: `sismo` (its own findings: unanswered events, fault errors…), `send` (the
   * client failed sends with it), `client-log` (the client logged it; no send failed with it).
   */
  source?: "sismo" | "send" | "client-log";
  /** A finding of sismo's as a phrase, for reports in other languages (else read from `message`). */
  phrase?: Phrase;
  /** For client log messages: first and last seen, ms since the variant's load started. */
  firstMs?: number;
  lastMs?: number;
}

/** Everything measured for one variant. */
export interface VariantReport {
  name: string;
  description: string;
  client: { name: string; version: string };
  producer: ProducerConfig;
  /** Further client properties given to this variant's client as written (Kafka's names). */
  properties: Record<string, string>;
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
    /** Failed events the client later reported written after all (they stay failed). */
    ackedAfterFailure: number;
  };
  /**
   * Rates achieved within the measured window (after the warm-up, before the drain), per second
   * of that window; acknowledgements that came during the drain are counted apart.
   */
  throughput: {
    /** Acknowledgements received within the measured window, per second. */
    ackedPerSecond: number;
    /** Events handed to the client within the measured window, per second. */
    sentPerSecond: number;
    /** `ackedPerSecond` × message size. */
    bytesPerSecond: number;
    /** Acknowledgements received after the load, during the drain, and the drain's length. */
    drain: { acked: number; seconds: number };
  };
  latency: {
    /** Every intended event of the measured window, the unacknowledged ones beyond every bound. */
    allIntended: IntendedLatency;
    /**
     * Acknowledged events only, from the intended send time: corrected for coordinated
     * omission, but blind to events that never got an acknowledgement.
     */
    fromIntended: LatencySummary;
    /** From the moment the client was handed the event. */
    fromSend: LatencySummary;
    /**
     * How late the generator emitted each event after its intended time (warm-up excluded):
     * its own precision, OpenMessaging Benchmark's "publish delay". Already inside every
     * latency above; a large value means the machine could not keep the schedule.
     */
    scheduleLag: LatencySummary;
  };
  timeline: TimelinePoint[];
  faults: FaultWindow[];
  /** One per fault, in the same order: what the events intended around it went through. */
  phases: FaultPhase[];
  verification: VerificationReport | null;
  /**
   * The verification that ran alongside the load (absent when it did not run): its counts at
   * the end, whether they equal the end-of-run verification's, and what it cost.
   */
  live?: LiveVerificationReport;
  /**
   * The expectation the live verification found broken for good, for which `--fail-fast`
   * ended the load before its planned end; absent when the load ran to its end.
   */
  stoppedEarly?: string;
  /** Why verification could not cover every event of this variant; absent when it did. */
  inconclusive?: string[];
  expectations: ExpectationOutcome[];
  /**
   * The workers that produced the load's shares (`--workers N`), each with how late it
   * started after the shared start; absent when this process produced it all.
   */
  workers?: WorkerInfo[];
  /** Produce requests the client sent and their size on the wire (after compression). */
  network?: { produceRequests: number; requestBytes: number; retries?: number };
  /** Second sends of already acknowledged events by the application (`app.resend.every`). */
  appResends?: number;
  /**
   * How the client driver departed from the settings as written (e.g. in-flight limits it
   * enforces): phrases, or English text in older reports.
   */
  notes?: (Phrase | string)[];
  /**
   * sismo's own findings first (unanswered and purged events, fault errors, failed
   * application resends, late acknowledgements, clamped latencies, read-back notes), then the
   * producer's errors grouped by message, most frequent first (at most 20 kinds).
   */
  errors: ReportedError[];
  /** The variant's consumer group, when it has one (issue 11): the topic read by members. */
  consumer?: ConsumerGroupReport;
}

/** What became of the records of a consumer group's topic (`lib/verify/processing.ts`). */
export interface ProcessingCounts {
  records: number;
  processedOnce: number;
  /** Records finished more than once (redelivered after a crash or a rebalance). */
  processedMoreThanOnce: number;
  /** Processings beyond the first, over every record processed more than once. */
  reprocessings: number;
  deadLettered: number;
  /** Never finished, yet the group committed past them: nobody ever will. */
  lost: number;
  /** Never finished, not committed past: still owed when the run ended. */
  unprocessed: number;
  /** Handed to the dead-letter topic but absent from it. */
  deadLetterMissing: number;
  /** Copies in the dead-letter topic beyond one per record. */
  deadLetterDuplicates: number;
  /** Processing log entries for records the topic does not have (a bug, never hidden). */
  unknownEntries: number;
}

/** A record of one processing class: where it is, and which members finished it. */
export interface ProcessingSample {
  partition: number;
  offset: number;
  members: number[];
}

/** One member process's life; times in ms from the start of the load. */
export interface MemberLifeReport {
  /** The member's index in the group (a restarted member keeps its index). */
  member: number;
  pid: number;
  startedMs: number;
  /** When it had subscribed; null when it never did. */
  readyMs: number | null;
  endedMs: number | null;
  /**
   * `left`: stopped and left the group cleanly; `killed`: by a signal (a fault's SIGKILL);
   * `failed`: its own error (`detail`); `exited`: ended without a word (`detail`).
   */
  end: "left" | "killed" | "failed" | "exited";
  detail?: string;
  processed: number;
  deadLettered: number;
  /** Commits it made and that failed; null when it was killed before saying. */
  commits: number | null;
  commitFailures: number | null;
  /** Each assignment it saw, in order. */
  assignments: { atMs: number; partitions: number[] }[];
  /** Signals sismo sent it (SIGKILL, SIGSTOP, SIGCONT), in order. */
  signals: { atMs: number; signal: string }[];
  /** Its client's warnings and errors (the first 20). */
  logs: string[];
}

/**
 * What a fault cost the consumer group: per partition, the time without progress and to
 * reassign. Every fault that started counts, on a member or on the brokers and the network (the
 * group coordinator's broker stopped, say).
 */
export interface GroupFaultPause {
  faultId: string;
  /** When the fault hit, ms from the start of the load. */
  atMs: number;
  /**
   * The member the fault hit (itself or its connections); null for a fault on brokers or on
   * every client's connections.
   */
  member: number | null;
  partitions: {
    partition: number;
    /**
     * The longest gap between two records finished on the partition while a record was waiting
     * (counted from the next record's write when it came later), from its last before the
     * fault until the next fault (or the group's end), ms: the member's own partitions
     * wait to be reassigned, the others stop for an eager rebalance; a partition that never
     * went on counts until that window's end (from its next record's write when later).
     */
    pauseMs: number | null;
    /** Until another process was given the partition, ms (partitions the member held only). */
    reassignedMs: number | null;
  }[];
}

/** A variant's consumer group (issue 11): its members' lives and every record's outcome. */
export interface ConsumerGroupReport {
  groupId: string;
  client: { name: string; version: string };
  /** Members at the start. */
  members: number;
  /** When members commit: `auto` (the client's own), `after-each`, `after-batch`, `async`. */
  commit: "auto" | "after-each" | "after-batch" | "async";
  /** Records per commit in batch modes; null: each poll's records. */
  commitEvery: number | null;
  /**
   * Batch modes: members committed what they processed of partitions a rebalance revoked,
   * before letting them go. Absent in reports written before it existed: false.
   */
  commitOnRevoke?: boolean;
  /** Records a member takes per poll (1: Confluent.Kafka's `Consume`). */
  pollRecords: number;
  processing: ProcessingModel;
  /** The consumer properties given to the client (Kafka's names). */
  properties: Record<string, string>;
  deadLetterTopic: string | null;
  /** Every member process, in start order (a restart is a new life). */
  lives: MemberLifeReport[];
  /** Every record's outcome; null when the group's outcome could not be read (`inconclusive`). */
  counts: ProcessingCounts | null;
  samples: Record<
    "processedMoreThanOnce" | "lost" | "unprocessed" | "deadLetterMissing",
    ProcessingSample[]
  >;
  /** The group's committed offset of each partition at the end; null: none. */
  committed: { partition: number; offset: number | null }[];
  /** From the end of the load until every partition was committed to its end, ms; null: never. */
  catchUpMs: number | null;
  /** One per member fault, in the timeline's order. */
  pauses: GroupFaultPause[];
  /** The longest pause of any partition over the faults, ms; null when none measured. */
  pauseMaxMs: number | null;
  /**
   * Members running when the load ended (those that joined included) whose last assignment
   * was empty: more members than partitions leaves some idle. Absent when not measured (the
   * run was interrupted, or a report from before 2026-11-23).
   */
  idleAtLoadEnd?: number;
  /**
   * From each event's intended send time to the end of its first processing (coordinated
   * omission corrected, as the producer's latency is); null when not measured.
   */
  endToEnd: LatencySummary | null;
  /** Per second from the load's start: records intended so far, less records processed so far. */
  lag: { t: number; records: number }[];
}

/** Where and on what the run happened. */
export interface EnvironmentInfo {
  kafka: {
    version: string;
    bootstrap: string;
    brokers: number;
    mode: "local" | "external";
    /** How clients connected, without secrets: "SASL_SSL, SCRAM-SHA-256 as app" (absent: plaintext). */
    security?: string;
  };
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
  /**
   * passed: every expectation held; failed: one did not; inconclusive: verification could not
   * cover every event (whatever the expectations say; see `inconclusive`); interrupted: Ctrl-C;
   * error: setup or run error.
   */
  outcome: "passed" | "failed" | "inconclusive" | "interrupted" | "error";
  /** Why the run is inconclusive: one reason per variant and cause. */
  inconclusive?: string[];
  variants: VariantReport[];
  errors: string[];
}
