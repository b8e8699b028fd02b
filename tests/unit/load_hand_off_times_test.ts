/** Hand-off times: one per outstanding event, none lost when a slot comes round again. */
import assert from "node:assert/strict";
import { HandOffTimes } from "../../lib/load/hand_off_times.ts";

Deno.test("hand-off times: each event's time is taken once", () => {
  const times = new HandOffTimes(8);
  for (let seq = 0; seq < 5; seq++) times.set(seq, seq * 10 + 0.5);
  assert.equal(times.take(3), 30.5);
  assert.equal(times.take(3), undefined);
  assert.equal(times.take(99), undefined, "never set");
  assert.equal(times.size, 4);
});

Deno.test("hand-off times: events outstanding past a whole ring of newer ones keep their times", () => {
  // Ring of 4: events 0-99 handed over, only every tenth answered at once; the others stay
  // outstanding while their slots are reused (an outage), then all are answered.
  const times = new HandOffTimes(4);
  const expected = new Map<number, number>();
  for (let seq = 0; seq < 100; seq++) {
    times.set(seq, 1000 + seq);
    expected.set(seq, 1000 + seq);
    if (seq % 10 === 0) {
      assert.equal(times.take(seq), 1000 + seq);
      expected.delete(seq);
    }
  }
  assert.equal(times.size, expected.size);
  // Answered out of order, newest first.
  for (const seq of [...expected.keys()].reverse()) {
    assert.equal(times.take(seq), expected.get(seq), `seq ${seq}`);
  }
  assert.equal(times.size, 0);
});

Deno.test("hand-off times: a sequence handed over twice keeps the later time", () => {
  const times = new HandOffTimes(4);
  times.set(2, 1);
  times.set(2, 5);
  assert.equal(times.take(2), 5);
  assert.equal(times.take(2), undefined);
});
