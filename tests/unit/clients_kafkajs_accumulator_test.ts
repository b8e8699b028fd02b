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
