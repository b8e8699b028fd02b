import assert from "node:assert/strict";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { parseDuration } from "../../lib/scenario/duration.ts";
import { METRIC_ALIASES, METRICS } from "../../lib/scenario/expectation.ts";
import {
  ACKS_VALUES,
  BROKER_OPS,
  COMPRESSION_TYPES,
  SECTION_KEYS,
  SEND_MODES,
  STREAMS,
  TOXIC_ATTRIBUTES,
  TOXIC_TYPES,
} from "../../lib/scenario/keys.ts";
import { parseScenario } from "../../lib/scenario/load.ts";
import { modelledSettingOf, PRODUCER_DEFAULTS } from "../../lib/scenario/producer.ts";
import { PRODUCER_ALIASES } from "../../lib/scenario/suggest.ts";

const SCHEMA_FILE = "lib/scenario/scenario.schema.json";
const GOOD = "tests/fixtures/scenarios/good";

// deno-lint-ignore no-explicit-any
type Json = any;
const schema: Json = JSON.parse(await Deno.readTextFile(SCHEMA_FILE));
const definitions: Record<string, Json> = schema.definitions;
const validate = new Ajv({
  allErrors: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
}).compile(schema);

function errorsOf(document: unknown): string[] {
  return validate(document)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

async function goodFiles(): Promise<string[]> {
  const files = [];
  for await (const entry of Deno.readDir(GOOD)) files.push(`${GOOD}/${entry.name}`);
  assert.ok(files.length >= 3, "good fixtures found");
  return files.sort();
}

Deno.test("every good fixture validates against the schema and parses", async () => {
  for (const file of await goodFiles()) {
    const text = await Deno.readTextFile(file);
    assert.deepEqual(errorsOf(parse(text)), [], file);
    parseScenario(text, file);
  }
});

Deno.test("good fixtures point editors at the schema", async () => {
  for (const file of await goodFiles()) {
    const first = (await Deno.readTextFile(file)).split("\n")[0];
    assert.equal(
      first,
      "# yaml-language-server: $schema=../../../../lib/scenario/scenario.schema.json",
    );
    const target = new URL(first.split("$schema=")[1], new URL(file, `file://${Deno.cwd()}/`));
    assert.ok((await Deno.stat(target)).isFile, file);
  }
});

Deno.test("schema property lists match the validator's known keys", () => {
  for (const [section, keys] of Object.entries(SECTION_KEYS)) {
    const definition = definitions[section];
    assert.ok(definition, `definitions.${section} exists`);
    assert.deepEqual(Object.keys(definition.properties), [...keys], section);
    // producer: other Kafka-style names pass through to the client (see unknown_key.ts).
    if (section === "producer") assert.ok(definition.additionalProperties, section);
    else assert.equal(definition.additionalProperties, false, section);
  }
});

Deno.test("schema toxic attributes match the validator's", () => {
  const fault = definitions.fault;
  assert.deepEqual(fault.properties.toxic.enum, TOXIC_TYPES);
  for (const [type, attributes] of Object.entries(TOXIC_ATTRIBUTES)) {
    const definition = definitions[`attributes.${type}`];
    assert.deepEqual(Object.keys(definition.properties), Object.keys(attributes), type);
    const required = Object.keys(attributes).filter((name) =>
      attributes[name].default === undefined
    );
    assert.deepEqual(definition.required ?? [], required, type);
    for (const [name, attribute] of Object.entries(attributes)) {
      assert.equal(definition.properties[name].minimum, attribute.min, `${type}.${name}`);
      assert.equal(definition.properties[name].default, attribute.default, `${type}.${name}`);
    }
    const rule = fault.allOf.find((r: Json) => r.if.properties?.toxic?.const === type);
    assert.equal(rule.then.properties.attributes.$ref, `#/definitions/attributes.${type}`);
    assert.deepEqual(rule.then.required ?? [], required.length > 0 ? ["attributes"] : [], type);
  }
});

Deno.test("schema enumerations and defaults match the validator's", () => {
  const producer = definitions.producer.properties;
  assert.deepEqual(
    producer.acks.enum.map(String).sort(),
    Object.keys(ACKS_VALUES).flatMap((v) => v === "all" ? [v] : [v, v]).sort(),
  );
  assert.deepEqual(producer["compression.type"].enum, COMPRESSION_TYPES);
  for (const [key, value] of Object.entries(PRODUCER_DEFAULTS)) {
    assert.equal(producer[key].default, value, key);
  }
  assert.deepEqual(definitions.fault.properties.broker.enum, BROKER_OPS);
  assert.deepEqual(definitions.fault.properties.stream.enum, STREAMS);
  assert.deepEqual(definitions.sendMap.properties.mode.enum, SEND_MODES);
  assert.deepEqual(definitions.send.oneOf[0].enum, SEND_MODES);
});

Deno.test("schema: both client.properties refuse the producer settings and their aliases, as the validator does", () => {
  // What modelledSettingOf (the validator's test) reads: the producer section and the aliases.
  const refused = [...SECTION_KEYS.producer, ...Object.keys(PRODUCER_ALIASES)].sort();
  const names: string[] = definitions.clientProperties.additionalProperties.propertyNames.not.enum;
  assert.deepEqual([...names].sort(), refused);
  assert.deepEqual(names.filter((name) => modelledSettingOf(name) === null), []);
  for (const owner of [definitions.scenario, definitions.variant]) {
    assert.deepEqual(owner.properties["client.properties"].allOf, [
      { $ref: "#/definitions/clientProperties" },
    ]);
  }
});

Deno.test("schema expectation pattern accepts every metric and alias, and nothing else", () => {
  const pattern = new RegExp(definitions.expectation.pattern);
  for (const metric of [...Object.keys(METRICS), ...Object.keys(METRIC_ALIASES)]) {
    assert.match(`${metric} == 0`, pattern, metric);
  }
  for (const text of ["lots == 0", "p95 < 1s", "lost", "lost = 0", "p99.999 < 1s"]) {
    assert.doesNotMatch(text, pattern, text);
  }
});

Deno.test("schema duration pattern agrees with parseDuration", () => {
  const pattern = new RegExp(definitions.duration.anyOf[1].pattern);
  for (const text of ["500ms", "15s", "2m", "1h", "1m30s", "1.5s", ".5s", "250", "1m 30s"]) {
    parseDuration(text);
    assert.match(text, pattern, text);
  }
  for (const text of ["", "soon", "10 sec", "-5s", "1.s", "5x", "ms"]) {
    assert.throws(() => parseDuration(text), RangeError, text);
    assert.doesNotMatch(text, pattern, text);
  }
});

Deno.test("schema rejects what the validator rejects by shape", () => {
  const base = {
    name: "t",
    description: "d",
    load: { rate: 100, duration: "10s" },
    variants: [{ name: "a" }],
  };
  assert.deepEqual(errorsOf(base), []);
  assert.deepEqual(
    errorsOf({
      ...base,
      description: { en: "d", fr: "d" },
      variants: [{ name: "a", description: { fr: "d" } }],
    }),
    [],
  );
  const bad: [string, unknown][] = [
    ["description in no language", { ...base, description: {} }],
    ["description in German", { ...base, description: { de: "d" } }],
    ["blank description", { ...base, description: { en: " " } }],
    ["description a list", { ...base, variants: [{ name: "a", description: ["d"] }] }],
    ["non-Kafka producer key", {
      ...base,
      variants: [{ name: "a", producer: { MaxInFlight: 5 } }],
    }],
    ["acks yes", { ...base, variants: [{ name: "a", producer: { acks: "yes" } }] }],
    ["partitions string", { ...base, topic: { partitions: "3" } }],
    ["brokers 2", { ...base, cluster: { brokers: 2 } }],
    ["keys 0", { ...base, load: { ...base.load, keys: 0 } }],
    ["no variants", { ...base, variants: [] }],
    ["bad name", { ...base, name: "Bad_Name" }],
    ["bad duration", { ...base, load: { rate: 1, duration: "soon" } }],
    ["unknown metric", { ...base, expect: ["lots == 0"] }],
    ["two actions", { ...base, faults: [{ at: "1s", broker: "kill", proxy: "down" }] }],
    ["no action", { ...base, faults: [{ at: "1s" }] }],
    ["missing attribute", { ...base, faults: [{ at: "1s", toxic: "latency" }] }],
    ["unknown attribute", {
      ...base,
      faults: [{ at: "1s", toxic: "latency", attributes: { latency: 1, jiter: 1 } }],
    }],
    ["stream on broker fault", {
      ...base,
      faults: [{ at: "1s", broker: "kill", stream: "upstream" }],
    }],
    ["two partition targets", {
      ...base,
      faults: [{ at: "1s", broker: "kill", target: { "leader-of": 0, "followers-of": 0 } }],
    }],
    ["min.insync.replicas in configs", {
      ...base,
      topic: { configs: { "min.insync.replicas": 1 } },
    }],
    ["a producer setting in top-level client.properties", {
      ...base,
      "client.properties": { librdkafka: { "linger.ms": 5 } },
    }],
    ["a producer setting in a variant's client.properties", {
      ...base,
      variants: [{ name: "a", "client.properties": { java: { acks: "1" } } }],
    }],
    ["rate map with both", {
      ...base,
      load: { rate: { ramp: { from: 1, to: 2 }, steps: [] }, duration: 1 },
    }],
  ];
  for (const [what, document] of bad) assert.notDeepEqual(errorsOf(document), [], what);
});

Deno.test("every shipped scenario in scenarios/ parses and validates against the schema", async () => {
  for await (const entry of Deno.readDir("scenarios")) {
    if (!entry.name.endsWith(".yaml")) continue;
    const file = `scenarios/${entry.name}`;
    const text = await Deno.readTextFile(file);
    assert.deepEqual(errorsOf(parse(text)), [], file);
    assert.equal(parseScenario(text, file).name, entry.name.replace(/\.yaml$/, ""), file);
  }
});

Deno.test("the complete example of docs/scenario-format.md is valid", async () => {
  const doc = await Deno.readTextFile("docs/scenario-format.md");
  const section = doc.slice(doc.indexOf("## A complete example"));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example, "example found");
  assert.deepEqual(errorsOf(parse(example)), []);
  const plan = parseScenario(example, "example.yaml");
  // plain names its own client; idempotent runs once per client of `clients:`.
  assert.deepEqual(plan.variants.map((v) => [v.name, v.client]), [
    ["plain", "kafkajs"],
    ["idempotent-librdkafka", "librdkafka"],
    ["idempotent-kafkajs", "kafkajs"],
  ]);
  assert.deepEqual(plan.faults.map((f) => f.label), [
    "latency 3000ms downstream on all",
    "kill leader of partition 0",
  ]);
});
