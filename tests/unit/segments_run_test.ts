/**
 * A variant split into shares, against the in-memory log: the coordinator's path (one start,
 * shares merged, verified once) gives the same classification as one process sending every
 * event; a missing share makes the run inconclusive.
 */
import assert from "node:assert/strict";
import { parseScenario } from "../../lib/scenario/load.ts";
import { runVariant } from "../../lib/run/variant.ts";
import { runOutcome } from "../../lib/run/run.ts";
import { newRunId } from "../../lib/load/payload.ts";
import type { LoadSegment } from "../../lib/load/segment.ts";
import type { DriverOptions, ProducerDriver } from "../../lib/clients/contract.ts";
import type { ShareRunner, WorkerMessage } from "../../lib/segments/job.ts";
import { remoteWorkers } from "../../lib/segments/remote_workers.ts";
import { serveJobs } from "../../lib/segments/serve.ts";
import { jsonLineWriter, lines } from "../../lib/segments/lines.ts";
import { runShare } from "../../lib/segments/share.ts";
import type { PartialResult } from "../../lib/segments/partial.ts";
import { env, fakeDriver, memoryCluster, MemoryLog, PARTITIONS } from "./run_helpers.ts";

const plan = parseScenario(
  `
name: split
description: A variant split over workers, against an in-memory log.
cluster: {brokers: 1}
topic: {partitions: ${PARTITIONS}, replication.factor: 1}
load: {rate: 400, duration: 1s, message.size: 64, keys: 6}
drain: 1s
variants:
  - name: v
    producer: {acks: all}
    expect: [duplicated == 0]
`,
  "split.yaml",
);

/**
 * A producer whose fate for each event depends on the event alone, whichever process sends
 * it: every 17th is written twice (a retry whose first answer was lost), every 23rd fails.
 */
function driverOf(log: MemoryLog, o: DriverOptions): ProducerDriver {
  return fakeDriver(
    log,
    o,
    (seq) => seq % 23 === 5 ? "refused" : seq % 17 === 3 ? "twice" : "once",
  );
}

/** Shares run in this process, as worker processes would run them (JSON in, JSON out). */
function inProcessShares(count: number, log: MemoryLog, skip?: number): ShareRunner {
  return {
    count,
    async run(job, o) {
      let ready = 0;
      let allReady!: () => void;
      const everyoneReady = new Promise<void>((r) => (allReady = r));
      let start: Promise<number> | null = null;
      const segments: LoadSegment[] = Array.from({ length: count }, (_, i) => ({
        index: i + 1,
        count,
      })).filter((s) => s.index !== skip);
      const parts = await Promise.all(
        segments.map((segment) =>
          runShare(JSON.parse(JSON.stringify(job)), segment, {
            start: async () => {
              if (++ready === segments.length) allReady();
              await everyoneReady;
              return { startEpochMs: await (start ??= o.start()), clockOffsetMs: 0 };
            },
            signal: o.signal,
            createDriver: (d) => Promise.resolve(driverOf(log, d)),
          })
        ),
      );
      return {
        parts: parts.map((p) => JSON.parse(JSON.stringify(p)) as PartialResult),
        problems: skip ? [`worker ${skip}/${count} exited with code 1 and no result`] : [],
      };
    },
  };
}

function run(log: MemoryLog, shares?: ShareRunner, lines: string[] = []) {
  return runVariant({
    log: (line) => lines.push(line),
    plan,
    variant: plan.variants[0],
    variantIndex: 0,
    env,
    runId: newRunId(),
    startAt: () => Promise.resolve(Date.now() + 20),
    signal: new AbortController().signal,
    cluster: memoryCluster(log),
    createDriver: (o) => Promise.resolve(driverOf(log, o)),
    shares,
  });
}

Deno.test("split: 1, 2 and 4 shares classify every event as one process does", async () => {
  const whole = await run(new MemoryLog());
  const counts = whole.verification!.counts;
  assert.equal(whole.counts.intended, 400);
  assert.ok(counts.duplicated > 0 && whole.counts.failed > 0, JSON.stringify(whole.counts));
  assert.equal(whole.workers, undefined);
  for (const n of [1, 2, 4]) {
    const log = new MemoryLog();
    const split = await run(log, inProcessShares(n, log));
    assert.equal(split.workers?.length, n);
    assert.deepEqual(split.counts, whole.counts, `${n} share(s)`);
    assert.deepEqual(split.verification!.counts, counts, `${n} share(s)`);
    assert.equal(split.inconclusive, undefined);
    assert.equal(split.expectations[0].passed, false, "duplicated == 0 fails as it does whole");
  }
});

Deno.test("split: a share that never came makes the run inconclusive, not a pass", async () => {
  const log = new MemoryLog();
  const split = await run(log, inProcessShares(4, log, 3));
  assert.equal(split.counts.intended, 400);
  assert.equal(split.counts.sent, 300, "a quarter of the events were never sent");
  assert.match(split.inconclusive!.join("\n"), /worker 3\/4 exited with code 1/);
  assert.match(split.inconclusive!.join("\n"), /share 3\/4 is missing/);
  assert.equal(
    runOutcome({ aborted: false, errors: [], variants: [split], planned: 1 }),
    "inconclusive",
  );
});

/** A worker that connects over TCP, as a pod does, and serves jobs with the in-memory driver. */
async function connectWorker(
  port: number,
  index: number | null,
  log: MemoryLog,
  failFirst = false,
) {
  let jobs = 0;
  for (let attempt = 0;; attempt++) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const say = jsonLineWriter<WorkerMessage>(conn);
      await say({ hello: { index, host: `pod-${index}` } });
      return await serveJobs(lines(conn.readable), say, {
        signal: new AbortController().signal,
        createDriver: (d) =>
          failFirst && jobs++ === 0
            ? Promise.reject(new Error("no producer this time"))
            : Promise.resolve(driverOf(log, d)),
      });
    } catch (e) {
      if (!(e instanceof Deno.errors.ConnectionRefused) || attempt > 200) throw e;
      await new Promise((r) => setTimeout(r, 20)); // the coordinator listens from its first job
    }
  }
}

Deno.test("split: workers that connect over TCP serve every variant in turn, then are let go", async () => {
  const whole = await run(new MemoryLog());
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const log = new MemoryLog();
  const shares = remoteWorkers({ count: 3, hostname: "127.0.0.1", port });
  const said: string[] = [];
  const firstRun = run(log, shares, said);
  // The first connection never says hello: it holds up nobody (a bounded wait of its own).
  let silent: Deno.Conn | null = null;
  while (!silent) {
    silent = await Deno.connect({ hostname: "127.0.0.1", port }).catch(() => null);
    if (!silent) await new Promise((r) => setTimeout(r, 20));
  }
  // Pods 2 and 3 ask for their index; the third worker takes what is left.
  const served = [
    connectWorker(port, 3, log),
    connectWorker(port, null, log),
    connectWorker(port, 2, log),
  ];
  const first = await firstRun;
  const second = await run(log, shares, said);
  await shares.close!();
  silent.close();
  assert.deepEqual(await Promise.all(served), [2, 2, 2], "each worker served both variants");
  for (const split of [first, second]) {
    assert.deepEqual(split.verification!.counts, whole.verification!.counts);
    assert.deepEqual(split.workers!.map((w) => w.segment), ["1/3", "2/3", "3/3"]);
  }
  // Each pod got the share of its index; the one that asked for none, the share left.
  for (const [pod, share] of [["pod-3", "3/3"], ["pod-null", "1/3"], ["pod-2", "2/3"]]) {
    assert.ok(
      said.some((l) => l.includes(`worker ${pod} connected: share ${share}`)),
      said.join("\n"),
    );
  }
});

Deno.test("split: a worker over TCP whose share fails says why, and serves the next variant", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const log = new MemoryLog();
  const shares = remoteWorkers({ count: 2, hostname: "127.0.0.1", port });
  const served = [connectWorker(port, 1, log), connectWorker(port, 2, log, true)];
  const first = await run(log, shares);
  const second = await run(log, shares);
  await shares.close!();
  assert.deepEqual(await Promise.all(served), [2, 1]);
  assert.match(
    first.inconclusive!.join("\n"),
    /worker 2\/2 \(pod-2\) failed: no producer this time/,
  );
  assert.match(first.inconclusive!.join("\n"), /share 2\/2 is missing/);
  assert.equal(second.inconclusive, undefined);
  assert.equal(second.verification!.counts.lost, 0);
});
