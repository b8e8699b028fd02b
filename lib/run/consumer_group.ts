/**
 * A variant's consumer group from start to report (issue 11): its members start and
 * subscribe before the load (so that the load's first records find them), the member faults
 * play on the load's clock, and after the load the group is given `catch.up` to finish the
 * topic. Then every member leaves, and what became of every record is read from what the
 * members recorded, the group's committed offsets and the dead-letter topic
 * (`lib/verify/processing.ts`).
 *
 * @module
 */
import { join } from "node:path";
import { consumerFactory } from "../clients/consumer_registry.ts";
import { deadLetterSource } from "../consume/dead_letter.ts";
import { type MemberEnd, MemberGroup, type MemberLife } from "../consume/group.ts";
import { MEMBER_JOB_FORMAT, type MemberJob } from "../consume/member_job.ts";
import { readProcessingLog } from "../consume/processing_log.ts";
import { MemberFaults } from "../faults/member_faults.ts";
import { decodeEvent } from "../load/payload.ts";
import { LatencyRecorder } from "../metrics/latency.ts";
import { type AvailableAt, longestStalls, reassignedAfter } from "../metrics/consumer_pauses.ts";
import type {
  ConsumerGroupReport,
  FaultWindow,
  GroupFaultPause,
  LatencySummary,
  MemberLifeReport,
} from "../report/types.ts";
import type { ConsumerGroupPlan, FaultPlan, VariantPlan } from "../scenario/types.ts";
import { connectionsMember } from "../scenario/faults.ts";
import { createTopicWithLeaders, withAdmin } from "../stack/admin.ts";
import { exists } from "../stack/provision.ts";
import type { PartitionRange } from "../verify/consume.ts";
import { checkProcessing, type ProcessingEntry } from "../verify/processing.ts";
import type { RunEnvironment } from "./environment.ts";
import type { VariantCluster } from "./variant.ts";

/**
 * Which event (sequence number) each record of the topic is, from the read-back: the
 * consumer group's end-to-end latency and lag are counted from each event's intended time.
 */
export class OffsetSeqs {
  readonly #byPartition = new Map<number, { start: number; seqs: Float64Array }>();
  readonly #runId: Uint8Array;

  constructor(ranges: readonly PartitionRange[], runId: Uint8Array) {
    this.#runId = runId;
    for (const r of ranges) {
      this.#byPartition.set(r.partition, {
        start: r.start,
        seqs: new Float64Array(Math.max(0, r.end - r.start)).fill(NaN),
      });
    }
  }

  /** Note the record at `offset` of `partition`, with its value. */
  observe(partition: number, offset: number, value: Uint8Array | null): void {
    const p = this.#byPartition.get(partition);
    const event = decodeEvent(value, this.#runId);
    if (!p || !event || offset < p.start || offset - p.start >= p.seqs.length) return;
    p.seqs[offset - p.start] = event.seq;
  }

  /** The event at `offset` of `partition`; undefined when it is not one of this run's. */
  seqAt(partition: number, offset: number): number | undefined {
    const p = this.#byPartition.get(partition);
    const seq = p?.seqs[offset - p.start];
    return seq === undefined || Number.isNaN(seq) ? undefined : seq;
  }

  /** Every record's event, in no order. */
  *all(): Generator<number> {
    for (const p of this.#byPartition.values()) {
      for (const seq of p.seqs) if (!Number.isNaN(seq)) yield seq;
    }
  }
}

/** From the read-back, for end-to-end latency and lag. */
export interface EventTimes {
  seqs: OffsetSeqs;
  /** When the load intended to send event `seq`, epoch ms. */
  intendedEpochMs(seq: number): number;
  /** When event `seq` was acknowledged, epoch ms; null when it never was. */
  ackedEpochMs(seq: number): number | null;
}

/**
 * End-to-end latency (from each event's intended send time to the end of its first
 * processing, or its hand-over to the dead-letter topic: coordinated omission corrected as the
 * producer's is) and the group's lag per
 * second (records intended so far, less records processed so far), seconds from the load's
 * start.
 */
export function endToEnd(
  entries: readonly ProcessingEntry[],
  times: EventTimes,
  startEpochMs: number,
  endEpochMs: number,
): { latency: LatencySummary | null; lag: { t: number; records: number }[] } {
  const first = new Map<string, number>();
  for (const e of entries) {
    const key = `${e.partition}:${e.offset}`;
    const seen = first.get(key);
    if (seen === undefined || e.atMs < seen) first.set(key, e.atMs);
  }
  const recorder = new LatencyRecorder();
  const seconds = Math.max(1, Math.ceil((endEpochMs - startEpochMs) / 1000));
  const intendedPerSecond = new Float64Array(seconds + 1);
  const processedPerSecond = new Float64Array(seconds + 1);
  const second = (epochMs: number) =>
    Math.min(seconds, Math.max(0, Math.floor((epochMs - startEpochMs) / 1000)));
  for (const seq of times.seqs.all()) intendedPerSecond[second(times.intendedEpochMs(seq))]++;
  for (const [key, atMs] of first) {
    processedPerSecond[second(atMs)]++;
    const [partition, offset] = key.split(":").map(Number);
    const seq = times.seqs.seqAt(partition, offset);
    if (seq === undefined) continue;
    recorder.record(Math.max(0, atMs - times.intendedEpochMs(seq)) * 1000);
  }
  const lag: { t: number; records: number }[] = [];
  let intended = 0, processed = 0;
  for (let t = 0; t <= seconds; t++) {
    intended += intendedPerSecond[t];
    processed += processedPerSecond[t];
    lag.push({ t, records: Math.max(0, intended - processed) });
  }
  return { latency: recorder.count > 0 ? recorder.summary() : null, lag };
}

/**
 * Whether the group has settled: every partition of the topic is held by exactly one running
 * member, and each running member holds one at least (when there are partitions enough). A
 * group whose members joined one after the other rebalances until then; started under load, that
 * first rebalance would cost what the faults are there to show (eager revokes every partition,
 * and what was processed but not committed is processed again).
 */
export function groupSettled(lives: readonly MemberLife[], partitions: number): boolean {
  const held = holdings(lives);
  const all = held.flat();
  if (all.length !== partitions || new Set(all).size !== partitions) return false;
  return held.length > partitions || held.every((p) => p.length > 0);
}

/** What each member process running now (subscribed, not ended) last said it held. */
function holdings(lives: readonly MemberLife[]): number[][] {
  return lives.filter((l) => l.readyAtMs !== null && l.endedAtMs === null)
    .map((l) => l.assignments.at(-1)?.partitions ?? []);
}

/** How long the load waits for a group to settle before it starts ({@link groupSettled}). */
const SETTLE_MS = 30_000;

/** What a variant's group needs. */
export interface GroupOptions {
  variant: VariantPlan & { consumer: ConsumerGroupPlan };
  env: RunEnvironment;
  cluster: VariantCluster;
  topic: string;
  /** The topic's partitions. */
  partitions: number;
  runIdHex: string;
  /** Where the members' processing logs go (a fresh folder). */
  dir: string;
  log: (line: string) => void;
  /** The command of a member process (tests); `main.ts member` by default. */
  memberCommand?: readonly string[];
  /**
   * The member whose connections the timeline faults (`connections: {member: N}`): it alone
   * bootstraps through the member proxies, so that their toxics reach no other client.
   */
  faultedMember?: number | null;
}

/** The consumer group of a variant whose topic is `topic`. */
export function groupIdOf(topic: string): string {
  return `${topic}.group`;
}

/** The dead-letter topic of a variant's topic. */
export function deadLetterTopic(topic: string): string {
  return `${topic}-dlq`;
}

/** The group's committed offset of each partition (absent: none). */
async function committedOffsets(
  env: RunEnvironment,
  groupId: string,
  topic: string,
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const answer = await withAdmin(
    env.controlBootstrap,
    (admin) => admin.fetchOffsets({ groupId, topics: [topic] }),
    env.controlConnection,
  );
  for (const t of answer) {
    for (const p of t.partitions) {
      const offset = Number(p.offset);
      if (offset >= 0) out.set(p.partition, offset);
    }
  }
  return out;
}

/**
 * The faults that started, in order, with their member (null: not a member fault nor a fault on
 * one member's connections).
 */
function faultStarts(
  windows: readonly FaultWindow[],
): { id: string; member: number | null; startedAtMs: number }[] {
  return windows
    .filter((w) => w.startedAtMs !== null)
    .map((w) => ({
      id: w.id,
      // A fault on one member's connections is that member's, as a crash of it is.
      member: w.target.kind === "member"
        ? w.target.index
        : (w.action && connectionsMember(w.action)) ?? null,
      startedAtMs: w.startedAtMs!,
    }))
    .sort((a, b) => a.startedAtMs - b.startedAtMs);
}

/** How a member process ended, in the report's words. */
const END_OF: Record<MemberEnd["kind"], MemberLifeReport["end"]> = {
  done: "left",
  killed: "killed",
  failed: "failed",
  exited: "exited",
};

/** A variant's running consumer group; see the module doc. */
export class VariantGroup {
  readonly #o: GroupOptions;
  readonly #group: MemberGroup;
  readonly groupId: string;
  #faults: MemberFaults | null = null;
  /** Members started so far: those of the start, then those that joined. */
  #memberCount: number;
  #idleAtLoadEnd: number | null = null;
  #startEpochMs = 0;
  #loadEndEpochMs = 0;
  #client = { name: "", version: "" };

  private constructor(o: GroupOptions, group: MemberGroup, groupId: string) {
    this.#o = o;
    this.#memberCount = o.variant.consumer.members;
    this.#group = group;
    this.groupId = groupId;
  }

  /** Create the dead-letter topic if any, start every member; resolves once all subscribed. */
  static async start(o: GroupOptions): Promise<VariantGroup> {
    const plan = o.variant.consumer;
    const factory = consumerFactory(o.variant.client);
    const { version } = await factory.prepare();
    const groupId = groupIdOf(o.topic);
    const group = new MemberGroup({ command: o.memberCommand });
    const g = new VariantGroup(o, group, groupId);
    g.#client = { name: factory.name, version };
    if (plan.deadLetter) {
      await withAdmin(
        o.env.controlBootstrap,
        (admin) =>
          createTopicWithLeaders(admin, {
            topic: deadLetterTopic(o.topic),
            numPartitions: 1,
            replicationFactor: Math.min(3, o.env.brokerIds.length),
          }),
        o.env.controlConnection,
      );
    }
    await Deno.mkdir(o.dir, { recursive: true });
    try {
      await Promise.all(Array.from({ length: plan.members }, (_, m) => group.start(g.#job(m))));
    } catch (e) {
      await group.close();
      throw new Error(`consumer group did not start: ${(e as Error).message}`);
    }
    o.log(`[${o.variant.name}] consumer group ${groupId}: ${plan.members} member(s) subscribed`);
    // The load starts once the group has settled, or after SETTLE_MS all the same (the run
    // then shows the rebalance in the members' assignments).
    const settleFrom = Date.now();
    while (!groupSettled(group.lives, o.partitions)) {
      if (Date.now() - settleFrom > SETTLE_MS) {
        o.log(
          `[${o.variant.name}] consumer group ${groupId} had not settled after ${SETTLE_MS} ms ` +
            "(some partition unassigned or some member without one); the load starts all the same",
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return g;
  }

  #job(member: number): MemberJob {
    const { variant, env, topic } = this.#o;
    const plan = variant.consumer;
    return {
      format: MEMBER_JOB_FORMAT,
      member,
      client: variant.client,
      bootstrap: this.#bootstrap(member),
      connection: env.connection,
      topic,
      groupId: this.groupId,
      // Members read the topic from its start: the load may begin before the group settled.
      // An application that commits itself turns the client's auto-commit off, unless the
      // scenario says otherwise.
      properties: {
        "auto.offset.reset": "earliest",
        ...(plan.commit === "auto" ? {} : { "enable.auto.commit": "false" }),
        ...plan.properties,
      },
      commit: plan.commit,
      ...(plan.commitEvery !== null ? { commitEvery: plan.commitEvery } : {}),
      ...(plan.commitOnRevoke ? { commitOnRevoke: true } : {}),
      pollMax: plan.pollRecords,
      model: plan.processing,
      runIdHex: this.#o.runIdHex,
      logPath: this.#logPath(member),
      ...(plan.deadLetter ? { deadLetterTopic: deadLetterTopic(topic) } : {}),
    };
  }

  #bootstrap(member: number): string[] {
    const { env, faultedMember } = this.#o;
    if (faultedMember !== member) return env.bootstrap;
    if (!env.memberBootstrap) {
      throw new Error(
        `member ${member}'s connections are faulted, but this cluster has no member proxies`,
      );
    }
    return env.memberBootstrap;
  }

  #logPath(member: number): string {
    return join(this.#o.dir, `member-${member}.log`);
  }

  /** The load's clock started: play the member faults on it. */
  playFaults(faults: readonly FaultPlan[], startEpochMs: number): void {
    this.#startEpochMs = startEpochMs;
    const group = this.#group;
    this.#faults = new MemberFaults(
      faults,
      {
        kill: (m) => group.kill(m),
        pause: (m) => group.pause(m),
        resume: (m) => group.resume(m),
        stop: (m) => group.stop(m),
        restart: (m) => group.restart(m),
        join: async () => {
          const member = this.#memberCount++;
          await group.start(this.#job(member));
          return member;
        },
      },
      startEpochMs,
      (line) => this.#o.log(`[${this.#o.variant.name}] ${line}`),
    );
  }

  /** Member faults that could not start or were not healed. */
  faultErrors(): string[] {
    return this.#faults?.errors() ?? [];
  }

  /** Labels of the member faults in force. */
  activeLabels(): string[] {
    return this.#faults?.activeLabels() ?? [];
  }

  /**
   * The load ended: heal the member faults; their windows. Called again after the drain (the
   * variant's faults are stopped at both): the first call's moment is the load's end.
   */
  async endLoad(): Promise<FaultWindow[]> {
    if (!this.#loadEndEpochMs) {
      this.#loadEndEpochMs = Date.now();
      // Before the members that joined leave: who holds nothing while the group is whole.
      this.#idleAtLoadEnd = holdings(this.#group.lives).filter((p) => p.length === 0).length;
    }
    return (await this.#faults?.stop()) ?? [];
  }

  /** Stop every member at once (Ctrl-C, a failure): none is left behind. */
  async abort(): Promise<void> {
    await this.#faults?.stop().catch(() => {});
    await this.#group.close();
  }

  /**
   * Give the group its catch-up time on `ranges` (the topic's records), let every member
   * leave, and account for every record; `windows` are every fault of the variant (on members,
   * brokers or the network), whose cost to the group is measured.
   */
  async finish(
    ranges: PartitionRange[],
    times: EventTimes | null,
    windows: readonly FaultWindow[],
    signal: AbortSignal,
  ): Promise<ConsumerGroupReport> {
    const { variant, env, cluster, topic, log } = this.#o;
    const plan = variant.consumer;
    if (!this.#loadEndEpochMs) this.#loadEndEpochMs = Date.now();
    // Caught up: every partition committed to its end. A client that stores offsets when its
    // poll hands records over (librdkafka's auto-commit) commits the last batch before it is
    // processed: the members then stop draining (the batch in hand done first), given the time
    // a whole batch takes.
    const maxProcessingMs = plan.processing.time.kind === "fixed"
      ? plan.processing.time.ms
      : plan.processing.time.maxMs;
    let catchUpMs: number | null = null;
    const deadline = this.#loadEndEpochMs + plan.catchUpMs;
    for (;;) {
      if (signal.aborted) {
        await this.#group.close();
        throw new Error("interrupted while the consumer group caught up");
      }
      const committed = await committedOffsets(env, this.groupId, topic).catch(() => null);
      const done = committed !== null &&
        ranges.every((r) => (committed.get(r.partition) ?? r.start) >= r.end);
      if (done) {
        catchUpMs = Date.now() - this.#loadEndEpochMs;
        break;
      }
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (catchUpMs === null) {
      log(`[${variant.name}] consumer group did not catch up within ${plan.catchUpMs} ms`);
    }
    const closingAtMs = Date.now();
    await this.#group.close({
      drain: true,
      graceMs: plan.pollRecords * maxProcessingMs + 15_000,
    });

    const committed = await committedOffsets(env, this.groupId, topic);
    // Read: the group is not left behind in the cluster (a failure to delete it is harmless).
    await withAdmin(
      env.controlBootstrap,
      (admin) => admin.deleteGroups([this.groupId]),
      env.controlConnection,
    ).catch((e) => log(`[${variant.name}] group ${this.groupId} not deleted: ${e.message}`));
    const entries: ProcessingEntry[] = [];
    for (let m = 0; m < this.#memberCount; m++) {
      // Every member of the start started, so its log exists; one that cannot be read whole
      // makes the group's outcome unknowable, never silently "lost". A member that joined but
      // never started has no log, and processed nothing.
      const path = this.#logPath(m);
      if (m >= plan.members && !(await exists(path))) continue;
      const read = await readProcessingLog(path);
      if (read.tornBytes > 0) {
        throw new Error(`member ${m}'s processing log ends with ${read.tornBytes} torn bytes`);
      }
      entries.push(...read.entries);
    }
    const deadLettered: { partition: number; offset: number }[] = [];
    if (plan.deadLetter) {
      const dlq = deadLetterTopic(topic);
      const offsets = await cluster.offsets(dlq);
      await cluster.consume({
        bootstrap: env.controlBootstrap,
        topic: dlq,
        ranges: offsets.map((o) => ({ partition: o.partition, start: 0, end: o.high })),
        groupId: `sismo-verify-${this.groupId}-dlq`,
        timeoutMs: 30_000,
        onRecord: (_p, _o, key) => {
          const source = deadLetterSource(key);
          if (source) deadLettered.push(source);
        },
      });
    }
    const check = checkProcessing({ topic: ranges, entries, committed, deadLettered });
    const lives = this.#group.lives;
    const partitions = ranges.map((r) => r.partition);
    // A record counts as waiting from its acknowledgement (with acks=all, about when the
    // partition's readers can have it), so that a leader's death is not the consumer's pause.
    const availableAt = times
      ? (partition: number, offset: number) => {
        const seq = times.seqs.seqAt(partition, offset);
        return seq === undefined ? null : times.ackedEpochMs(seq);
      }
      : undefined;
    const pauses = this.#pauses(lives, entries, partitions, closingAtMs, windows, availableAt);
    const measured = pauses.flatMap((p) => p.partitions.map((x) => x.pauseMs))
      .filter((ms): ms is number => ms !== null);
    const e2e = times ? endToEnd(entries, times, this.#startEpochMs, closingAtMs) : null;
    return {
      groupId: this.groupId,
      client: this.#client,
      members: plan.members,
      commit: plan.commit,
      commitEvery: plan.commitEvery,
      commitOnRevoke: plan.commitOnRevoke,
      pollRecords: plan.pollRecords,
      processing: plan.processing,
      properties: plan.properties,
      deadLetterTopic: plan.deadLetter ? deadLetterTopic(topic) : null,
      lives: lives.map((l) => this.#lifeReport(l)),
      counts: check.counts,
      samples: check.samples,
      committed: ranges.map((r) => ({
        partition: r.partition,
        offset: committed.get(r.partition) ?? null,
      })),
      catchUpMs,
      pauses,
      pauseMaxMs: measured.length ? Math.max(...measured) : null,
      ...(this.#idleAtLoadEnd !== null ? { idleAtLoadEnd: this.#idleAtLoadEnd } : {}),
      endToEnd: e2e?.latency ?? null,
      lag: e2e?.lag ?? [],
    };
  }

  /**
   * Per fault, every partition's longest stall (with a record waiting) until the next fault (or
   * the group's end), and
   * for a member fault, for the partitions the member held, the time until another process had
   * them.
   */
  #pauses(
    lives: readonly MemberLife[],
    entries: ProcessingEntry[],
    partitions: number[],
    endMs: number,
    faultWindows: readonly FaultWindow[],
    availableAt: AvailableAt | undefined,
  ): GroupFaultPause[] {
    const windows = faultStarts(faultWindows);
    // Keyed by process: a member started again after the fault is another owner.
    const changes = lives.flatMap((l) =>
      l.assignments.map((a) => ({ member: l.pid, partitions: a.partitions, atMs: a.atMs }))
    );
    return windows.map((w, i) => {
      const atEpoch = this.#startEpochMs + w.startedAtMs;
      const next = windows[i + 1];
      const untilMs = next ? this.#startEpochMs + next.startedAtMs : endMs;
      // The process hit, and what it held then: its last assignment before that moment.
      const hit = w.member === null
        ? undefined
        : lives.findLast((l) =>
          l.member === w.member && l.startedAtMs <= atEpoch &&
          (l.endedAtMs === null || l.endedAtMs >= atEpoch)
        );
      const held = hit?.assignments.filter((a) => a.atMs <= atEpoch).at(-1)?.partitions ?? [];
      const stalls = longestStalls(entries, atEpoch, untilMs, partitions, availableAt);
      const reassigned = reassignedAfter(changes, atEpoch, hit?.pid ?? -1, held);
      return {
        faultId: w.id,
        atMs: w.startedAtMs,
        member: w.member,
        partitions: stalls.map((p) => ({
          partition: p.partition,
          pauseMs: p.pauseMs,
          reassignedMs: reassigned.get(p.partition) ?? null,
        })),
      };
    });
  }

  #lifeReport(l: MemberLife): MemberLifeReport {
    const since = (ms: number | null) => ms === null ? null : ms - this.#startEpochMs;
    const end = l.end;
    const result = end?.kind === "done" ? end.result : null;
    const logs = [...new Set(l.logs.map((x) => `${x.level}: ${x.message}`))].slice(0, 20);
    return {
      member: l.member,
      pid: l.pid,
      startedMs: l.startedAtMs - this.#startEpochMs,
      readyMs: since(l.readyAtMs),
      endedMs: since(l.endedAtMs),
      end: end === null ? "left" : END_OF[end.kind],
      ...(end?.kind === "failed"
        ? { detail: end.message }
        : end?.kind === "exited"
        ? { detail: `exit code ${end.code}: ${end.stderr}` }
        : {}),
      processed: result?.processed ?? l.progress?.processed ?? 0,
      deadLettered: result?.deadLettered ?? l.progress?.deadLettered ?? 0,
      commits: result?.commits ?? null,
      commitFailures: result?.commitFailures ?? null,
      assignments: l.assignments.map((a) => ({
        atMs: a.atMs - this.#startEpochMs,
        partitions: a.partitions,
      })),
      signals: l.signals.map((s) => ({ atMs: s.atMs - this.#startEpochMs, signal: s.signal })),
      logs,
    };
  }
}
