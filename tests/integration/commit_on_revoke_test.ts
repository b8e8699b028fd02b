/**
 * `commit.on.revoke` on real Kafka, with member processes (issue 14): member 0 reads two
 * partitions alone, committing only once a batch of 1,000 records is done (never, here), when
 * member 1 joins. The eager rebalance takes member 0's partitions; what it had processed and
 * not committed is processed again by whoever gets them next, unless member 0 commits it before
 * letting them go. With librdkafka the commit is made inside the rebalance callback; with
 * KafkaJS, inside the batch handler whose heartbeat the rebalance refused. Without the option
 * (the control) the same steps do reprocess: the test can tell the two apart.
 */
import assert from "node:assert/strict";
import { MemberGroup } from "../../lib/consume/group.ts";
import { readProcessingLog } from "../../lib/consume/processing_log.ts";
import { acquireEnvironment } from "../../lib/run/environment.ts";
import { childrenMatching, waitUntil } from "./helpers.ts";
import { groupTopic } from "./group_topic.ts";

const MEMBER = /main\.ts member(\s|$)/;
const PARTITIONS = 2;
const PER_PARTITION = 30;
const PROCESSING_MS = 50;

async function joinWhileProcessing(bootstrap: string[], client: string, commitOnRevoke: boolean) {
  const t = await groupTopic(bootstrap, `it-revoke-${client}`, PARTITIONS, PER_PARTITION);
  const dir = await Deno.makeTempDir({ prefix: "sismo-revoke-" });
  const group = new MemberGroup({ stopGraceMs: 10_000 });
  try {
    const job = (member: number) =>
      t.memberJob(member, client, dir, {
        properties: {
          "auto.offset.reset": "earliest",
          "enable.auto.commit": "false",
          "session.timeout.ms": "10000",
          "heartbeat.interval.ms": "500",
        },
        commit: "after-batch",
        commitEvery: 1000,
        commitOnRevoke,
        pollMax: 1,
        model: { time: { kind: "fixed", ms: PROCESSING_MS }, poisonShare: 0 },
      });
    const logs = [`${dir}/member-0.log`, `${dir}/member-1.log`];
    let processedBeforeJoin = 0;
    await group.start(job(0));
    // Member 1 joins once member 0 has processed 10 records (0.5 s of its 3 s of work).
    const joinBy = Date.now() + 30_000;
    while (processedBeforeJoin < 10) {
      assert.ok(Date.now() < joinBy, "member 0 never processed 10 records");
      await new Promise((r) => setTimeout(r, 20));
      processedBeforeJoin = await readProcessingLog(logs[0]).then((l) => l.entries.length, () => 0);
    }
    const before = await t.committed();
    await group.start(job(1));
    await waitUntil(
      "member 1's assignment",
      30_000,
      () => (group.lives[1].assignments.at(-1)?.partitions.length ?? 0) > 0,
    );
    const committed = await t.committedToEnd(30_000);
    await group.close({ drain: true });
    return {
      before,
      committed,
      counts: await t.check(logs),
      lives: group.lives,
      processedBeforeJoin,
    };
  } finally {
    await group.close();
    await t.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** A member's own count of its commits, from its `done` line. */
function commitsOf(end: unknown): number | undefined {
  const e = end as { kind?: string; result?: { commits?: number } } | null;
  return e?.kind === "done" ? e.result?.commits : undefined;
}

for (const client of ["librdkafka", "kafkajs"]) {
  Deno.test({
    name:
      `commit.on.revoke, ${client} members as processes: what was processed before a rebalance is committed before the partitions go, nothing is processed twice`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const env = await acquireEnvironment({ brokers: 1 });
      try {
        const careful = await joinWhileProcessing(env.bootstrap, client, true);
        const c = careful.counts;
        const detail = JSON.stringify({ counts: c, lives: careful.lives });
        assert.equal(careful.before.size, 0, "nothing committed before member 1 joined");
        assert.ok(careful.lives[1].assignments.some((a) => a.partitions.length > 0), detail);
        assert.equal(c.records, PARTITIONS * PER_PARTITION, detail);
        assert.equal(c.lost, 0, detail);
        assert.equal(c.unprocessed, 0, detail);
        assert.equal(c.processedMoreThanOnce, 0, detail);
        assert.equal(c.processedOnce, PARTITIONS * PER_PARTITION, detail);
        assert.ok((commitsOf(careful.lives[0].end) ?? 0) >= 1, detail);

        if (client === "librdkafka") {
          // The control: the same steps without the option do process records twice.
          const plain = await joinWhileProcessing(env.bootstrap, client, false);
          const p = plain.counts;
          assert.equal(p.lost, 0, JSON.stringify(p));
          assert.equal(p.unprocessed, 0, JSON.stringify(p));
          assert.ok(p.processedMoreThanOnce > 0, JSON.stringify(p));
        }
        assert.deepEqual(await childrenMatching(Deno.pid, MEMBER), [], "no member process left");
      } finally {
        await env.release();
      }
    },
  });
}
