import assert from "node:assert/strict";
import { createSchedule } from "../../lib/load/schedule.ts";
import type { RateSchedule } from "../../lib/scenario/types.ts";

Deno.test("schedule: constant rate spaces events evenly", () => {
  const s = createSchedule({ kind: "constant", perSecond: 1000 }, 10_000);
  assert.equal(s.total, 10_000);
  assert.equal(s.timeOf(0), 0);
  assert.ok(Math.abs(s.timeOf(1) - 1) < 1e-9);
  assert.ok(Math.abs(s.timeOf(9999) - 9999) < 1e-6);
  assert.equal(s.rateAt(5000), 1000);
});

Deno.test("schedule: a fractional rate rounds the count up only past whole events", () => {
  const s = createSchedule({ kind: "constant", perSecond: 3 }, 1000);
  assert.equal(s.total, 3);
  assert.ok(Math.abs(s.timeOf(2) - 666.666) < 0.01);
  assert.equal(createSchedule({ kind: "constant", perSecond: 2.5 }, 1000).total, 3);
});

Deno.test("schedule: times are strictly increasing and inside the load", () => {
  const rates: RateSchedule[] = [
    { kind: "constant", perSecond: 777 },
    { kind: "ramp", from: 100, to: 2000 },
    { kind: "ramp", from: 2000, to: 100 },
    { kind: "steps", steps: [{ perSecond: 100, forMs: 2000 }, { perSecond: 1000, forMs: 1000 }] },
  ];
  for (const rate of rates) {
    const s = createSchedule(rate, 5000);
    let prev = -1;
    for (let i = 0; i < s.total; i++) {
      const t = s.timeOf(i);
      assert.ok(t > prev, `${rate.kind}: event ${i} at ${t} after ${prev}`);
      assert.ok(t < 5000, `${rate.kind}: event ${i} at ${t} beyond the load`);
      prev = t;
    }
  }
});

Deno.test("schedule: a ramp's count is the area under its rate", () => {
  // 100/s → 1100/s over 10 s: mean 600/s, 6000 events; half of them after 6.3 s or so.
  const s = createSchedule({ kind: "ramp", from: 100, to: 1100 }, 10_000);
  assert.equal(s.total, 6000);
  // Events in the first second: ∫0..1 (100 + 100 t) dt = 150.
  let first = 0;
  while (s.timeOf(first) < 1000) first++;
  assert.equal(first, 150);
  assert.equal(s.rateAt(5000), 600);
});

Deno.test("schedule: steps follow each other, the last one holds to the end", () => {
  const s = createSchedule({
    kind: "steps",
    steps: [{ perSecond: 10, forMs: 1000 }, { perSecond: 100, forMs: 1000 }],
  }, 4000);
  // 10 in the first second, then 100/s for three seconds (the last step holds).
  assert.equal(s.total, 310);
  assert.ok(s.timeOf(9) < 1000);
  assert.ok(s.timeOf(10) >= 1000 && s.timeOf(10) < 1001);
  assert.ok(Math.abs(s.timeOf(309) - 3990) < 1e-6);
  assert.equal(s.rateAt(500), 10);
  assert.equal(s.rateAt(3500), 100);
});

Deno.test("schedule: a zero-rate step produces nothing and shifts later events", () => {
  const s = createSchedule({
    kind: "steps",
    steps: [{ perSecond: 10, forMs: 1000 }, { perSecond: 0, forMs: 1000 }, {
      perSecond: 10,
      forMs: 1000,
    }],
  }, 3000);
  assert.equal(s.total, 20);
  assert.ok(s.timeOf(10) >= 2000, `event 10 at ${s.timeOf(10)}`);
});
