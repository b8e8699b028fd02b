/**
 * Ctrl-C in the middle of a fault, on every client: the CLI ends the load,
 * removes the toxic, resumes the paused broker, stops the cluster it started,
 * writes a partial report and exits 130, leaving no process behind (the Java
 * client's child JVM included).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Toxiproxy } from "toxiproxy-node-client";
import { readState } from "../../lib/stack/local.ts";
import { DEFAULT_BASE_PORT } from "../../lib/stack/layout.ts";
import { isRunning, processState } from "../../lib/stack/processes.ts";
import { CLIENT_NAMES } from "../../lib/clients/names.ts";
import { alive, childrenMatching, JAVA_SIDECAR } from "./helpers.ts";

const scenario = (client: string) => `
name: interrupt-me
clients: [${client}]
description: A long run with a toxic and a paused broker, interrupted by the test.
cluster: {brokers: 1}
topic: {partitions: 1, replication.factor: 1}
load: {rate: 100, duration: 120s, message.size: 64}
variants:
  - name: only
    producer: {acks: all, request.timeout.ms: 2000}
faults:
  - {at: 2s, for: 100s, toxic: latency, attributes: {latency: 300}}
  - {at: 4s, for: 100s, broker: pause, target: 1}
`;

/** Stacks with one broker that already run: the CLI would reuse one of them. */
async function runningOneBrokerStack() {
  for (const port of [DEFAULT_BASE_PORT, DEFAULT_BASE_PORT + 1000]) {
    const s = await readState(port);
    if (s && s.brokers === 1 && s.processes.every(isRunning)) return s;
  }
  return null;
}

for (const client of CLIENT_NAMES) {
  Deno.test({
    name: `interrupt: Ctrl-C during faults cleans up and keeps a partial report (${client})`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const dir = await Deno.makeTempDir();
      const file = join(dir, "interrupt-me.yaml");
      await Deno.writeTextFile(file, scenario(client));
      const reused = await runningOneBrokerStack();
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "main.ts", "scenario", file, "--reports", join(dir, "reports")],
        cwd: new URL("../..", import.meta.url).pathname,
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // Wait until the pause is in force, then interrupt.
      const decoder = new TextDecoder();
      let err = "";
      const reader = child.stderr.getReader();
      const deadline = Date.now() + 120_000;
      while (!err.includes("fault f2 started") && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        err += decoder.decode(value);
      }
      assert.ok(err.includes("fault f2 started"), `the pause never started:\n${err}`);
      const state = reused ?? await runningOneBrokerStack();
      try {
        assert.ok(state, "a one-broker stack is recorded");
        const broker = state.processes.find((p) => p.name === "broker-1")!;
        assert.equal(processState(broker.pid), "T", "broker paused before the interrupt");
      } catch (e) {
        // Do not leave the run going (it holds a cluster) when the test fails here.
        child.kill("SIGINT");
        await child.status;
        throw e;
      }
      const broker = state!.processes.find((p) => p.name === "broker-1")!;
      // The Java client runs in a child JVM of the CLI: it must not outlive the run.
      const sidecars = await childrenMatching(child.pid, JAVA_SIDECAR);
      if (client === "java") assert.equal(sidecars.length, 1, "the java client's JVM runs");

      child.kill("SIGINT");
      const drain = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          err += decoder.decode(value);
        }
      })();
      const status = await child.status;
      await drain;
      const out = decoder.decode(await new Response(child.stdout).arrayBuffer());
      assert.equal(status.code, 130, `exit code\n${out}\n${err}`);

      // A partial report, saying it was interrupted, with the faults' real windows.
      const runs = [...Deno.readDirSync(join(dir, "reports", "interrupt-me"))];
      assert.equal(runs.length, 1);
      const report = JSON.parse(
        await Deno.readTextFile(join(dir, "reports", "interrupt-me", runs[0].name, "report.json")),
      );
      assert.equal(report.outcome, "interrupted");
      const faults = report.variants[0].faults;
      assert.ok(
        faults.every((f: { endedAtMs: number | null }) => f.endedAtMs !== null),
        "faults ended",
      );
      assert.ok(report.variants[0].counts.sent > 0);
      assert.equal(report.variants[0].client.name, client);
      for (const pid of sidecars) assert.equal(alive(pid), false, `java child ${pid} still runs`);

      if (reused) {
        // Someone else's stack: left running, toxics gone, broker resumed.
        assert.ok(isRunning(broker) && processState(broker.pid) !== "T", "broker resumed");
        const proxy = await new Toxiproxy(reused.toxiproxyUrl).get("broker-1");
        assert.deepEqual(proxy.toJson().toxics, []);
      } else {
        // The run's own stack: stopped, nothing left.
        for (const p of state!.processes) assert.equal(isRunning(p), false, `${p.name} still runs`);
        assert.equal(await readState(state!.basePort), null);
      }
      await Deno.remove(dir, { recursive: true });
    },
  });
}
