import assert from "node:assert/strict";
import { type BrokerStats, WireCounts } from "../../lib/clients/librdkafka/wire_counts.ts";
import { librdkafkaProperties } from "../../lib/clients/librdkafka/driver.ts";
import { parseScenario } from "../../lib/scenario/load.ts";

const broker = (tx: number, txbytes: number, produce: number, txretries = 0): BrokerStats => ({
  tx,
  txbytes,
  txretries,
  req: { Produce: produce, Metadata: tx - produce },
});

Deno.test("wire counts: one handle's counters are the run's", () => {
  const w = new WireCounts();
  w.add({ "127.0.0.1:29091/1": broker(10, 1000, 9) });
  w.add({ "127.0.0.1:29091/1": broker(20, 2500, 19, 1) });
  assert.deepEqual(w.total(), { produceRequests: 19, requestBytes: 2500, retries: 1 });
});

Deno.test("wire counts: a handle removed then made again from zero (re-bootstrap) adds up", () => {
  // The snapshots a plain producer's statistics gave behind a 2 s latency toxic (librdkafka
  // 2.16.0, one broker): the handle of broker 1 went, the bootstrap one came back, then a new
  // handle of broker 1 counted from zero.
  const w = new WireCounts();
  w.add({ "127.0.0.1:29091/1": broker(457, 192_199, 456) });
  w.add({ "127.0.0.1:29091/1": broker(458, 192_244, 456) });
  w.add({ "127.0.0.1:29091/bootstrap": broker(0, 0, 0) });
  w.add({ "127.0.0.1:29091/bootstrap": broker(2, 131, 0) });
  w.add({ "127.0.0.1:29091/1": broker(162, 266_164, 161) });
  w.add({ "127.0.0.1:29091/1": broker(645, 469_990, 644) });
  assert.deepEqual(w.total(), {
    produceRequests: 456 + 644,
    requestBytes: 192_244 + 131 + 469_990,
    retries: 0,
  });
});

Deno.test("wire counts: a new handle under the same name between two snapshots is seen by its lower counts", () => {
  const w = new WireCounts();
  w.add({ "b:1/1": broker(50, 9000, 40, 3), "b:2/2": broker(5, 500, 4) });
  w.add({ "b:1/1": broker(2, 300, 1), "b:2/2": broker(6, 600, 5) });
  assert.deepEqual(w.total(), { produceRequests: 41 + 5, requestBytes: 9300 + 600, retries: 3 });
  // Counts that only grow are never carried twice.
  w.add({ "b:1/1": broker(3, 400, 2), "b:2/2": broker(7, 700, 6) });
  assert.deepEqual(w.total(), { produceRequests: 42 + 6, requestBytes: 9400 + 700, retries: 3 });
});

Deno.test("wire counts: no snapshot yet is zero; a snapshot without brokers keeps what was sent", () => {
  const w = new WireCounts();
  assert.deepEqual(w.total(), { produceRequests: 0, requestBytes: 0, retries: 0 });
  w.add({ "b:1/1": broker(3, 300, 2) });
  w.add({});
  assert.deepEqual(w.total(), { produceRequests: 2, requestBytes: 300, retries: 0 });
});

Deno.test("librdkafka log level: warnings by default, info with --client-log, the scenario's own wins", () => {
  const { producer } = parseScenario(
    "name: t\ndescription: d\nload: {rate: 10, duration: 1s}\nvariants: [{name: v}]\n",
    "t.yaml",
  ).variants[0];
  assert.equal(librdkafkaProperties(producer, {})["log_level"], "4");
  assert.equal(librdkafkaProperties(producer, {}, true)["log_level"], "6");
  assert.equal(librdkafkaProperties(producer, { log_level: "7" }, true)["log_level"], "7");
});
