import assert from "node:assert/strict";
import { librdkafkaProperties } from "../../lib/clients/librdkafka/driver.ts";
import { parseScenario } from "../../lib/scenario/load.ts";

Deno.test("librdkafka log level: warnings by default, info with --client-log, the scenario's own wins", () => {
  const { producer } = parseScenario(
    "name: t\ndescription: d\nload: {rate: 10, duration: 1s}\nvariants: [{name: v}]\n",
    "t.yaml",
  ).variants[0];
  assert.equal(librdkafkaProperties(producer, {})["log_level"], "4");
  assert.equal(librdkafkaProperties(producer, {}, true)["log_level"], "6");
  assert.equal(librdkafkaProperties(producer, { log_level: "7" }, true)["log_level"], "7");
});
