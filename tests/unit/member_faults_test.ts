/** Member faults on the load's clock: applied at their time, always healed, windows recorded. */
import assert from "node:assert/strict";
import { type MemberControl, MemberFaults } from "../../lib/faults/member_faults.ts";
import type { FaultPlan } from "../../lib/scenario/types.ts";

function fault(
  id: string,
  op: "kill" | "pause" | "leave" | "join",
  index: number,
  atMs: number,
  forMs: number | null,
): FaultPlan {
  return {
    id,
    label: `${op} consumer group member ${index}`,
    atMs,
    forMs,
    target: op === "join" ? { kind: "new-member" } : { kind: "member", index },
    action: { kind: "member", op },
    source: { line: 1, path: "faults" },
  };
}

/** A control that records what it was asked, in order. */
function recorder(failOn?: string) {
  const calls: string[] = [];
  let next = 3; // a group of three: the first to join is member 3
  const control: MemberControl = {
    kill: (m) => (calls.push(`kill ${m}`), Promise.resolve()),
    pause: (m) => void calls.push(`pause ${m}`),
    resume: (m) => void calls.push(`resume ${m}`),
    stop: (m) => (calls.push(`stop ${m}`), Promise.resolve()),
    restart: (m) => {
      calls.push(`restart ${m}`);
      return failOn === "restart"
        ? Promise.reject(new Error("no subscription"))
        : Promise.resolve();
    },
    join: () => {
      calls.push(`join ${next}`);
      return Promise.resolve(next++);
    },
  };
  return { calls, control };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("member faults: each applied at its time and healed after its window or at the end", async () => {
  const { calls, control } = recorder();
  const faults = new MemberFaults(
    [
      fault("f1", "kill", 0, 20, 40),
      fault("f2", "pause", 1, 30, null),
      // A broker fault in the same timeline is not the group's business.
      { ...fault("f3", "kill", 0, 10, null), action: { kind: "broker", op: "kill" } },
    ],
    control,
    Date.now(),
  );
  await wait(45);
  assert.deepEqual(calls, ["kill 0", "pause 1"]);
  assert.deepEqual(faults.activeLabels(), [
    "kill consumer group member 0",
    "pause consumer group member 1",
  ]);
  await wait(40);
  assert.deepEqual(calls, ["kill 0", "pause 1", "restart 0"]);
  const windows = await faults.stop();
  assert.deepEqual(calls, ["kill 0", "pause 1", "restart 0", "resume 1"]);
  assert.deepEqual(
    windows.map((w) => [w.id, w.kind, w.startedAtMs !== null, w.endedAtMs !== null]),
    [
      ["f1", "member", true, true],
      ["f2", "member", true, true],
    ],
  );
  assert.ok(windows[0].startedAtMs! >= 20 && windows[0].endedAtMs! >= 60);
});

Deno.test("member faults: a fault not yet due never starts after the end; a failed heal is named", async () => {
  const { calls, control } = recorder("restart");
  const faults = new MemberFaults(
    [fault("f1", "leave", 0, 5, null), fault("f2", "kill", 1, 10_000, null)],
    control,
    Date.now(),
  );
  await wait(30);
  const windows = await faults.stop();
  await wait(20);
  assert.deepEqual(calls, ["stop 0", "restart 0"]);
  assert.equal(windows[1].startedAtMs, null);
  assert.deepEqual(windows[0].problems, [{ stage: "heal", reason: "no subscription" }]);
  assert.match(windows[0].error!, /was not healed: no subscription/);
  // Reported as the variant's finding, worded as the broker faults' are.
  assert.deepEqual(faults.errors(), [
    "fault f1 (leave consumer group member 0) was not healed: no subscription",
  ]);
});

Deno.test("member faults: a member that joins is the group's next, and leaves after its window or at the end", async () => {
  const { calls, control } = recorder();
  const faults = new MemberFaults(
    [fault("f1", "join", 0, 0, 10), fault("f2", "join", 0, 0, null)],
    control,
    Date.now(),
  );
  const until = async (n: number) => {
    for (let i = 0; i < 200 && calls.length < n; i++) await wait(5);
  };
  await until(3);
  assert.deepEqual(calls.toSorted(), ["join 3", "join 4", "stop 3"]);
  const windows = await faults.stop();
  assert.deepEqual(calls.slice(3), ["stop 4"]);
  assert.ok(windows.every((w) => w.startedAtMs !== null && w.endedAtMs !== null));
});
