/**
 * The simulated application's processing: per event, always the same time and the same
 * poison verdict; the shares and distributions what the model says.
 */
import assert from "node:assert/strict";
import {
  isPoison,
  type ProcessingModel,
  processingTimeMs,
} from "../../lib/consume/processing_model.ts";

const N = 200_000;

Deno.test("processing model: poison records are the model's share, spread out, the same every time", () => {
  const model: ProcessingModel = { time: { kind: "fixed", ms: 1 }, poisonShare: 0.01 };
  let poison = 0;
  let inFirstHalf = 0;
  for (let seq = 0; seq < N; seq++) {
    if (isPoison(model, seq)) {
      poison++;
      if (seq < N / 2) inFirstHalf++;
      assert.equal(isPoison(model, seq), true, "the same verdict when redelivered");
    }
  }
  // Binomial(200,000, 1 %): sd 44.5; 5 sd either way.
  assert.ok(Math.abs(poison - 2000) < 225, `${poison} poison records for 2,000 expected`);
  assert.ok(
    Math.abs(inFirstHalf - poison / 2) < 160,
    `${inFirstHalf} of ${poison} in the first half`,
  );
  assert.equal(isPoison({ ...model, poisonShare: 0 }, 7), false);
  // Events far apart (above 2^32) are mixed too, not all alike.
  const far = Array.from(
    { length: 1000 },
    (_, i) => isPoison({ ...model, poisonShare: 0.5 }, 2 ** 33 + i),
  );
  const yes = far.filter(Boolean).length;
  assert.ok(yes > 400 && yes < 600, `${yes} of 1,000 poisoned at share 0.5`);
});

Deno.test("processing model: times follow the distribution, the same for a redelivered event", () => {
  const uniform: ProcessingModel = {
    time: { kind: "uniform", minMs: 2, maxMs: 8 },
    poisonShare: 0,
  };
  const exponential: ProcessingModel = {
    time: { kind: "exponential", meanMs: 5, maxMs: 200 },
    poisonShare: 0,
  };
  let sumU = 0, sumE = 0, aboveMeanE = 0, minU = Infinity, maxU = 0, maxE = 0;
  for (let seq = 0; seq < N; seq++) {
    const u = processingTimeMs(uniform, seq);
    const e = processingTimeMs(exponential, seq);
    assert.equal(processingTimeMs(uniform, seq), u);
    sumU += u;
    sumE += e;
    minU = Math.min(minU, u);
    maxU = Math.max(maxU, u);
    maxE = Math.max(maxE, e);
    if (e > 5) aboveMeanE++;
  }
  assert.ok(Math.abs(sumU / N - 5) < 0.05, `uniform mean ${sumU / N}`);
  assert.ok(minU >= 2 && maxU < 8 && minU < 2.01 && maxU > 7.99, `uniform range ${minU}..${maxU}`);
  assert.ok(Math.abs(sumE / N - 5) < 0.1, `exponential mean ${sumE / N}`);
  // P(X > mean) = 1/e for an exponential.
  assert.ok(Math.abs(aboveMeanE / N - Math.exp(-1)) < 0.01, `${aboveMeanE / N} above the mean`);
  assert.ok(maxE <= 200);
  assert.equal(processingTimeMs({ time: { kind: "fixed", ms: 3 }, poisonShare: 0 }, 9), 3);
});
