/** A variant's `consumer:` section and member faults: defaults resolved, mistakes named by line. */
import assert from "node:assert/strict";
import { ScenarioError } from "../../lib/scenario/errors.ts";
import { parseScenario } from "../../lib/scenario/load.ts";

const HEAD = `name: group
description: a consumer group
cluster: {brokers: 1}
topic: {partitions: 2, replication.factor: 1}
load: {rate: 10, duration: 10s}
`;

function problems(text: string): string[] {
  try {
    parseScenario(text, "s.yaml");
  } catch (e) {
    if (e instanceof ScenarioError) {
      return e.problems.map((p) => `${p.line} ${p.path}: ${p.message}`);
    }
    throw e;
  }
  return [];
}

Deno.test("consumer: a short section resolves every default", () => {
  const plan = parseScenario(
    HEAD + `variants:
  - name: group
    consumer: {members: 3}
`,
    "s.yaml",
  );
  assert.deepEqual(plan.variants[0].consumer, {
    members: 3,
    commit: "auto",
    commitEvery: null,
    commitOnRevoke: false,
    pollRecords: 1,
    processing: { time: { kind: "fixed", ms: 0 }, poisonShare: 0 },
    deadLetter: false,
    properties: {},
    propertyLines: {},
    catchUpMs: 30_000,
    source: { line: 8, path: "variants[0].consumer" },
  });
});

Deno.test("consumer: processing times, commit modes, properties and member faults are read", () => {
  const plan = parseScenario(
    HEAD + `variants:
  - name: batch
    consumer:
      members: 2
      commit: after-batch
      commit.every: 50
      poll.records: 200
      processing: {time: {min: 5ms, max: 15ms}, poison: 0.01}
      dead.letter: true
      catch.up: 1m
      properties: {enable.auto.commit: false, session.timeout.ms: 6000}
  - name: tail
    consumer:
      members: 2
      processing: {time: {mean: 10ms, max: 200ms}}
faults:
  - {at: 2s, for: 3s, member: kill, target: 1}
  - {at: 6s, member: pause}
`,
    "s.yaml",
  );
  const batch = plan.variants[0].consumer!;
  assert.equal(batch.commit, "after-batch");
  assert.equal(batch.commitEvery, 50);
  assert.equal(batch.pollRecords, 200);
  assert.deepEqual(batch.processing, {
    time: { kind: "uniform", minMs: 5, maxMs: 15 },
    poisonShare: 0.01,
  });
  assert.equal(batch.deadLetter, true);
  assert.equal(batch.catchUpMs, 60_000);
  assert.deepEqual(batch.properties, {
    "enable.auto.commit": "false",
    "session.timeout.ms": "6000",
  });
  assert.equal(batch.propertyLines["session.timeout.ms"], 16);
  assert.deepEqual(plan.variants[1].consumer!.processing.time, {
    kind: "exponential",
    meanMs: 10,
    maxMs: 200,
  });
  assert.deepEqual(plan.faults.map((f) => [f.label, f.target, f.action, f.forMs]), [
    ["kill consumer group member 1", { kind: "member", index: 1 }, {
      kind: "member",
      op: "kill",
    }, 3000],
    ["pause consumer group member 0", { kind: "member", index: 0 }, {
      kind: "member",
      op: "pause",
    }, null],
  ]);
});

Deno.test("consumer: mistakes are named with their line and field", () => {
  assert.deepEqual(
    problems(
      HEAD + `variants:
  - name: bad
    consumer:
      members: 0
      commit: sometimes
      commit.every: 10
      properties: {group.id: mine}
      processing: {time: {min: 5ms, mean: 3ms, max: 9ms}}
`,
    ),
    [
      "9 variants[0].consumer.members: must be >= 1, got 0",
      '10 variants[0].consumer.commit: must be one of auto, after-each, after-batch, async, got string "sometimes"',
      "11 variants[0].consumer.commit.every: only commit: after-batch or async commits every N records",
      "12 variants[0].consumer.properties.group.id: group.id is set by sismo for each member; leave it out",
      "13 variants[0].consumer.processing.time: takes min and max (uniform) or mean and max (exponential), not both",
    ],
  );
});

Deno.test("consumer: commit.on.revoke is read, and refused where nothing is left to commit", () => {
  for (
    const [commit, expected] of [["after-batch", []], ["async", []], [
      "auto",
      [
        "11 variants[0].consumer.commit.on.revoke: only commit: after-batch or async has processed records left to commit when partitions are revoked",
      ],
    ], ["after-each", [
      "11 variants[0].consumer.commit.on.revoke: only commit: after-batch or async has processed records left to commit when partitions are revoked",
    ]]] as const
  ) {
    const text = HEAD + `variants:
  - name: careful
    consumer:
      members: 2
      commit: ${commit}
      commit.on.revoke: true
`;
    assert.deepEqual(problems(text), expected, commit);
    if (expected.length === 0) {
      assert.equal(parseScenario(text, "s.yaml").variants[0].consumer?.commitOnRevoke, true);
    }
  }
});

Deno.test("consumer: a member fault needs a group, and a member of that index", () => {
  const without = problems(
    HEAD + `variants:
  - name: plain
faults:
  - {at: 2s, member: kill}
`,
  );
  assert.equal(without.length, 1);
  assert.match(without[0], /^9 faults\[0\]: a member fault needs a variant with a consumer group/);
  const beyond = problems(
    HEAD + `variants:
  - name: two
    consumer: {members: 2}
  - name: one
    consumer: {members: 1}
faults:
  - {at: 2s, member: leave, target: 1}
`,
  );
  assert.equal(beyond.length, 1);
  assert.match(beyond[0], /^12 faults\[0\]: no member 1: the smallest consumer group has 1 member/);
});

Deno.test("consumer: a fault on the group coordinator needs a group in every variant", () => {
  const plan = parseScenario(
    HEAD + `variants:
  - name: group
    consumer: {members: 2}
faults:
  - {at: 2s, for: 3s, broker: kill, target: coordinator}
  - {at: 6s, for: 1s, proxy: down, target: coordinator}
`,
    "s.yaml",
  );
  assert.deepEqual(plan.faults.map((f) => [f.target, f.label]), [
    [{ kind: "coordinator" }, "kill the group coordinator"],
    [{ kind: "coordinator" }, "proxy down on the group coordinator"],
  ]);
  const mixed = problems(
    HEAD + `variants:
  - name: group
    consumer: {members: 2}
  - name: plain
faults:
  - {at: 2s, broker: kill, target: coordinator}
`,
  );
  assert.equal(mixed.length, 1);
  assert.match(
    mixed[0],
    /^11 faults\[0\]\.target: the group coordinator is that of each variant's consumer group: plain has none/,
  );
});

Deno.test("consumer: a member that joins has no target, and no group grows past 12", () => {
  const plan = parseScenario(
    HEAD + `variants:
  - name: group
    consumer: {members: 2}
faults:
  - {at: 2s, for: 3s, member: join}
`,
    "s.yaml",
  );
  assert.deepEqual(plan.faults[0].target, { kind: "new-member" });
  assert.equal(plan.faults[0].label, "a new member joins the consumer group");
  assert.deepEqual(
    problems(
      HEAD + "variants: [{name: g, consumer: {members: 2}}]\n" +
        "faults: [{at: 2s, member: join, target: 1}]\n",
    ),
    ["7 faults[0].target: a joining member is a new one, the group's next: join takes no target"],
  );
  const found = problems(
    HEAD + `variants:
  - name: group
    consumer: {members: 11}
faults:
  - {at: 3s, member: join}
  - {at: 4s, member: join}
`,
  );
  assert.deepEqual(found, [
    "11 faults[1]: a group of 11 member(s) with 2 joining would have 13, more than 12 processes on this machine",
  ]);
});

Deno.test("consumer: commit auto with the client's auto-commit off is refused", () => {
  const found = problems(
    HEAD + `variants:
  - name: never
    consumer:
      members: 1
      properties: {enable.auto.commit: false}
`,
  );
  assert.equal(found.length, 1);
  assert.match(
    found[0],
    /^10 variants\[0\]\.consumer\.properties: enable.auto.commit is false with commit: auto/,
  );
});

Deno.test("consumer: a toxic or proxy fault on one member's connections", () => {
  const plan = parseScenario(
    HEAD + `variants:
  - name: group
    consumer: {members: 2}
faults:
  - {at: 2s, for: 3s, toxic: timeout, attributes: {timeout: 0}, connections: {member: 1}}
  - {at: 6s, for: 1s, proxy: down, target: 1, connections: {member: 1}}
`,
    "s.yaml",
  );
  assert.deepEqual(plan.faults.map((f) => [f.action, f.label]), [
    [
      {
        kind: "toxic",
        type: "timeout",
        stream: "downstream",
        toxicity: 1,
        attributes: { timeout: 0 },
        member: 1,
      },
      "timeout forever downstream on all, member 1's connections",
    ],
    [{ kind: "proxy-down", member: 1 }, "proxy down on broker 1, member 1's connections"],
  ]);
  const group = (members: number) =>
    HEAD + `variants: [{name: g, consumer: {members: ${members}}}]\n`;
  assert.deepEqual(
    problems(group(2) + "faults: [{at: 2s, broker: kill, connections: {member: 1}}]\n"),
    [
      "7 faults[0].connections: only toxic and proxy faults take connections; a broker fault " +
      "hits the broker itself",
    ],
  );
  assert.deepEqual(problems(group(2) + "faults: [{at: 2s, proxy: down, connections: 1}]\n"), [
    "7 faults[0].connections: must be {member: N}, a member's index in its group, got 1",
  ]);
  assert.deepEqual(
    problems(group(2) + "faults: [{at: 2s, proxy: down, connections: {member: -1}}]\n"),
    ["7 faults[0].connections.member: must be >= 0, got -1"],
  );
  assert.deepEqual(
    problems(group(2) + "faults: [{at: 2s, proxy: down, connections: {member: 2}}]\n"),
    [
      "7 faults[0].connections.member: no member 2: the smallest consumer group has 2 member(s), " +
      "numbered from 0",
    ],
  );
  assert.deepEqual(
    problems(
      HEAD +
        "variants: [{name: plain}]\nfaults: [{at: 2s, proxy: down, connections: {member: 0}}]\n",
    ),
    [
      "7 faults[0].connections.member: a member's connections need a variant with a consumer " +
      "group (consumer:)",
    ],
  );
  const two = problems(
    group(3) + `faults:
  - {at: 2s, proxy: down, connections: {member: 0}}
  - {at: 4s, proxy: down, connections: {member: 2}}
`,
  );
  assert.equal(two.length, 1);
  assert.match(
    two[0],
    /^9 faults\[1\]\.connections\.member: the connections of one member per scenario can be faulted .*member 0 already is, member 2 cannot be too/,
  );
});

Deno.test("consumer: a mapping read again by a cross-field check names each problem once", () => {
  const found = problems(
    HEAD + `variants: [{name: g, consumer: {members: 2}}]
faults:
  - {at: 2s, proxy: down, targte: 1, connections: {member: 3, memebr: 1}}
  - {at: 4s, broker: kill, targte: coordinator}
`,
  );
  assert.equal(new Set(found).size, found.length, found.join("\n"));
  assert.equal(found.filter((p) => p.includes("targte")).length, 2, found.join("\n"));
  assert.equal(found.filter((p) => p.includes("memebr")).length, 1, found.join("\n"));
  assert.equal(found.filter((p) => p.includes("no member 3")).length, 1, found.join("\n"));
});
