/**
 * `--workers N --listen HOST:PORT`: the coordinator waits for N workers to connect
 * (`worker --connect`, say the pods of a Kubernetes Indexed Job), gives each its share (the
 * one it asks for: its pod index; else a free one), and sends them every variant's job in
 * turn over the same connection, speaking the line protocol of `job.ts`.
 *
 * @module
 */
import type { LoadSegment } from "../load/segment.ts";
import type { CoordinatorMessage, ShareRunner, WorkerMessage } from "./job.ts";
import { jsonLineWriter, lines } from "./lines.ts";
import { parseWorkerLine, runSharesOver, type WorkerLink } from "./sessions.ts";

/** Options of {@link remoteWorkers}. */
export interface RemoteWorkersOptions {
  count: number;
  hostname: string;
  port: number;
  /** How long to wait for every worker to connect, ms (10 minutes). */
  waitMs?: number;
}

/** How long a new connection has to say hello, ms. */
const HELLO_TIMEOUT_MS = 10_000;

/** A connected worker, kept for every job of the run. */
interface Connected {
  conn: Deno.Conn;
  host: string;
  segment: LoadSegment;
  input: AsyncIterator<string>;
  say(m: CoordinatorMessage): Promise<void>;
  lost: boolean;
}

/** Workers that connect to this coordinator; see the module doc. */
export function remoteWorkers(o: RemoteWorkersOptions): ShareRunner {
  let workers: Promise<Connected[]> | null = null;
  let listener: Deno.Listener | null = null;
  return {
    count: o.count,
    async run(job, r) {
      workers ??= (async () => {
        const l = Deno.listen({ hostname: o.hostname, port: o.port });
        listener = l;
        // Ctrl-C while waiting for workers: stop waiting.
        const stop = () => closeQuietly(l);
        r.signal.addEventListener("abort", stop, { once: true });
        try {
          return await acceptAll(l, o, r.log);
        } finally {
          r.signal.removeEventListener("abort", stop);
        }
      })();
      const links = (await workers).map(linkOf);
      // Credentials do not travel: a worker on a secured cluster has its own (mounted).
      const sent = job.connection?.securityProtocol === "PLAINTEXT"
        ? job
        : { ...job, connection: null };
      return await runSharesOver(links, sent, r);
    },
    async close() {
      const connected = await workers?.catch(() => []) ?? [];
      for (const w of connected) {
        await w.say({ done: true });
        try {
          w.conn.close();
        } catch { // closed by the worker already
        }
      }
      if (listener) closeQuietly(listener);
    },
  };
}

/** Accept connections until every share has a worker; see the module doc. */
async function acceptAll(
  listener: Deno.Listener,
  o: RemoteWorkersOptions,
  log: (line: string) => void,
): Promise<Connected[]> {
  const bySegment = new Map<number, Connected>();
  const address = `${o.hostname}:${o.port}`;
  log(`waiting for ${o.count} worker(s) to connect to ${address}…`);
  const timer = setTimeout(() => closeQuietly(listener), o.waitMs ?? 600_000);
  /** Connections that have not said hello yet. */
  const unheard = new Set<Deno.Conn>();
  /** Takes a connection's hello, and its worker in when its share is free. */
  const greet = async (conn: Deno.Conn) => {
    const input = lines(conn.readable)[Symbol.asyncIterator]();
    // A connection that says nothing must not hold up the others: each has its own wait.
    unheard.add(conn);
    const silent = setTimeout(() => closeQuietly(conn), HELLO_TIMEOUT_MS);
    const first = await input.next().catch(() => ({ done: true as const, value: undefined }));
    clearTimeout(silent);
    unheard.delete(conn);
    const hello = first.done ? null : parseWorkerLine(first.value);
    if (typeof hello !== "object" || hello === null || !("hello" in hello)) {
      log(`a connection from ${addressOf(conn)} did not say hello: closed`);
      closeQuietly(conn);
      return;
    }
    const asked = hello.hello.index;
    const free = Array.from({ length: o.count }, (_, i) => i + 1).filter((i) => !bySegment.has(i));
    const index = asked === null ? free[0] : free.includes(asked) ? asked : undefined;
    if (index === undefined) {
      log(
        `worker ${hello.hello.host} asked for share ${asked}/${o.count}, which is ` +
          `${asked !== null && asked <= o.count ? "taken" : "not one of them"}: closed`,
      );
      closeQuietly(conn);
      return;
    }
    bySegment.set(index, connected(conn, hello.hello.host, { index, count: o.count }, input));
    log(
      `worker ${hello.hello.host} connected: share ${index}/${o.count} (${bySegment.size} of ${o.count})`,
    );
    // Every share has its worker: accept no more, and hear no one else.
    if (bySegment.size === o.count) {
      closeQuietly(listener);
      for (const other of unheard) closeQuietly(other);
    }
  };
  const greetings: Promise<void>[] = [];
  try {
    for await (const conn of listener) greetings.push(greet(conn));
  } catch { // the listener closed under the loop: the count below says whether it was in time
  } finally {
    clearTimeout(timer);
  }
  await Promise.all(greetings);
  if (bySegment.size < o.count) {
    for (const w of bySegment.values()) closeQuietly(w.conn);
    throw new Error(
      `only ${bySegment.size} of ${o.count} worker(s) connected to ${address} in time`,
    );
  }
  return [...bySegment.values()].sort((a, b) => a.segment.index - b.segment.index);
}

function connected(
  conn: Deno.Conn,
  host: string,
  segment: LoadSegment,
  input: AsyncIterator<string>,
): Connected {
  const write = jsonLineWriter<CoordinatorMessage>(conn);
  const w: Connected = {
    conn,
    host,
    segment,
    input,
    lost: false,
    say: (m) =>
      write(m).catch(() => {
        w.lost = true; // the worker is gone: its silence is the problem reported
      }),
  };
  return w;
}

/** One job's view of a connected worker. */
function linkOf(w: Connected): WorkerLink {
  return {
    label: `worker ${w.segment.index}/${w.segment.count} (${w.host})`,
    segment: w.segment,
    send: (m) => w.say(m),
    messages: () => ({
      // The connection outlives the job: leaving the loop must not close it.
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<WorkerMessage | string>> => {
          if (w.lost) return { done: true, value: undefined };
          const next = await w.input.next().catch((): IteratorResult<string> => ({
            done: true,
            value: undefined,
          }));
          if (next.done) {
            w.lost = true;
            return { done: true, value: undefined };
          }
          return { done: false, value: parseWorkerLine(next.value) };
        },
      }),
    }),
    interrupt: () => void w.say({ stop: true }),
    cut: () => {
      w.lost = true;
      try {
        w.conn.close();
      } catch { // closed already
      }
    },
    gone: () => Promise.resolve("lost its connection"),
    finished: () => Promise.resolve(),
  };
}

/** Close a listener or a connection that may be closed already. */
function closeQuietly(closable: { close(): void }): void {
  try {
    closable.close();
  } catch { // closed already
  }
}

function addressOf(conn: Deno.Conn): string {
  const a = conn.remoteAddr as Deno.NetAddr;
  return `${a.hostname}:${a.port}`;
}
