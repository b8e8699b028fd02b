/**
 * A variant's orchestration (topic, load, drain, read-back, verification,
 * expectations) against an in-memory log: a fake driver appends to it, a fake
 * cluster reads it back. What Kafka does is tested in tests/integration; this
 * tests what sismo decides from it.
 */
import assert from "node:assert/strict";
import { parseScenario } from "../../lib/scenario/load.ts";
import { runVariant, type VariantProgress } from "../../lib/run/variant.ts";
import { brokenForGood } from "../../lib/run/expectations.ts";
import type { Plan } from "../../lib/scenario/types.ts";
import { progressLine } from "../../lib/run/summary.ts";
import { runOutcome } from "../../lib/run/run.ts";
import { env, fakeDriver, memoryCluster, MemoryLog, PARTITIONS } from "./run_helpers.ts";
import type { DriverOptions, OutRecord, ProducerDriver } from "../../lib/clients/contract.ts";
import { newRunId } from "../../lib/load/payload.ts";
import type { FaultLease } from "../../lib/faults/shared.ts";

const plan = parseScenario(
  `
name: orchestration
description: A variant against an in-memory log.
cluster: {brokers: 1}
topic: {partitions: ${PARTITIONS}, replication.factor: 1}
load: {rate: 200, duration: 1s, message.size: 64, keys: 6}
drain: 1s
variants:
  - name: v
    producer: {acks: all}
    expect: [lost == 0, unverified == 0, p99 < 5s]
`,
  "orchestration.yaml",
);

/** One topic's partitions as arrays of records. */

function run(
  log: MemoryLog,
  wrap = (driver: ProducerDriver, _o: DriverOptions) => driver,
  options: {
    plan?: Plan;
    failFast?: boolean;
    onProgress?: (p: VariantProgress) => void;
    compactLedger?: boolean;
    live?: boolean;
    liveRestartAfterMs?: number;
    faults?: (startEpochMs: number) => Promise<FaultLease>;
  } = {},
) {
  const p = options.plan ?? plan;
  return runVariant({
    plan: p,
    variant: p.variants[0],
    failFast: options.failFast,
    compactLedger: options.compactLedger,
    live: options.live,
    liveRestartAfterMs: options.liveRestartAfterMs,
    faults: options.faults,
    onProgress: options.onProgress,
    variantIndex: 0,
    env,
    runId: newRunId(),
    startAt: () => Promise.resolve(Date.now() + 20),
    signal: new AbortController().signal,
    cluster: memoryCluster(log),
    createDriver: (o) => Promise.resolve(wrap(fakeDriver(log, o), o)),
  });
}

Deno.test("variant: every event written and read back is ok; the expectations hold", async () => {
  const report = await run(new MemoryLog());
  assert.equal(report.counts.intended, 200);
  assert.equal(report.verification!.counts.ok, 200);
  assert.equal(report.inconclusive, undefined);
  // The live verification read the same records while the load ran, and agrees.
  assert.equal(report.live!.agrees, true, JSON.stringify(report.live));
  assert.deepEqual(report.live!.counts, report.verification!.counts);
  assert.equal(report.live!.recordsRead, 200);
  assert.ok(report.expectations.every((e) => e.passed), JSON.stringify(report.expectations));
  assert.equal(
    runOutcome({ aborted: false, errors: [], variants: [report], planned: 1 }),
    "passed",
  );
});

Deno.test("variant: a partition that cannot be read makes the run inconclusive, whatever the expectations say", async () => {
  const log = new MemoryLog();
  log.unreadable.add(1);
  const report = await run(log);
  assert.ok(report.verification!.counts.unverified > 0);
  assert.ok(report.inconclusive && report.inconclusive.length > 0);
  assert.match(report.inconclusive!.join("\n"), /partition\(s\) 1/);
  const outcome = runOutcome({ aborted: false, errors: [], variants: [report], planned: 1 });
  assert.equal(outcome, "inconclusive");
  // Even a scenario that expects nothing about verification cannot pass.
  const noExpectations = { ...report, expectations: [] };
  assert.equal(
    runOutcome({ aborted: false, errors: [], variants: [noExpectations], planned: 1 }),
    "inconclusive",
  );
});

Deno.test("variant: acknowledged records above a lagging high watermark are waited for, not lost", async () => {
  const log = new MemoryLog();
  // After the load, the first offset answers are 5 records short (followers still copying).
  log.lag = 5;
  log.lagUntilCall = 3; // the first call is before the load; then two lagging answers
  const report = await run(log);
  assert.equal(report.verification!.counts.lost, 0);
  assert.equal(report.verification!.counts.ok, 200);
});

Deno.test("variant: sismo's findings carry their phrase, for reports in other languages", async () => {
  // Every 50th record is never answered, not even by the purge.
  const report = await run(new MemoryLog(), (driver) => ({
    ...driver,
    send: (record) => record.token % 50 === 0 ? undefined : driver.send(record),
  }));
  const own = report.errors.filter((e) => e.source === "sismo");
  assert.deepEqual(own.map((e) => [e.count, e.phrase]), [
    [4, { id: "finding.unansweredAfterPurge" }],
    [4, { id: "finding.purgedAfterDrain", params: { ms: 1000 } }],
  ]);
});

Deno.test("variant: anomalies land in the timeline by intended second, zero elsewhere", async () => {
  const log = new MemoryLog();
  // Event 10 is written twice (a retry whose first write was kept).
  const report = await run(log, (driver) => ({
    ...driver,
    send: (record) => {
      if (record.token === 10) {
        log.partitions[10 % PARTITIONS].push({ key: null, value: record.value.slice() });
      }
      driver.send(record);
    },
  }));
  assert.equal(report.verification!.counts.duplicated, 1);
  const seconds = report.timeline.filter((p) => p.intended);
  assert.deepEqual(seconds.map((p) => [p.t, p.intended!.anomalies]), [
    [0, { lost: 0, duplicated: 1, phantom: 0, reordered: 0 }],
  ]);
});

/** Event 10 and every event from 100 on written twice (a retry whose first write was kept). */
function duplicating(log: MemoryLog) {
  return (driver: ProducerDriver): ProducerDriver => ({
    ...driver,
    send: (record) => {
      if (record.token === 10 || record.token >= 100) {
        log.partitions[record.token % PARTITIONS].push({ key: null, value: record.value.slice() });
      }
      driver.send(record);
    },
  });
}

Deno.test("variant: the live verification finds duplicates while the load runs, and the progress line names them", async () => {
  const log = new MemoryLog();
  const lines: string[] = [];
  const report = await run(log, duplicating(log), {
    onProgress: (p) => lines.push(progressLine(p, 200)),
  });
  assert.equal(report.verification!.counts.duplicated, 101);
  assert.equal(report.live!.agrees, true, JSON.stringify(report.live));
  assert.equal(report.live!.counts.duplicated, 101);
  assert.ok(report.live!.firstAnomalyMs !== null && report.live!.firstAnomalyMs < 1500);
  // Event 10 is due at 50 ms: the progress line one second in already says so.
  assert.ok(lines.some((l) => /\| read back \d+: duplicated [1-9]/.test(l)), lines.join("\n"));
  // The timeline says in which seconds they were found (those found by the end are not).
  const found = report.timeline.reduce((n, p) => n + (p.found ?? 0), 0);
  assert.ok(found > 0 && found <= 101, `found ${found}`);
  // Counted at the progress ticks (each second): event 10, due at 50 ms, by the first one.
  const first = report.timeline.findIndex((p) => p.found !== undefined);
  assert.ok(first >= 0 && first <= 1, `first found in second ${first}`);
});

Deno.test("variant: --fail-fast stops the load at an anomaly that breaks an expectation for good; the events are still verified", async () => {
  const failing = parseScenario(
    `
name: fail-fast
description: Stops at the first duplicate.
cluster: {brokers: 1}
topic: {partitions: ${PARTITIONS}, replication.factor: 1}
load: {rate: 200, duration: 4s, message.size: 64, keys: 6}
drain: 1s
variants:
  - name: v
    producer: {acks: all}
    expect: [duplicated == 0, lost == 0]
`,
    "fail-fast.yaml",
  );
  const log = new MemoryLog();
  const report = await run(log, duplicating(log), { plan: failing, failFast: true });
  assert.equal(report.stoppedEarly, "duplicated == 0");
  assert.ok(report.counts.sent < 600, `sent ${report.counts.sent} of 800`);
  assert.ok(report.verification !== null);
  assert.equal(report.verification!.counts.lost, 0);
  assert.equal(report.live!.agrees, true);
  assert.deepEqual(report.expectations.map((e) => e.passed), [false, true]);
  assert.equal(
    runOutcome({ aborted: false, errors: [], variants: [report], planned: 1 }),
    "failed",
  );
  // Without the flag the same run goes to its end.
  const full = await run(new MemoryLog(), (d) => d, { plan: failing });
  assert.equal(full.counts.sent, 800);
  assert.equal(full.stoppedEarly, undefined);
});

Deno.test("variant: a live verification that disagrees with the end-of-run read makes the run inconclusive", async () => {
  const log = new MemoryLog();
  log.liveSkips.add("1/3"); // the live reader misses one record the end-of-run read finds
  const report = await run(log);
  assert.equal(report.verification!.counts.ok, 200);
  assert.equal(report.live!.agrees, false);
  assert.ok(report.live!.differences.length > 0, JSON.stringify(report.live));
  assert.match(report.inconclusive!.join("\n"), /live verification disagrees .*: ok: 199 ≠ 200/);
  const own = report.errors.filter((e) => e.source === "sismo").map((e) => e.phrase?.id);
  assert.ok(own.includes("finding.liveDisagrees"), JSON.stringify(report.errors));
  assert.equal(
    runOutcome({ aborted: false, errors: [], variants: [report], planned: 1 }),
    "inconclusive",
  );
});

Deno.test("brokenForGood: only an upper bound on a growing count is broken before the end", () => {
  const counts = {
    ok: 10,
    lost: 0,
    duplicated: 2,
    duplicates: 2,
    phantom: 0,
    failedAbsent: 0,
    reordered: 0,
    foreign: 0,
    unverified: 0,
  };
  const expect = (text: string) =>
    parseScenario(
      `
name: e
description: e
cluster: {brokers: 1}
topic: {partitions: 1, replication.factor: 1}
load: {rate: 10, duration: 1s}
variants:
  - name: v
    producer: {acks: all}
    expect: [${text}]
`,
      "e.yaml",
    ).variants[0].expectations;
  assert.deepEqual(brokenForGood(expect("duplicated == 0"), counts), {
    text: "duplicated == 0",
    metric: "duplicated",
    observed: 2,
  });
  assert.equal(brokenForGood(expect("duplicated < 2"), counts)?.text, "duplicated < 2");
  assert.equal(brokenForGood(expect("duplicated <= 2"), counts), null);
  // A lower bound can still be met, and ok is not an anomaly that only grows wrong.
  assert.equal(brokenForGood(expect("duplicated > 5"), counts), null);
  assert.equal(brokenForGood(expect("lost == 0"), counts), null);
  assert.equal(brokenForGood(expect("p99 < 1ms"), counts), null);
});

Deno.test("variant: a compact ledger's run is verified live only, with the same counts", async () => {
  const log = new MemoryLog();
  const full = await run(log, duplicating(log));
  const compactLog = new MemoryLog();
  const compact = await run(compactLog, duplicating(compactLog), { compactLedger: true });
  assert.deepEqual(compact.verification!.counts, full.verification!.counts);
  assert.equal(compact.verification!.counts.duplicated, 101);
  assert.equal(compact.live!.agrees, null); // nothing to compare with
  assert.equal(compact.inconclusive, undefined);
  assert.deepEqual(compact.counts, full.counts);
  assert.equal(compact.latency.allIntended.events, full.latency.allIntended.events);
  // Without the live verification a compact run cannot be verified: inconclusive, not passed.
  const blind = await run(new MemoryLog(), (d) => d, { compactLedger: true, live: false });
  assert.equal(blind.verification, null);
  assert.match(blind.inconclusive!.join("\n"), /not verified: the run kept a compact ledger/);
  assert.equal(
    runOutcome({ aborted: false, errors: [], variants: [blind], planned: 1 }),
    "inconclusive",
  );
});

Deno.test("variant: a compact run keeps no latency per event, so its fault phases are unknown", async () => {
  // A fault from 300 ms to 600 ms of the load, handed in as the shared timeline would.
  const lease = (startEpochMs: number): Promise<FaultLease> =>
    Promise.resolve({
      activeLabels: () => [],
      release: () =>
        Promise.resolve({
          startEpochMs,
          windows: [{
            id: "f1",
            label: "latency 100ms",
            kind: "toxic" as const,
            target: { kind: "all" as const },
            brokers: [1],
            plannedAtMs: 300,
            plannedForMs: 300,
            startedAtMs: 300,
            endedAtMs: 600,
          }],
          errors: [],
          resolvedOn: null,
        }),
    });
  const full = await run(new MemoryLog(), undefined, { faults: lease });
  assert.equal(full.phases.length, 1);
  assert.ok(full.phases[0].before !== null && full.phases[0].during !== null, "full run: phases");
  const compact = await run(new MemoryLog(), undefined, { faults: lease, compactLedger: true });
  assert.deepEqual(
    compact.phases.map((p) => [p.before, p.during, p.after]),
    [[null, null, null]],
  );
});

Deno.test("variant: a verification that throws keeps the report, inconclusive with the reason", async () => {
  const log = new MemoryLog();
  log.consumeThrows = new Error("The coordinator is not available");
  const report = await run(log);
  assert.equal(report.counts.acked, 200); // the load is reported
  assert.equal(report.verification, null);
  assert.match(
    report.inconclusive!.join("\n"),
    /^\[v\] verification failed: The coordinator is not available$/m,
  );
  assert.equal(
    runOutcome({ aborted: false, errors: [], variants: [report], planned: 1 }),
    "inconclusive",
  );
});

Deno.test("variant: events never sent (a capped pipeline under a stall) fail a latency bound the sent ones meet", async () => {
  const capped = parseScenario(
    `
name: capped
description: A capped pipeline under a stall.
cluster: {brokers: 1}
topic: {partitions: ${PARTITIONS}, replication.factor: 1}
load:
  rate: 200
  duration: 2s
  message.size: 64
  keys: 6
  send: {mode: pipelined, max.outstanding: 20}
drain: 2s
variants:
  - name: v
    producer: {acks: all}
    expect: [p90 < 500ms]
`,
    "capped.yaml",
  );
  const log = new MemoryLog();
  // Answers held for 700 ms from the event due at 500 ms: the 20 outstanding fill up in 0.1 s
  // and the next events are not sent.
  const report = await run(log, (driver) => {
    const held: OutRecord[] = [];
    let stallUntil = 0;
    return {
      ...driver,
      send: (record) => {
        if (record.token === 100) {
          stallUntil = Date.now() + 700;
          setTimeout(() => held.splice(0).forEach((r) => driver.send(r)), 700);
        }
        if (Date.now() < stallUntil) held.push({ ...record, value: record.value.slice() });
        else driver.send(record);
      },
    };
  }, { plan: capped });
  assert.ok(report.counts.notSent >= 60, `not sent ${report.counts.notSent}`);
  // Every sent event was answered within the bound …
  assert.ok(report.latency.fromIntended.p90 < 500, `acked p90 ${report.latency.fromIntended.p90}`);
  // … but the bound is judged over every intended event: a tenth or more never sent fail it.
  assert.equal(report.expectations[0].passed, false);
  assert.equal(report.expectations[0].unbounded, true);
});

Deno.test("variant: a failure the client later reports written is a finding, the event stays failed", async () => {
  const log = new MemoryLog();
  const report = await run(log, (driver, o) => ({
    ...driver,
    send: (record) => {
      if (record.token !== 7) return driver.send(record);
      // The client gives up on event 7, then its write succeeds after all.
      const partition = record.token % PARTITIONS;
      log.partitions[partition].push({ key: null, value: record.value.slice() });
      const offset = log.partitions[partition].length - 1;
      queueMicrotask(() => {
        o.onDelivery({
          token: 7,
          partition: -1,
          offset: -1,
          status: "possibly-persisted",
          error: "Local: Message timed out",
        });
        o.onDelivery({ token: 7, partition, offset, status: "persisted", lateSuccess: true });
      });
    },
  }));
  assert.equal(report.counts.failed, 1);
  assert.equal(report.counts.ackedAfterFailure, 1);
  const own = report.errors.filter((e) => e.source === "sismo");
  assert.deepEqual(own.map((e) => [e.count, e.phrase?.id]), [[1, "finding.ackedAfterFailure"]]);
  // Written after its failure: a phantom, not ok.
  assert.equal(report.verification!.counts.phantom, 1);
});

Deno.test("variant: a live read that does not reach the end is no disagreement: the end-of-run read judges", async () => {
  const log = new MemoryLog();
  log.liveStopsAt = 150; // the live consumer stops for good after 150 records
  const report = await run(log, undefined, { liveRestartAfterMs: 200 });
  assert.equal(report.verification!.counts.ok, 200);
  assert.equal(report.live!.agrees, null);
  assert.equal(report.inconclusive, undefined);
  assert.match(report.live!.problems.join("\n"), /live read: partition \d read to \d+ of \d+/);
  // Restarted as often as allowed, each time in a group of its own, before giving up.
  assert.equal(new Set(log.liveGroups).size, 4);
  const own = report.errors.filter((e) => e.source === "sismo").map((e) => e.message);
  assert.ok(own.some((m) => m.startsWith("live verification: did not complete")), own.join("\n"));
  assert.equal(
    runOutcome({ aborted: false, errors: [], variants: [report], planned: 1 }),
    "passed",
  );
});

Deno.test("variant: a live read that stalls is restarted where it stopped and agrees", async () => {
  const log = new MemoryLog();
  log.firstLiveStallsAt = 120; // the first consumer hangs after 120 records (a lost coordinator)
  const report = await run(log, undefined, { liveRestartAfterMs: 200 });
  assert.equal(new Set(log.liveGroups).size, 2);
  assert.equal(report.live!.agrees, true, report.live!.differences.join("; "));
  assert.equal(report.live!.recordsRead, 200);
  assert.equal(report.live!.counts.ok, 200);
  assert.match(
    report.live!.problems.join("\n"),
    /live read: restarted from the offsets it reached/,
  );
  assert.equal(report.inconclusive, undefined);
});
