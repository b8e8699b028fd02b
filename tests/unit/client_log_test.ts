import * as assert from "node:assert/strict";
import { join } from "node:path";
import { ClientLogFile } from "../../lib/run/client_log.ts";
import { syslogLevel } from "../../lib/clients/librdkafka/driver.ts";

const AT = Date.UTC(2026, 10, 24, 3, 0, 0, 250);

Deno.test("client log: one timed line per entry, sismo's notes marked, nothing after close", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "client-logs", "plain.log"); // the folder is created
    const log = ClientLogFile.open(path, "variant plain on librdkafka");
    log.note("the load starts: 0 s on the report's timeline", AT);
    log.write("debug", "BROKER: 127.0.0.1:29092/1: Connected", AT + 1);
    log.write("warn", "first line\nsecond line", AT + 2); // one entry stays one line
    log.write("debug", "CONF: sasl.password=hunter2", AT + 3); // masked as in the reports
    // Not yet on disk (batched), all there once closed.
    log.close();
    log.write("error", "after the close", AT + 4);
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assert.match(lines[0], /^# \S+ client log of variant plain on librdkafka$/);
    assert.deepEqual(lines.slice(1), [
      "# 2026-11-24T03:00:00.250Z the load starts: 0 s on the report's timeline",
      "2026-11-24T03:00:00.251Z debug BROKER: 127.0.0.1:29092/1: Connected",
      "2026-11-24T03:00:00.252Z warn  first line ⏎ second line",
      "2026-11-24T03:00:00.253Z debug CONF: sasl.password=***",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("client log: a full batch is written at once, the rest within a tenth of a second", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "c.log");
  const log = ClientLogFile.open(path, "t");
  try {
    const count = () => Deno.readTextFileSync(path).split("\n").length - 1;
    for (let i = 0; i < 256; i++) log.write("info", `line ${i}`, AT);
    assert.equal(count(), 257, "header and a whole batch written");
    log.write("info", "one more", AT);
    assert.equal(count(), 257, "a lone line waits");
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(count(), 258, "then is written by the timer");
  } finally {
    log.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("librdkafka's syslog levels map onto sismo's", () => {
  assert.deepEqual(
    [0, 3, 4, 5, 6, 7].map(syslogLevel),
    ["error", "error", "warn", "info", "info", "debug"],
  );
});

Deno.test("client log: the run's known secrets are masked too, wherever a line quotes them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "c.log");
    const log = ClientLogFile.open(path, "t", {
      mask: (text) => text.replaceAll("s3cr3t-pw", "***"),
    });
    log.write("debug", "SASL: authenticating as alice with s3cr3t-pw over PLAIN", AT);
    log.close();
    const text = await Deno.readTextFile(path);
    assert.ok(!text.includes("s3cr3t-pw"), text);
    assert.match(text, /authenticating as alice with \*\*\* over PLAIN/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("client log: a write that fails (a full disk) is said once and ends the file, the run goes on", () => {
  const errors: string[] = [];
  // Linux's /dev/full fails every write with ENOSPC.
  const log = ClientLogFile.open("/dev/full", "t", { onError: (m) => errors.push(m) });
  log.write("info", "a line", AT);
  log.note("a note", AT);
  log.close();
  assert.equal(errors.length, 1, errors.join("\n"));
  assert.match(errors[0], /^cannot write \/dev\/full: /);
});
