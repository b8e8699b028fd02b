/**
 * The KafkaJS driver's emulated accumulator, against a fake `sendBatch` the test
 * controls: no record whose delivery timeout already ran out while it waited in
 * sismo's queue is handed to KafkaJS (it would become a phantom sismo made).
 */
import assert from "node:assert/strict";
import { Accumulator } from "../../lib/clients/kafkajs/accumulator.ts";
import type { DeliveryReport, OutRecord } from "../../lib/clients/contract.ts";

const record = (token: number): OutRecord => ({
  token,
  key: null,
  value: new Uint8Array(100),
});

Deno.test("accumulator: a batch past its delivery timeout while queued fails without being sent", async () => {
  let clock = 0;
  const sent: number[][] = [];
  const reports: DeliveryReport[] = [];
  let release!: () => void;
  const stall = new Promise<void>((r) => release = r);
  const acc = new Accumulator({
    partitions: 1,
    lingerMs: 0,
    batchBytes: 200, // two records per batch
    deliveryTimeoutMs: 500,
    maxInFlightPerPartition: 1, // as with idempotence on KafkaJS: one send at a time
    partitionForKey: () => 0,
    sendBatch: async (_p, records) => {
      sent.push(records.map((r) => r.token));
      if (sent.length === 1) await stall; // the first send hangs: the next batches queue up
      return { baseOffset: 0 };
    },
    onDelivery: (r) => reports.push(r),
    now: () => clock,
  });
  for (let t = 0; t < 6; t++) acc.append(record(t));
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(sent, [[0, 1]], "one batch in flight, the others wait in sismo's queue");
  clock = 600; // the queued records' delivery timeout ran out while they waited
  release();
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(sent, [[0, 1]], "no expired batch was handed to KafkaJS");
  const failed = reports.filter((r) => r.error !== undefined);
  assert.deepEqual(failed.map((r) => r.token).sort(), [2, 3, 4, 5]);
  assert.ok(failed.every((r) => r.status === "not-persisted"));
  acc.close();
});

/** An accumulator over `partitions` whose sends the test resolves, recording what went out. */
function harness(o: {
  partitions?: number;
  lingerMs?: number;
  batchBytes?: number;
  deliveryTimeoutMs?: number;
  maxInFlight?: number;
}) {
  let clock = 0;
  const sent: { partition: number; tokens: number[]; resolve: () => void }[] = [];
  const reports: DeliveryReport[] = [];
  const acc = new Accumulator({
    partitions: o.partitions ?? 1,
    lingerMs: o.lingerMs ?? 10_000,
    batchBytes: o.batchBytes ?? 1_000_000,
    deliveryTimeoutMs: o.deliveryTimeoutMs ?? 60_000,
    maxInFlightPerPartition: o.maxInFlight ?? Infinity,
    partitionForKey: (key) => Number(key),
    sendBatch: (partition, records) =>
      new Promise((resolve) =>
        sent.push({
          partition,
          tokens: records.map((r) => r.token),
          resolve: () => resolve({ baseOffset: 0 }),
        })
      ),
    onDelivery: (r) => reports.push(r),
    now: () => clock,
  });
  return {
    acc,
    sent,
    reports,
    tick: (ms: number) => (clock += ms),
    batches: () => sent.map((s) => s.tokens),
  };
}

const settle = (ms = 10) => new Promise((r) => setTimeout(r, ms));

Deno.test("accumulator: batch.size seals a batch as soon as it is full", async () => {
  const h = harness({ batchBytes: 250 }); // 100-byte records: full at the third
  for (let t = 0; t < 7; t++) h.acc.append(record(t));
  await settle();
  assert.deepEqual(h.batches(), [[0, 1, 2], [3, 4, 5]], "the seventh waits for linger");
  h.acc.close();
});

Deno.test("accumulator: linger.ms sends a batch that did not fill", async () => {
  const h = harness({ lingerMs: 30 });
  h.acc.append(record(0));
  h.acc.append(record(1));
  await settle(5);
  assert.deepEqual(h.batches(), [], "still lingering");
  await settle(60);
  assert.deepEqual(h.batches(), [[0, 1]]);
  h.acc.close();
});

Deno.test("accumulator: keyless records stick to one partition until its batch is sealed, keyed ones go to theirs", async () => {
  const h = harness({ partitions: 3, batchBytes: 250 });
  for (let t = 0; t < 6; t++) h.acc.append(record(t));
  h.acc.append({ token: 6, key: "2", value: new Uint8Array(100) });
  await settle();
  assert.deepEqual(h.sent.map((s) => [s.partition, s.tokens]), [[0, [0, 1, 2]], [1, [3, 4, 5]]]);
  h.acc.close();
  // Closing answers what was held: the keyed record, in its partition.
  assert.ok(h.reports.some((r) => r.token === 6 && r.partition === 2));
});

Deno.test("accumulator: with one send in flight the next batch waits and keeps growing", async () => {
  const h = harness({ maxInFlight: 1, lingerMs: 5, batchBytes: 10_000 });
  h.acc.append(record(0));
  await settle(20);
  assert.deepEqual(h.batches(), [[0]]);
  for (let t = 1; t < 5; t++) h.acc.append(record(t));
  await settle(20); // linger passed, but the partition's one send is still in flight
  assert.deepEqual(h.batches(), [[0]]);
  h.sent[0].resolve();
  await settle(20);
  assert.deepEqual(h.batches(), [[0], [1, 2, 3, 4]], "one batch of everything that waited");
  h.acc.close();
});

Deno.test("accumulator: in a batch partly past its delivery timeout, only the expired records fail unsent", async () => {
  const h = harness({ maxInFlight: 1, lingerMs: 0, batchBytes: 10_000, deliveryTimeoutMs: 500 });
  h.acc.append(record(0));
  await settle();
  h.acc.append(record(1)); // waits behind the send in flight
  h.tick(300);
  h.acc.append(record(2));
  h.tick(300); // record 1 has waited 600 ms, record 2 300 ms
  h.sent[0].resolve();
  await settle(20);
  assert.deepEqual(h.batches(), [[0], [2]]);
  const failed = h.reports.filter((r) => r.error !== undefined);
  assert.deepEqual(failed.map((r) => [r.token, r.status]), [[1, "not-persisted"]]);
  h.acc.close();
});

Deno.test("accumulator: a send that outlives its delivery timeout fails as possibly persisted, then succeeds late", async () => {
  const h = harness({ lingerMs: 0, deliveryTimeoutMs: 30 });
  h.acc.append(record(0));
  await settle(60); // the timer (real time, 30 ms from entry) fires while the send hangs
  h.sent[0].resolve();
  await settle();
  assert.deepEqual(
    h.reports.map((r) => [r.token, r.status, r.lateSuccess ?? false]),
    [[0, "possibly-persisted", false], [0, "persisted", true]],
  );
  h.acc.close();
});
