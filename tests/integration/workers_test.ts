/**
 * A run split over worker processes (`--workers N`) on the real stack: the same verdicts as
 * one process, counts that agree with an independent read of the topic, every worker named
 * in the report, and no worker process left after the run or after Ctrl-C.
 */
import assert from "node:assert/strict";
import { Ajv } from "ajv";
import { parseScenario } from "../../lib/scenario/load.ts";
import { runScenario } from "../../lib/run/run.ts";
import { acquireEnvironment } from "../../lib/run/environment.ts";
import { independentRead } from "./independent_read.ts";
import { childrenMatching } from "./helpers.ts";

const reportSchema = JSON.parse(
  await Deno.readTextFile(new URL("../../lib/report/report.schema.json", import.meta.url)),
);

/** What a worker process's command line looks like (`… main.ts worker`). */
const WORKER = /main\.ts worker(\s|$)/;

const SCENARIO = `
name: integration-workers
description: Plain and idempotent producers split over workers, acknowledgements delayed.
cluster: {brokers: 1}
topic: {partitions: 3, replication.factor: 1}
load:
  rate: 300
  warmup: 1s
  duration: 11s
  message.size: 128
  keys: 8
drain: 10s
variants:
  - name: plain
    producer:
      acks: all
      retries: 10
      retry.backoff.ms: 100
      request.timeout.ms: 800
      delivery.timeout.ms: 20000
    client.properties:
      librdkafka: {socket.timeout.ms: 800}
    expect: [duplicated > 0, lost == 0]
  - name: idempotent
    producer: {acks: all, enable.idempotence: true, request.timeout.ms: 800, delivery.timeout.ms: 20000}
    client.properties:
      librdkafka: {socket.timeout.ms: 800}
    # 8 keys over 3 workers: each worker's order is judged apart, as Kafka keeps it.
    expect: [duplicated == 0, lost == 0, reordered == 0]
faults:
  - at: 3s
    for: 4s
    toxic: latency
    stream: downstream
    attributes: {latency: 2000}
`;

Deno.test({
  name: "workers: a run split over 3 worker processes keeps its verdicts and agrees with the topic",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const plan = parseScenario(SCENARIO, "inline");
    const env = await acquireEnvironment({ brokers: 1 });
    try {
      const { report } = await runScenario(plan, {
        signal: new AbortController().signal,
        keepTopics: true,
        workers: 3,
      });
      assert.equal(
        report.outcome,
        "passed",
        JSON.stringify([report.errors, report.variants.map((v) => v.expectations)]),
      );
      const validate = new Ajv({ allErrors: true, strict: true, validateFormats: false })
        .compile(reportSchema);
      assert.equal(validate(report), true, JSON.stringify(validate.errors, null, 2));
      for (const v of report.variants) {
        assert.deepEqual(v.workers?.map((w) => w.segment), ["1/3", "2/3", "3/3"], v.name);
        assert.ok(
          v.workers!.every((w) => w.pid !== Deno.pid && w.startLagMs < 1000),
          JSON.stringify(v.workers),
        );
        assert.equal(v.counts.intended, 3600);
        assert.equal(v.counts.intended, v.counts.sent + v.counts.notSent);
        const read = await independentRead(env.controlBootstrap, v.topic, report.runId, 8);
        const ver = v.verification!;
        assert.equal(ver.recordsRead, read.records, `${v.name}: records read`);
        assert.equal(ver.counts.duplicated, read.eventsWithCopies, `${v.name}: duplicated`);
        assert.equal(ver.counts.duplicates, read.extraCopies, `${v.name}: extra copies`);
        assert.equal(ver.counts.foreign, read.foreign);
        assert.equal(
          v.counts.sent - ver.counts.lost - ver.counts.failedAbsent - ver.counts.unverified,
          read.distinct,
        );
        // The fault was played once, by the coordinator, on the workers' clock.
        assert.equal(v.faults.length, 1);
        assert.ok(v.faults[0].startedAtMs! >= 2900 && v.faults[0].startedAtMs! < 4000);
        assert.ok(v.latency.fromIntended.max >= 2000, "latency shows the 2 s delay");
      }
      assert.deepEqual(await childrenMatching(Deno.pid, WORKER), [], "no worker left");
    } finally {
      await env.release();
    }
  },
});

Deno.test({
  name:
    "workers: Ctrl-C during a split run ends the workers' load, keeps a report, leaves no worker",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const plan = parseScenario(SCENARIO.replace("duration: 11s", "duration: 120s"), "inline");
    const abort = new AbortController();
    const seen: number[] = [];
    const timer = setTimeout(() => abort.abort(), 8000);
    const watch = setInterval(async () => {
      seen.push((await childrenMatching(Deno.pid, WORKER)).length);
    }, 1000);
    try {
      const { report } = await runScenario(plan, { signal: abort.signal, workers: 2 });
      assert.equal(report.outcome, "interrupted");
      assert.ok(Math.max(...seen) === 2, `2 workers ran (seen ${seen})`);
      const [plain] = report.variants;
      assert.ok(plain.counts.sent > 0 && plain.counts.sent < plain.counts.intended);
      assert.deepEqual(plain.workers?.map((w) => w.segment), ["1/2", "2/2"]);
      assert.deepEqual(await childrenMatching(Deno.pid, WORKER), [], "no worker left");
    } finally {
      clearTimeout(timer);
      clearInterval(watch);
    }
  },
});
