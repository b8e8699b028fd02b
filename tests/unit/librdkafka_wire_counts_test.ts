import assert from "node:assert/strict";
import {
  brokerEntries,
  type BrokerStats,
  WireCounts,
} from "../../lib/clients/librdkafka/wire_counts.ts";

const broker = (
  name: string,
  tx: number,
  txbytes: number,
  produce: number,
  txretries = 0,
): BrokerStats => ({
  name,
  nodeid: name.endsWith("/bootstrap") ? -1 : Number(name.split("/")[1]),
  tx,
  txbytes,
  txretries,
  req: { Produce: produce, Metadata: tx - produce },
});
const ONE = "127.0.0.1:29091/1";
const BOOT = "127.0.0.1:29091/bootstrap";

Deno.test("wire counts: one handle's counters are the run's", () => {
  const w = new WireCounts();
  w.add([broker(ONE, 10, 1000, 9)]);
  w.add([broker(ONE, 20, 2500, 19, 1)]);
  assert.deepEqual(w.total(), { produceRequests: 19, requestBytes: 2500, retries: 1 });
});

Deno.test("wire counts: a handle removed then made again from zero (re-bootstrap) adds up", () => {
  // The snapshots a plain producer's statistics gave behind a 2 s latency toxic (librdkafka
  // 2.16.0, one broker): the handle of broker 1 went, the bootstrap one came back, then a new
  // handle of broker 1 counted from zero.
  const w = new WireCounts();
  w.add([broker(ONE, 457, 192_199, 456)]);
  w.add([broker(ONE, 458, 192_244, 456)]);
  w.add([broker(BOOT, 0, 0, 0)]);
  w.add([broker(BOOT, 2, 131, 0)]);
  w.add([broker(ONE, 162, 266_164, 161)]);
  w.add([broker(ONE, 645, 469_990, 644)]);
  assert.deepEqual(w.total(), {
    produceRequests: 456 + 644,
    requestBytes: 192_244 + 131 + 469_990,
    retries: 0,
  });
});

Deno.test("wire counts: a new handle under the same name between two snapshots is seen by its lower counts", () => {
  const w = new WireCounts();
  w.add([broker("b:1/1", 50, 9000, 40, 3), broker("b:2/2", 5, 500, 4)]);
  w.add([broker("b:1/1", 2, 300, 1), broker("b:2/2", 6, 600, 5)]);
  assert.deepEqual(w.total(), { produceRequests: 41 + 5, requestBytes: 9300 + 600, retries: 3 });
  // Counts that only grow are never carried twice.
  w.add([broker("b:1/1", 3, 400, 2), broker("b:2/2", 7, 700, 6)]);
  assert.deepEqual(w.total(), { produceRequests: 42 + 6, requestBytes: 9400 + 700, retries: 3 });
});

Deno.test("wire counts: a removed handle lingering beside its successor is counted once, even once passed", () => {
  const w = new WireCounts();
  w.add([broker(ONE, 100, 10_000, 90)]);
  // The new handle is listed first; the old one, frozen, until its thread ends.
  w.add([broker(ONE, 5, 100, 4), broker(ONE, 100, 10_000, 90)]);
  w.add([broker(ONE, 80, 12_000, 70), broker(ONE, 100, 10_000, 90)]);
  assert.deepEqual(w.total(), { produceRequests: 160, requestBytes: 22_000, retries: 0 });
  w.add([broker(ONE, 200, 25_000, 180)]);
  assert.deepEqual(w.total(), { produceRequests: 270, requestBytes: 35_000, retries: 0 });
});

Deno.test("wire counts: a broker renamed in place (a new advertised address) keeps its counts once", () => {
  const w = new WireCounts();
  w.add([broker("a:9092/1", 10, 10_000, 9)]);
  w.add([broker("b:9092/1", 11, 11_000, 10)]);
  assert.deepEqual(w.total(), { produceRequests: 10, requestBytes: 11_000, retries: 0 });
});

Deno.test("wire counts: no snapshot yet is zero; a snapshot without brokers keeps what was sent", () => {
  const w = new WireCounts();
  assert.deepEqual(w.total(), { produceRequests: 0, requestBytes: 0, retries: 0 });
  w.add([broker("b:1/1", 3, 300, 2)]);
  w.add([]);
  assert.deepEqual(w.total(), { produceRequests: 2, requestBytes: 300, retries: 0 });
});

Deno.test("broker entries: every entry of the statistics text, two of one name included, in order", () => {
  // As librdkafka writes it (rd_kafka_stats_emit_all), trimmed.
  const text = `{ "name": "rdkafka#producer-1", "type": "producer", "brokers":{ ` +
    `"${ONE}": { "name":"${ONE}", "nodeid":1, "tx":5, "txbytes":100, ` +
    `"toppars":{ "t-0": { "topic":"t", "partition":0} } } , ` +
    `"${ONE}": { "name":"${ONE}", "nodeid":1, "tx":100, "txbytes":10000, "toppars":{ } } }, ` +
    `"topics":{ "t": { "topic":"t", "partitions":{ "0": { "partition":0, "txbytes":99 } } } } }`;
  assert.deepEqual(brokerEntries(text).map((b) => [b.name, b.nodeid, b.txbytes]), [
    [ONE, 1, 100],
    [ONE, 1, 10_000],
  ]);
  assert.deepEqual(brokerEntries(`{ "name": "p", "brokers":{ } }`), []);
});
