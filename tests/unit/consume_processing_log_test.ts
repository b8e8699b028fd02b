/**
 * A member's processing log: what a member appended is read back, and what a member killed by
 * SIGKILL had appended is all there (each record one write that returned).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  ProcessingLogWriter,
  readProcessingLog,
  RECORD_BYTES,
} from "../../lib/consume/processing_log.ts";

Deno.test("processing log: records read back as written; a torn tail is counted, not read", async () => {
  const path = await Deno.makeTempFile();
  try {
    const log = ProcessingLogWriter.open(path, 3);
    log.append(1, 2 ** 40, "processed", 1_700_000_000_123.5);
    log.append(5, 0, "dead-lettered", 1);
    log.close();
    await Deno.writeFile(path, new Uint8Array(7), { append: true });
    const { entries, tornBytes } = await readProcessingLog(path);
    assert.deepEqual(entries, [
      { member: 3, partition: 1, offset: 2 ** 40, outcome: "processed", atMs: 1_700_000_000_123.5 },
      { member: 3, partition: 5, offset: 0, outcome: "dead-lettered", atMs: 1 },
    ]);
    assert.equal(tornBytes, 7);
    assert.throws(() => ProcessingLogWriter.open(path, 70_000), /member 70000 out of range/);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("processing log: a member killed by SIGKILL loses nothing it had recorded", async () => {
  const path = await Deno.makeTempFile();
  const writer = fileURLToPath(new URL("../../lib/consume/processing_log.ts", import.meta.url));
  // A child appends as fast as it can and says how many it has appended; it is killed mid-way.
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { ProcessingLogWriter } from "${writer}";
       const log = ProcessingLogWriter.open("${path}", 1);
       for (let o = 0; ; o++) {
         log.append(0, o, "processed", Date.now());
         if (o % 1000 === 999) console.log(o + 1);
       }`,
    ],
    stdout: "piped",
  }).spawn();
  let said = 0;
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  while (said < 20_000) {
    const { value } = await reader.read();
    const lines = decoder.decode(value).trim().split("\n");
    said = Number(lines[lines.length - 1]);
  }
  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stdout.cancel();
  try {
    const { entries, tornBytes } = await readProcessingLog(path);
    assert.equal(tornBytes, 0, "every write was whole");
    assert.ok(entries.length >= said, `${entries.length} records, ${said} said appended`);
    assert.ok(entries.every((e, i) => e.offset === i), "in order, none missing");
    assert.equal((await Deno.stat(path)).size, entries.length * RECORD_BYTES);
  } finally {
    await Deno.remove(path);
  }
});
