import assert from "node:assert/strict";
import type { FaultAction } from "../../lib/scenario/types.ts";
import { FaultEngine, unsupportedFaults } from "../../lib/faults/engine.ts";
import {
  delay,
  environment,
  FakeBrokers,
  FakeToxiproxy,
  fault,
  LATENCY,
  until,
} from "./faults_helpers.ts";

const ALL = { kind: "all" } as const;
const broker = (...ids: number[]) => ({ kind: "brokers", ids }) as const;

/** Toxics a sismo engine left on any proxy. */
function leftovers(tp: FakeToxiproxy): string[] {
  return [...tp.proxies.keys()].flatMap((p) =>
    tp.toxics(p).filter((n) => n.startsWith("sismo-")).map((n) => `${p}/${n}`)
  );
}

Deno.test("a toxic that fails on the second proxy: the first is removed, the error reported", async () => {
  const tp = new FakeToxiproxy(["broker-1", "broker-2"]);
  try {
    tp.fail("POST", /^\/proxies\/broker-2\/toxics$/);
    const engine = new FaultEngine(
      [fault("f1", 0, null, ALL, LATENCY)],
      environment({ toxiproxyUrl: tp.url, ids: [1, 2] }),
      Date.now(),
    );
    engine.start();
    await until(() => tp.requests.some((r) => r === "POST /proxies/broker-2/toxics"));
    const outcome = await engine.finish();
    assert.equal(tp.added.length, 1, "the toxic on broker-1 was added");
    assert.deepEqual(leftovers(tp), [], "and removed");
    assert.equal(outcome.errors.length, 1);
    assert.match(outcome.errors[0], /^fault f1 .* could not start: .*broker-2.*HTTP 500/);
    assert.match(outcome.windows[0].error ?? "", /could not start/);
  } finally {
    await tp.close();
  }
});

Deno.test("a toxic that cannot be removed (500) is a reported error, not swallowed", async () => {
  const tp = new FakeToxiproxy(["broker-1", "broker-2"]);
  try {
    const engine = new FaultEngine(
      [fault("f1", 0, 30, ALL, LATENCY)],
      environment({ toxiproxyUrl: tp.url, ids: [1, 2] }),
      Date.now(),
    );
    // Every request about the toxic on broker-1 fails, whatever the way it is removed.
    tp.fail("GET", /^\/proxies\/broker-1\/toxics\/sismo-/);
    tp.fail("DELETE", /^\/proxies\/broker-1\/toxics\/sismo-/);
    engine.start();
    await until(() => tp.added.length === 2);
    await until(() => tp.toxics("broker-2").length === 0); // its planned end came
    const outcome = await engine.finish();
    assert.deepEqual(leftovers(tp).map((t) => t.split("/")[0]), ["broker-1"]);
    assert.equal(outcome.errors.length, 1);
    assert.match(outcome.errors[0], /^fault f1 .* was not healed: .*broker-1.*HTTP 500/);
    assert.match(outcome.windows[0].error ?? "", /was not healed/);
    assert.notEqual(outcome.windows[0].endedAtMs, null);
  } finally {
    await tp.close();
  }
});

Deno.test("a broker fault: a part that fails undoes the others; a resume that fails is reported", async () => {
  const brokers = new FakeBrokers([1, 2, 3]);
  brokers.failOn.add("pause 3"); // f1 pauses 2 and 3: 3 fails, 2 must be resumed
  brokers.failOn.add("resume 1"); // f2 pauses 1: its resume fails
  const engine = new FaultEngine(
    [
      fault("f1", 0, null, broker(2, 3), { kind: "broker", op: "pause" }),
      fault("f2", 0, 20, broker(1), { kind: "broker", op: "pause" }),
    ],
    environment({ brokers }),
    Date.now(),
  );
  engine.start();
  await until(() => brokers.calls.includes("resume 1"));
  const outcome = await engine.finish();
  assert.equal(brokers.state.get(2), "running", "broker 2 resumed after f1 failed on broker 3");
  assert.equal(brokers.state.get(1), "paused", "the failed resume left broker 1 paused");
  assert.equal(outcome.errors.length, 2);
  assert.match(outcome.errors[0], /^fault f1 .* could not start: pause broker 3: injected/);
  assert.match(outcome.errors[1], /^fault f2 .* was not healed: resume broker 1: injected/);
  assert.match(outcome.windows[1].error ?? "", /resume broker 1/);
});

Deno.test("overlapping toxics on the same proxy are removed independently", async () => {
  const tp = new FakeToxiproxy(["broker-1", "broker-2"]);
  try {
    const engine = new FaultEngine(
      [fault("f1", 0, null, ALL, LATENCY), fault("f2", 0, 40, broker(1), LATENCY)],
      environment({ toxiproxyUrl: tp.url, ids: [1, 2] }),
      Date.now(),
    );
    engine.start();
    await until(() => tp.added.length === 3);
    assert.equal(tp.toxics("broker-1").length, 2);
    await until(() => tp.toxics("broker-1").length === 1);
    assert.deepEqual(tp.toxics("broker-1"), [engine.toxicName("f1", 1)]);
    assert.deepEqual(engine.activeLabels(), ["f1 toxic on all"]);
    const outcome = await engine.finish();
    assert.deepEqual(leftovers(tp), []);
    assert.deepEqual(outcome.errors, []);
  } finally {
    await tp.close();
  }
});

Deno.test("overlapping proxy-down faults: the proxy comes back when the last one ends", async () => {
  const tp = new FakeToxiproxy(["broker-1", "broker-2"]);
  try {
    const engine = new FaultEngine(
      [
        fault("f1", 0, 60, ALL, { kind: "proxy-down" }),
        fault("f2", 30, 200, broker(1), { kind: "proxy-down" }),
      ],
      environment({ toxiproxyUrl: tp.url, ids: [1, 2] }),
      Date.now(),
    );
    engine.start();
    await until(() => !tp.enabled("broker-2")); // f1 started
    await until(() => tp.enabled("broker-2")); // f1 ended
    assert.equal(tp.enabled("broker-1"), false, "f2 still holds broker-1 down");
    await until(() => tp.enabled("broker-1"), 2000); // f2 ended
    const outcome = await engine.finish();
    assert.deepEqual(outcome.errors, []);
    assert.ok(outcome.windows.every((w) => w.startedAtMs !== null && w.endedAtMs !== null));
  } finally {
    await tp.close();
  }
});

Deno.test("proxy-down heals only what it disabled: a proxy found disabled stays disabled", async () => {
  const tp = new FakeToxiproxy(["broker-1", "broker-2"]);
  tp.proxies.get("broker-2")!.enabled = false; // someone else's doing, before the run
  const logs: string[] = [];
  try {
    const engine = new FaultEngine(
      [
        fault("f1", 0, 60, ALL, { kind: "proxy-down" }),
        fault("f2", 20, 60, broker(2), { kind: "proxy-down" }),
      ],
      environment({ toxiproxyUrl: tp.url, ids: [1, 2] }),
      Date.now(),
      (l) => logs.push(l),
    );
    engine.start();
    await until(() => !tp.enabled("broker-1")); // f1 started
    const outcome = await engine.finish();
    assert.deepEqual(outcome.errors, []);
    assert.equal(tp.enabled("broker-1"), true, "disabled by the run, enabled again");
    assert.equal(tp.enabled("broker-2"), false, "found disabled, left so");
    assert.ok(logs.some((l) => /broker-2 was disabled before the fault/.test(l)), logs.join("\n"));
  } finally {
    await tp.close();
  }
});

Deno.test("overlapping broker faults: paused then stopped, resumed and started at the last end", async () => {
  const brokers = new FakeBrokers([1]);
  const engine = new FaultEngine(
    [
      fault("f1", 0, 30, broker(1), { kind: "broker", op: "pause" }),
      fault("f2", 10, 300, broker(1), { kind: "broker", op: "kill" }),
    ],
    environment({ brokers, ids: [1] }),
    Date.now(),
  );
  engine.start();
  await until(() => brokers.calls.includes("kill 1"));
  await delay(40); // f1's end came while f2 still holds broker 1
  assert.equal(brokers.state.get(1), "stopped");
  assert.ok(!brokers.calls.includes("resume 1"));
  await until(() => brokers.calls.includes("start 1"));
  const outcome = await engine.finish();
  assert.deepEqual(brokers.calls, ["pause 1", "kill 1", "resume 1", "start 1"]);
  assert.deepEqual(outcome.errors, []);
});

Deno.test("two engines at once never use the same toxic name", async () => {
  const tp = new FakeToxiproxy(["broker-1", "broker-2"]);
  try {
    const plans = [fault("f1", 0, null, ALL, LATENCY)];
    const env = environment({ toxiproxyUrl: tp.url, ids: [1, 2] });
    const a = new FaultEngine(plans, env, Date.now(), () => {}, { runTag: "cafe0001" });
    const b = new FaultEngine(plans, env, Date.now(), () => {}, { runTag: "cafe0001" });
    const c = new FaultEngine(plans, env, Date.now()); // default tag
    assert.notEqual(a.id, b.id);
    a.start();
    b.start();
    c.start();
    await until(() => tp.added.length === 6);
    const outcomes = await Promise.all([a.finish(), b.finish(), c.finish()]);
    assert.equal(new Set(tp.added).size, 6);
    assert.deepEqual(outcomes.flatMap((o) => o.errors), []);
    assert.ok(tp.added.every((t) => t.split("/")[1].startsWith("sismo-")));
    assert.ok(a.toxicName("f1", 1).startsWith("sismo-cafe0001-"));
    assert.deepEqual(leftovers(tp), []);
  } finally {
    await tp.close();
  }
});

Deno.test("a run tag that does not fit a toxic name is refused", () => {
  assert.throws(
    () => new FaultEngine([], environment({}), 0, () => {}, { runTag: "a/b" }),
    /run tag/,
  );
});

Deno.test("Ctrl-C before the timeline ends heals everything and starts nothing more", async () => {
  const tp = new FakeToxiproxy(["broker-1", "broker-2", "broker-3"]);
  const brokers = new FakeBrokers([1, 2, 3]);
  try {
    const engine = new FaultEngine(
      [
        fault("f1", 0, null, broker(1, 2), LATENCY),
        fault("f2", 0, 60_000, broker(3), { kind: "proxy-down" }),
        fault("f3", 0, 60_000, broker(2), { kind: "broker", op: "pause" }),
        fault("f4", 60, 60_000, broker(1), { kind: "broker", op: "stop" }), // being applied
        fault("f5", 60_000, 1000, ALL, LATENCY), // never due
      ],
      environment({ toxiproxyUrl: tp.url, brokers }),
      Date.now(),
    );
    engine.start();
    await until(() => brokers.state.get(2) === "paused" && !tp.enabled("broker-3"));
    brokers.delayMs = 100; // the stop of broker 1 is under way when Ctrl-C comes
    await until(() => brokers.calls.includes("stop 1"));
    assert.equal(tp.added.length, 2);
    const outcome = await engine.finish();
    assert.deepEqual(leftovers(tp), []);
    assert.ok(["broker-1", "broker-2", "broker-3"].every((p) => tp.enabled(p)));
    assert.ok(brokers.allRunning(), JSON.stringify([...brokers.state]));
    assert.deepEqual(outcome.errors, []);
    const byId = Object.fromEntries(outcome.windows.map((w) => [w.id, w]));
    for (const id of ["f1", "f2", "f3", "f4"]) {
      assert.notEqual(byId[id].startedAtMs, null, id);
      assert.notEqual(byId[id].endedAtMs, null, id);
    }
    assert.equal(byId.f5.startedAtMs, null);
    assert.equal(tp.added.length, 2, "f5 never applied");
    assert.deepEqual(engine.activeLabels(), []);
    assert.deepEqual(await engine.finish(), outcome, "a second stop gives the same outcome");
  } finally {
    await tp.close();
  }
});

Deno.test("a target that cannot be resolved is a start error", async () => {
  const brokers = new FakeBrokers([1, 2]);
  const engine = new FaultEngine(
    [fault("f1", 0, null, { kind: "leader", partition: 0 }, { kind: "broker", op: "kill" })],
    environment({
      brokers,
      ids: [1, 2],
      partitionState: () => Promise.reject(new Error("no such topic")),
      partitionTopic: "t0",
    }),
    Date.now(),
  );
  engine.start();
  await delay(20);
  const outcome = await engine.finish();
  assert.deepEqual(brokers.calls, []);
  assert.equal(outcome.errors.length, 1);
  assert.match(outcome.errors[0], /could not start: target leader of partition 0: no such topic/);
  assert.equal(outcome.resolvedOn, "t0");
});

Deno.test("a killed broker is started again when the timeline finishes", async () => {
  const brokers = new FakeBrokers([1]);
  const engine = new FaultEngine(
    [fault("f1", 0, null, broker(1), { kind: "broker", op: "kill" })],
    environment({ brokers, ids: [1] }),
    Date.now(),
  );
  engine.start();
  await until(() => brokers.state.get(1) === "stopped");
  const { windows, errors } = await engine.finish();
  assert.equal(windows.length, 1);
  assert.deepEqual(windows[0].brokers, [1]);
  assert.equal(brokers.state.get(1), "running");
  assert.deepEqual(errors, []);
});

Deno.test("a coordinator target is the broker coordinating the group when the fault starts", async () => {
  const brokers = new FakeBrokers([1, 2, 3]);
  let coordinator = 2;
  const asked: number[] = [];
  const engine = new FaultEngine(
    [
      fault("f1", 0, 30, { kind: "coordinator" }, { kind: "broker", op: "kill" }),
      fault("f2", 60, 30, { kind: "coordinator" }, { kind: "broker", op: "pause" }),
    ],
    environment({
      brokers,
      groupCoordinator: () => {
        asked.push(coordinator);
        return Promise.resolve(coordinator);
      },
    }),
    Date.now(),
  );
  engine.start();
  await until(() => brokers.calls.includes("kill 2"));
  coordinator = 3; // the group moved while broker 2 was down
  await until(() => brokers.calls.includes("pause 3"));
  const outcome = await engine.finish();
  assert.deepEqual(outcome.errors, []);
  assert.deepEqual(outcome.windows.map((w) => w.brokers), [[2], [3]]);
  assert.deepEqual(asked, [2, 3], "asked once per fault, when it starts");
});

Deno.test("a coordinator target without a consumer group is a start error", async () => {
  const brokers = new FakeBrokers([1]);
  const engine = new FaultEngine(
    [fault("f1", 0, null, { kind: "coordinator" }, { kind: "broker", op: "kill" })],
    environment({ brokers, ids: [1] }),
    Date.now(),
  );
  engine.start();
  await delay(20);
  const outcome = await engine.finish();
  assert.deepEqual(brokers.calls, []);
  assert.match(
    outcome.errors[0],
    /could not start: target the group coordinator: no consumer group/,
  );
});

/** LATENCY on one member's connections. */
const memberLatency = (member: number) =>
  ({ ...LATENCY as FaultAction & { kind: "toxic" }, member }) as const;

Deno.test("a fault on one member's connections acts on the member proxies only", async () => {
  const tp = new FakeToxiproxy(["broker-1", "broker-2", "broker-1-member", "broker-2-member"]);
  try {
    const engine = new FaultEngine(
      [
        fault("f1", 0, 60, ALL, memberLatency(1)),
        fault("f2", 0, 60, broker(2), { kind: "proxy-down", member: 1 }),
      ],
      environment({ toxiproxyUrl: tp.url, ids: [1, 2], memberProxies: true }),
      Date.now(),
    );
    engine.start();
    await until(() => tp.added.length === 2 && !tp.enabled("broker-2-member"));
    assert.deepEqual(leftovers(tp).map((t) => t.split("/")[0]).sort(), [
      "broker-1-member",
      "broker-2-member",
    ]);
    assert.ok(tp.enabled("broker-1") && tp.enabled("broker-2") && tp.enabled("broker-1-member"));
    const outcome = await engine.finish();
    assert.deepEqual(outcome.errors, []);
    assert.deepEqual(leftovers(tp), []);
    assert.ok(tp.enabled("broker-2-member"), "enabled again");
  } finally {
    await tp.close();
  }
});

Deno.test("a fault on one member's connections needs member proxies", () => {
  const plans = [fault("f1", 0, 60, ALL, memberLatency(0))];
  const without = unsupportedFaults(plans, environment({ toxiproxyUrl: "http://x", ids: [1] }));
  assert.equal(without.length, 1);
  assert.match(without[0], /^fault f1 .* needs member proxies, which only sismo's local stack has/);
  assert.deepEqual(
    unsupportedFaults(
      plans,
      environment({ toxiproxyUrl: "http://x", ids: [1], memberProxies: true }),
    ),
    [],
  );
});
