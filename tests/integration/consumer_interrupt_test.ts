/**
 * Ctrl-C while a consumer group member is frozen (SIGSTOP): the CLI ends the load, thaws and
 * stops every member, writes a partial report and exits 130; no member process is left.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { processState } from "../../lib/stack/processes.ts";
import { alive, childrenMatching, waitUntil } from "./helpers.ts";

const MEMBER = /main\.ts member(\s|$)/;

const SCENARIO = `
name: interrupt-group
description: A consumer group with a frozen member, interrupted by the test.
cluster: {brokers: 1}
topic: {partitions: 2, replication.factor: 1}
load: {rate: 50, duration: 120s, message.size: 64}
variants:
  - name: only
    client: librdkafka
    consumer:
      members: 2
      processing: {time: 5ms}
      properties: {session.timeout.ms: 6000, heartbeat.interval.ms: 1000}
faults:
  - {at: 3s, for: 100s, member: pause, target: 0}
`;

Deno.test({
  name: "interrupt: Ctrl-C with a frozen consumer group member leaves no member process",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const file = join(dir, "interrupt-group.yaml");
    await Deno.writeTextFile(file, SCENARIO);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "main.ts", "scenario", file, "--reports", join(dir, "reports")],
      cwd: new URL("../..", import.meta.url).pathname,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const decoder = new TextDecoder();
    let err = "";
    const reader = child.stderr.getReader();
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        err += decoder.decode(value);
      }
    })();
    let members: number[] = [];
    try {
      await waitUntil("the member's pause", 120_000, () => err.includes("fault f1 started"));
      members = await childrenMatching(child.pid, MEMBER);
      assert.equal(members.length, 2, `two member processes:\n${err}`);
      assert.ok(
        members.some((pid) => processState(pid) === "T"),
        "one member frozen before the interrupt",
      );
    } finally {
      child.kill("SIGINT");
    }
    const status = await child.status;
    await reading;
    const out = decoder.decode(await new Response(child.stdout).arrayBuffer());
    assert.equal(status.code, 130, `exit code\n${out}\n${err}`);
    for (const pid of members) assert.equal(alive(pid), false, `member ${pid} still runs`);

    const runs = [...Deno.readDirSync(join(dir, "reports", "interrupt-group"))];
    assert.equal(runs.length, 1);
    const report = JSON.parse(
      await Deno.readTextFile(join(dir, "reports", "interrupt-group", runs[0].name, "report.json")),
    );
    assert.equal(report.outcome, "interrupted");
    const [fault] = report.variants[0].faults;
    assert.equal(fault.kind, "member");
    assert.notEqual(
      fault.endedAtMs,
      null,
      "the pause was healed (SIGCONT) before the members left",
    );
    await Deno.remove(dir, { recursive: true });
  },
});
