/**
 * The local stack: KRaft nodes as child JVMs and one Toxiproxy server with two
 * proxies per broker (every client's, and the faulted member's; see `layout.ts`),
 * started by `sismo stack up` or by a scenario run, and controlled (stop, kill,
 * pause, start) by the fault engine.
 *
 * State lives in `<cache>/stacks/<basePort>/state.json` next to the nodes' data
 * directories and logs, so `status`, `down` and the next `up` find what an
 * earlier (possibly crashed) invocation left running.
 *
 * @module
 */
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { kafkaJsSecurity } from "../connection/clients.ts";
import { type ConnectionSettings, PLAINTEXT } from "../connection/settings.ts";
import {
  prepareSecurity,
  securityBrokerProperties,
  stackConnection,
  type StackSecurity,
} from "./security.ts";
import { Toxiproxy } from "toxiproxy-node-client";
import {
  allPorts,
  brokerProperties,
  type ClusterLayout,
  clusterLayout,
  DEFAULT_BASE_PORT,
  directBootstrap,
  ephemeralOverlap,
  HOST,
  jvmOptions,
  LOG4J2_PROPERTIES,
  memberBootstrap,
  proxiedBootstrap,
} from "./layout.ts";
import { cacheDir, provision } from "./provision.ts";
import {
  delay,
  isRunning,
  type ProcessRecord,
  processState,
  signal,
  startProcess,
  stopProcess,
  waitExit,
} from "./processes.ts";
import { createTopicWithLeaders, registeredBrokers, withAdmin } from "./admin.ts";
import { StackError } from "./errors.ts";

export { StackError };

/** Everything needed to use and control a running local stack. */
export interface StackState {
  basePort: number;
  brokers: number;
  kafkaVersion: string;
  clusterId: string;
  dir: string;
  startedAt: string;
  layout: ClusterLayout;
  toxiproxyUrl: string;
  toxiproxyVersion: string;
  /** Client bootstrap: the proxies. */
  bootstrap: string[];
  /** Control bootstrap: INTERNAL listeners, not proxied. */
  directBootstrap: string[];
  /**
   * Bootstrap of the one member whose connections a scenario faults: the member proxies
   * (absent in states of older versions, whose brokers have no MEMBER listener).
   */
  memberBootstrap?: string[];
  /** What the clients' listeners speak (absent in states of older versions: plaintext). */
  security?: StackSecurity;
  processes: ProcessRecord[];
}

/** Options of {@link stackUp}. */
export interface UpOptions {
  brokers: number;
  basePort?: number;
  /** Heap of each broker JVM. */
  heapMb?: number;
  /** What the clients' listeners speak (default plaintext); see `security.ts`. */
  security?: StackSecurity;
  progress?: (line: string) => void;
}

/** Folder of the stack that uses this base port. */
export function stackDir(basePort = DEFAULT_BASE_PORT): string {
  return join(cacheDir(), "stacks", String(basePort));
}

/** The recorded state of the stack on this base port, or null. */
export async function readState(basePort = DEFAULT_BASE_PORT): Promise<StackState | null> {
  try {
    return JSON.parse(await Deno.readTextFile(join(stackDir(basePort), "state.json")));
  } catch { // no readable state file: no stack sismo can find or control on this port
    return null;
  }
}

/** Writes of one state file happen one at a time (brokers may restart in parallel). */
let writing: Promise<void> = Promise.resolve();

function writeState(state: StackState): Promise<void> {
  const file = join(state.dir, "state.json");
  const write = async () => {
    const tmp = `${file}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify(state, null, 2));
    await Deno.rename(tmp, file);
  };
  writing = writing.then(write, write);
  return writing;
}

/** Is every recorded process of the stack running? */
export function allRunning(state: StackState): boolean {
  return state.processes.every(isRunning);
}

/** Linux's ephemeral port range, or null where it cannot be read. */
function ephemeralRange(): [number, number] | null {
  try {
    const [low, high] = Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range")
      .trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && Number.isInteger(high) ? [low, high] : null;
  } catch { // not Linux, or no /proc: nothing to warn about
    return null;
  }
}

function portFree(port: number): boolean {
  try {
    const l = Deno.listen({ hostname: HOST, port });
    l.close();
    return true;
  } catch { // cannot listen: something holds the port, which is what is asked
    return false;
  }
}

/** Stop every process recorded for this base port and delete the data. */
export async function stackDown(
  opts: { basePort?: number; progress?: (line: string) => void } = {},
): Promise<string[]> {
  const basePort = opts.basePort ?? DEFAULT_BASE_PORT;
  const progress = opts.progress ?? (() => {});
  const state = await readState(basePort);
  const stopped: string[] = [];
  const survivors: string[] = [];
  const stop = async (p: ProcessRecord, graceMs?: number) => {
    if (!isRunning(p)) return;
    progress(`stopping ${p.name} (pid ${p.pid})`);
    try {
      await stopProcess(p, graceMs);
      stopped.push(p.name);
    } catch (e) {
      survivors.push((e as Error).message);
    }
  };
  if (state) {
    // Brokers first, Toxiproxy last, so that the brokers' own shutdown is not disturbed.
    await Promise.all(state.processes.filter((p) => p.name !== "toxiproxy").map((p) => stop(p)));
    for (const p of state.processes.filter((p) => p.name === "toxiproxy")) await stop(p, 3000);
  }
  if (survivors.length) {
    // The state file is what finds them again: kept, with the data, for the next `down`.
    throw new StackError(
      `could not stop ${survivors.join("; ")}; run \`deno task stack down --base-port ` +
        `${basePort}\` again once they can be stopped`,
    );
  }
  await Deno.remove(stackDir(basePort), { recursive: true }).catch((e) => {
    // no folder: nothing was left; otherwise the data stays on disk until the next `down` or `up`
    if (!(e instanceof Deno.errors.NotFound)) {
      progress(`could not delete ${stackDir(basePort)}: ${(e as Error).message}`);
    }
  });
  return stopped;
}

async function kafkaClusterId(classpath: string): Promise<string> {
  const out = await new Deno.Command("java", {
    args: ["-cp", classpath, "kafka.tools.StorageTool", "random-uuid"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const id = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  if (!out.success || !/^[A-Za-z0-9_-]{22}$/.test(id)) {
    throw new StackError(
      `kafka-storage random-uuid failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return id;
}

async function formatStorage(
  classpath: string,
  props: string,
  clusterId: string,
  log4j: string,
  extraArgs: string[],
) {
  const out = await new Deno.Command("java", {
    args: [
      "-Xmx256m",
      `-Dlog4j2.configurationFile=${log4j}`,
      "-cp",
      classpath,
      "kafka.tools.StorageTool",
      "format",
      "-t",
      clusterId,
      "-c",
      props,
      "--ignore-formatted",
      ...extraArgs,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new StackError(
      `formatting storage for ${props} failed:\n${new TextDecoder().decode(out.stdout)}${
        new TextDecoder().decode(out.stderr)
      }`,
    );
  }
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null>,
  onFail?: () => Promise<string>,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < until) {
    try {
      const v = await probe();
      if (v !== null) return v;
    } catch (e) {
      last = e;
    }
    await delay(250);
  }
  const extra = onFail ? await onFail() : "";
  throw new StackError(
    `timed out after ${timeoutMs / 1000}s waiting for ${what}${
      last ? ` (last error: ${(last as Error).message})` : ""
    }${extra}`,
  );
}

async function tail(file: string, lines = 30): Promise<string> {
  const text = await Deno.readTextFile(file).catch(() => ""); // no log: nothing to quote
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * Start the local stack and return when every broker is registered and a
 * produce/consume round trip through the proxies has worked. An already
 * healthy stack with the same broker count is returned as is.
 */
export async function stackUp(opts: UpOptions): Promise<StackState> {
  const basePort = opts.basePort ?? DEFAULT_BASE_PORT;
  const progress = opts.progress ?? (() => {});
  if (opts.brokers !== 1 && opts.brokers !== 3) {
    throw new StackError(`--brokers must be 1 or 3, got ${opts.brokers}`);
  }
  const security = opts.security ?? "plaintext";
  const existing = await readState(basePort);
  if (existing && allRunning(existing)) {
    if (existing.brokers === opts.brokers && (existing.security ?? "plaintext") === security) {
      progress(`A ${existing.brokers}-broker stack is already running.`);
      return existing;
    }
    throw new StackError(
      `a ${existing.brokers}-broker ${
        existing.security ?? "plaintext"
      } stack is running on base port ${basePort}; run \`deno task stack down\` first`,
    );
  }
  if (existing) {
    progress("Cleaning up leftovers of an earlier stack…");
  }
  await stackDown({ basePort, progress });

  const layout = clusterLayout({ brokers: opts.brokers, basePort });
  const overlap = ephemeralOverlap(layout, ephemeralRange());
  if (overlap) progress(`Warning: ${overlap}`);
  const busy = allPorts(layout).filter((p) => !portFree(p.port));
  if (busy.length) {
    throw new StackError(
      `port${busy.length > 1 ? "s" : ""} already in use: ${
        busy.map((b) => `${b.port} (${b.what})`).join(", ")
      }. Stop what uses ${
        busy.length > 1 ? "them" : "it"
      } or pick another port block with --base-port.${overlap ? ` ${overlap}` : ""}`,
    );
  }

  const { kafka, toxiproxy } = await provision(progress);
  const dir = stackDir(basePort);
  await Deno.mkdir(dir, { recursive: true });
  const log4j = join(dir, "log4j2.properties");
  await Deno.writeTextFile(log4j, LOG4J2_PROPERTIES);

  const state: StackState = {
    basePort,
    brokers: opts.brokers,
    kafkaVersion: kafka.version,
    clusterId: "",
    dir,
    startedAt: new Date().toISOString(),
    layout,
    toxiproxyUrl: `http://${HOST}:${layout.toxiproxyPort}`,
    toxiproxyVersion: "",
    bootstrap: proxiedBootstrap(layout),
    directBootstrap: directBootstrap(layout),
    memberBootstrap: memberBootstrap(layout),
    security,
    processes: [],
  };
  const t0 = Date.now();
  try {
    // Toxiproxy first: brokers advertise its ports.
    const toxiLog = join(dir, "toxiproxy.log");
    state.processes.push(
      await startProcess("toxiproxy", [
        toxiproxy.path,
        "-host",
        HOST,
        "-port",
        String(layout.toxiproxyPort),
      ], toxiLog),
    );
    await writeState(state);

    if (security !== "plaintext") {
      progress(`Making a throwaway CA and certificates for the ${security} listeners…`);
    }
    const formatArgs = await prepareSecurity(dir, security).catch((e) => {
      throw new StackError((e as Error).message);
    });
    const listenerProps = securityBrokerProperties(dir, security);
    progress(`Formatting ${opts.brokers} KRaft node(s) for Kafka ${kafka.version}…`);
    state.clusterId = await kafkaClusterId(kafka.classpath);
    await Promise.all(layout.nodes.map(async (node) => {
      const nodeDir = join(dir, `node-${node.id}`);
      await Deno.mkdir(nodeDir, { recursive: true });
      const props = join(nodeDir, "server.properties");
      await Deno.writeTextFile(
        props,
        brokerProperties(layout, node, join(nodeDir, "data"), listenerProps),
      );
      await formatStorage(kafka.classpath, props, state.clusterId, log4j, formatArgs);
    }));

    progress(`Starting ${opts.brokers} broker JVM(s)…`);
    const heap = opts.heapMb ?? (opts.brokers === 1 ? 768 : 512);
    for (const node of layout.nodes) {
      const nodeDir = join(dir, `node-${node.id}`);
      state.processes.push(
        await startProcess(`broker-${node.id}`, [
          "java",
          ...jvmOptions(heap),
          `-Dlog4j2.configurationFile=${log4j}`,
          `-Dkafka.logs.dir=${nodeDir}`,
          "-cp",
          kafka.classpath,
          "kafka.Kafka",
          join(nodeDir, "server.properties"),
        ], join(nodeDir, "kafka.log")),
      );
      await writeState(state);
    }

    const tp = new Toxiproxy(state.toxiproxyUrl);
    state.toxiproxyVersion = await waitFor("Toxiproxy API", 10000, async () => {
      return (await tp.getVersion()).trim();
    }, async () => `\n${await tail(toxiLog)}`);
    for (const node of layout.nodes) {
      await tp.createProxy({
        name: node.proxyName,
        listen: `${HOST}:${node.proxyPort}`,
        upstream: `${HOST}:${node.clientPort}`,
        enabled: true,
      });
      await tp.createProxy({
        name: node.memberProxyName,
        listen: `${HOST}:${node.memberProxyPort}`,
        upstream: `${HOST}:${node.memberPort}`,
        enabled: true,
      });
    }
    await writeState(state);

    progress("Waiting for every broker to join the cluster…");
    await waitFor(`${opts.brokers} registered broker(s)`, 90000, async () => {
      for (const p of state.processes) {
        if (!isRunning(p)) {
          throw new StackError(`${p.name} exited:\n${await tail(p.log)}`);
        }
      }
      const ids = await registeredBrokers(state.directBootstrap);
      return ids.length === opts.brokers ? ids : null;
    }, () => Promise.resolve(`\nlogs: ${dir}`));

    progress("Checking a produce/consume round trip through the proxies…");
    await roundTrip(state.bootstrap, state.directBootstrap, opts.brokers, stackConnection(state))
      .catch((e) => {
        throw e instanceof StackError ? e : new StackError(
          `the brokers joined, but a produce/consume round trip through the proxies failed: ${
            (e as Error).message
          }\nlogs: ${dir}`,
        );
      });
    await writeState(state);
    progress(`Stack ready in ${((Date.now() - t0) / 1000).toFixed(1)}s.`);
    return state;
  } catch (e) {
    progress("Start failed; stopping what was started…");
    // the start error is the one thrown; a failed clean-up is said, as it leaves processes behind
    await stackDown({ basePort }).catch((down) =>
      progress(
        `could not stop what was started: ${(down as Error).message}; ` +
          `run \`deno task stack down --base-port ${basePort}\``,
      )
    );
    throw e;
  }
}

/**
 * Produce one record through the proxies and read it back through the proxies:
 * proves the advertised listeners route clients via Toxiproxy.
 */
export async function roundTrip(
  bootstrap: string[],
  direct: string[],
  brokers: number,
  connection: ConnectionSettings = PLAINTEXT,
): Promise<void> {
  const topic = "sismo-health";
  const rf = Math.min(3, brokers);
  await withAdmin(
    direct,
    (admin) => createTopicWithLeaders(admin, { topic, numPartitions: 1, replicationFactor: rf }),
  );
  const client = new Kafka({
    clientId: "sismo-health",
    brokers: bootstrap,
    ...kafkaJsSecurity(connection),
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 200 },
  });
  const marker = crypto.randomUUID();
  const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ value: marker }] });
  } finally {
    await producer.disconnect().catch(() => {}); // its work is done or its error is on its way
  }
  const consumer = client.consumer({ groupId: `sismo-health-${marker}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new StackError("round trip: the record produced was not read back in 30s")),
        30000,
      );
      consumer.run({
        eachMessage: ({ message }) => {
          if (message.value?.toString() === marker) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => {}); // its work is done or its error is on its way
  }
  // best effort: a leftover empty health-check group is harmless and expires with its offsets
  await withAdmin(direct, (admin) => admin.deleteGroups([`sismo-health-${marker}`]))
    .catch(() => {});
}

/** What `stack status` prints. */
export interface StackStatus {
  state: StackState | null;
  processes: { name: string; pid: number; status: "running" | "paused" | "stopped" }[];
  registered: number[] | null;
}

/** Processes and cluster membership of the stack on this base port. */
export async function stackStatus(basePort = DEFAULT_BASE_PORT): Promise<StackStatus> {
  const state = await readState(basePort);
  if (!state) return { state: null, processes: [], registered: null };
  const processes = state.processes.map((p) => ({
    name: p.name,
    pid: p.pid,
    status: !isRunning(p)
      ? "stopped" as const
      : processState(p.pid) === "T"
      ? "paused" as const
      : "running" as const,
  }));
  let registered: number[] | null = null;
  if (processes.some((p) => p.name.startsWith("broker-") && p.status === "running")) {
    // null is shown as "unreachable": a status report, not a failure
    registered = await registeredBrokers(state.directBootstrap).catch(() => null);
  }
  return { state, processes, registered };
}

/** Broker control for the fault engine: signals to the broker JVMs of a local stack. */
export class LocalBrokerControl {
  #state: StackState;

  constructor(state: StackState) {
    this.#state = state;
  }

  /** Broker ids of the stack. */
  brokerIds(): number[] {
    return this.#state.layout.nodes.map((n) => n.id);
  }

  #record(id: number): ProcessRecord {
    const rec = this.#state.processes.find((p) => p.name === `broker-${id}`);
    if (!rec) throw new StackError(`no broker ${id} in this stack (brokers: ${this.brokerIds()})`);
    return rec;
  }

  /** Is the broker's JVM running (paused counts as running)? */
  isRunning(id: number): boolean {
    return isRunning(this.#record(id));
  }

  /** Is the broker paused by SIGSTOP? */
  isPaused(id: number): boolean {
    const rec = this.#record(id);
    return isRunning(rec) && processState(rec.pid) === "T";
  }

  /** Controlled shutdown (SIGTERM), waiting until the JVM is gone. */
  async stop(id: number): Promise<void> {
    await stopProcess(this.#record(id), 30000);
  }

  /** SIGKILL: no controlled shutdown, unflushed data may be lost. */
  async kill(id: number): Promise<void> {
    const rec = this.#record(id);
    signal(rec, "SIGKILL");
    await waitExit(rec, 5000);
  }

  /** SIGSTOP: the JVM freezes, its sockets stay open. Resolves once it is stopped. */
  async pause(id: number): Promise<void> {
    const rec = this.#record(id);
    signal(rec, "SIGSTOP");
    // The kernel stops a process when it next runs: on a loaded machine, a moment later.
    await this.#untilState(id, rec.pid, (state) => state === "T", "stopped after SIGSTOP");
  }

  /** SIGCONT after a pause. Resolves once it runs again. */
  async resume(id: number): Promise<void> {
    const rec = this.#record(id);
    signal(rec, "SIGCONT");
    await this.#untilState(id, rec.pid, (state) => state !== "T", "running after SIGCONT");
  }

  async #untilState(
    id: number,
    pid: number,
    ok: (state: string | null) => boolean,
    what: string,
  ): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!ok(processState(pid))) {
      if (Date.now() > deadline) {
        throw new StackError(`broker ${id} (pid ${pid}) not ${what} within 5 s`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Start a stopped or killed broker again with its original command, same data. */
  async start(id: number): Promise<void> {
    const rec = this.#record(id);
    if (isRunning(rec)) return;
    const fresh = await startProcess(rec.name, rec.command, rec.log);
    this.#state.processes = this.#state.processes.map((p) => p.name === rec.name ? fresh : p);
    await writeState(this.#state);
  }

  /** Stop then start. */
  async restart(id: number): Promise<void> {
    await this.stop(id);
    await this.start(id);
  }

  /** Bring every broker back: resume paused ones, start stopped ones. */
  async restoreAll(): Promise<void> {
    for (const id of this.brokerIds()) {
      if (this.isPaused(id)) await this.resume(id);
      else if (!this.isRunning(id)) await this.start(id);
    }
  }
}
