/**
 * The Java driver: Kafka's own `KafkaProducer` (kafka-clients from the cached
 * Kafka jars) in a JVM child process, `Sidecar.java`, compiled once with javac
 * into the cache. Properties pass through unchanged, with Kafka's names; the
 * client batches, lingers, retries, times out and partitions (murmur2, sticky for
 * keyless records) as it does for any Java application.
 *
 * The exchange is binary and length-prefixed over the child's stdin and stdout
 * (the frame layout is in `Sidecar.java`): JSON lines were measured pipe-bound at
 * about 52k records/s. Records are coalesced into one pipe write per microtask
 * (more while a write is under way); delivery reports are read in a loop.
 *
 * What the Java client can tell about a failed record: it has no persistence
 * status like librdkafka's, and words an expiry in its accumulator and one in
 * flight alike. A record that failed before the client's network thread saw it
 * (send() refused it, or purge aborted a batch never drained) is reported
 * not-persisted. For a failure raised by the network thread (delivery timeout,
 * broker error after retries, in flight at a purge), the sidecar looks up the
 * record's batch in the client's internals while its callbacks run (by
 * reflection, see `Sidecar.java`): never drained into a produce request →
 * not-persisted, drained at least once → possibly-persisted, internals
 * unreadable → possibly-persisted.
 *
 * The child never outlives the driver: `close()` ends it (SIGKILL after 5 s),
 * it ignores Ctrl-C (the runner purges and closes it), and it exits by itself
 * at stdin EOF, which the kernel delivers when the Deno process dies.
 *
 * @module
 */
import { javaProperties as javaConnection } from "../../connection/clients.ts";
import { PLAINTEXT } from "../../connection/settings.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  cacheDir,
  ensureKafka,
  exists,
  ProvisionError,
  run,
  which,
} from "../../stack/provision.ts";
import type { ProducerConfig } from "../../scenario/types.ts";
import {
  type ClientDriverFactory,
  type ClientLogLevel,
  type DeliveryReport,
  type DriverOptions,
  type DriverStats,
  notSent,
  type OutRecord,
  type PersistenceStatus,
  type ProducerDriver,
  type PropertyProblem,
} from "../contract.ts";
import { JAVA_LOG_LINE, StderrTail } from "./stderr_tail.ts";

const SIDECAR = fileURLToPath(new URL("./Sidecar.java", import.meta.url));
const LOG4J = fileURLToPath(new URL("./log4j2.properties", import.meta.url));

/** How long the child may take to compile and build its producer. */
const START_TIMEOUT_MS = 30_000;
/** How long `close()` waits for the child to exit before killing it. */
const CLOSE_TIMEOUT_MS = 5_000;
/** How long `purge()` waits for the child's answer. */
const PURGE_TIMEOUT_MS = 15_000;
const STDERR_TAIL_LINES = 40;

// Frame types (see Sidecar.java).
const IN_CONFIG = 0, IN_RECORD = 1, IN_PURGE = 2, IN_CLOSE = 3;
const OUT_READY = 1, OUT_REPORT = 2, OUT_STATS = 3, OUT_PURGED = 4, OUT_FATAL = 5;
const STATUS: PersistenceStatus[] = ["persisted", "possibly-persisted", "not-persisted"];

/** Properties the driver sets itself: a variant may not override them. */
const RESERVED: Record<string, string> = {
  "bootstrap.servers": "sismo sets bootstrap.servers from the cluster it runs against",
  "key.serializer": "the java driver sends bytes: it sets ByteArraySerializer itself",
  "value.serializer": "the java driver sends bytes: it sets ByteArraySerializer itself",
  "transactional.id": "sismo does not drive transactions (the producer would refuse every send)",
};

interface Prepared {
  /** Kafka's jars and the compiled sidecar. */
  classpath: string;
  version: string;
  names: Set<string>;
}

let prepared: Promise<Prepared> | null = null;
/** Known after `prepare()` resolves: `check()` is synchronous. */
let preparedNow: Prepared | null = null;

/** The sidecar's log4j levels as sismo's (log4j2.properties sets the pattern). */
const JAVA_LEVELS: Record<string, ClientLogLevel> = {
  INFO: "info",
  WARN: "warn",
  ERROR: "error",
  FATAL: "error",
};

/** JVM options of the sidecar: a bounded heap (it holds at most the client's buffer.memory). */
const JVM_OPTIONS = [
  "-Xms64m",
  "-Xmx512m",
  "-XX:+UseSerialGC",
  `-Dlog4j2.configurationFile=${LOG4J}`,
];

/**
 * Compile `Sidecar.java` once into the cache (keyed by its content and the Kafka
 * version), so that each producer starts in well under a second instead of
 * recompiling from source every time.
 */
async function compileSidecar(kafkaClasspath: string, kafkaVersion: string): Promise<string> {
  const source = await Deno.readFile(SIDECAR);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", source));
  const hash = Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  const dir = join(cacheDir(), "java-sidecar", `${kafkaVersion}-${hash}`);
  if (await exists(join(dir, ".complete"))) return dir;
  if (!(await which("javac"))) {
    throw new ProvisionError(
      "the java client needs a JDK 17+ (javac) to build its sidecar once: install " +
        "openjdk-17-jdk-headless, or choose another client",
    );
  }
  // absent unless an earlier attempt was cut short; javac overwrites what that left
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  const r = await run("javac", ["-nowarn", "-cp", kafkaClasspath, "-d", dir, SIDECAR]);
  if (!r.ok) {
    // best effort: javac's error is the one to report; without `.complete` the folder is redone
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw new ProvisionError(`javac could not build the Java sidecar:\n${r.text.slice(-3000)}`);
  }
  await Deno.writeTextFile(join(dir, ".complete"), `${new Date().toISOString()}\n`);
  return dir;
}

async function describeClient(progress: (line: string) => void): Promise<Prepared> {
  const kafka = await ensureKafka(progress);
  const classes = await compileSidecar(kafka.classpath, kafka.version);
  const classpath = `${classes}:${kafka.classpath}`;
  const out = await new Deno.Command("java", {
    args: [...JVM_OPTIONS, "-cp", classpath, "Sidecar", "--describe"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const lines = text.split("\n").filter((l) => l);
  const version = lines[0]?.match(/^version\t(.+)$/)?.[1];
  if (!out.success || !version) {
    throw new Error(
      `the Java producer sidecar did not start (${SIDECAR}):\n` +
        new TextDecoder().decode(out.stderr).slice(-3000),
    );
  }
  const p = { classpath, version, names: new Set(lines.slice(1)) };
  preparedNow = p;
  return p;
}

function prepareOnce(progress: (line: string) => void = () => {}): Promise<Prepared> {
  if (!prepared) {
    prepared = describeClient(progress);
    prepared.catch(() => prepared = null); // the caller gets the failure; the next call tries again
  }
  return prepared;
}

/** Extra properties the Java client does not know, or that the driver sets itself. */
export function checkJavaProperties(
  _producer: ProducerConfig,
  properties: Record<string, string>,
): PropertyProblem[] {
  const problems: PropertyProblem[] = [];
  for (const name of Object.keys(properties)) {
    if (RESERVED[name]) {
      problems.push({ property: name, message: `${name}: ${RESERVED[name]}` });
    } else if (preparedNow && !preparedNow.names.has(name)) {
      problems.push({
        property: name,
        message: `${name} is not a producer property of the Java client ` +
          `(kafka-clients ${preparedNow.version}, ProducerConfig.configNames())`,
      });
    }
  }
  return problems;
}

/** The client's properties, with Kafka's names, as strings. */
export function javaProperties(opts: DriverOptions): Record<string, string> {
  const p = opts.producer;
  return {
    "bootstrap.servers": opts.bootstrap.join(","),
    "client.id": opts.clientId,
    "key.serializer": "org.apache.kafka.common.serialization.ByteArraySerializer",
    "value.serializer": "org.apache.kafka.common.serialization.ByteArraySerializer",
    acks: p.acks,
    "enable.idempotence": String(p["enable.idempotence"]),
    "max.in.flight.requests.per.connection": String(p["max.in.flight.requests.per.connection"]),
    retries: String(p.retries),
    "retry.backoff.ms": String(p["retry.backoff.ms"]),
    "retry.backoff.max.ms": String(p["retry.backoff.max.ms"]),
    "request.timeout.ms": String(p["request.timeout.ms"]),
    "delivery.timeout.ms": String(p["delivery.timeout.ms"]),
    "linger.ms": String(p["linger.ms"]),
    "batch.size": String(p["batch.size"]),
    "compression.type": p["compression.type"],
    ...opts.properties,
    ...javaConnection(opts.connection ?? PLAINTEXT),
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Frames to the child, coalesced: one pipe write per microtask, more while a write is under way. */
class FrameWriter {
  private buf = new Uint8Array(1 << 16);
  private spare: Uint8Array<ArrayBuffer> | null = null;
  private view = new DataView(this.buf.buffer);
  private len = 0;
  private scheduled = false;
  private writing: Promise<void> | null = null;
  failed = false;

  constructor(private readonly writer: WritableStreamDefaultWriter<Uint8Array>) {}

  private ensure(n: number) {
    if (this.len + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }

  private putString(s: string) {
    const bytes = encoder.encode(s);
    this.ensure(4 + bytes.length);
    this.view.setInt32(this.len, bytes.length);
    this.buf.set(bytes, this.len + 4);
    this.len += 4 + bytes.length;
  }

  config(topic: string, props: Record<string, string>) {
    const entries = Object.entries(props);
    this.ensure(5);
    this.buf[this.len++] = IN_CONFIG;
    this.putString(topic);
    this.view.setInt32(this.len, entries.length);
    this.len += 4;
    for (const [k, v] of entries) {
      this.putString(k);
      this.putString(v);
    }
    this.schedule();
  }

  record(r: OutRecord) {
    const keyMax = r.key === null ? 0 : r.key.length * 3;
    this.ensure(17 + keyMax + r.value.length);
    let p = this.len;
    this.buf[p] = IN_RECORD;
    this.view.setFloat64(p + 1, r.token);
    p += 9;
    if (r.key === null) {
      this.view.setInt32(p, -1);
      p += 4;
    } else {
      // ASCII keys (sismo's own) byte by byte; anything else through the encoder.
      const key = r.key;
      let i = 0;
      for (; i < key.length; i++) {
        const c = key.charCodeAt(i);
        if (c >= 0x80) break;
        this.buf[p + 4 + i] = c;
      }
      const written = i === key.length
        ? i
        : encoder.encodeInto(key, this.buf.subarray(p + 4)).written;
      this.view.setInt32(p, written);
      p += 4 + written;
    }
    this.view.setInt32(p, r.value.length);
    this.buf.set(r.value, p + 4);
    this.len = p + 4 + r.value.length;
    this.schedule();
  }

  command(type: number) {
    this.ensure(1);
    this.buf[this.len++] = type;
    this.schedule();
  }

  private schedule() {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (!this.writing) this.writing = this.pump();
    });
  }

  private async pump() {
    try {
      // Two buffers in turn: records go into one while the other is being written. A fresh
      // 64 KB buffer per write cost a zero-fill per record at low rates (one write each).
      while (this.len > 0 && !this.failed) {
        const full = this.buf;
        const n = this.len;
        this.buf = this.spare && this.spare.length >= full.length
          ? this.spare
          : new Uint8Array(full.length);
        this.spare = null;
        this.view = new DataView(this.buf.buffer);
        this.len = 0;
        await this.writer.write(full.subarray(0, n));
        this.spare = full; // written: free to fill again
      }
    } catch { // a broken pipe: the sidecar is gone, and its exit reports every pending record
      this.failed = true;
      this.len = 0;
    } finally {
      this.writing = null;
    }
  }

  /** Everything queued so far is in the pipe. */
  async flush() {
    while (this.writing || (this.len > 0 && !this.failed)) {
      if (!this.writing) this.writing = this.pump();
      await this.writing;
    }
  }

  async close() {
    await this.flush();
    // already closed: the sidecar exited, which `finished` reports
    await this.writer.close().catch(() => {});
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), ms));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function createJavaDriver(opts: DriverOptions): Promise<ProducerDriver> {
  const prep = await prepareOnce();
  const child = new Deno.Command("java", {
    args: [
      ...JVM_OPTIONS,
      ...(opts.verboseLog ? ["-Dsismo.log.level=INFO"] : []),
      "-cp",
      prep.classpath,
      "Sidecar",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = new FrameWriter(child.stdin.getWriter());

  // --- stderr: a tail for error messages, log lines (WARN and up; INFO too with verboseLog)
  // to the client log.
  const tail = new StderrTail(STDERR_TAIL_LINES);
  const stderrDone = (async () => {
    let rest = "";
    const td = new TextDecoder();
    for await (const chunk of child.stderr) {
      const lines = (rest + td.decode(chunk, { stream: true })).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        tail.push(line);
        const m = line.match(JAVA_LOG_LINE);
        if (m && opts.onClientLog) opts.onClientLog(JAVA_LEVELS[m[1]], m[2]);
        // What continues a line (a configuration dump, a stack trace), for --client-log.
        else if (!m && opts.verboseLog && line.trim()) opts.onClientLog?.("info", line);
      }
    }
    if (rest) tail.push(rest);
  })().catch(() => {}); // an unreadable stderr only shortens the tail quoted in errors
  const stderrTail = () => tail.text();

  // --- stdout: frames from the child.
  const pending = new Set<number>();
  const wire: DriverStats = { produceRequests: 0, requestBytes: 0, retries: 0 };
  let version = prep.version;
  let readyResolve!: (v: { ok: true } | { ok: false; message: string }) => void;
  const ready = new Promise<{ ok: true } | { ok: false; message: string }>((r) => readyResolve = r);
  const purgeWaiters: (() => void)[] = [];
  const deliver = (r: DeliveryReport) => {
    pending.delete(r.token);
    opts.onDelivery(r);
  };
  const stdoutDone = (async () => {
    let carry = new Uint8Array(0);
    for await (const chunk of child.stdout) {
      let buf: Uint8Array;
      if (carry.length) {
        buf = new Uint8Array(carry.length + chunk.length);
        buf.set(carry);
        buf.set(chunk, carry.length);
      } else {
        buf = chunk;
      }
      const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      let p = 0;
      const end = buf.length;
      while (p < end) {
        const type = buf[p];
        if (type === OUT_REPORT) {
          if (p + 22 > end) break;
          const status = buf[p + 21];
          let error: string | undefined;
          let size = 22;
          if (status !== 0) {
            if (p + 26 > end) break;
            const n = dv.getInt32(p + 22);
            if (p + 26 + n > end) break;
            error = decoder.decode(buf.subarray(p + 26, p + 26 + n));
            size = 26 + n;
          }
          const report: DeliveryReport = {
            token: dv.getFloat64(p + 1),
            partition: dv.getInt32(p + 9),
            offset: dv.getInt32(p + 13) * 4294967296 + dv.getUint32(p + 17),
            status: STATUS[status] ?? "possibly-persisted",
          };
          if (error !== undefined) report.error = error;
          p += size;
          deliver(report);
        } else if (type === OUT_STATS) {
          if (p + 25 > end) break;
          wire.produceRequests = dv.getFloat64(p + 1);
          wire.requestBytes = dv.getFloat64(p + 9);
          wire.retries = dv.getFloat64(p + 17);
          p += 25;
        } else if (type === OUT_PURGED) {
          p += 1;
          for (const w of purgeWaiters.splice(0)) w();
        } else if (type === OUT_READY || type === OUT_FATAL) {
          if (p + 5 > end) break;
          const n = dv.getInt32(p + 1);
          if (p + 5 + n > end) break;
          const text = decoder.decode(buf.subarray(p + 5, p + 5 + n));
          p += 5 + n;
          if (type === OUT_READY) {
            version = text;
            readyResolve({ ok: true });
          } else {
            readyResolve({ ok: false, message: text });
          }
        } else {
          throw new Error(`java sidecar: unknown frame type ${type}`);
        }
      }
      carry = p < end ? buf.slice(p) : new Uint8Array(0);
    }
  })();

  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  };
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  /** After the child is gone: what it never reported, it never will. */
  const finished = (async () => {
    const err = await stdoutDone.then(() => null, (e) => e as Error);
    if (err) kill(); // a garbled stream: the child cannot be trusted further
    const s = await status;
    await stderrDone;
    readyResolve({
      ok: false,
      message: `the Java producer sidecar exited (code ${s.code}) before it was ready` +
        (err ? `: ${err.message}` : ""),
    });
    for (const w of purgeWaiters.splice(0)) w();
    for (const token of [...pending]) {
      deliver({
        token,
        partition: -1,
        offset: -1,
        status: "possibly-persisted",
        error: `the Java producer sidecar exited (code ${s.code}) before reporting this record`,
      });
    }
  })();

  writer.config(opts.topic, javaProperties(opts));
  const started = await withTimeout(ready, START_TIMEOUT_MS);
  if (started === "timeout" || !started.ok) {
    kill();
    await withTimeout(finished, CLOSE_TIMEOUT_MS);
    const why = started === "timeout"
      ? `did not start within ${START_TIMEOUT_MS / 1000} s`
      : `could not start: ${started.message}`;
    throw new Error(`java producer ${why}\n--- sidecar stderr (tail) ---\n${stderrTail()}`);
  }

  let closing: Promise<void> | null = null;
  const acks0 = opts.producer.acks === "0";
  return {
    client: { name: "java", version },
    capabilities: {
      batching: "native",
      deliveryTimeout: "native",
      cancel: true,
      partitioner: "murmur2 (Java default), sticky for keyless",
    },
    notes: [
      { id: "note.java.sidecar", params: { version } },
      { id: "note.java.status" },
      { id: "note.java.metrics" },
      ...(acks0 ? [{ id: "note.java.acks0" }] : []),
    ],
    send(record: OutRecord): void {
      if (exited || closing || writer.failed) {
        opts.onDelivery(notSent(record.token, "the Java producer sidecar is not running"));
        return;
      }
      pending.add(record.token);
      writer.record(record);
    },
    async purge(): Promise<void> {
      if (exited || closing) return;
      const done = new Promise<void>((r) => purgeWaiters.push(r));
      writer.command(IN_PURGE);
      await writer.flush();
      await withTimeout(done, PURGE_TIMEOUT_MS);
    },
    stats: () => ({ ...wire }),
    close(): Promise<void> {
      if (closing) return closing;
      closing = (async () => {
        if (!exited) {
          writer.command(IN_CLOSE);
          await withTimeout(writer.close(), CLOSE_TIMEOUT_MS);
        }
        if (await withTimeout(status, CLOSE_TIMEOUT_MS) === "timeout") kill();
        await finished;
      })();
      return closing;
    },
  };
}

/** The Java client in the registry. */
export const javaClient: ClientDriverFactory = {
  name: "java",
  description: "Apache Kafka's Java producer (kafka-clients, from the cached Kafka jars) in a " +
    "JVM sidecar",
  async prepare(progress) {
    const p = await prepareOnce(progress);
    return { version: p.version };
  },
  check: checkJavaProperties,
  create: createJavaDriver,
};
