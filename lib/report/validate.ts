/**
 * Check that parsed JSON is a `RunReport` this code can read: the schema
 * version first (a clear message for reports from another sismo), then the
 * shape of everything the renderers and the comparison use. Problems are
 * listed with their JSON path, e.g. `variants[1].latency.fromIntended.p99`.
 *
 * @module
 */
import { REPORT_SCHEMA_VERSION, type RunReport } from "./types.ts";

type Check = (value: unknown, path: string, problems: string[]) => void;

const describe = (value: unknown) =>
  value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;

const number: Check = (v, path, problems) => {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    problems.push(`${path}: expected a number, got ${describe(v)}`);
  }
};
const string: Check = (v, path, problems) => {
  if (typeof v !== "string") problems.push(`${path}: expected a string, got ${describe(v)}`);
};
const boolean: Check = (v, path, problems) => {
  if (typeof v !== "boolean") problems.push(`${path}: expected a boolean, got ${describe(v)}`);
};
const anyObject: Check = (v, path, problems) => {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    problems.push(`${path}: expected an object, got ${describe(v)}`);
  }
};
const nullable = (check: Check): Check => (v, path, problems) => {
  if (v !== null) check(v, path, problems);
};
const oneOf = (...allowed: string[]): Check => (v, path, problems) => {
  if (typeof v !== "string" || !allowed.includes(v)) {
    problems.push(`${path}: expected one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`);
  }
};
const array = (item: Check): Check => (v, path, problems) => {
  if (!Array.isArray(v)) {
    problems.push(`${path}: expected an array, got ${describe(v)}`);
    return;
  }
  v.forEach((x, i) => item(x, `${path}[${i}]`, problems));
};
const object =
  (fields: Record<string, Check>, optional: Record<string, Check> = {}): Check =>
  (v, path, problems) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      problems.push(`${path}: expected an object, got ${describe(v)}`);
      return;
    }
    const record = v as Record<string, unknown>;
    for (const [key, check] of Object.entries(fields)) {
      if (!(key in record)) problems.push(`${path}.${key}: missing`);
      else check(record[key], `${path}.${key}`, problems);
    }
    for (const [key, check] of Object.entries(optional)) {
      if (key in record && record[key] !== undefined) {
        check(record[key], `${path}.${key}`, problems);
      }
    }
  };
const record = (item: Check): Check => (v, path, problems) => {
  anyObject(v, path, problems);
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) item(x, `${path}.${k}`, problems);
  }
};

/** A phrase parameter: a number, numbers, a string or `{ quoted }`. */
const phraseParam: Check = (v, path, problems) => {
  if (typeof v === "number" || typeof v === "string") return;
  if (Array.isArray(v)) return array(number)(v, path, problems);
  object({ quoted: string })(v, path, problems);
};

const phrase = object({ id: string }, { params: record(phraseParam) });

const noteOrText: Check = (v, path, problems) =>
  typeof v === "string" ? undefined : phrase(v, path, problems);

const localizedText = object({}, { en: string, fr: string });

const latencySummary = object({
  count: number,
  min: number,
  mean: number,
  p50: number,
  p75: number,
  p90: number,
  p95: number,
  p99: number,
  p999: number,
  p9999: number,
  max: number,
  histogram: string,
});

const intendedLatency = object({
  events: number,
  acknowledged: number,
  unacknowledged: number,
  ...Object.fromEntries(
    ["p50", "p75", "p90", "p95", "p99", "p999", "p9999", "max"].map((k) => [k, nullable(number)]),
  ),
});

const intendedSecond = object({
  events: number,
  acked: number,
  failed: number,
  notSent: number,
  p50: nullable(number),
  p99: nullable(number),
  max: nullable(number),
}, { anomalies: object({ lost: number, duplicated: number, phantom: number, reordered: number }) });

const timelinePoint = object({
  t: number,
  sent: number,
  acked: number,
  failed: number,
  notSent: number,
  outstanding: number,
  p50: nullable(number),
  p99: nullable(number),
  max: nullable(number),
}, { intended: intendedSecond });

const faultWindow = object({
  id: string,
  label: string,
  kind: oneOf("toxic", "proxy-down", "broker", "member"),
  target: anyObject,
  brokers: array(number),
  plannedAtMs: number,
  plannedForMs: nullable(number),
  startedAtMs: nullable(number),
  endedAtMs: nullable(number),
}, {
  error: string,
  action: object({ kind: oneOf("toxic", "proxy-down", "broker", "member") }),
  problems: array(object({ stage: oneOf("start", "heal"), reason: string })),
});

/** A variant's consumer group: what the HTML reads (`consumer_html.ts`). */
const consumerGroup = object({
  groupId: string,
  client: object({ name: string, version: string }),
  members: number,
  commit: oneOf("auto", "after-each", "after-batch", "async"),
  commitEvery: nullable(number),
  pollRecords: number,
  processing: anyObject,
  properties: anyObject,
  deadLetterTopic: nullable(string),
  lives: array(object({
    member: number,
    pid: number,
    startedMs: number,
    readyMs: nullable(number),
    endedMs: nullable(number),
    end: oneOf("left", "killed", "failed", "exited"),
    processed: number,
    deadLettered: number,
    commits: nullable(number),
    commitFailures: nullable(number),
    assignments: array(object({ atMs: number, partitions: array(number) })),
    signals: array(object({ atMs: number, signal: string })),
    logs: array(string),
  }, { detail: string })),
  counts: nullable(anyObject),
  samples: anyObject,
  committed: array(object({ partition: number, offset: nullable(number) })),
  catchUpMs: nullable(number),
  pauses: array(anyObject),
  pauseMaxMs: nullable(number),
  endToEnd: nullable(anyObject),
  lag: array(object({ t: number, records: number })),
}, { idleAtLoadEnd: number, commitOnRevoke: boolean });

const phaseFigures = object({
  fromMs: number,
  toMs: number,
  events: number,
  acked: number,
  notAcked: number,
  p50: nullable(number),
  p99: nullable(number),
  max: nullable(number),
  fewEvents: boolean,
});

const faultPhase = object({
  faultId: string,
  before: nullable(phaseFigures),
  during: nullable(phaseFigures),
  after: nullable(phaseFigures),
  recoveredMs: nullable(number),
});

const COUNT_KEYS = [
  "ok",
  "lost",
  "duplicated",
  "duplicates",
  "phantom",
  "failedAbsent",
  "reordered",
  "foreign",
  "unverified",
];

const eventSample = object({
  seq: number,
  partition: nullable(number),
  offset: nullable(string),
  key: nullable(string),
}, { detail: string, facts: array(phrase) });

const verification = object({
  counts: object(Object.fromEntries(COUNT_KEYS.map((k) => [k, number]))),
  samples: record(array(eventSample)),
  recordsRead: number,
  durationMs: number,
  unreadablePartitions: array(number),
});

const variant = object({
  name: string,
  description: string,
  client: object({ name: string, version: string }),
  producer: anyObject,
  properties: record(string),
  send: object({ kind: oneOf("sync", "pipelined"), maxOutstanding: number }),
  topic: string,
  startedAt: string,
  finishedAt: string,
  counts: object({
    intended: number,
    sent: number,
    acked: number,
    failed: number,
    notSent: number,
    ackedAfterFailure: number,
  }),
  throughput: object({
    ackedPerSecond: number,
    sentPerSecond: number,
    bytesPerSecond: number,
    drain: object({ acked: number, seconds: number }),
  }),
  latency: object({
    allIntended: intendedLatency,
    fromIntended: latencySummary,
    fromSend: latencySummary,
    scheduleLag: latencySummary,
  }),
  timeline: array(timelinePoint),
  faults: array(faultWindow),
  phases: array(faultPhase),
  verification: nullable(verification),
  expectations: array(object({
    text: string,
    metric: string,
    op: string,
    threshold: number,
    observed: nullable(number),
    passed: boolean,
    line: number,
  }, { unbounded: boolean })),
  errors: array(object({ message: string, count: number }, {
    source: oneOf("sismo", "send", "client-log"),
    firstMs: number,
    lastMs: number,
    phrase,
  })),
}, { notes: array(noteOrText), inconclusive: array(string), consumer: consumerGroup });

const runReport = object({
  schemaVersion: number,
  tool: object({ name: oneOf("sismo"), version: string }),
  runId: string,
  scenario: object({
    name: string,
    description: string,
    file: string,
    resolved: object({
      name: string,
      variants: array(object({}, { descriptions: localizedText })),
      faults: array(anyObject),
    }, { descriptions: localizedText }),
  }),
  startedAt: string,
  finishedAt: string,
  environment: object({
    kafka: object({
      version: string,
      bootstrap: string,
      brokers: number,
      mode: oneOf("local", "external"),
    }),
    toxiproxy: nullable(object({ version: string, url: string })),
    deno: string,
    v8: string,
    typescript: string,
    os: string,
    arch: string,
    cpus: number,
    memoryBytes: number,
  }),
  outcome: oneOf("passed", "failed", "inconclusive", "interrupted", "error"),
  variants: array(variant),
  errors: array(string),
}, { inconclusive: array(string) });

/**
 * Problems that keep `value` from being read as a {@link RunReport} of this
 * schema version; empty when it is fine. A wrong schema version is the only
 * problem reported when present, since nothing else can be trusted then.
 */
export function reportProblems(value: unknown): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [`expected a report object, got ${describe(value)}`];
  }
  const version = (value as Record<string, unknown>).schemaVersion;
  if (version !== REPORT_SCHEMA_VERSION) {
    return [
      `schemaVersion is ${
        JSON.stringify(version)
      }, this sismo reads version ${REPORT_SCHEMA_VERSION}` +
      " (written by another sismo version?)",
    ];
  }
  const problems: string[] = [];
  runReport(value, "$", problems);
  return problems;
}

/** Whether `value` is a readable {@link RunReport}. */
export function isRunReport(value: unknown): value is RunReport {
  return reportProblems(value).length === 0;
}
