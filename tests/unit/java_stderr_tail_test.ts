import assert from "node:assert/strict";
import { StderrTail } from "../../lib/clients/java/stderr_tail.ts";

Deno.test("java stderr tail: INFO entries and their dump stay out; warnings, errors and a JVM's exception stay in", () => {
  const tail = new StderrTail(40);
  const lines = [
    "INFO ProducerConfig values: ",
    "\tacks = -1",
    "\tbatch.size = 16384",
    "",
    "WARN [Producer clientId=p] Connection to node 1 could not be established.",
    "INFO [Producer clientId=p] Node 1 disconnected.",
    'Exception in thread "main" java.lang.IllegalStateException: closed',
    "\tat Sidecar.main(Sidecar.java:42)",
    "ERROR [Producer clientId=p] Uncaught error in kafka producer I/O thread:",
    "\tat org.apache.kafka.clients.producer.internals.Sender.run(Sender.java:1)",
  ];
  for (const line of lines) tail.push(line);
  assert.deepEqual(tail.text().split("\n"), [lines[4], lines[6], lines[7], lines[8], lines[9]]);
});

Deno.test("java stderr tail: the last lines only, and the end of their text", () => {
  const tail = new StderrTail(3);
  for (let i = 0; i < 10; i++) tail.push(`WARN line ${i}`);
  assert.equal(tail.text(), "WARN line 7\nWARN line 8\nWARN line 9");
  assert.equal(tail.text(6), "line 9");
});
