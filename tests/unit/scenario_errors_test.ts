import assert from "node:assert/strict";
import { ScenarioError } from "../../lib/scenario/errors.ts";
import { parseScenario } from "../../lib/scenario/load.ts";
import { problemsOf } from "./scenario_helpers.ts";

/** Assert `text` has exactly one problem, at `line` and `path`, whose message includes `message`. */
function assertOneProblem(text: string, line: number, path: string, message: string): void {
  const problems = problemsOf(text);
  assert.equal(problems.length, 1, problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  const [problem] = problems;
  assert.deepEqual({ line: problem.line, path: problem.path }, { line, path });
  assert.ok(problem.message.includes(message), `"${problem.message}" lacks "${message}"`);
  assert.equal(problem.file, "s.yaml");
}

// Lines 1–7; what a case appends starts on line 8, inside the variant.
const BASE = `name: t
description: d
load:
  rate: 100
  duration: 10s
variants:
  - name: a
`;

/** BASE with producer properties on lines 9 onward. */
const withProducer = (...lines: string[]) =>
  `${BASE}    producer:\n${lines.map((l) => `      ${l}\n`).join("")}`;

Deno.test("a valid base parses (so each case below fails for its own reason)", () => {
  assert.equal(parseScenario(BASE, "s.yaml").name, "t");
  assert.equal(parseScenario(withProducer("acks: 1"), "s.yaml").variants[0].producer.acks, "1");
});

Deno.test("YAML syntax errors carry the yaml package's position", () => {
  const problems = problemsOf(`name: t\nload: [1, 2\nvariants: x\n`);
  assert.ok(problems.length >= 1);
  assert.equal(problems[0].line, 3);
  assert.equal(problems[0].column, 1);
  assert.match(problems[0].message, /^YAML: /);
});

Deno.test("duplicate keys are YAML errors", () => {
  const problems = problemsOf(`${BASE}name: u\n`);
  assert.equal(problems[0].line, 8);
  assert.match(problems[0].message, /^YAML: Map keys must be unique/);
});

Deno.test("an empty file says what a scenario needs", () => {
  assertOneProblem("# nothing\n", 1, "", "empty scenario: it needs at least name, description");
});

Deno.test("a file that is not a mapping is rejected", () => {
  assertOneProblem("- a\n- b\n", 1, "", "must be a mapping (key: value), got a list");
});

Deno.test("error messages render as file:line:column path: message", () => {
  try {
    parseScenario(withProducer("ack: all"), "scenarios/x.yaml");
    assert.fail("parsed");
  } catch (error) {
    assert.ok(error instanceof ScenarioError);
    assert.equal(
      error.message,
      'scenarios/x.yaml:9:7 variants[0].producer.ack: unknown property; did you mean "acks"?',
    );
  }
});

Deno.test("unknown keys get the closest known key", () => {
  const cases: [string, number, string, string][] = [
    [withProducer("ack: all"), 9, "variants[0].producer.ack", 'did you mean "acks"?'],
    [
      withProducer("enable.idempotency: true"),
      9,
      "variants[0].producer.enable.idempotency",
      'did you mean "enable.idempotence"?',
    ],
    [withProducer("linger: 5"), 9, "variants[0].producer.linger", 'did you mean "linger.ms"?'],
    [
      BASE.replace("  duration: 10s", "  duraton: 10s\n  duration: 10s"),
      5,
      "load.duraton",
      'did you mean "duration"?',
    ],
    [`${BASE}    nmae: b\n`, 8, "variants[0].nmae", 'did you mean "name"?'],
    [`${BASE}paralel: true\n`, 8, "paralel", 'did you mean "parallel"?'],
    [`${BASE}cluster: {broker: 1}\n`, 8, "cluster.broker", 'did you mean "brokers"?'],
    [`${BASE}topic: {partition: 1}\n`, 8, "topic.partition", 'did you mean "partitions"?'],
    [
      `${BASE}faults: [{at: 1s, toxic: latency, attributes: {latency: 1}, targt: all}]\n`,
      8,
      "faults[0].targt",
      'did you mean "target"?',
    ],
    [
      `${BASE}faults: [{at: 1s, toxic: latency, attributes: {latency: 1, jiter: 2}}]\n`,
      8,
      "faults[0].attributes.jiter",
      'unknown attribute of latency; did you mean "jitter"?',
    ],
    [
      `${BASE}faults: [{at: 1s, toxic: bandwidth, attributes: {rate: 1, latency: 2}}]\n`,
      8,
      "faults[0].attributes.latency",
      "unknown attribute of bandwidth; bandwidth takes rate",
    ],
    [
      `${BASE}faults: [{at: 1s, broker: kill, target: {leader_of: 0}}]\n`,
      8,
      "faults[0].target.leader_of",
      'did you mean "leader-of"?',
    ],
    [
      BASE.replace("rate: 100", "rate: {ramp: {from: 1, too: 2}}"),
      4,
      "load.rate.ramp.too",
      'did you mean "to"?',
    ],
    [
      BASE.replace("rate: 100", "rate: {steps: [{rate: 1, four: 1s}]}"),
      4,
      "load.rate.steps[0].four",
      'did you mean "for"?',
    ],
    [
      `${BASE}    send: {mode: sync, max.outstandin: 5}\n`,
      8,
      "variants[0].send.max.outstandin",
      'did you mean "max.outstanding"?',
    ],
  ];
  for (const [text, line, path, message] of cases) assertOneProblem(text, line, path, message);
});

Deno.test("a misspelled required key is reported once, as the typo", () => {
  assertOneProblem(
    BASE.replace("duration: 10s", "duraton: 10s"),
    5,
    "load.duraton",
    'did you mean "duration"?',
  );
  assertOneProblem(
    `${BASE}faults: [{at: 1s, toxic: latency, attributes: {latencyy: 1}}]\n`,
    8,
    "faults[0].attributes.latencyy",
    'unknown attribute of latency; did you mean "latency"?',
  );
  assertOneProblem(
    BASE.replace("rate: 100", "rate: {rampp: {from: 1, to: 2}}"),
    4,
    "load.rate.rampp",
    'did you mean "ramp"?',
  );
});

Deno.test("unknown keys with no close match list the known ones", () => {
  assertOneProblem(
    `${BASE}cluster: {zookeeper: 1}\n`,
    8,
    "cluster.zookeeper",
    "unknown property; expected one of: brokers",
  );
});

Deno.test("a property in the wrong mapping says where it belongs", () => {
  assertOneProblem(
    `${BASE}    acks: all\n`,
    8,
    "variants[0].acks",
    '"acks" belongs under producer',
  );
  assertOneProblem(`${BASE}brokers: 3\n`, 8, "brokers", '"brokers" belongs under cluster');
  assertOneProblem(`${BASE}partitions: 3\n`, 8, "partitions", '"partitions" belongs under topic');
  assertOneProblem(
    withProducer("min.insync.replicas: 2"),
    9,
    "variants[0].producer.min.insync.replicas",
    '"min.insync.replicas" belongs under topic',
  );
});

Deno.test("librdkafka names point to the Kafka name", () => {
  const cases: [string, string][] = [
    ["message.timeout.ms", "delivery.timeout.ms"],
    ["queue.buffering.max.ms", "linger.ms"],
    ["message.send.max.retries", "retries"],
    ["max.in.flight", "max.in.flight.requests.per.connection"],
    ["request.required.acks", "acks"],
    ["compression.codec", "compression.type"],
  ];
  for (const [name, kafka] of cases) {
    assertOneProblem(
      withProducer(`${name}: 1`),
      9,
      `variants[0].producer.${name}`,
      `unknown property; use "${kafka}" (${name} is librdkafka's name for the same setting)`,
    );
  }
});

Deno.test("Confluent.Kafka .NET property names point to the Kafka name", () => {
  const cases: [string, string][] = [
    ["EnableIdempotence", "enable.idempotence"],
    ["Acks", "acks"],
    ["LingerMs", "linger.ms"],
    ["MessageTimeoutMs", "delivery.timeout.ms"],
    ["MaxInFlight", "max.in.flight.requests.per.connection"],
    ["RetryBackoffMs", "retry.backoff.ms"],
    ["RetryBackoffMaxMs", "retry.backoff.max.ms"],
    ["MessageSendMaxRetries", "retries"],
    ["RequestTimeoutMs", "request.timeout.ms"],
    ["BatchSize", "batch.size"],
    ["CompressionType", "compression.type"],
  ];
  for (const [name, kafka] of cases) {
    assertOneProblem(
      withProducer(`${name}: 1`),
      9,
      `variants[0].producer.${name}`,
      `unknown property; use "${kafka}" (${name} is Confluent.Kafka's .NET name for the same setting)`,
    );
  }
});

Deno.test("kafka-python and KafkaJS names point to the Kafka name", () => {
  assertOneProblem(
    withProducer("enable_idempotence: true"),
    9,
    "variants[0].producer.enable_idempotence",
    `use "enable.idempotence" (enable_idempotence is kafka-python's name`,
  );
  assertOneProblem(
    withProducer("idempotent: true"),
    9,
    "variants[0].producer.idempotent",
    `use "enable.idempotence" (idempotent is KafkaJS's name`,
  );
  assertOneProblem(
    withProducer("maxInFlightRequests: 1"),
    9,
    "variants[0].producer.maxInFlightRequests",
    `use "max.in.flight.requests.per.connection"`,
  );
});

Deno.test("values of the wrong type are reported at the value", () => {
  const cases: [string, number, string, string][] = [
    [
      withProducer("acks: yes"),
      9,
      "variants[0].producer.acks",
      'must be all, -1, 1 or 0, got string "yes"',
    ],
    [withProducer("acks: 2"), 9, "variants[0].producer.acks", "must be all, -1, 1 or 0, got 2"],
    [
      `${BASE}topic:\n  partitions: "3"\n`,
      9,
      "topic.partitions",
      'must be an integer, got string "3"',
    ],
    [
      withProducer("enable.idempotence: yes"),
      9,
      "variants[0].producer.enable.idempotence",
      'must be true or false, got string "yes"',
    ],
    [
      withProducer("linger.ms: 1.5"),
      9,
      "variants[0].producer.linger.ms",
      "must be an integer, got 1.5",
    ],
    [
      withProducer("compression.type: lz5"),
      9,
      "variants[0].producer.compression.type",
      'must be one of none, gzip, snappy, lz4, zstd, got string "lz5"; did you mean "lz4"?',
    ],
    [`${BASE}parallel: "true"\n`, 8, "parallel", 'must be true or false, got string "true"'],
    [`${BASE}drain: soon\n`, 8, "drain", 'invalid duration "soon"'],
    [BASE.replace("duration: 10s", "duration: [10s]"), 5, "load.duration", "must be a duration"],
    [BASE.replace("rate: 100", 'rate: "100"'), 4, "load.rate", "must be events per second"],
    [BASE.replace("name: t", "name: Test_1"), 1, "name", "lower-case letters, digits and dashes"],
    [BASE.replace("- name: a", "- name: A"), 7, "variants[0].name", "lower-case letters"],
    [
      `${BASE}    client: nope\n`,
      8,
      "variants[0].client",
      'must be one of librdkafka, java, kafkajs, got string "nope"',
    ],
    [`${BASE}    send: async\n`, 8, "variants[0].send", "must be one of sync, pipelined"],
    [
      `${BASE}    send: {max.outstanding: 5}\n`,
      8,
      "variants[0].send.mode",
      "required property missing",
    ],
    [`${BASE}    expect: lost == 0\n`, 8, "variants[0].expect", "must be a list"],
    [`${BASE}    expect: [0]\n`, 8, "variants[0].expect[0]", "must be a string"],
    [`${BASE}load2: 1\n`, 8, "load2", 'did you mean "load"?'],
    [
      BASE.replace("load:\n  rate: 100\n  duration: 10s\n", "load: fast\n"),
      3,
      "load",
      "must be a mapping",
    ],
  ];
  for (const [text, line, path, message] of cases) assertOneProblem(text, line, path, message);
});

Deno.test("values out of range are reported with the bound", () => {
  const cases: [string, number, string, string][] = [
    [`${BASE}cluster: {brokers: 2}\n`, 8, "cluster.brokers", "must be 1 or 3"],
    [`${BASE}topic: {partitions: 0}\n`, 8, "topic.partitions", "must be >= 1, got 0"],
    [
      `${BASE}load:\n`.replace(`${BASE}`, BASE) && BASE.replace("rate: 100", "rate: 0"),
      4,
      "load.rate",
      "must be > 0, got 0",
    ],
    [BASE.replace("rate: 100", "rate: -5"), 4, "load.rate", "must be > 0, got -5"],
    [BASE.replace("duration: 10s", "duration: 0s"), 5, "load.duration", "must be longer than 0ms"],
    [
      BASE.replace("duration: 10s", "duration: 10s\n  message.size: 31"),
      6,
      "load.message.size",
      "must be >= 32, got 31",
    ],
    [
      BASE.replace("duration: 10s", "duration: 10s\n  message.size: 1048577"),
      6,
      "load.message.size",
      "must be <= 1048576",
    ],
    [
      BASE.replace("duration: 10s", "duration: 10s\n  keys: 0"),
      6,
      "load.keys",
      "must be none, per-event or a number of keys >= 1, got 0",
    ],
    [
      BASE.replace("duration: 10s", "duration: 10s\n  keys: some"),
      6,
      "load.keys",
      'got string "some"',
    ],
    [
      BASE.replace("duration: 10s", "duration: 10s\n  send: {mode: sync, max.outstanding: 0}"),
      6,
      "load.send.max.outstanding",
      "must be >= 1, got 0",
    ],
    [
      withProducer("max.in.flight.requests.per.connection: 0"),
      9,
      "variants[0].producer.max.in.flight.requests.per.connection",
      "must be >= 1, got 0",
    ],
    [withProducer("retries: -1"), 9, "variants[0].producer.retries", "must be >= 0, got -1"],
    [
      withProducer("retries: 2147483648"),
      9,
      "variants[0].producer.retries",
      "must be <= 2147483647",
    ],
    [
      withProducer("request.timeout.ms: 0"),
      9,
      "variants[0].producer.request.timeout.ms",
      "must be > 0, got 0",
    ],
    [withProducer("linger.ms: -1"), 9, "variants[0].producer.linger.ms", "must be >= 0, got -1"],
    [withProducer("batch.size: 0"), 9, "variants[0].producer.batch.size", "must be >= 1, got 0"],
    [`${BASE}drain: -1\n`, 8, "drain", "invalid duration -1"],
  ];
  for (const [text, line, path, message] of cases) assertOneProblem(text, line, path, message);
});

Deno.test("idempotence requires acks=all, at most 5 in flight and retries", () => {
  const on = "enable.idempotence: true";
  assertOneProblem(
    withProducer(on, "acks: 1"),
    10,
    "variants[0].producer.acks",
    "idempotence requires acks=all (enable.idempotence: true on line 9)",
  );
  assertOneProblem(
    withProducer(on, "max.in.flight.requests.per.connection: 6"),
    10,
    "variants[0].producer.max.in.flight.requests.per.connection",
    "idempotence requires max.in.flight.requests.per.connection <= 5",
  );
  assertOneProblem(
    withProducer("retries: 0", on),
    9,
    "variants[0].producer.retries",
    "idempotence requires retries > 0 (enable.idempotence: true on line 10)",
  );
  // The same settings without idempotence are fine.
  const plan = parseScenario(
    withProducer("acks: 0", "max.in.flight.requests.per.connection: 6", "retries: 0"),
    "s.yaml",
  );
  assert.equal(plan.variants[0].producer.retries, 0);
});

Deno.test("delivery.timeout.ms must cover linger.ms + request.timeout.ms", () => {
  assertOneProblem(
    withProducer("linger.ms: 100", "request.timeout.ms: 30000", "delivery.timeout.ms: 30099"),
    11,
    "variants[0].producer.delivery.timeout.ms",
    "must be >= linger.ms + request.timeout.ms (100 + 30000 = 30100), got 30099",
  );
  const plan = parseScenario(
    withProducer("linger.ms: 100", "request.timeout.ms: 30000", "delivery.timeout.ms: 30100"),
    "s.yaml",
  );
  assert.equal(plan.variants[0].producer["delivery.timeout.ms"], 30100);
});

Deno.test("retry.backoff.max.ms must be at least retry.backoff.ms", () => {
  assertOneProblem(
    withProducer("retry.backoff.ms: 500", "retry.backoff.max.ms: 499"),
    10,
    "variants[0].producer.retry.backoff.max.ms",
    "must be >= retry.backoff.ms (500), got 499",
  );
});

Deno.test("replication.factor must not exceed the brokers", () => {
  assertOneProblem(
    `${BASE}topic:\n  replication.factor: 3\n`,
    9,
    "topic.replication.factor",
    "replication.factor 3 exceeds the 1 broker(s) of cluster.brokers",
  );
});

Deno.test("min.insync.replicas must not exceed replication.factor", () => {
  assertOneProblem(
    `${BASE}cluster: {brokers: 3}\ntopic:\n  replication.factor: 2\n  min.insync.replicas: 3\n`,
    11,
    "topic.min.insync.replicas",
    "min.insync.replicas 3 exceeds replication.factor 2",
  );
  // The default replication factor (1 on one broker) counts too.
  assertOneProblem(
    `${BASE}topic:\n  min.insync.replicas: 2\n`,
    9,
    "topic.min.insync.replicas",
    "exceeds replication.factor 1",
  );
  assertOneProblem(
    `${BASE}topic:\n  configs: {min.insync.replicas: 1}\n`,
    9,
    "topic.configs.min.insync.replicas",
    "set it as topic.min.insync.replicas",
  );
});

Deno.test("topic configs take scalars only", () => {
  assertOneProblem(
    `${BASE}topic:\n  configs: {retention.ms: [1]}\n`,
    9,
    "topic.configs.retention.ms",
    "must be a string, number or boolean, got a list",
  );
});

Deno.test("variant names must be unique", () => {
  assertOneProblem(
    `${BASE}  - name: b\n  - name: a\n`,
    9,
    "variants[2].name",
    'duplicate variant name "a" (first on line 7)',
  );
});

Deno.test("variants must be present and not empty", () => {
  assertOneProblem(
    BASE.replace("variants:\n  - name: a\n", "variants: []\n"),
    6,
    "variants",
    "must list at least one variant",
  );
  assertOneProblem(
    BASE.replace("variants:\n  - name: a\n", ""),
    1,
    "variants",
    "required property missing",
  );
  assertOneProblem(
    `${BASE}  - description: x\n`,
    8,
    "variants[1].name",
    "required property missing",
  );
});

Deno.test("required properties are reported at the mapping that lacks them", () => {
  assertOneProblem(
    BASE.replace("  duration: 10s\n", ""),
    3,
    "load.duration",
    "required property missing",
  );
  assertOneProblem(
    BASE.replace("description: d\n", ""),
    1,
    "description",
    "required property missing",
  );
  assertOneProblem(
    BASE.replace("description: d", "description:"),
    2,
    "description",
    "required property missing",
  );
  assertOneProblem(
    BASE.replace("description: d", 'description: " "'),
    2,
    "description",
    "must say what",
  );
});

Deno.test("expectations must name known metrics", () => {
  assertOneProblem(
    `${BASE}    expect:\n      - lost == 0\n      - duplicatd > 0\n`,
    10,
    "variants[0].expect[1]",
    'unknown metric "duplicatd"; did you mean "duplicated"?',
  );
  assertOneProblem(
    `${BASE}expect:\n  - p99 < 1 second\n`,
    9,
    "expect[0]",
    "invalid expectation",
  );
});

Deno.test("rate schedules are checked", () => {
  const rate = (value: string) => BASE.replace("rate: 100", `rate: ${value}`);
  assertOneProblem(
    rate("{ramp: {from: 0, to: 0}}"),
    4,
    "load.rate.ramp",
    "from and to cannot both be 0",
  );
  assertOneProblem(rate("{ramp: {from: 1}}"), 4, "load.rate.ramp.to", "required property missing");
  assertOneProblem(
    rate("{ramp: {from: 1, to: 2}, steps: []}"),
    4,
    "load.rate",
    "exactly one of ramp, steps",
  );
  assertOneProblem(rate("{}"), 4, "load.rate", "exactly one of ramp, steps");
  assertOneProblem(rate("{steps: []}"), 4, "load.rate.steps", "at least one step");
  assertOneProblem(
    rate("{steps: [{rate: 0, for: 1s}]}"),
    4,
    "load.rate.steps",
    "at least one step must have a rate above 0",
  );
  assertOneProblem(
    rate("{steps: [{rate: 5}]}"),
    4,
    "load.rate.steps[0].for",
    "required property missing",
  );
  assertOneProblem(
    rate("{steps: [{rate: 5, for: 10s}, {rate: 6, for: 1s}]}"),
    4,
    "load.rate.steps[1]",
    "step starts at 10s, not before the load ends at 10s (warmup + duration)",
  );
});

Deno.test("fault windows must fit the load", () => {
  // The load lasts warmup 2s + duration 10s = 12s.
  const withFault = (fault: string) =>
    `${BASE.replace("duration: 10s", "duration: 10s\n  warmup: 2s")}faults:\n  - ${fault}\n`;
  assertOneProblem(
    withFault("{at: 12s, broker: kill}"),
    10,
    "faults[0].at",
    "fault starts at 12s, not before the load ends at 12s (warmup + duration)",
  );
  assertOneProblem(
    withFault("{at: 10s, for: 2001ms, broker: kill}"),
    10,
    "faults[0].for",
    "fault ends after the load: 10s + 2.001s = 12.001s > 12s (warmup + duration)",
  );
  assert.equal(
    parseScenario(withFault("{at: 10s, for: 2s, broker: kill}"), "s.yaml").faults[0].forMs,
    2000,
  );
  assertOneProblem(
    withFault("{for: 2s, broker: kill}"),
    10,
    "faults[0].at",
    "required property missing",
  );
  assertOneProblem(
    withFault("{at: 1s, for: 0s, broker: kill}"),
    10,
    "faults[0].for",
    "longer than 0ms",
  );
});

Deno.test("a fault has exactly one action, and toxic settings only on toxics", () => {
  const withFault = (fault: string) => `${BASE}faults:\n  - ${fault}\n`;
  assertOneProblem(
    withFault("{at: 1s}"),
    9,
    "faults[0]",
    "needs one of toxic, broker, proxy or member",
  );
  assertOneProblem(
    withFault("{at: 1s, broker: kill, proxy: down}"),
    9,
    "faults[0].proxy",
    "one action per fault: broker and proxy given",
  );
  assertOneProblem(
    withFault("{at: 1s, broker: kill, stream: upstream}"),
    9,
    "faults[0].stream",
    "only toxic faults take stream",
  );
  assertOneProblem(
    withFault("{at: 1s, proxy: down, toxicity: 1}"),
    9,
    "faults[0].toxicity",
    "only toxic faults take toxicity",
  );
  assertOneProblem(
    withFault("{at: 1s, broker: crash}"),
    9,
    "faults[0].broker",
    "must be one of stop, kill, pause",
  );
  assertOneProblem(withFault("{at: 1s, proxy: up}"), 9, "faults[0].proxy", "must be one of down");
  assertOneProblem(
    withFault("{at: 1s, toxic: latncy}"),
    9,
    "faults[0].toxic",
    'did you mean "latency"?',
  );
  assertOneProblem(
    withFault("{at: 1s, toxic: latency}"),
    9,
    "faults[0]",
    "latency needs attribute latency (ms)",
  );
  assertOneProblem(
    withFault("{at: 1s, toxic: latency, attributes: {jitter: 1}}"),
    9,
    "faults[0].attributes",
    "latency needs attribute latency (ms)",
  );
  assertOneProblem(
    withFault("{at: 1s, toxic: latency, attributes: {latency: -1}}"),
    9,
    "faults[0].attributes.latency",
    "must be >= 0",
  );
  assertOneProblem(
    withFault("{at: 1s, toxic: latency, attributes: {latency: 1}, toxicity: 1.5}"),
    9,
    "faults[0].toxicity",
    "must be <= 1",
  );
  assertOneProblem(
    withFault("{at: 1s, toxic: latency, attributes: {latency: 1}, stream: up}"),
    9,
    "faults[0].stream",
    'did you mean "upstream"?',
  );
  assertOneProblem(
    withFault("{at: 1s, toxic: slicer, attributes: {average_size: 4, size_variation: 4}}"),
    9,
    "faults[0].attributes.size_variation",
    "must be smaller than average_size (4)",
  );
  // reset_peer has no required attribute.
  assert.deepEqual(
    parseScenario(withFault("{at: 1s, toxic: reset_peer}"), "s.yaml").faults[0].action,
    {
      kind: "toxic",
      type: "reset_peer",
      stream: "downstream",
      toxicity: 1,
      attributes: { timeout: 0 },
    },
  );
});

Deno.test("fault targets must exist in the cluster and topic", () => {
  const three = `${BASE}cluster: {brokers: 3}\ntopic: {partitions: 2}\nfaults:\n`;
  const one = `${BASE}faults:\n`;
  assertOneProblem(
    `${three}  - {at: 1s, broker: kill, target: 4}\n`,
    11,
    "faults[0].target",
    "no broker 4: broker ids are 1..3",
  );
  assertOneProblem(
    `${three}  - {at: 1s, broker: kill, target: 0}\n`,
    11,
    "faults[0].target",
    "no broker 0",
  );
  assertOneProblem(
    `${three}  - {at: 1s, broker: kill, target: [1, 5]}\n`,
    11,
    "faults[0].target[1]",
    "no broker 5",
  );
  assertOneProblem(
    `${three}  - {at: 1s, broker: kill, target: [1, 1]}\n`,
    11,
    "faults[0].target[1]",
    "broker 1 listed twice",
  );
  assertOneProblem(
    `${three}  - {at: 1s, broker: kill, target: []}\n`,
    11,
    "faults[0].target",
    "at least one broker id",
  );
  assertOneProblem(
    `${three}  - {at: 1s, broker: kill, target: {leader-of: 2}}\n`,
    11,
    "faults[0].target.leader-of",
    "partition 2 does not exist: the topic has 2 partition(s)",
  );
  assertOneProblem(
    `${three}  - {at: 1s, broker: kill, target: {leader-of: 0, followers-of: 1}}\n`,
    11,
    "faults[0].target",
    "exactly one of leader-of, followers-of",
  );
  assertOneProblem(
    `${three}  - {at: 1s, broker: kill, target: leaders}\n`,
    11,
    "faults[0].target",
    'did you mean "leader"?',
  );
  assertOneProblem(
    `${three}  - {at: 1s, broker: kill, target: true}\n`,
    11,
    "faults[0].target",
    "must be all, a broker id, a list of ids",
  );
  assertOneProblem(
    `${one}  - {at: 1s, broker: kill, target: followers}\n`,
    9,
    "faults[0].target",
    "followers need replication.factor >= 2 (it is 1)",
  );
  assertOneProblem(
    `${one}  - {at: 1s, proxy: down, target: {followers-of: 0}}\n`,
    9,
    "faults[0].target.followers-of",
    "followers need replication.factor >= 2",
  );
  // Broker faults on a one-broker cluster are allowed.
  assert.equal(
    parseScenario(`${one}  - {at: 1s, broker: kill, target: 1}\n`, "s.yaml").faults[0].label,
    "kill broker 1",
  );
});

Deno.test("every problem of a file is reported, in file order", () => {
  const text = `name: Bad
description: d
cluster: {brokers: 2}
load:
  rate: 0
  duration: 10s
  keys: 0
variants:
  - name: a
    producer: {ack: all, linger: 5}
  - name: a
    expect: [lots == 0]
`;
  const problems = problemsOf(text);
  assert.deepEqual(
    problems.map((p) => [p.line, p.path]),
    [
      [1, "name"],
      [3, "cluster.brokers"],
      [5, "load.rate"],
      [7, "load.keys"],
      [10, "variants[0].producer.ack"],
      [10, "variants[0].producer.linger"],
      [11, "variants[1].name"],
      [12, "variants[1].expect[0]"],
    ],
  );
  // Columns point into the line: `ack` and `linger` are at their own columns.
  assert.deepEqual(problems.slice(4, 6).map((p) => p.column), [16, 26]);
});

Deno.test("a mapping of the wrong type is reported once", () => {
  assertOneProblem(
    `${BASE}topic: {configs: 5}\n`,
    8,
    "topic.configs",
    "must be a mapping (key: value), got 5",
  );
  assertOneProblem(`${BASE}topic: 5\n`, 8, "topic", "must be a mapping (key: value), got 5");
  assertOneProblem(`${BASE}faults: [5]\n`, 8, "faults[0]", "must be a mapping (key: value), got 5");
  assertOneProblem(`${BASE}  - 5\n`, 8, "variants[1]", "must be a mapping (key: value), got 5");
  assertOneProblem(`${BASE}    expect: [""]\n`, 8, "variants[0].expect[0]", "invalid expectation");
});
