/**
 * `deno task test` interrupted (Ctrl-C) while a test holds a local stack: Deno's test runner
 * exits without any teardown, and the stack is detached; `tests/run.ts` stops it, so nothing
 * of the run is left and the stack's state is gone.
 */
import assert from "node:assert/strict";
import { readState } from "../../lib/stack/local.ts";
import { processStartTime } from "../../lib/stack/processes.ts";

/** Running (a zombie is not). */
const running = (pid: number) => processStartTime(pid) !== null;

const BASE_PORT = 30500;
const ROOT = new URL("../..", import.meta.url).pathname;

Deno.test({
  name: "deno task test: Ctrl-C while a test holds a local stack stops the stack, exits 130",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    assert.equal(await readState(BASE_PORT), null, `a stack is already on base port ${BASE_PORT}`);
    // Its own process group, as a terminal's foreground job: the Ctrl-C goes to the group.
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "tests/run.ts", "tests/fixtures/interrupted/stack_then_wait.ts"],
      cwd: ROOT,
      env: { SISMO_FIXTURE_BASE_PORT: String(BASE_PORT) },
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
    const stderr = new Response(child.stderr).text();
    let pids: number[] = [];
    let out = "";
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const deadline = Date.now() + 120_000;
    try {
      while (pids.length === 0) {
        assert.ok(Date.now() < deadline, `the stack never came up:\n${out}`);
        const { value, done } = await reader.read();
        if (done) assert.fail(`the test ended before its stack came up:\n${out}`);
        out += value;
        const m = out.match(/STACK (\[[\d,]+\])/);
        if (m) pids = JSON.parse(m[1]);
      }
      assert.ok(pids.every(running), "the stack runs");
      await new Deno.Command("kill", { args: ["-INT", "--", `-${child.pid}`] }).output();
    } finally {
      reader.releaseLock();
    }
    await child.stdout.cancel().catch(() => {});
    const status = await child.status;
    const err = await stderr;
    assert.equal(status.code, 130, err);
    assert.match(err, /interrupted; stopped what the run left: the local stack on base port 30500/);
    assert.deepEqual(pids.filter(running), [], "no process of the stack left");
    assert.equal(await readState(BASE_PORT), null, "the stack's state removed");
  },
});
