import assert from "node:assert/strict";
import { parseScenario } from "../../lib/scenario/load.ts";
import { applyProfile, QUICK_PROFILE_DEFAULTS, scaleRate } from "../../lib/scenario/profile.ts";
import type { Plan } from "../../lib/scenario/types.ts";

// Load 3s + 17s = 20s; steps at 0, 5s, 8s; faults 4s–10s and 11s–end.
const SCENARIO = `name: t
description: d
cluster:
  brokers: 3
load:
  rate:
    steps:
      - {rate: 300, for: 5s}
      - {rate: 0, for: 3s}
      - {rate: 41, for: 10s}
  warmup: 3s
  duration: 17s
  message.size: 256
  send: {mode: pipelined, max.outstanding: 500}
drain: 12s
variants:
  - name: a
    producer:
      request.timeout.ms: 1000
      delivery.timeout.ms: 30000
      linger.ms: 20
    expect:
      - throughput >= 100/s
faults:
  - at: 4s
    for: 6s
    toxic: latency
    attributes: {latency: 2500, jitter: 100}
  - at: 11s
    broker: kill
    target: 2
profiles:
  quick:
    time: 0.25
    rate: 0.4
`;

const parse = (text: string): Plan => parseScenario(text, "s.yaml");

Deno.test("quick scales every time and rate field by the scenario's factors", () => {
  const quick = applyProfile(parse(SCENARIO), "quick");
  assert.equal(quick.profile, "quick");
  assert.deepEqual(quick.profiles, { quick: { time: 0.25, rate: 0.4 } });
  assert.equal(quick.load.warmupMs, 750);
  // The load ends at 20s × 0.25 = 5s, 750 ms of it warm-up.
  assert.equal(quick.load.durationMs, 4250);
  assert.deepEqual(quick.load.rate, {
    kind: "steps",
    steps: [
      { perSecond: 120, forMs: 1250 },
      { perSecond: 0, forMs: 750 },
      { perSecond: 16, forMs: 2500 },
    ],
  });
  assert.deepEqual(quick.faults.map((f) => [f.atMs, f.forMs]), [[1000, 1500], [2750, null]]);
});

Deno.test("quick leaves timeouts, drain, toxic attributes and everything else alone", () => {
  const full = parse(SCENARIO);
  const quick = applyProfile(full, "quick");
  const unscaled = (plan: Plan) => {
    const { load, faults, profile: _, ...rest } = structuredClone(plan);
    const { rate: _rate, warmupMs: _w, durationMs: _d, ...loadRest } = load;
    return {
      ...rest,
      load: loadRest,
      faults: faults.map(({ atMs: _a, forMs: _f, ...fault }) => fault),
    };
  };
  assert.deepEqual(unscaled(quick), unscaled(full));
  assert.equal(quick.drainMs, 12000);
  assert.equal(quick.variants[0].producer["request.timeout.ms"], 1000);
  assert.equal(quick.variants[0].producer["delivery.timeout.ms"], 30000);
  assert.deepEqual(quick.faults[0].action, {
    kind: "toxic",
    type: "latency",
    stream: "downstream",
    toxicity: 1,
    attributes: { latency: 2500, jitter: 100 },
  });
  assert.equal(quick.variants[0].expectations[0].value, 100);
});

Deno.test("quick scales constant rates and both ends of a ramp", () => {
  const base = SCENARIO.replace(/ {2}rate:\n(?: {4,}.*\n)+/, "  rate: RATE\n");
  const constant = applyProfile(parse(base.replace("RATE", "250")), "quick");
  assert.deepEqual(constant.load.rate, { kind: "constant", perSecond: 100 });
  const ramp = applyProfile(parse(base.replace("RATE", "{ramp: {from: 0, to: 1000}}")), "quick");
  assert.deepEqual(ramp.load.rate, { kind: "ramp", from: 0, to: 400 });
});

Deno.test("rates round to whole events per second, at least 1, never above the original", () => {
  assert.equal(scaleRate(3, 0.5), 2);
  assert.equal(scaleRate(1, 0.5), 1);
  assert.equal(scaleRate(1.6, 0.1), 1);
  assert.equal(scaleRate(0.5, 0.5), 0.5);
  assert.equal(scaleRate(0, 0.5), 0);
  assert.equal(scaleRate(999, 0.999), 998);
});

Deno.test("without a profiles block quick halves times and rates", () => {
  const text = SCENARIO.replace(/profiles:\n(?:.*\n)*$/, "");
  const full = parse(text);
  assert.deepEqual(full.profiles, { quick: { ...QUICK_PROFILE_DEFAULTS } });
  assert.equal(full.profile, "full");
  const quick = applyProfile(full, "quick");
  assert.equal(quick.load.warmupMs, 1500);
  assert.equal(quick.load.durationMs, 8500);
  assert.deepEqual(quick.load.rate, {
    kind: "steps",
    steps: [{ perSecond: 150, forMs: 2500 }, { perSecond: 0, forMs: 1500 }, {
      perSecond: 21,
      forMs: 5000,
    }],
  });
});

Deno.test("a partial quick block takes the default for the other factor", () => {
  const text = SCENARIO.replace("    time: 0.25\n", "");
  assert.deepEqual(parse(text).profiles, { quick: { time: 0.5, rate: 0.4 } });
  const empty = SCENARIO.replace(/ {4}time: .*\n {4}rate: .*\n/, "");
  assert.deepEqual(parse(empty).profiles, { quick: { time: 0.5, rate: 0.5 } });
});

Deno.test("full returns the plan itself; quick does not change its input", () => {
  const full = parse(SCENARIO);
  const before = structuredClone(full);
  assert.equal(applyProfile(full, "full"), full);
  const quick = applyProfile(full, "quick");
  assert.deepEqual(full, before);
  assert.notEqual(quick.faults[0].action, full.faults[0].action, "no shared objects");
  assert.equal(applyProfile(quick, "quick"), quick, "already quick: unchanged");
});

Deno.test("parseScenario applies the profile it is given", () => {
  assert.deepEqual(
    parseScenario(SCENARIO, "s.yaml", { profile: "quick" }),
    applyProfile(parse(SCENARIO), "quick"),
  );
  assert.deepEqual(parseScenario(SCENARIO, "s.yaml", { profile: "full" }), parse(SCENARIO));
});

// ---- Invariants on generated scenarios ----

/** mulberry32: the same cases on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shape {
  warmupMs: number;
  durationMs: number;
  steps: { perSecond: number; forMs: number }[] | null;
  perSecond: number;
  faults: { atMs: number; forMs: number | null }[];
}

/** Scenario text of a shape; times as bare numbers (milliseconds). */
function scenarioText(shape: Shape, factors?: { time: number; rate: number }): string {
  const rate = shape.steps === null
    ? `${shape.perSecond}`
    : `\n    steps:\n${
      shape.steps.map((s) => `      - {rate: ${s.perSecond}, for: ${s.forMs}}\n`).join("")
    }`.trimEnd();
  const faults = shape.faults.map((f) =>
    `  - at: ${f.atMs}\n${f.forMs === null ? "" : `    for: ${f.forMs}\n`}    proxy: down\n`
  ).join("");
  const profiles = factors === undefined
    ? ""
    : `profiles:\n  quick:\n    time: ${factors.time}\n    rate: ${factors.rate}\n`;
  return `name: g
description: generated
load:
  rate: ${rate}
  warmup: ${shape.warmupMs}
  duration: ${shape.durationMs}
variants:
  - name: a
${faults === "" ? "" : `faults:\n${faults}`}${profiles}`;
}

function shapeOf(plan: Plan): Shape {
  const rate = plan.load.rate;
  return {
    warmupMs: plan.load.warmupMs,
    durationMs: plan.load.durationMs,
    steps: rate.kind === "steps" ? rate.steps : null,
    perSecond: rate.kind === "constant" ? rate.perSecond : 0,
    faults: plan.faults.map((f) => ({ atMs: f.atMs, forMs: f.forMs })),
  };
}

/** A valid shape; `tiny` draws times of a few milliseconds, where rounding bites. */
function randomShape(random: () => number, tiny: boolean): Shape {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const span = tiny ? 12 : 60000;
  const warmupMs = random() < 0.3 ? 0 : int(0, span);
  const durationMs = int(1, span);
  const loadMs = warmupMs + durationMs;
  let steps: Shape["steps"] = null;
  if (random() < 0.6) {
    const starts = [0, ...Array.from({ length: int(0, 5) }, () => int(1, loadMs - 1))]
      .filter((s, i, all) => s < loadMs && all.indexOf(s) === i)
      .sort((a, b) => a - b);
    steps = starts.map((start, i) => ({
      perSecond: random() < 0.2 ? 0 : int(1, 3000) / (random() < 0.2 ? 7 : 1),
      forMs: i + 1 < starts.length ? starts[i + 1] - start : int(1, span),
    }));
    if (steps.every((s) => s.perSecond === 0)) steps[0].perSecond = 1;
  }
  const faults = Array.from({ length: int(0, 4) }, () => {
    const atMs = int(0, loadMs - 1);
    return { atMs, forMs: random() < 0.3 ? null : int(1, loadMs - atMs) };
  });
  return { warmupMs, durationMs, steps, perSecond: int(1, 5000), faults };
}

Deno.test("quick plans of generated scenarios keep every invariant of a valid plan", () => {
  const random = seeded(20251120);
  for (let i = 0; i < 400; i++) {
    const shape = randomShape(random, i % 2 === 0);
    const factors = {
      time: random() < 0.2 ? 0.001 : Math.max(0.01, Math.round(random() * 100) / 100),
      rate: Math.max(0.01, Math.round(random() * 100) / 100),
    };
    const full = parse(scenarioText(shape, factors));
    const quick = applyProfile(full, "quick");
    const q = shapeOf(quick);
    const where = `case ${i}: ${JSON.stringify({ shape, factors })} → ${JSON.stringify(q)}`;
    const loadMs = q.warmupMs + q.durationMs;
    const times = [q.warmupMs, q.durationMs, ...(q.steps ?? []).map((s) => s.forMs)];
    for (const f of q.faults) times.push(f.atMs, f.forMs ?? 0);
    assert.ok(times.every(Number.isInteger), where);
    assert.ok(q.durationMs >= 1, where);
    assert.ok(loadMs <= shape.warmupMs + shape.durationMs, `never longer than full: ${where}`);
    let start = 0;
    for (const step of q.steps ?? []) {
      assert.ok(step.forMs >= 1 && start < loadMs, where);
      start += step.forMs;
    }
    q.faults.forEach((f, j) => {
      assert.ok(f.atMs < loadMs, where);
      if (f.forMs !== null) assert.ok(f.forMs >= 1 && f.atMs + f.forMs <= loadMs, where);
      for (let k = 0; k < j; k++) {
        const [a, b] = [shape.faults[k], shape.faults[j]];
        if (a.atMs <= b.atMs) assert.ok(q.faults[k].atMs <= f.atMs, `order: ${where}`);
        if (a.atMs >= b.atMs) assert.ok(q.faults[k].atMs >= f.atMs, `order: ${where}`);
      }
    });
    const rates = q.steps?.map((s) => s.perSecond) ?? [q.perSecond];
    const original = shape.steps?.map((s) => s.perSecond) ?? [shape.perSecond];
    rates.forEach((r, j) => {
      assert.ok(original[j] === 0 ? r === 0 : r >= Math.min(1, original[j]), where);
      assert.ok(r <= original[j], where);
    });
    // The strongest check: the scaled plan, written back as a file, passes the validator.
    parse(scenarioText(q));
  }
});

Deno.test("with whole-second times, scaled times are the rounded products exactly", () => {
  const random = seeded(7);
  for (let i = 0; i < 200; i++) {
    const shape = randomShape(random, false);
    const s = (ms: number) => Math.round(ms / 1000) * 1000;
    const whole: Shape = {
      ...shape,
      warmupMs: s(shape.warmupMs),
      durationMs: Math.max(1000, s(shape.durationMs)),
      steps: null,
      faults: [],
    };
    const loadMs = whole.warmupMs + whole.durationMs;
    whole.faults = shape.faults.map((f) => {
      const atMs = Math.min(s(f.atMs), loadMs - 1000);
      return { atMs, forMs: f.forMs === null ? null : Math.max(1000, s(f.forMs)) };
    }).map((f) => ({ ...f, forMs: f.forMs === null ? null : Math.min(f.forMs, loadMs - f.atMs) }));
    const time = Math.max(0.1, Math.round(random() * 20) / 20);
    const q = shapeOf(applyProfile(parse(scenarioText(whole, { time, rate: 1 })), "quick"));
    const where = `case ${i}: ${JSON.stringify({ whole, time })}`;
    assert.equal(q.warmupMs, Math.round(whole.warmupMs * time), where);
    assert.equal(q.warmupMs + q.durationMs, Math.round(loadMs * time), where);
    whole.faults.forEach((f, j) => {
      assert.equal(q.faults[j].atMs, Math.round(f.atMs * time), where);
      const end = f.forMs === null ? null : Math.round((f.atMs + f.forMs) * time);
      assert.equal(q.faults[j].forMs, end === null ? null : end - q.faults[j].atMs, where);
    });
  }
});
