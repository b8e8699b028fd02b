import * as assert from "node:assert/strict";
import { parseScenario } from "../../lib/scenario/load.ts";
import { problemsOf } from "./scenario_helpers.ts";

const BASE = `name: t
description: d
load:
  rate: 100
  duration: 10s
`;

const variants = `variants:
  - name: plain
  - name: idem
    producer:
      enable.idempotence: true
`;

Deno.test("a file that names no client runs on librdkafka", () => {
  const plan = parseScenario(BASE + variants, "s.yaml");
  assert.deepEqual(plan.variants.map((v) => [v.name, v.client]), [
    ["plain", "librdkafka"],
    ["idem", "librdkafka"],
  ]);
});

Deno.test("clients: runs every variant once per client, grouped by client", () => {
  const plan = parseScenario(`${BASE}clients: [librdkafka, kafkajs]\n${variants}`, "s.yaml");
  assert.deepEqual(plan.variants.map((v) => [v.name, v.baseName, v.client]), [
    ["plain-librdkafka", "plain", "librdkafka"],
    ["idem-librdkafka", "idem", "librdkafka"],
    ["plain-kafkajs", "plain", "kafkajs"],
    ["idem-kafkajs", "idem", "kafkajs"],
  ]);
});

Deno.test("a variant's own client wins over clients:, and runs once", () => {
  const text = `${BASE}clients: [librdkafka, kafkajs]
variants:
  - name: plain
  - name: java-only
    client: java
`;
  const plan = parseScenario(text, "s.yaml");
  assert.deepEqual(plan.variants.map((v) => [v.name, v.client]), [
    ["plain-librdkafka", "librdkafka"],
    ["java-only", "java"],
    ["plain-kafkajs", "kafkajs"],
  ]);
});

Deno.test("--client overrides every variant and keeps the names as written", () => {
  const plan = parseScenario(`${BASE}clients: [librdkafka, kafkajs]\n${variants}`, "s.yaml", {
    client: "java",
  });
  assert.deepEqual(plan.variants.map((v) => [v.name, v.client]), [
    ["plain", "java"],
    ["idem", "java"],
  ]);
});

Deno.test("unknown client names are line-numbered errors", () => {
  const [top] = problemsOf(`${BASE}clients: [librdkafka, nope]\n${variants}`);
  assert.equal(top.line, 6);
  assert.equal(top.path, "clients[1]");
  assert.match(top.message, /must be one of librdkafka, java, kafkajs, got string "nope"/);
  const [own] = problemsOf(`${BASE}variants:\n  - name: a\n    client: nope\n`);
  assert.equal(own.line, 8);
  assert.equal(own.path, "variants[0].client");
});

Deno.test("clients: listed twice or empty is refused", () => {
  assert.match(problemsOf(`${BASE}clients: [kafkajs, kafkajs]\n${variants}`)[0].message, /twice/);
  assert.match(problemsOf(`${BASE}clients: []\n${variants}`)[0].message, /at least one/);
});

Deno.test("expanded names that collide with a written name are refused", () => {
  const text = `${BASE}clients: [librdkafka, kafkajs]
variants:
  - name: a
  - name: a-kafkajs
    client: java
`;
  assert.match(problemsOf(text)[0].message, /"a-kafkajs" is used twice/);
});

Deno.test("other Kafka-style producer properties pass through with their lines", () => {
  const text = `${BASE}variants:
  - name: a
    producer:
      acks: 1
      partitioner: murmur2_random
      socket.nagle.disable: true
`;
  const [v] = parseScenario(text, "s.yaml").variants;
  assert.deepEqual(v.properties, { partitioner: "murmur2_random", "socket.nagle.disable": "true" });
  assert.deepEqual(v.propertyLines, { acks: 9, partitioner: 10, "socket.nagle.disable": 11 });
});

Deno.test("a real property close to another client's alias still passes through", () => {
  const text =
    `${BASE}variants:\n  - name: a\n    producer:\n      queue.buffering.max.kbytes: 1024\n`;
  const [v] = parseScenario(text, "s.yaml").variants;
  assert.deepEqual(v.properties, { "queue.buffering.max.kbytes": "1024" });
});

Deno.test("typos and other clients' names of modelled properties are still refused", () => {
  const text = `${BASE}variants:\n  - name: a\n    producer:\n      linger: 5\n`;
  assert.match(problemsOf(text)[0].message, /did you mean "linger.ms"/);
  const nested = `${BASE}variants:\n  - name: a\n    producer:\n      partitioner: [a]\n`;
  assert.match(problemsOf(nested)[0].message, /must be a plain value/);
});

Deno.test("client.properties reach only the named client, with their lines", () => {
  const text = `${BASE}clients: [librdkafka, kafkajs]
variants:
  - name: plain
    producer:
      request.timeout.ms: 1000
    client.properties:
      librdkafka:
        socket.timeout.ms: 1000
`;
  const [rdk, js] = parseScenario(text, "s.yaml").variants;
  assert.deepEqual(rdk.properties, { "socket.timeout.ms": "1000" });
  assert.deepEqual(rdk.propertyLines, { "request.timeout.ms": 10, "socket.timeout.ms": 13 });
  assert.deepEqual(js.properties, {});
  const [bad] = problemsOf(text.replace("librdkafka:\n", "librdkafa:\n"));
  assert.equal(bad.line, 12);
  assert.match(bad.message, /unknown client "librdkafa"/);
});

Deno.test("top-level client.properties reach every variant on that client; a variant's own win", () => {
  const text = `${BASE}clients: [librdkafka, kafkajs]
client.properties:
  librdkafka:
    reconnect.backoff.max.ms: 1000
    socket.timeout.ms: 2000
variants:
  - name: plain
  - name: own
    client.properties:
      librdkafka:
        socket.timeout.ms: 500
`;
  const byName = new Map(parseScenario(text, "s.yaml").variants.map((v) => [v.name, v]));
  assert.deepEqual(byName.get("plain-librdkafka")!.properties, {
    "reconnect.backoff.max.ms": "1000",
    "socket.timeout.ms": "2000",
  });
  assert.deepEqual(byName.get("plain-librdkafka")!.propertyLines, {
    "reconnect.backoff.max.ms": 9,
    "socket.timeout.ms": 10,
  });
  assert.deepEqual(byName.get("own-librdkafka")!.properties, {
    "reconnect.backoff.max.ms": "1000",
    "socket.timeout.ms": "500",
  });
  assert.equal(byName.get("own-librdkafka")!.propertyLines["socket.timeout.ms"], 16);
  assert.deepEqual(byName.get("plain-kafkajs")!.properties, {});
  // --client reaches them too.
  const [java] = parseScenario(text.replace("librdkafka:\n    r", "java:\n    r"), "s.yaml", {
    client: "java",
  }).variants;
  assert.equal(java.properties["reconnect.backoff.max.ms"], "1000");
  const [bad] = problemsOf(text.replace("  librdkafka:\n    r", "  rdkafka:\n    r"));
  assert.equal(bad.line, 8);
  assert.match(bad.message, /unknown client "rdkafka"/);
});

Deno.test("client.properties refuse sismo's producer settings, at the top and in a variant, by line", () => {
  const problems = problemsOf(
    `${BASE}client.properties: {librdkafka: {linger.ms: 5, socket.timeout.ms: 900}}
variants:
  - name: plain
    client.properties:
      java: {enable.idempotence: false}
`,
  );
  assert.deepEqual(problems.map((p) => [p.line, p.path]), [
    [6, "client.properties.librdkafka.linger.ms"],
    [10, "variants[0].client.properties.java.enable.idempotence"],
  ]);
  assert.match(problems[0].message, /set it under the variant's producer/);
  // Another client's name for one of them too.
  const alias = problemsOf(`${BASE}client.properties: {librdkafka: {queue.buffering.max.ms: 5}}
variants: [{name: plain}]
`);
  assert.deepEqual(alias.map((p) => [p.line, p.path]), [
    [6, "client.properties.librdkafka.queue.buffering.max.ms"],
  ]);
  assert.match(alias[0].message, /librdkafka's name for linger\.ms.*set linger\.ms under/);
});

Deno.test("a name every object has (constructor) is no other client's alias of a producer setting", () => {
  const [v] = parseScenario(
    `${BASE}variants: [{name: a, client.properties: {librdkafka: {constructor: 1}}}]\n`,
    "s.yaml",
  ).variants;
  assert.deepEqual(v.properties, { constructor: "1" });
  // Under producer it passes through to the client as any other property it may know.
  const [w] = parseScenario(`${BASE}variants: [{name: a, producer: {constructor: 1}}]\n`, "s.yaml")
    .variants;
  assert.deepEqual(w.properties, { constructor: "1" });
});
