import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "../../lib/scenario/duration.ts";

Deno.test("parseDuration reads every unit and compound forms", () => {
  const cases: [string | number, number][] = [
    ["500ms", 500],
    ["15s", 15_000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["1m30s", 90_000],
    ["1h2m3s4ms", 3_723_004],
    ["1.5s", 1_500],
    [".5s", 500],
    ["0.25ms", 0.25],
    ["1m 30s", 90_000],
    ["  10s ", 10_000],
    ["0s", 0],
    ["250", 250],
    [250, 250],
    [0, 0],
    [1.5, 1.5],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, String(text));
});

Deno.test("parseDuration sums decimal parts without float noise", () => {
  assert.equal(parseDuration("1.1s"), 1100);
  assert.equal(parseDuration("0.3s"), 300);
});

Deno.test("parseDuration rejects what is not a duration", () => {
  for (const text of ["", " ", "s", "10 sec", "-5s", "1.s", "5x", "30s1m", "1s1s", "ms", "1e3ms"]) {
    assert.throws(() => parseDuration(text), RangeError, JSON.stringify(text));
  }
  for (const n of [-1, Infinity, NaN]) assert.throws(() => parseDuration(n), RangeError, String(n));
});

Deno.test("parseDuration errors show the accepted forms", () => {
  assert.throws(() => parseDuration("soon"), /invalid duration "soon": use e\.g\. 500ms, 15s/);
});

Deno.test("formatDuration gives the shortest form", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [250, "250ms"],
    [0.5, "0.5ms"],
    [1000, "1s"],
    [1500, "1.5s"],
    [60_000, "1m"],
    [90_000, "1m30s"],
    [61_500, "1m1.5s"],
    [3_600_000, "1h"],
    [3_723_000, "1h2m3s"],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
  assert.throws(() => formatDuration(-1), RangeError);
});

Deno.test("formatDuration output parses back to the same value", () => {
  for (const ms of [1, 999, 1001, 59_999, 60_001, 3_599_999, 7_261_234, 123.5]) {
    assert.equal(parseDuration(formatDuration(ms)), ms, String(ms));
  }
});
