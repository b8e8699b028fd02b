/** Which partition of __consumer_offsets holds a group: Kafka's hash, checked against Java's. */
import assert from "node:assert/strict";
import { groupPartition } from "../../lib/stack/admin.ts";

Deno.test("a group's partition is Utils.abs(groupId.hashCode()) % partitions, as Java computes it", () => {
  // Expected values printed by Java 17 (String.hashCode, Kafka's Utils.abs).
  assert.equal(groupPartition("hello", 50), 22); // hashCode 99162322
  assert.equal(groupPartition("hello", 3), 1);
  // hashCode -1169476785: a negative hash is made positive.
  assert.equal(groupPartition("sismo.consumer-coordinator-crash.eager.1f90d851.group", 50), 35);
  // hashCode Integer.MIN_VALUE, which Utils.abs maps to 0.
  assert.equal(groupPartition("polygenelubricants", 50), 0);
  // UTF-16 code units, a surrogate pair included: hashCode 942758853.
  assert.equal(groupPartition("héllo-ünïcode-😀", 50), 3);
});
