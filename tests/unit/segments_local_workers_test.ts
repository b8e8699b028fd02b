/**
 * Local worker processes (`--workers N`) with a stand-in worker that speaks the protocol
 * without Kafka: one start for all once every worker is ready, progress summed, a worker that
 * dies named with its reason, Ctrl-C passed on, and no process left behind.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { localWorkers } from "../../lib/segments/local_workers.ts";
import type { LoadProgress } from "../../lib/load/generator.ts";
import type { ShareJob } from "../../lib/segments/job.ts";
import { processStartTime } from "../../lib/stack/processes.ts";

const FAKE = fileURLToPath(new URL("./fixtures/fake_worker.ts", import.meta.url));
const job = { format: "sismo-job/1" } as ShareJob;

/** Run 3 stand-in workers with `env`; what they answered, and how often start() was asked. */
async function runFake(
  env: Record<string, string>,
  signal = new AbortController().signal,
  said: string[] = [],
) {
  const command = [
    "env",
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Deno.execPath(),
    "run",
    "-A",
    FAKE,
  ];
  let starts = 0;
  const progress: LoadProgress[] = [];
  const outcome = await localWorkers(3, command).run(job, {
    start: () => {
      starts++;
      return Promise.resolve(1_234_567);
    },
    signal,
    onProgress: (p) => progress.push(p),
    log: (line) => said.push(line),
    readyTimeoutMs: 3000,
  });
  const parts = outcome.parts as unknown as {
    segment: { index: number };
    start: number;
    clockOffsetMs: number;
    pid: number;
    load: { aborted: boolean };
  }[];
  return { outcome, parts, starts, progress };
}

Deno.test("local workers: one start for all once every worker is ready, progress summed, none left", async () => {
  const { outcome, parts, starts, progress } = await runFake({});
  assert.deepEqual(outcome.problems, []);
  assert.equal(starts, 1);
  assert.deepEqual(parts.map((p) => p.segment.index).sort(), [1, 2, 3]);
  assert.ok(parts.every((p) => p.start === 1_234_567), "every worker got the same start");
  const last = progress[progress.length - 1];
  assert.equal(last.sent, 6, "1 + 2 + 3: every worker's latest progress, summed");
  assert.equal(last.elapsedMs, 30);
  for (const p of parts) assert.equal(processStartTime(p.pid), null, `worker ${p.pid} is gone`);
});

Deno.test("local workers: a worker that dies before it is ready is named with its reason; the others run", async () => {
  const { outcome, parts, starts } = await runFake({ FAKE_WORKER_DIES: "2" });
  assert.equal(starts, 1);
  assert.deepEqual(parts.map((p) => p.segment.index).sort(), [1, 3]);
  assert.equal(outcome.problems.length, 1);
  assert.match(
    outcome.problems[0],
    /^worker 2\/3 \(pid \d+\) exited with code 3 \(boom: this share cannot start\) and sent no result$/,
  );
});

Deno.test("local workers: Ctrl-C reaches every worker, which still answers (interrupted)", async () => {
  const abort = new AbortController();
  const running = runFake({ FAKE_WORKER_WAITS: "1" }, abort.signal);
  await new Promise((r) => setTimeout(r, 1500));
  abort.abort();
  const { outcome, parts } = await running;
  assert.deepEqual(outcome.problems, []);
  assert.equal(parts.length, 3);
  assert.ok(parts.every((p) => p.load.aborted), "each worker saw the interrupt");
  for (const p of parts) assert.equal(processStartTime(p.pid), null);
});

Deno.test("local workers: a worker killed after the start is named; the others' shares come", async () => {
  const { outcome, parts } = await runFake({ FAKE_WORKER_KILLED: "3" });
  assert.deepEqual(parts.map((p) => p.segment.index).sort(), [1, 2]);
  assert.deepEqual(outcome.problems.map((p) => p.replace(/pid \d+/, "pid N")), [
    "worker 3/3 (pid N) was killed by SIGKILL and sent no result",
  ]);
});

Deno.test("local workers: each worker's clock offset is measured and sent with the start", async () => {
  const { parts } = await runFake({ FAKE_WORKER_CLOCK_MS: "5000" });
  for (const p of parts) {
    assert.ok(
      Math.abs(p.clockOffsetMs - 5000) < 200,
      `offset ${p.clockOffsetMs} ms, 5000 expected`,
    );
  }
  const plain = await runFake({});
  for (const p of plain.parts) assert.ok(Math.abs(p.clockOffsetMs) < 200, `${p.clockOffsetMs} ms`);
});

Deno.test("local workers: a worker that never gets ready is cut off; the others start without it", async () => {
  const said: string[] = [];
  const { outcome, parts, starts } = await runFake({ FAKE_WORKER_HANGS: "2" }, undefined, said);
  assert.equal(starts, 1);
  assert.deepEqual(parts.map((p) => p.segment.index).sort(), [1, 3]);
  assert.deepEqual(outcome.problems.map((p) => p.replace(/pid \d+/, "pid N")), [
    "worker 2/3 (pid N) was killed by SIGKILL and sent no result",
  ]);
  assert.ok(
    said.some((l) => /worker 2\/3 \(pid \d+\) not ready after 3 s: cut off/.test(l)),
    said.join("\n"),
  );
});

Deno.test("local workers: interrupted before the start, no start is asked for (no faults begin)", async () => {
  const abort = new AbortController();
  abort.abort();
  const { outcome, starts } = await runFake({}, abort.signal);
  assert.equal(starts, 0);
  assert.equal(outcome.parts.length, 0);
  assert.equal(outcome.problems.length, 3, outcome.problems.join("\n"));
});
