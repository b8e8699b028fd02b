/** When a consumer group has settled, so that the load may start. */
import assert from "node:assert/strict";
import type { MemberLife } from "../../lib/consume/group.ts";
import { groupSettled } from "../../lib/run/consumer_group.ts";

function life(member: number, ...assignments: number[][]): MemberLife {
  return {
    member,
    pid: 100 + member,
    startedAtMs: 0,
    readyAtMs: 10,
    client: null,
    assignments: assignments.map((partitions, i) => ({ atMs: 20 + i, partitions })),
    progress: null,
    logs: [],
    signals: [],
    end: null,
    endedAtMs: null,
  };
}

Deno.test("a group settles once every partition has one member and every member a partition", () => {
  // The first to join took everything; the second has not been given anything yet.
  assert.equal(groupSettled([life(0, [0, 1, 2, 3]), life(1)], 4), false);
  // The eager rebalance under way: everything revoked.
  assert.equal(groupSettled([life(0, [0, 1, 2, 3], []), life(1)], 4), false);
  // A member told of its share before the other gave it up: partition 2 held twice.
  assert.equal(groupSettled([life(0, [0, 1, 2, 3]), life(1, [2, 3])], 4), false);
  assert.equal(groupSettled([life(0, [0, 1, 2, 3], [0, 1]), life(1, [2, 3])], 4), true);
  // More members than partitions: some stay idle, and that is settled.
  assert.equal(groupSettled([life(0, [0]), life(1, [1]), life(2)], 2), true);
  assert.equal(groupSettled([life(0, [0]), life(1), life(2)], 2), false);
  // A member that ended no longer holds anything.
  const gone = { ...life(1, [2, 3]), endedAtMs: 50 };
  assert.equal(groupSettled([life(0, [0, 1]), gone], 4), false);
});
