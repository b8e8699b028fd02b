/**
 * A variant's orchestration (topic, load, drain, read-back, verification,
 * expectations) against an in-memory log: a fake driver appends to it, a fake
 * cluster reads it back. What Kafka does is tested in tests/integration; this
 * tests what sismo decides from it.
 */
import assert from "node:assert/strict";
import { parseScenario } from "../../lib/scenario/load.ts";
import { runVariant, type VariantCluster } from "../../lib/run/variant.ts";
import { runOutcome } from "../../lib/run/run.ts";
import type { RunEnvironment } from "../../lib/run/environment.ts";
import type { DriverOptions, ProducerDriver } from "../../lib/clients/contract.ts";
import { newRunId } from "../../lib/load/payload.ts";

const PARTITIONS = 3;

const plan = parseScenario(
  `
name: orchestration
description: A variant against an in-memory log.
cluster: {brokers: 1}
topic: {partitions: ${PARTITIONS}, replication.factor: 1}
load: {rate: 200, duration: 1s, message.size: 64, keys: 6}
drain: 1s
variants:
  - name: v
    producer: {acks: all}
    expect: [lost == 0, unverified == 0, p99 < 5s]
`,
  "orchestration.yaml",
);

/** One topic's partitions as arrays of records. */
class MemoryLog {
  partitions: { key: Uint8Array | null; value: Uint8Array }[][] = Array.from(
    { length: PARTITIONS },
    () => [],
  );
  /** Calls to `offsets` after which the high watermarks tell the truth (followers behind). */
  lagUntilCall = 0;
  lag = 0;
  offsetCalls = 0;
  /** Partitions the read-back cannot read. */
  unreadable = new Set<number>();
}

function fakeDriver(log: MemoryLog, o: DriverOptions): ProducerDriver {
  const encoder = new TextEncoder();
  return {
    client: { name: "memory", version: "0" },
    capabilities: { batching: "native", deliveryTimeout: "native", cancel: true, partitioner: "" },
    notes: [],
    send(record) {
      const partition = record.token % PARTITIONS;
      const p = log.partitions[partition];
      p.push({ key: record.key === null ? null : encoder.encode(record.key), value: record.value });
      const offset = p.length - 1;
      queueMicrotask(() =>
        o.onDelivery({ token: record.token, partition, offset, status: "persisted" })
      );
    },
    purge: () => Promise.resolve(),
    stats: () => ({ produceRequests: 0, requestBytes: 0 }),
    close: () => Promise.resolve(),
  };
}

function memoryCluster(log: MemoryLog): VariantCluster {
  return {
    createTopic: () => Promise.resolve(),
    offsets: () => {
      const lagging = ++log.offsetCalls <= log.lagUntilCall;
      return Promise.resolve(log.partitions.map((p, partition) => ({
        partition,
        high: lagging ? Math.max(0, p.length - log.lag) : p.length,
      })));
    },
    consume: (o) => {
      let recordsRead = 0;
      const unreadable: number[] = [];
      for (const r of o.ranges) {
        if (log.unreadable.has(r.partition)) {
          unreadable.push(r.partition);
          continue;
        }
        for (let off = r.start; off < r.end; off++) {
          const rec = log.partitions[r.partition][off];
          o.onRecord(r.partition, String(off), rec.key, rec.value);
          recordsRead++;
        }
      }
      return Promise.resolve({
        recordsRead,
        durationMs: 1,
        unreadable,
        problems: unreadable.length ? [`partition(s) ${unreadable.join(", ")} not read`] : [],
      });
    },
  };
}

const env = {
  mode: "local",
  bootstrap: [],
  controlBootstrap: [],
  brokerIds: [1],
  kafkaVersion: "test",
  toxiproxyUrl: null,
  toxiproxyVersion: "",
  proxyName: (id: number) => `broker-${id}`,
  brokers: null,
  partitionState: () => Promise.resolve({ leader: 1, replicas: [1] }),
  release: () => Promise.resolve(),
  description: "in memory",
} satisfies RunEnvironment;

function run(log: MemoryLog, wrap = (driver: ProducerDriver) => driver) {
  return runVariant({
    plan,
    variant: plan.variants[0],
    variantIndex: 0,
    env,
    runId: newRunId(),
    startAt: () => Promise.resolve(Date.now() + 20),
    signal: new AbortController().signal,
    cluster: memoryCluster(log),
    createDriver: (o) => Promise.resolve(wrap(fakeDriver(log, o))),
  });
}

Deno.test("variant: every event written and read back is ok; the expectations hold", async () => {
  const report = await run(new MemoryLog());
  assert.equal(report.counts.intended, 200);
  assert.equal(report.verification!.counts.ok, 200);
  assert.equal(report.inconclusive, undefined);
  assert.ok(report.expectations.every((e) => e.passed), JSON.stringify(report.expectations));
  assert.equal(
    runOutcome({ aborted: false, errors: [], variants: [report], planned: 1 }),
    "passed",
  );
});

Deno.test("variant: a partition that cannot be read makes the run inconclusive, whatever the expectations say", async () => {
  const log = new MemoryLog();
  log.unreadable.add(1);
  const report = await run(log);
  assert.ok(report.verification!.counts.unverified > 0);
  assert.ok(report.inconclusive && report.inconclusive.length > 0);
  assert.match(report.inconclusive!.join("\n"), /partition\(s\) 1/);
  const outcome = runOutcome({ aborted: false, errors: [], variants: [report], planned: 1 });
  assert.equal(outcome, "inconclusive");
  // Even a scenario that expects nothing about verification cannot pass.
  const noExpectations = { ...report, expectations: [] };
  assert.equal(
    runOutcome({ aborted: false, errors: [], variants: [noExpectations], planned: 1 }),
    "inconclusive",
  );
});

Deno.test("variant: acknowledged records above a lagging high watermark are waited for, not lost", async () => {
  const log = new MemoryLog();
  // After the load, the first offset answers are 5 records short (followers still copying).
  log.lag = 5;
  log.lagUntilCall = 3; // the first call is before the load; then two lagging answers
  const report = await run(log);
  assert.equal(report.verification!.counts.lost, 0);
  assert.equal(report.verification!.counts.ok, 200);
});

Deno.test("variant: sismo's findings carry their phrase, for reports in other languages", async () => {
  // Every 50th record is never answered, not even by the purge.
  const report = await run(new MemoryLog(), (driver) => ({
    ...driver,
    send: (record) => record.token % 50 === 0 ? undefined : driver.send(record),
  }));
  const own = report.errors.filter((e) => e.source === "sismo");
  assert.deepEqual(own.map((e) => [e.count, e.phrase]), [
    [4, { id: "finding.unansweredAfterPurge" }],
    [4, { id: "finding.purgedAfterDrain", params: { ms: 1000 } }],
  ]);
});

Deno.test("variant: anomalies land in the timeline by intended second, zero elsewhere", async () => {
  const log = new MemoryLog();
  // Event 10 is written twice (a retry whose first write was kept).
  const report = await run(log, (driver) => ({
    ...driver,
    send: (record) => {
      if (record.token === 10) {
        log.partitions[10 % PARTITIONS].push({ key: null, value: record.value });
      }
      driver.send(record);
    },
  }));
  assert.equal(report.verification!.counts.duplicated, 1);
  const seconds = report.timeline.filter((p) => p.intended);
  assert.deepEqual(seconds.map((p) => [p.t, p.intended!.anomalies]), [
    [0, { lost: 0, duplicated: 1, phantom: 0, reordered: 0 }],
  ]);
});
