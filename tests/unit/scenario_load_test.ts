import assert from "node:assert/strict";
import { ScenarioError } from "../../lib/scenario/errors.ts";
import { loadScenario, parseScenario } from "../../lib/scenario/load.ts";
import type { Plan, ProducerConfig } from "../../lib/scenario/types.ts";

const GOOD = "tests/fixtures/scenarios/good";

const DEFAULT_PRODUCER: ProducerConfig = {
  acks: "all",
  "enable.idempotence": false,
  "max.in.flight.requests.per.connection": 5,
  retries: 2147483647,
  "retry.backoff.ms": 100,
  "retry.backoff.max.ms": 1000,
  "request.timeout.ms": 30000,
  "delivery.timeout.ms": 120000,
  "linger.ms": 5,
  "batch.size": 16384,
  "compression.type": "none",
};

Deno.test("loadScenario resolves a full file to the exact plan", async () => {
  const file = `${GOOD}/full.yaml`;
  const lostZero = {
    text: "lost == 0",
    metric: "lost",
    op: "==",
    value: 0,
    source: { line: 33, path: "expect[0]" },
  } as const;
  const expected: Plan = {
    name: "idempotent-vs-plain",
    description: "Retries without idempotence duplicate events when acks are lost.\n" +
      "Look at the duplicated count of each variant.",
    file,
    cluster: { brokers: 3 },
    topic: {
      partitions: 3,
      replicationFactor: 3,
      configs: { "retention.ms": "600000", "min.insync.replicas": "2" },
    },
    load: {
      rate: { kind: "constant", perSecond: 500 },
      warmupMs: 2000,
      durationMs: 30000,
      messageSize: 512,
      keys: { kind: "fixed", count: 16 },
      send: { kind: "pipelined", maxOutstanding: 10000 },
    },
    variants: [
      {
        name: "plain",
        baseName: "plain",
        description: "retries without idempotence",
        client: "librdkafka",
        producer: { ...DEFAULT_PRODUCER, acks: "all", retries: 5 },
        properties: {},
        propertyLines: { acks: 24, retries: 25 },
        clientProperties: {},
        send: { kind: "sync", maxOutstanding: 10000 },
        appResendEvery: 0,
        expectations: [
          {
            text: "duplicated > 0",
            metric: "duplicated",
            op: ">",
            value: 0,
            source: { line: 27, path: "variants[0].expect[0]" },
          },
          lostZero,
        ],
        source: { line: 20, path: "variants[0]" },
      },
      {
        name: "idempotent",
        baseName: "idempotent",
        description: "",
        client: "librdkafka",
        producer: { ...DEFAULT_PRODUCER, "enable.idempotence": true, "linger.ms": 0 },
        properties: {},
        propertyLines: { "enable.idempotence": 30, "linger.ms": 31 },
        clientProperties: {},
        send: { kind: "pipelined", maxOutstanding: 10000 },
        appResendEvery: 0,
        expectations: [lostZero],
        source: { line: 28, path: "variants[1]" },
      },
    ],
    parallel: false,
    faults: [
      {
        id: "f1",
        label: "latency 3000ms downstream on all",
        atMs: 10000,
        forMs: 5000,
        target: { kind: "all" },
        action: {
          kind: "toxic",
          type: "latency",
          stream: "downstream",
          toxicity: 1,
          attributes: { latency: 3000, jitter: 0 },
        },
        source: { line: 35, path: "faults[0]" },
      },
      {
        id: "f2",
        label: "kill leader of partition 0",
        atMs: 20000,
        forMs: null,
        target: { kind: "leader", partition: 0 },
        action: { kind: "broker", op: "kill" },
        source: { line: 39, path: "faults[1]" },
      },
    ],
    drainMs: 5000,
    profile: "full",
    profiles: { quick: { time: 0.5, rate: 0.5 } },
  };
  assert.deepEqual(await loadScenario(file), expected);
});

Deno.test("loadScenario applies every default to a minimal file", async () => {
  const file = `${GOOD}/minimal.yaml`;
  assert.deepEqual(
    await loadScenario(file),
    {
      name: "minimal",
      description: "Only what is required; everything else takes its default.",
      file,
      cluster: { brokers: 1 },
      topic: { partitions: 1, replicationFactor: 1, configs: {} },
      load: {
        rate: { kind: "constant", perSecond: 100 },
        warmupMs: 0,
        durationMs: 10000,
        messageSize: 512,
        keys: { kind: "none" },
        send: { kind: "pipelined", maxOutstanding: 10000 },
      },
      variants: [{
        name: "defaults",
        baseName: "defaults",
        description: "",
        client: "librdkafka",
        producer: DEFAULT_PRODUCER,
        properties: {},
        propertyLines: {},
        clientProperties: {},
        send: { kind: "pipelined", maxOutstanding: 10000 },
        appResendEvery: 0,
        expectations: [],
        source: { line: 8, path: "variants[0]" },
      }],
      parallel: false,
      faults: [],
      drainMs: 10000,
      profile: "full",
      profiles: { quick: { time: 0.5, rate: 0.5 } },
    } satisfies Plan,
  );
});

Deno.test("loadScenario resolves steps, send maps and every fault kind and target", async () => {
  const plan = await loadScenario(`${GOOD}/faults.yaml`);
  assert.equal(
    plan.description,
    "One fault of each kind and target form.\nSecond line of the description.",
  );
  assert.deepEqual(plan.topic, { partitions: 2, replicationFactor: 2, configs: {} });
  assert.deepEqual(plan.load, {
    rate: {
      kind: "steps",
      steps: [
        { perSecond: 100, forMs: 5000 },
        { perSecond: 0, forMs: 1000 },
        { perSecond: 300, forMs: 60000 },
      ],
    },
    warmupMs: 500,
    durationMs: 60000,
    messageSize: 32,
    keys: { kind: "per-event" },
    send: { kind: "sync", maxOutstanding: 50 },
  });
  assert.equal(plan.drainMs, 0);
  assert.equal(plan.parallel, true);
  const [variant] = plan.variants;
  // A variant's send resolves on its own: `pipelined` does not inherit the load's bound of 50.
  assert.deepEqual(variant.send, { kind: "pipelined", maxOutstanding: 10000 });
  assert.deepEqual(variant.producer, {
    acks: "1",
    "enable.idempotence": false,
    "max.in.flight.requests.per.connection": 1,
    retries: 0,
    "retry.backoff.ms": 2000,
    // Unset maximum below the backoff: Kafka backs off at retry.backoff.ms.
    "retry.backoff.max.ms": 2000,
    "request.timeout.ms": 150000,
    // Unset delivery timeout: raised to linger.ms + request.timeout.ms, as Kafka does.
    "delivery.timeout.ms": 150050,
    "linger.ms": 50,
    "batch.size": 1,
    "compression.type": "zstd",
  });
  assert.deepEqual(
    plan.faults.map((f) => [f.id, f.label, f.atMs, f.forMs, f.target, f.source.line]),
    [
      ["f1", "latency 100ms ±20ms upstream on all, toxicity 0.5", 0, null, { kind: "all" }, 32],
      [
        "f2",
        "bandwidth 64KB/s downstream on broker 2",
        1000,
        1000,
        { kind: "brokers", ids: [2] },
        37,
      ],
      [
        "f3",
        "slow_close 300ms downstream on brokers 1,3",
        2000,
        null,
        { kind: "brokers", ids: [1, 3] },
        38,
      ],
      [
        "f4",
        "timeout forever downstream on leader of partition 0",
        3000,
        null,
        { kind: "leader", partition: 0 },
        39,
      ],
      [
        "f5",
        "reset_peer downstream on followers of partition 0",
        4000,
        null,
        { kind: "followers", partition: 0 },
        40,
      ],
      [
        "f6",
        "slicer 8B downstream on leader of partition 1",
        5000,
        null,
        { kind: "leader", partition: 1 },
        41,
      ],
      [
        "f7",
        "limit_data 1000B downstream on followers of partition 1",
        6000,
        null,
        { kind: "followers", partition: 1 },
        42,
      ],
      ["f8", "pause broker 3", 7000, 2000, { kind: "brokers", ids: [3] }, 43],
      ["f9", "stop all brokers", 8000, null, { kind: "all" }, 44],
      ["f10", "proxy down on broker 2", 60000, 500, { kind: "brokers", ids: [2] }, 45],
    ],
  );
  assert.deepEqual(plan.faults.map((f) => f.action), [
    {
      kind: "toxic",
      type: "latency",
      stream: "upstream",
      toxicity: 0.5,
      attributes: { latency: 100, jitter: 20 },
    },
    {
      kind: "toxic",
      type: "bandwidth",
      stream: "downstream",
      toxicity: 1,
      attributes: { rate: 64 },
    },
    {
      kind: "toxic",
      type: "slow_close",
      stream: "downstream",
      toxicity: 1,
      attributes: { delay: 300 },
    },
    {
      kind: "toxic",
      type: "timeout",
      stream: "downstream",
      toxicity: 1,
      attributes: { timeout: 0 },
    },
    {
      kind: "toxic",
      type: "reset_peer",
      stream: "downstream",
      toxicity: 1,
      attributes: { timeout: 0 },
    },
    {
      kind: "toxic",
      type: "slicer",
      stream: "downstream",
      toxicity: 1,
      attributes: { average_size: 8, size_variation: 0, delay: 10 },
    },
    {
      kind: "toxic",
      type: "limit_data",
      stream: "downstream",
      toxicity: 1,
      attributes: { bytes: 1000 },
    },
    { kind: "broker", op: "pause" },
    { kind: "broker", op: "stop" },
    { kind: "proxy-down" },
  ]);
});

Deno.test("parseScenario resolves a ramp, acks spellings and keys: none", () => {
  const plan = parseScenario(
    `name: ramp
description: ramp
load:
  rate: {ramp: {from: 0, to: 1000}}
  duration: 1m
  keys: none
variants:
  - {name: a, producer: {acks: "-1"}}
  - {name: b, producer: {acks: 0}}
  - {name: c, producer: {acks: "1"}}
  - {name: d, producer: {acks: all}}
`,
    "ramp.yaml",
  );
  assert.deepEqual(plan.load.rate, { kind: "ramp", from: 0, to: 1000 });
  assert.deepEqual(plan.load.keys, { kind: "none" });
  assert.deepEqual(plan.variants.map((v) => v.producer.acks), ["all", "0", "1", "all"]);
  assert.equal(plan.file, "ramp.yaml");
});

Deno.test("loadScenario reports a missing file as a ScenarioError", async () => {
  await assert.rejects(
    () => loadScenario(`${GOOD}/does-not-exist.yaml`),
    (error: unknown) => {
      assert.ok(error instanceof ScenarioError);
      assert.equal(error.message, `${GOOD}/does-not-exist.yaml no such file`);
      return true;
    },
  );
});

Deno.test("loadScenario reports every problem of a bad file, one per line", async () => {
  const file = "tests/fixtures/scenarios/bad/dotnet-habits.yaml";
  await assert.rejects(() => loadScenario(file), {
    name: "ScenarioError",
    message: [
      `${file}:7:3 load.duraton: unknown property; did you mean "duration"?`,
      `${file}:11:7 variants[0].producer.Acks: unknown property; use "acks" ` +
      `(Acks is Confluent.Kafka's .NET name for the same setting)`,
      `${file}:12:7 variants[0].producer.EnableIdempotence: unknown property; ` +
      `use "enable.idempotence" (EnableIdempotence is Confluent.Kafka's .NET name for the same setting)`,
      `${file}:13:7 variants[0].producer.message.timeout.ms: unknown property; ` +
      `use "delivery.timeout.ms" (message.timeout.ms is librdkafka's name for the same setting)`,
      `${file}:14:7 variants[0].producer.linger: unknown property; did you mean "linger.ms"?`,
      `${file}:15:11 variants[1].name: duplicate variant name "plain" (first on line 9)`,
      `${file}:18:13 variants[1].producer.acks: idempotence requires acks=all ` +
      `(enable.idempotence: true on line 17)`,
      `${file}:20:9 variants[1].expect[0]: unknown metric "dupes"; known: sent, acked, failed, ` +
      "not_sent, ok, lost, duplicated, duplicates, phantom, failed_absent, reordered, foreign, " +
      "unverified, p50, p90, p99, p999, p9999, max, throughput, processing.once, " +
      "processing.more_than_once, processing.reprocessings, processing.dead_lettered, " +
      "processing.lost, processing.unprocessed, processing.dead_letter_missing, rebalance.pause.max, " +
      "rebalance.reassign.max, members.idle",
    ].join("\n"),
  });
});
