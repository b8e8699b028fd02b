import assert from "node:assert/strict";
import { ScenarioError } from "../../lib/scenario/errors.ts";
import { encodeEvent, newRunId } from "../../lib/load/payload.ts";
import {
  bytesPerEvent,
  checkLoadLimits,
  FULL_LEDGER_BYTES,
  GENERATOR_BYTES_PER_EVENT,
  LEDGER_BYTES_PER_EVENT,
  loadDemand,
  MAX_EVENTS_PER_VARIANT,
  MAX_RATE,
  MEMORY_SHARE,
  needsCompactLedger,
  UNSETTLED_BYTES,
  UNSETTLED_HORIZON_MS,
} from "../../lib/scenario/limits.ts";
import { loadScenario, parseScenario } from "../../lib/scenario/load.ts";
import { applyProfile } from "../../lib/scenario/profile.ts";
import type { KeySpace, Plan, RateSchedule } from "../../lib/scenario/types.ts";
import { Ledger } from "../../lib/verify/ledger.ts";
import { Verifier } from "../../lib/verify/verifier.ts";
import { problemsOf } from "./scenario_helpers.ts";

/** A scenario whose `rate:` value is on line 4 and `duration:` on line 5. */
const scenario = (rate: string, duration: string, tail = "variants: [{name: a}]\n") =>
  `name: t\ndescription: d\nload:\n  rate: ${rate}\n  duration: ${duration}\n${tail}`;

const GiB = 2 ** 30;
const NO_KEYS: KeySpace = { kind: "none" };

const shapeOf = (plan: Plan) => ({
  variants: plan.variants.length,
  parallel: plan.parallel,
  partitions: plan.topic.partitions,
});

Deno.test("limits: rate 1e9 for a minute is rejected at load.rate, line 4, naming the limits", () => {
  const problems = problemsOf(scenario("1000000000", "1m"));
  assert.equal(problems.length, 2, problems.map((p) => p.message).join("\n"));
  for (const p of problems) {
    assert.deepEqual({ file: p.file, line: p.line, path: p.path }, {
      file: "s.yaml",
      line: 4,
      path: "load.rate",
    });
  }
  const [rate, events] = problems;
  assert.match(
    rate.message,
    /^peak rate 1,000,000,000 events\/s is above the ceiling of 1,000,000/,
  );
  assert.match(events.message, /^60,000,000,000 events per variant .* 2,147,483,647/);
  // Rendered as every other validation error: file:line:column path: message.
  try {
    parseScenario(scenario("1000000000", "1m"), "scenarios/huge.yaml");
    assert.fail("parsed");
  } catch (error) {
    assert.ok(error instanceof ScenarioError);
    assert.match(error.message, /^scenarios\/huge\.yaml:4:9 load\.rate: peak rate 1,000,000,000/);
  }
});

Deno.test("limits: ordinary loads pass, up to the rate ceiling itself", () => {
  assert.equal(parseScenario(scenario("100", "10s"), "s.yaml").load.durationMs, 10_000);
  assert.equal(parseScenario(scenario(String(MAX_RATE), "1s"), "s.yaml").name, "t");
  const problems = problemsOf(scenario(String(MAX_RATE + 1), "1s"));
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /peak rate 1,000,001 events\/s is above the ceiling/);
});

Deno.test("limits: the peak of a ramp or of steps is reported at the field that holds it", () => {
  const ramp = problemsOf(scenario("{ramp: {from: 2000000, to: 10}}", "10s"));
  assert.deepEqual(ramp.map((p) => [p.line, p.path]), [[4, "load.rate.ramp.from"]]);
  const steps = problemsOf(
    `name: t\ndescription: d\nload:\n  rate:\n    steps:\n      - {rate: 100, for: 1s}\n` +
      `      - {rate: 3000000, for: 1s}\n      - {rate: 5, for: 1s}\n  duration: 10s\n` +
      `variants: [{name: a}]\n`,
  );
  assert.deepEqual(steps.map((p) => [p.line, p.path]), [[7, "load.rate.steps[1].rate"]]);
  assert.match(steps[0].message, /peak rate 3,000,000 events\/s/);
});

Deno.test("limits: parallel variants add up at the rate ceiling; one after another they do not", () => {
  const variants = "variants: [{name: a}, {name: b}, {name: c}]\n";
  assert.equal(parseScenario(scenario("400000", "1s", variants), "s.yaml").variants.length, 3);
  const problems = problemsOf(scenario("400000", "1s", `parallel: true\n${variants}`));
  assert.equal(problems.length, 1);
  assert.deepEqual([problems[0].line, problems[0].path], [4, "load.rate"]);
  assert.match(
    problems[0].message,
    /^3 parallel variants at a peak rate of 400,000 events\/s each make 1,200,000 events\/s/,
  );
  // Variants multiplied by `clients` count as run.
  const twoClients = `parallel: true\nclients: [librdkafka, kafkajs]\nvariants: [{name: a}]\n`;
  assert.match(problemsOf(scenario("600000", "1s", twoClients))[0].message, /^2 parallel/);
});

Deno.test("limits: a variant of more than 2^31 - 1 events is rejected whatever the machine", () => {
  // 600,000/s is under the rate ceiling; for an hour it is 2.16 billion events.
  const problems = problemsOf(scenario("600000", "1h"));
  assert.equal(problems.length, 1);
  assert.deepEqual([problems[0].line, problems[0].path], [4, "load.rate"]);
  assert.match(problems[0].message, /^2,160,000,000 events per variant \(the rate over warmup/);
  // The schedule's own count: a ramp from 0 has half the events of its peak.
  const ramp = { kind: "ramp", from: 0, to: 600_000 } as const;
  const load = { rate: ramp, warmupMs: 0, durationMs: 3_600_000, keys: NO_KEYS };
  assert.equal(
    loadDemand(load, { variants: 1, parallel: false, partitions: 1 }).eventsPerVariant,
    1_080_000_000,
  );
  assert.equal(MAX_EVENTS_PER_VARIANT, 2 ** 31 - 1);
});

Deno.test("limits: per-event state must fit in half the machine's memory", () => {
  // 100,000/s for 5 minutes: 30 million events, about 0.5 GiB of state per variant.
  const l = {
    rate: { kind: "constant", perSecond: 100_000 } as RateSchedule,
    warmupMs: 0,
    durationMs: 300_000,
    keys: { kind: "fixed", count: 16 } as KeySpace,
  };
  const shape = { variants: 4, parallel: false, partitions: 3 };
  const perEvent = bytesPerEvent(l.keys, 3);
  assert.equal(loadDemand(l, shape).compact, false);
  const fits = 30_000_000 * perEvent / MEMORY_SHARE + 1;
  assert.deepEqual(checkLoadLimits(l, { ...shape, totalMemory: fits }), {});
  const tight = checkLoadLimits(l, { ...shape, totalMemory: fits - 2 });
  assert.match(tight.events!, /^30,000,000 events \(the rate over warmup \+ duration, 5m;/);
  assert.match(tight.events!, /need 526\.\d MiB of per-event state \(18\.4 bytes each/);
  assert.match(
    tight.events!,
    /more than the limit of 526\.\d MiB, half of this machine's 1\.0 GiB/,
  );
  // In parallel the variants' state adds up.
  const parallel = { ...shape, parallel: true };
  const four = checkLoadLimits(l, { ...parallel, totalMemory: 2 * GiB });
  assert.equal(four.rate, undefined);
  assert.match(four.events!, /^4 parallel variants × 30,000,000 events .* need 2\.1 GiB/);
  assert.match(four.events!, /limit of 1\.0 GiB, half of this machine's 2\.0 GiB of memory/);
  assert.match(four.events!, /or run the variants one after another$/);
  assert.deepEqual(checkLoadLimits(l, { ...shape, totalMemory: 2 * GiB }), {});
  // Memory unknown (no --allow-sys): the rule is skipped, the others still apply.
  assert.deepEqual(checkLoadLimits(l, { ...parallel, variants: 8, totalMemory: null }), {});
});

Deno.test("limits: past the full ledger's budget a variant is compact, its state the unsettled events", () => {
  // A day at 20,000/s: 1.7 billion events, 30 GiB in full, a flat 0.6 GB compact.
  const day = {
    rate: { kind: "constant", perSecond: 20_000 } as RateSchedule,
    warmupMs: 0,
    durationMs: 24 * 3_600_000,
    keys: { kind: "fixed", count: 16 } as KeySpace,
  };
  const shape = { variants: 1, parallel: false, partitions: 3 };
  const demand = loadDemand(day, shape);
  assert.equal(demand.compact, true);
  assert.equal(demand.bytes, 20_000 * (UNSETTLED_HORIZON_MS / 1000) * UNSETTLED_BYTES);
  assert.ok(demand.eventsPerVariant * demand.bytesPerEvent > FULL_LEDGER_BYTES);
  assert.deepEqual(checkLoadLimits(day, { ...shape, totalMemory: 24 * GiB }), {});
  const small = checkLoadLimits(day, { ...shape, totalMemory: GiB });
  assert.match(
    small.events!,
    /^1,728,000,000 events .* need 585\.9 MiB of state for the events not settled yet \(128 bytes each, 240 s at the peak rate\), more than the limit of 512\.0 MiB, half of this machine's 1\.0 GiB of memory; lower the rate$/,
  );
  // Just below the budget a variant keeps everything: the end-of-run verifier needs it.
  const events = Math.floor(FULL_LEDGER_BYTES / bytesPerEvent(day.keys, 3));
  assert.equal(needsCompactLedger(events, day.keys, 3), false);
  assert.equal(needsCompactLedger(events + 1, day.keys, 3), true);
});

Deno.test("limits: bytes per event match the ledger and the verifier after a read-back", () => {
  assert.equal(new Ledger(1000).bytesPerEvent, LEDGER_BYTES_PER_EVENT);
  assert.equal(GENERATOR_BYTES_PER_EVENT, Float32Array.BYTES_PER_ELEMENT); // handoffLag
  const cases: [KeySpace, number][] = [
    [NO_KEYS, 1],
    [NO_KEYS, 6],
    [{ kind: "per-event" }, 3],
    [{ kind: "fixed", count: 16 }, 3],
  ];
  for (const [keys, partitions] of cases) {
    const events = 64_000;
    const runId = newRunId();
    const ledger = new Ledger(events);
    const verifier = new Verifier(ledger, { runId, variant: 0, keys, partitions });
    const offsets = new Array(partitions).fill(0);
    for (let seq = 0; seq < events; seq++) {
      const partition = keys.kind === "fixed" ? (seq % keys.count) % partitions : seq % partitions;
      ledger.markSent(seq);
      ledger.markAcked(seq, partition, offsets[partition]);
      const value = encodeEvent({ runId, variant: 0, seq, intendedUs: seq }, 48);
      verifier.observe(partition, String(offsets[partition]++), null, value);
    }
    verifier.finish();
    const measured = verifier.bytesPerEvent + GENERATOR_BYTES_PER_EVENT;
    const estimate = bytesPerEvent(keys, partitions);
    const what = `${keys.kind} keys, ${partitions} partitions: ${measured} measured`;
    assert.ok(estimate >= measured - 1e-9 && estimate - measured < 0.25, `${what}, ${estimate}`);
  }
});

Deno.test("limits: every built-in scenario passes, in every profile, with room to spare", async () => {
  for await (const entry of Deno.readDir("scenarios")) {
    if (!entry.name.endsWith(".yaml")) continue;
    const file = `scenarios/${entry.name}`;
    const full = await loadScenario(file);
    const quick = await loadScenario(file, { profile: "quick" });
    for (const plan of [full, quick]) {
      const demand = loadDemand(plan.load, shapeOf(plan));
      assert.ok(demand.processRate <= MAX_RATE / 10, `${file}: ${demand.processRate}/s`);
      assert.ok(demand.bytes < GiB, `${file}: ${demand.bytes} bytes`);
    }
    // A profile only scales down: the quick plan never asks for more than the file as written.
    const d = (plan: typeof full) => loadDemand(plan.load, shapeOf(plan));
    assert.ok(d(applyProfile(full, "quick")).eventsPerVariant <= d(full).eventsPerVariant, file);
  }
});

Deno.test("limits: a file over the limits is rejected in the quick profile too", () => {
  // Validation reads the file as written, before the profile scales it (as for every rule).
  const text = `${scenario("1000000000", "1m")}profiles:\n  quick: {time: 0.01, rate: 0.0001}\n`;
  assert.throws(() => parseScenario(text, "s.yaml", { profile: "quick" }), ScenarioError);
});
