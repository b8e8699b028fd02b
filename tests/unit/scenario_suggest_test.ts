import assert from "node:assert/strict";
import { clientOfName, closest, editDistance, normalizeName } from "../../lib/scenario/suggest.ts";

Deno.test("editDistance counts edits and adjacent swaps, ignoring case", () => {
  assert.equal(editDistance("acks", "acks"), 0);
  assert.equal(editDistance("ack", "acks"), 1);
  assert.equal(editDistance("duraton", "duration"), 1);
  assert.equal(editDistance("duartion", "duration"), 1);
  assert.equal(editDistance("ACKS", "acks"), 0);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
});

Deno.test("closest picks typos, dotted extensions and unique completions, not other words", () => {
  const producer = ["acks", "linger.ms", "retries", "enable.idempotence"];
  assert.equal(closest("ack", producer), "acks");
  assert.equal(closest("linger", producer), "linger.ms");
  assert.equal(closest("enable.idempotency", producer), "enable.idempotence");
  assert.equal(closest("up", ["downstream", "upstream"]), "upstream");
  assert.equal(closest("frobnicate", producer), undefined);
  assert.equal(closest("x", []), undefined);
});

Deno.test("normalizeName turns other clients' spellings into Kafka's", () => {
  assert.equal(normalizeName("EnableIdempotence"), "enable.idempotence");
  assert.equal(normalizeName("enableIdempotence"), "enable.idempotence");
  assert.equal(normalizeName("enable_idempotence"), "enable.idempotence");
  assert.equal(normalizeName("MessageTimeoutMs"), "message.timeout.ms");
  assert.equal(normalizeName("linger.ms"), "linger.ms");
});

Deno.test("clientOfName recognises .NET and kafka-python styles", () => {
  assert.equal(clientOfName("LingerMs"), "Confluent.Kafka's .NET");
  assert.equal(clientOfName("linger_ms"), "kafka-python's");
  assert.equal(clientOfName("linger.ms"), undefined);
});
