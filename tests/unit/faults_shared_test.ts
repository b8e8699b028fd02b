import assert from "node:assert/strict";
import { FaultEngine } from "../../lib/faults/engine.ts";
import { SharedFaults, shiftWindows } from "../../lib/faults/shared.ts";
import { environment, FakeBrokers, fault, until } from "./faults_helpers.ts";

/** A cluster whose leader of partition 0 moves to the next broker each time it is killed. */
function movingLeader(brokers: FakeBrokers) {
  let leader = 1;
  let asked = 0;
  const kill = brokers.kill.bind(brokers);
  brokers.kill = async (id: number) => {
    await kill(id);
    if (id === leader) leader = leader % 3 + 1;
  };
  return {
    asked: () => asked,
    partitionState: (partition: number) => {
      asked++;
      assert.equal(partition, 0);
      return Promise.resolve({ leader, replicas: [1, 2, 3] });
    },
  };
}

/** A timeline of `holders` variants pausing broker 2 until its end. */
function pausingBroker2(holders: number, brokers: FakeBrokers): SharedFaults {
  return new SharedFaults(holders, (t) =>
    new FaultEngine(
      [fault("f1", 0, null, { kind: "brokers", ids: [2] }, { kind: "broker", op: "pause" })],
      environment({ brokers }),
      t,
    ));
}

Deno.test("one engine for three variants: `leader` resolved once, one broker killed, same windows", async () => {
  const brokers = new FakeBrokers([1, 2, 3]);
  const cluster = movingLeader(brokers);
  const topics: string[] = [];
  const shared = new SharedFaults(3, (startEpochMs) => {
    topics.push("topic-of-variant-0");
    return new FaultEngine(
      [fault("f1", 0, 30, { kind: "leader", partition: 0 }, { kind: "broker", op: "kill" })],
      environment({
        brokers,
        partitionState: cluster.partitionState,
        partitionTopic: "topic-of-variant-0",
      }),
      startEpochMs,
    );
  });
  const start = Date.now() + 20;
  const leases = await Promise.all([0, 1, 2].map(() => shared.join(start)));
  await until(() => brokers.calls.includes("start 1"));
  const outcomes = await Promise.all(leases.map((l) => l.release()));
  assert.deepEqual(topics, ["topic-of-variant-0"], "one engine");
  assert.deepEqual(brokers.calls, ["kill 1", "start 1"], "one broker killed, once");
  assert.equal(cluster.asked(), 2, "asked once before the load (prepare), once at the fault");
  for (const o of outcomes) {
    assert.deepEqual(o, outcomes[0]);
    assert.deepEqual(o.errors, []);
    assert.equal(o.resolvedOn, "topic-of-variant-0");
    assert.deepEqual(o.windows[0].brokers, [1]);
  }
  assert.deepEqual(await shared.stop(), outcomes[0]);
});

Deno.test("the shared timeline stops when the last variant releases it, not before", async () => {
  const brokers = new FakeBrokers([1, 2, 3]);
  const shared = pausingBroker2(2, brokers);
  const start = Date.now();
  const [a, b] = await Promise.all([shared.join(start), shared.join(start)]);
  await until(() => brokers.state.get(2) === "paused");
  let aDone = false;
  const aOutcome = a.release().then((o) => (aDone = true, o));
  assert.equal(a.release(), a.release(), "a lease releases once");
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(aDone, false, "b still runs its load");
  assert.equal(brokers.state.get(2), "paused");
  assert.deepEqual(b.activeLabels(), ["f1 broker on brokers"]);
  const bOutcome = await b.release();
  assert.deepEqual(await aOutcome, bOutcome);
  assert.equal(brokers.state.get(2), "running");
  await assert.rejects(shared.join(start), /joined once more/);
});

Deno.test("stop() ends the shared timeline whoever still holds it (Ctrl-C, a variant failed)", async () => {
  const brokers = new FakeBrokers([1, 2, 3]);
  const shared = new SharedFaults(3, (t) =>
    new FaultEngine(
      [fault("f1", 0, null, { kind: "all" }, { kind: "broker", op: "stop" })],
      environment({ brokers }),
      t,
    ));
  const a = await shared.join(Date.now()); // the two others never join
  await until(() => [...brokers.state.values()].every((s) => s === "stopped"));
  const released = a.release();
  const outcome = await shared.stop();
  assert.deepEqual(await released, outcome);
  assert.ok(brokers.allRunning());
  assert.deepEqual(outcome.errors, []);
});

Deno.test("stop() before anyone joined: the engine never starts", async () => {
  const brokers = new FakeBrokers([1]);
  const shared = new SharedFaults(2, (t) =>
    new FaultEngine(
      [fault("f1", 0, null, { kind: "all" }, { kind: "broker", op: "kill" })],
      environment({ brokers, ids: [1] }),
      t,
    ));
  assert.deepEqual((await shared.stop()).windows, []);
  const lease = await shared.join(Date.now());
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(brokers.calls, []);
  assert.deepEqual((await lease.release()).errors, []);
});

Deno.test("a failed prepare rejects every join; stop() still resolves", async () => {
  const shared = new SharedFaults(2, (t) =>
    new FaultEngine(
      [fault("f1", 0, null, { kind: "leader", partition: 0 }, { kind: "broker", op: "kill" })],
      environment({
        brokers: new FakeBrokers([1]),
        partitionState: () => Promise.reject(new Error("unknown topic")),
      }),
      t,
    ));
  const now = Date.now();
  const joins = await Promise.allSettled([shared.join(now), shared.join(now)]);
  assert.ok(joins.every((j) => j.status === "rejected"));
  const outcome = await shared.stop();
  assert.equal(outcome.windows[0].startedAtMs, null);
});

Deno.test("windows move to a variant's clock", async () => {
  const brokers = new FakeBrokers([1]);
  const shared = new SharedFaults(2, (t) =>
    new FaultEngine(
      [fault("f1", 0, 10, { kind: "all" }, { kind: "broker", op: "pause" })],
      environment({ brokers, ids: [1] }),
      t,
    ));
  const engineStart = Date.now();
  const a = await shared.join(engineStart);
  const b = await shared.join(engineStart - 1000); // b's load started a second earlier
  await until(() => brokers.calls.includes("resume 1"));
  const [oa, ob] = await Promise.all([a.release(), b.release()]);
  assert.equal(ob.windows[0].plannedAtMs, 1000);
  assert.equal(ob.windows[0].startedAtMs, oa.windows[0].startedAtMs! + 1000);
  assert.equal(ob.startEpochMs, engineStart - 1000);
  assert.deepEqual(shiftWindows(oa.windows, 1000), ob.windows);
});

Deno.test("a variant that fails before joining leaves: the others keep their faults to their end", async () => {
  const brokers = new FakeBrokers([1, 2, 3]);
  const shared = pausingBroker2(3, brokers);
  const start = Date.now();
  const [a, b] = await Promise.all([shared.join(start), shared.join(start)]);
  await until(() => brokers.state.get(2) === "paused");
  shared.leave(); // the third variant failed before its load started
  assert.equal(brokers.state.get(2), "paused", "the others' fault goes on");
  assert.throws(() => shared.leave(), /leaves by releasing its lease/);
  let aDone = false;
  const aOutcome = a.release().then((o) => (aDone = true, o));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(aDone, false, "b still runs its load");
  const bOutcome = await b.release();
  assert.deepEqual(await aOutcome, bOutcome);
  assert.equal(brokers.state.get(2), "running", "healed once the last one released");
});
