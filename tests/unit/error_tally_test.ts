import assert from "node:assert/strict";
import { ErrorTally, NO_ERROR } from "../../lib/verify/error_tally.ts";
import { Ledger } from "../../lib/verify/ledger.ts";
import { CompactLedger } from "../../lib/verify/compact_ledger.ts";

Deno.test("error tally: 254 texts apart, the rest together, each index fits a byte", () => {
  const tally = new ErrorTally();
  const indices = new Set<number>();
  for (let i = 0; i < 300; i++) indices.add(tally.add(`error ${i}`));
  tally.add("error 7");
  assert.ok([...indices].every((i) => i > NO_ERROR && i <= 255));
  assert.equal(indices.size, 255); // 254 texts and the shared one
  const list = tally.list();
  assert.equal(list.length, 255);
  assert.deepEqual(list[0], { message: "(other errors: too many distinct messages)", count: 46 });
  assert.deepEqual(list[1], { message: "error 7", count: 2 });
  assert.deepEqual(list[2], { message: "error 0", count: 1 }, "ties keep first occurrence");
  assert.equal(tally.text(tally.add("error 299")), "(other errors: too many distinct messages)");
  assert.equal(tally.text(NO_ERROR), null);
});

Deno.test("error tally: both ledgers count errors alike, repeated failures included", () => {
  const full = new Ledger(400);
  const compact = new CompactLedger(400);
  for (const ledger of [full, compact]) {
    for (let seq = 0; seq < 400; seq++) {
      ledger.markSent(seq);
      ledger.markFailed(seq, `error ${seq % 260}`);
    }
    ledger.markFailed(3, "error 3"); // a second answer: counted, not a second failure
  }
  assert.deepEqual(compact.errors(), full.errors());
  assert.equal(full.errors().find((e) => e.message === "error 3")?.count, 3);
  assert.equal(full.errorOf(259), "(other errors: too many distinct messages)");
});
