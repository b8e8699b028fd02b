/**
 * A whole run's orchestration (variants in turn or in parallel, one fault timeline, clean-up
 * between and after, topics deleted, outcome) against in-memory logs, fake producers and fake
 * broker control. What Kafka does is tested in tests/integration.
 */
import assert from "node:assert/strict";
import { parseScenario } from "../../lib/scenario/load.ts";
import { runScenario, type RunSeams } from "../../lib/run/run.ts";
import type { RunEnvironment } from "../../lib/run/environment.ts";
import type { VariantCluster } from "../../lib/run/variant.ts";
import { env, fakeDriver, memoryCluster, MemoryLog, PARTITIONS } from "./run_helpers.ts";
import { FakeBrokers } from "./faults_helpers.ts";
import type { ConnectionSettings } from "../../lib/connection/settings.ts";

/** One in-memory log per topic, the environment's brokers faked. */
function memoryRun(
  options: {
    failingClientId?: string;
    failingTopicDelete?: boolean;
    connection?: ConnectionSettings;
    clientLogs?: string;
  } = {},
) {
  const logs = new Map<string, MemoryLog>();
  const created: string[] = [];
  const deleted: string[] = [];
  const logOf = (topic: string) => {
    let log = logs.get(topic);
    if (!log) logs.set(topic, log = new MemoryLog());
    return log;
  };
  const brokers = new FakeBrokers([1, 2, 3]);
  const environment: RunEnvironment = {
    ...env,
    ...(options.connection ? { connection: options.connection } : {}),
    brokerIds: [1, 2, 3],
    // Restoring after a group: whatever a fault left paused or stopped runs again.
    brokers: Object.assign(brokers, {
      restoreAll: async () => {
        for (const [id, state] of brokers.state) {
          if (state === "paused") await brokers.resume(id);
          if (state === "stopped") await brokers.start(id);
        }
      },
    }),
  };
  const cluster = (): VariantCluster => ({
    createTopic: (topic) => (created.push(topic), memoryCluster(logOf(topic)).createTopic(topic)),
    offsets: (topic) => memoryCluster(logOf(topic)).offsets(topic),
    consume: (o) => memoryCluster(logOf(o.topic)).consume(o),
    tail: (o) => memoryCluster(logOf(o.topic)).tail(o),
    deleteTopic: (topic) => {
      deleted.push(topic);
      return Promise.resolve(options.failingTopicDelete ? "the broker said no" : null);
    },
  });
  const seams: RunSeams = {
    environment: () => Promise.resolve(environment),
    cluster,
    createDriver: (o) => {
      if (o.clientId === options.failingClientId) {
        return Promise.reject(new Error("producer could not be created"));
      }
      // A client that quotes its settings in an error (the secret must not reach any output).
      if (options.clientLogs) o.onClientLog?.("error", options.clientLogs);
      return Promise.resolve(fakeDriver(logOf(o.topic), o));
    },
  };
  return { seams, brokers, created, deleted };
}

function scenario(parallel: boolean, faults = "") {
  return parseScenario(
    `
name: orchestration-run
description: Three variants against in-memory logs.
cluster: {brokers: 3}
topic: {partitions: ${PARTITIONS}, replication.factor: 3}
load: {rate: 100, duration: 1s, message.size: 64, keys: 6}
drain: 1s
parallel: ${parallel}
clients: [kafkajs]
variants:
  - name: a
    producer: {acks: all}
    expect: [lost == 0]
  - name: b
    producer: {acks: 1}
    expect: [lost == 0]
  - name: c
    producer: {acks: all, enable.idempotence: true}
    expect: [lost == 0]
${faults}`,
    "orchestration-run.yaml",
  );
}

const options = (seams: RunSeams) => ({
  signal: new AbortController().signal,
  reportsDir: Deno.makeTempDirSync(),
  seams,
});

Deno.test("run: variants one after another, every topic deleted, passed", async () => {
  const m = memoryRun();
  const { report } = await runScenario(scenario(false), options(m.seams));
  assert.equal(report.outcome, "passed", JSON.stringify(report.errors));
  assert.deepEqual(report.variants.map((v) => v.verification!.counts.ok), [100, 100, 100]);
  assert.equal(m.created.length, 3);
  assert.deepEqual(m.deleted, m.created);
});

Deno.test("run: a parallel variant that fails before its load leaves; the others keep their reports and faults", async () => {
  const m = memoryRun({ failingClientId: "sismo-b" });
  const plan = scenario(
    true,
    `faults:
  - {at: 200ms, for: 600ms, target: 2, broker: pause}
`,
  );
  const { report } = await runScenario(plan, options(m.seams));
  assert.deepEqual(report.variants.map((v) => v.name), ["a", "c"]);
  assert.deepEqual(report.variants.map((v) => v.verification!.counts.ok), [100, 100]);
  assert.match(report.errors.join("\n"), /^variant b: producer could not be created$/m);
  assert.equal(report.outcome, "error");
  // The fault ran its course for the others, applied once, and was healed.
  assert.deepEqual(m.brokers.calls, ["pause 2", "resume 2"]);
  for (const v of report.variants) {
    assert.equal(v.faults.length, 1);
    assert.ok(v.faults[0].endedAtMs! - v.faults[0].startedAtMs! >= 550, JSON.stringify(v.faults));
  }
  // The failed variant's topic was deleted too: the run leaves nothing behind.
  assert.equal(m.deleted.length, 3);
  assert.deepEqual([...m.deleted].sort(), [...m.created].sort());
});

Deno.test("run: a topic that cannot be deleted is a run error, named", async () => {
  const m = memoryRun({ failingTopicDelete: true });
  const { report } = await runScenario(scenario(false), options(m.seams));
  assert.equal(report.outcome, "error");
  assert.equal(report.errors.filter((e) => e === "the broker said no").length, 3);
});

Deno.test("run: a secret of the connection that a client quotes reaches neither the report nor the log", async () => {
  const password = "canary-pw-7c1e9a";
  const connection: ConnectionSettings = {
    securityProtocol: "SASL_SSL",
    sasl: { mechanism: "SCRAM-SHA-256", username: "app", password },
    tls: { caPem: null, certPem: null, keyPem: null, keyPassword: null, verifyHostname: true },
    source: "test",
  };
  const m = memoryRun({ connection, clientLogs: `SASL login with ${password} refused` });
  const lines: string[] = [];
  const { report } = await runScenario(scenario(false), {
    ...options(m.seams),
    log: (l) => lines.push(l),
  });
  const everything = JSON.stringify(report) + lines.join("\n");
  assert.ok(everything.includes("SASL login with *** refused"), "the error is kept, masked");
  assert.ok(!everything.includes(password));
});
