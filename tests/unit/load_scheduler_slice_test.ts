/** The generator thread's short scheduler slice: this thread only, never inherited. */
import assert from "node:assert/strict";
import { requestShortSlice } from "../../lib/load/scheduler_slice.ts";

/** `se.slice` (ns) of a task, from the scheduler's debug file; null where the kernel has none. */
function sliceOf(path: string): number | null {
  try {
    const line = Deno.readTextFileSync(path).split("\n").find((l) => l.startsWith("se.slice"));
    return line === undefined ? null : Number(line.split(":")[1]);
  } catch {
    return null;
  }
}

// The thread running this test (under `deno test` not the process's first thread).
const self = "/proc/thread-self/sched";
const canSee = Deno.build.os === "linux" && sliceOf(self) !== null;

Deno.test({
  name:
    "scheduler slice: the calling thread gets 0.1 ms, a child process keeps the default, release restores it",
  ignore: !canSee,
  async fn() {
    const before = sliceOf(self)!;
    const slice = requestShortSlice(100);
    try {
      assert.ok(slice.applied, slice.reason);
      assert.equal(sliceOf(self), 100_000);
      const child = new Deno.Command("sleep", { args: ["1"] }).spawn();
      try {
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(sliceOf(`/proc/${child.pid}/sched`), before, "the child inherited the slice");
      } finally {
        child.kill();
        await child.status;
      }
    } finally {
      slice.release();
      slice.release(); // twice is harmless
    }
    assert.equal(sliceOf(self), before);
  },
});

Deno.test({
  name: "scheduler slice: two loads on one thread share it until the last one ends",
  ignore: !canSee,
  fn() {
    const before = sliceOf(self)!;
    const first = requestShortSlice(100);
    const second = requestShortSlice(100);
    try {
      first.release();
      assert.equal(sliceOf(self), 100_000, "the second load still holds it");
    } finally {
      second.release();
    }
    assert.equal(sliceOf(self), before);
  },
});
