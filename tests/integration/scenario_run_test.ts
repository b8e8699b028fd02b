/**
 * A short scenario on the real stack: the tool's counts must agree with an
 * independent read of the topic (a plain KafkaJS consumer and a DataView,
 * none of sismo's verify code).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import "../../lib/stack/quiet_kafkajs.ts";
import { parseScenario } from "../../lib/scenario/load.ts";
import { runScenario } from "../../lib/run/run.ts";
import { acquireEnvironment } from "../../lib/run/environment.ts";
import { Ajv } from "ajv";
import { independentRead } from "./independent_read.ts";

const reportSchema = JSON.parse(
  await Deno.readTextFile(new URL("../../lib/report/report.schema.json", import.meta.url)),
);

const SCENARIO = `
name: integration-short
description: Short plain-producer run with lost acknowledgements, for the integration test.
cluster: {brokers: 1}
topic: {partitions: 2, replication.factor: 1}
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
      # librdkafka (the default client) times a response out at socket.timeout.ms only.
      # debug: its broker lines, for the client log (--client-log).
      librdkafka: {socket.timeout.ms: 800, debug: broker}
    expect:
      - duplicated > 0
  - name: lz4
    producer: {acks: all, compression.type: lz4, linger.ms: 20, request.timeout.ms: 5000}
faults:
  - at: 3s
    for: 4s
    toxic: latency
    stream: downstream
    attributes: {latency: 2000}
`;

Deno.test({
  name: "scenario run: counts agree with an independent read of the topic",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const plan = parseScenario(SCENARIO, "inline");
    // Keep the cluster for the independent read: start (or reuse) it first, release it last.
    const env = await acquireEnvironment({ brokers: 1 });
    // The run's folder (its client logs) in a temporary place, not in the checkout's reports/.
    const reportsDir = await Deno.makeTempDir({ prefix: "sismo-reports-" });
    try {
      const { report, dir } = await runScenario(plan, {
        signal: new AbortController().signal,
        keepTopics: true,
        clientLog: true,
        reportsDir,
      });
      assert.equal(report.outcome, "passed", JSON.stringify(report.errors));
      // A real report matches the shipped JSON Schema (so the schema cannot drift from the runner).
      const validate = new Ajv({ allErrors: true, strict: true, validateFormats: false })
        .compile(reportSchema);
      assert.equal(validate(report), true, JSON.stringify(validate.errors, null, 2));
      const v = report.variants[0];
      const ver = v.verification!;
      // Uncompressed requests carry at least every value once (retries add more).
      assert.ok(v.network!.produceRequests > 0, "produce requests counted");
      assert.ok(
        v.network!.requestBytes >= v.counts.acked * 128,
        `request bytes ${v.network!.requestBytes} < ${v.counts.acked} values of 128 B`,
      );
      assert.ok(ver, "verified");
      const read = await independentRead(env.controlBootstrap, v.topic, report.runId, 8);

      assert.equal(ver.recordsRead, read.records, "records read");
      assert.equal(ver.counts.foreign, read.foreign, "foreign");
      assert.equal(ver.counts.duplicated, read.eventsWithCopies, "duplicated events");
      assert.equal(ver.counts.duplicates, read.extraCopies, "extra copies");
      assert.equal(ver.counts.reordered, read.reordered, "reordered");
      assert.ok(read.extraCopies > 0, "the fault made the plain producer duplicate");
      // Every sent event is either in the log or counted as absent.
      const c = ver.counts;
      assert.equal(v.counts.sent - c.lost - c.failedAbsent - c.unverified, read.distinct);
      assert.equal(v.counts.sent, v.counts.acked + v.counts.failed);
      assert.equal(v.counts.intended, v.counts.sent + v.counts.notSent);
      // The fault really happened, inside the load.
      assert.equal(v.faults.length, 1);
      assert.ok(v.faults[0].startedAtMs! >= 2900 && v.faults[0].startedAtMs! < 4000);
      assert.ok(v.faults[0].endedAtMs! >= 6900);
      assert.ok(v.latency.fromIntended.max >= 2000, "latency shows the 2 s delay");
      // The live verification read the topic while it was written: same counts, and the
      // duplicates were known before the load ended (12 s of load after its start).
      assert.equal(v.live?.agrees, true, JSON.stringify(v.live));
      assert.deepEqual(v.live!.counts, ver.counts);
      assert.equal(v.live!.recordsRead, read.records);
      assert.equal(v.live!.boundViolations, 0);
      assert.ok(
        v.live!.firstAnomalyMs !== null && v.live!.firstAnomalyMs < 12_000,
        `first anomaly known after ${v.live!.firstAnomalyMs} ms`,
      );
      assert.equal(report.variants[1].live?.agrees, true, JSON.stringify(report.variants[1].live));

      // --client-log: the client's own lines, its debug lines as asked, on the report's clock.
      const clientLog = await Deno.readTextFile(join(dir, "client-logs", "plain.log"));
      assert.match(clientLog, /^# \S+ the load starts: 0 s on the report's timeline$/m);
      assert.match(
        clientLog,
        /^\S+Z debug /m,
        "librdkafka's debug lines, asked with debug: broker",
      );
      assert.match(clientLog, /^# \S+ fault f1 \(.*\): \d+\.\d{3} s to \d+\.\d{3} s$/m);
      assert.match(clientLog, /^# \S+ the producer is closed$/m);
      assert.ok((await Deno.stat(join(dir, "client-logs", "lz4.log"))).isFile);
      // The report says the client logged verbosely (it costs time).
      assert.ok(v.notes?.some((n) => typeof n !== "string" && n.id === "note.clientLog"));

      // lz4 as Kafka wants it: the broker accepts the frames, the consumer reads them back.
      const z = report.variants[1];
      assert.equal(z.producer["compression.type"], "lz4");
      assert.equal(z.counts.acked, z.counts.sent);
      assert.equal(z.verification!.counts.lost, 0);
      assert.equal(z.verification!.recordsRead, z.counts.acked + z.verification!.counts.duplicates);
      // Uncompressed requests carry at least every value's bytes: fewer bytes prove compression.
      assert.ok(
        z.network!.requestBytes < z.counts.acked * 128,
        `lz4 requests ${z.network!.requestBytes} B for ${z.counts.acked} values of 128 B`,
      );
    } finally {
      await env.release();
      await Deno.remove(reportsDir, { recursive: true });
    }
  },
});
