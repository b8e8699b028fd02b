/** Kafka's consumer properties as each client gets them. */
import assert from "node:assert/strict";
import { kafkajsConsumerSettings } from "../../lib/clients/kafkajs/consumer.ts";
import { librdkafkaConsumerProperties } from "../../lib/clients/librdkafka/consumer.ts";
import { deadLetterKey, deadLetterSource } from "../../lib/consume/dead_letter.ts";

Deno.test("kafkajs consumer: Kafka's names map onto KafkaJS's options", () => {
  const s = kafkajsConsumerSettings({
    "enable.auto.commit": "false",
    "auto.commit.interval.ms": "250",
    "session.timeout.ms": "6000",
    "heartbeat.interval.ms": "1000",
    "max.poll.interval.ms": "20000",
    "auto.offset.reset": "earliest",
    "isolation.level": "read_uncommitted",
    "partition.assignment.strategy": "roundrobin",
    "group.protocol": "classic",
    "retry.backoff.ms": "100",
    "retry.backoff.max.ms": "1000",
  });
  assert.deepEqual(s.problems, []);
  assert.deepEqual(s.retry, { initialRetryTime: 100, maxRetryTime: 1000 });
  assert.equal(s.autoCommit, false);
  assert.equal(s.autoCommitInterval, 250);
  assert.equal(s.fromBeginning, true);
  assert.equal(s.consumer.sessionTimeout, 6000);
  assert.equal(s.consumer.heartbeatInterval, 1000);
  assert.equal(s.consumer.rebalanceTimeout, 20000);
  assert.equal(s.consumer.readUncommitted, true);
  assert.equal(s.consumer.partitionAssigners?.length, 1);
});

Deno.test("kafkajs consumer: what KafkaJS cannot do is named, property by property", () => {
  const s = kafkajsConsumerSettings({
    "group.protocol": "consumer",
    "partition.assignment.strategy": "cooperative-sticky",
    "enable.auto.offset.store": "false",
    "auto.offset.reset": "none",
    "fetch.queue.backoff.ms": "10",
    "session.timeout.ms": "soon",
    "retry.backoff.ms": "0",
  });
  assert.deepEqual(s.problems.map((p) => p.property), [
    "group.protocol",
    "partition.assignment.strategy",
    "enable.auto.offset.store",
    "auto.offset.reset",
    "fetch.queue.backoff.ms",
    "session.timeout.ms",
    "retry.backoff.ms",
  ]);
  assert.equal(s.retry, undefined);
  // KafkaJS doubles its backoff: 0 would retry at once, every time.
  assert.match(s.problems[6].message, /retry\.backoff\.ms must be a whole number from 1, got 0/);
  assert.match(s.problems[0].message, /KIP-848/);
  assert.match(s.problems[2].message, /resolved/);
});

Deno.test("librdkafka consumer: the scenario's properties pass through; sismo's own names win", () => {
  const props = librdkafkaConsumerProperties({
    bootstrap: ["127.0.0.1:1", "127.0.0.1:2"],
    topic: "t",
    groupId: "g",
    clientId: "member-0",
    properties: { "enable.auto.commit": "false", "group.id": "other", "log_level": "7" },
  });
  assert.equal(props["enable.auto.commit"], "false");
  assert.equal(props["group.id"], "g");
  assert.equal(props["bootstrap.servers"], "127.0.0.1:1,127.0.0.1:2");
  assert.equal(props["log_level"], "7");
  assert.equal(props["security.protocol"], "plaintext");
});

Deno.test("dead letter: a record's source travels in its key and comes back", () => {
  const key = new TextEncoder().encode(deadLetterKey(3, 41_000_000_123));
  assert.deepEqual(deadLetterSource(key), { partition: 3, offset: 41_000_000_123 });
  assert.equal(deadLetterSource(new TextEncoder().encode("k7")), null);
  assert.equal(deadLetterSource(null), null);
});
