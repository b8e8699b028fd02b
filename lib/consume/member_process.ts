/**
 * The inside of a group member process (`main.ts member`): read its {@link MemberJob} from the
 * first input line, subscribe with the job's client, run the member loop (`member.ts`) with
 * its processing log, and report over JSON lines (`member_job.ts`): ready, each assignment,
 * progress once a second, the client's warnings, then done or failed.
 *
 * How it ends says what a fault did:
 * - a `stop` line, SIGINT or SIGTERM, or its input closing (the parent is gone): it leaves as
 *   an application shutting down does: the record in progress finished (with `drain`, every
 *   record the last poll handed over), a batch mode's last commit, the consumer closed (the
 *   group rebalances at once);
 * - SIGKILL from the parent: nothing more; the group notices when the session times out;
 * - SIGSTOP: frozen with its connections open, until SIGCONT.
 *
 * @module
 */
import { consumerFactory } from "../clients/consumer_registry.ts";
import type { ConsumerDriver } from "../clients/consumer_contract.ts";
import { runIdFromHex } from "../load/payload.ts";
import { lines } from "../segments/lines.ts";
import { type DeadLetterWriter, openDeadLetter } from "./dead_letter.ts";
import { runMember } from "./member.ts";
import { type FromMember, MEMBER_JOB_FORMAT, type MemberJob, type ToMember } from "./member_job.ts";
import { ProcessingLogWriter } from "./processing_log.ts";

/** Progress lines, ms apart. */
const PROGRESS_EVERY_MS = 1000;

/** Serve one member's job from `input`, saying what happens through `say`; see the module doc. */
export async function serveMember(
  input: ReadableStream<Uint8Array>,
  say: (m: FromMember) => Promise<void>,
  leave: AbortController,
): Promise<number> {
  const reader = lines(input)[Symbol.asyncIterator]();
  const first = await reader.next();
  if (first.done) return 2;
  let job: MemberJob;
  try {
    job = JSON.parse(first.value);
    if (job.format !== MEMBER_JOB_FORMAT) throw new Error(`not a ${MEMBER_JOB_FORMAT} job`);
  } catch (e) {
    await say({ type: "failed", message: `bad job: ${(e as Error).message}` });
    return 2;
  }
  // Further lines: `stop`; the end of the input means the parent is gone.
  const finish = new AbortController();
  (async () => {
    for (let line = await reader.next(); !line.done; line = await reader.next()) {
      const message = JSON.parse(line.value) as ToMember;
      if (message.type !== "stop") continue;
      if (message.drain) finish.abort();
      else leave.abort();
      return;
    }
    leave.abort();
  })().catch(() => leave.abort());

  const onClientLog = (level: "error" | "warn", message: string) => {
    say({ type: "log", level, message }).catch(() => {});
  };
  const log = ProcessingLogWriter.open(job.logPath, job.member);
  let consumer: ConsumerDriver | null = null;
  let deadLetter: DeadLetterWriter | null = null;
  let progress: ReturnType<typeof setInterval> | undefined;
  try {
    const factory = consumerFactory(job.client);
    await factory.prepare();
    const clientId = `sismo-member-${job.member}`;
    consumer = await factory.create({
      bootstrap: job.bootstrap,
      connection: job.connection,
      topic: job.topic,
      groupId: job.groupId,
      clientId,
      properties: job.properties,
      onClientLog,
    });
    if (job.deadLetterTopic) {
      deadLetter = await openDeadLetter({
        client: job.client,
        bootstrap: job.bootstrap,
        connection: job.connection,
        topic: job.deadLetterTopic,
        clientId: `${clientId}-dlq`,
        onClientLog,
      });
    }
    await say({ type: "ready", pid: Deno.pid, client: consumer.client });
    const counts = { processed: 0, deadLettered: 0 };
    const crash = new AbortController(); // never aborted here: a crash is a SIGKILL from outside
    const dl = deadLetter;
    const running = runMember({
      consumer,
      runId: runIdFromHex(job.runIdHex),
      model: job.model,
      commit: job.commit,
      commitEvery: job.commitEvery,
      commitOnRevoke: job.commitOnRevoke,
      pollMax: job.pollMax,
      log: {
        append(partition, offset, outcome, atMs) {
          log.append(partition, offset, outcome, atMs);
          if (outcome === "processed") counts.processed++;
          else counts.deadLettered++;
        },
      },
      deadLetter: dl ? (record) => dl.write(record) : undefined,
      signal: crash.signal,
      leave: leave.signal,
      finish: finish.signal,
      onAssignment: (partitions, atMs) => {
        say({ type: "assignment", partitions, atMs }).catch(() => {});
      },
      onCommitError: (e) => onClientLog("warn", `commit failed: ${e.message}`),
    });
    progress = setInterval(() => {
      say({ type: "progress", ...counts, atMs: Date.now() }).catch(() => {});
    }, PROGRESS_EVERY_MS);
    const result = await running;
    clearInterval(progress);
    await consumer.close();
    consumer = null;
    await say({ type: "done", result });
    return 0;
  } catch (e) {
    await say({ type: "failed", message: (e as Error).message }).catch(() => {});
    return 1;
  } finally {
    clearInterval(progress);
    await consumer?.close().catch(() => {});
    await deadLetter?.close().catch(() => {});
    log.close();
  }
}
