/**
 * The cluster a run uses: a local stack already running with the brokers the
 * scenario needs (reused and left running), a local stack started for this run
 * (stopped afterwards), or an external cluster given by `--bootstrap`.
 *
 * @module
 */
import { DEFAULT_BASE_PORT } from "../stack/layout.ts";
import {
  allRunning,
  LocalBrokerControl,
  readState,
  stackDown,
  StackError,
  type StackState,
  stackUp,
} from "../stack/local.ts";
import { advertisedBrokers, groupCoordinator, topicPartitions } from "../stack/admin.ts";
import { type AdvertisedBroker, mapProxies } from "../faults/proxy_map.ts";
import { toxiproxyHttp } from "../faults/toxiproxy.ts";
import type { BrokerControl } from "../faults/engine.ts";
import { stackConnection } from "../stack/security.ts";
import { type ConnectionSettings, PLAINTEXT } from "../connection/settings.ts";
import { checkBrokers, explainSaslFailure } from "../connection/check.ts";

/** What a run needs to know about its cluster. */
export interface RunEnvironment {
  mode: "local" | "external";
  /** Client bootstrap (through the proxies on the local stack). */
  bootstrap: string[];
  /** How clients connect through `bootstrap` (security protocol, SASL, TLS). */
  connection: ConnectionSettings;
  /** Control and verification bootstrap (not proxied on the local stack). */
  controlBootstrap: string[];
  /** How sismo's own admin and read-backs connect through `controlBootstrap`. */
  controlConnection: ConnectionSettings;
  brokerIds: number[];
  kafkaVersion: string;
  toxiproxyUrl: string | null;
  toxiproxyVersion: string;
  proxyName(brokerId: number): string;
  /**
   * Bootstrap of the one member whose connections a scenario faults: the member proxies. Null
   * where there are none (external clusters, stacks started by an older sismo).
   */
  memberBootstrap: string[] | null;
  /** Each broker's member proxy, where {@link memberBootstrap} is not null. */
  memberProxyName?(brokerId: number): string;
  brokers: (BrokerControl & { restoreAll(): Promise<void> }) | null;
  /** Leader and replicas of a partition. */
  partitionState(topic: string, partition: number): Promise<{ leader: number; replicas: number[] }>;
  /** The broker coordinating a consumer group now. */
  groupCoordinator(groupId: string): Promise<number>;
  /** Stop what this run started (nothing for a reused or external cluster). */
  release(): Promise<void>;
  /** One line for the console: which cluster. */
  description: string;
}

/** Options of {@link acquireEnvironment}. */
export interface EnvironmentOptions {
  brokers: number;
  bootstrap?: string[];
  /** How to connect to the external cluster (`--command-config`); plaintext when absent. */
  connection?: ConnectionSettings;
  toxiproxyUrl?: string;
  progress?: (line: string) => void;
}

function fromStack(state: StackState, owned: boolean): RunEnvironment {
  const control = new LocalBrokerControl(state);
  const memberProxies = new Map(state.layout.nodes.map((n) => [n.id, n.memberProxyName]));
  return {
    mode: "local",
    bootstrap: state.bootstrap,
    connection: stackConnection(state),
    controlBootstrap: state.directBootstrap,
    // The INTERNAL listeners stay plaintext whatever the clients' listeners speak.
    controlConnection: PLAINTEXT,
    brokerIds: control.brokerIds(),
    kafkaVersion: state.kafkaVersion,
    toxiproxyUrl: state.toxiproxyUrl,
    toxiproxyVersion: state.toxiproxyVersion,
    proxyName: (id) => `broker-${id}`,
    memberBootstrap: state.memberBootstrap ?? null,
    ...(state.memberBootstrap ? { memberProxyName: (id: number) => memberProxies.get(id)! } : {}),
    brokers: control,
    partitionState: (topic, partition) =>
      topicPartitions(state.directBootstrap, topic).then((ps) => {
        const p = ps.find((x) => x.partition === partition);
        if (!p) throw new Error(`no partition ${partition} in ${topic}`);
        return p;
      }),
    groupCoordinator: (groupId) => groupCoordinator(state.directBootstrap, groupId),
    release: owned
      ? async () => void await stackDown({ basePort: state.basePort })
      : async () => {},
    description: owned
      ? `local stack started for this run (${state.brokers} broker(s), Kafka ${state.kafkaVersion}; stopped afterwards)`
      : `local stack already running (${state.brokers} broker(s), Kafka ${state.kafkaVersion}; left running)`,
  };
}

/**
 * The proxy of each broker on the user's Toxiproxy: the one listening where the
 * broker sends clients (or named `broker-<id>`). Every broker needs one, or
 * the network faults would miss part of the cluster.
 */
async function externalProxies(
  url: string,
  brokers: AdvertisedBroker[],
): Promise<Map<number, string>> {
  const listed = await toxiproxyHttp(url).listProxies().catch((e) => {
    throw new StackError(`cannot read the proxies of --toxiproxy ${url}: ${(e as Error).message}`);
  });
  const { proxies, missing } = mapProxies(brokers, listed);
  if (missing.length > 0) {
    const which = missing.map((b) => `broker ${b.nodeId} (advertised ${b.host}:${b.port})`);
    throw new StackError(
      `--toxiproxy ${url} has no proxy for ${which.join(", ")}: clients would reach it around ` +
        `Toxiproxy. Make a proxy listen at the address the broker advertises, or name it broker-<id> ` +
        `(proxies there: ${listed.map((p) => `${p.name} on ${p.listen}`).join(", ") || "none"})`,
    );
  }
  return proxies;
}

/** Find or start the cluster for a run. */
export async function acquireEnvironment(opts: EnvironmentOptions): Promise<RunEnvironment> {
  const progress = opts.progress ?? (() => {});
  if (opts.bootstrap?.length) {
    const connection = opts.connection ?? PLAINTEXT;
    // TLS and reachability first: one line naming the broker and the cause.
    await checkBrokers(opts.bootstrap, connection);
    const brokers = await advertisedBrokers(opts.bootstrap, connection).catch((e) => {
      const cause = explainSaslFailure(e, connection) ?? e.message;
      throw new StackError(`cannot use --bootstrap ${opts.bootstrap!.join(",")}: ${cause}`);
    });
    const ids = brokers.map((b) => b.nodeId);
    const proxies = opts.toxiproxyUrl
      ? await externalProxies(opts.toxiproxyUrl, brokers)
      : new Map<number, string>();
    return {
      mode: "external",
      bootstrap: opts.bootstrap,
      connection,
      controlBootstrap: opts.bootstrap,
      controlConnection: connection,
      brokerIds: ids,
      kafkaVersion: "unknown (external)",
      toxiproxyUrl: opts.toxiproxyUrl ?? null,
      toxiproxyVersion: "",
      proxyName: (id) => proxies.get(id) ?? `broker-${id}`,
      memberBootstrap: null,
      brokers: null,
      partitionState: (topic, partition) =>
        topicPartitions(opts.bootstrap!, topic, connection).then((ps) => {
          const p = ps.find((x) => x.partition === partition);
          if (!p) throw new Error(`no partition ${partition} in ${topic}`);
          return p;
        }),
      groupCoordinator: (groupId) => groupCoordinator(opts.bootstrap!, groupId, connection),
      release: async () => {},
      description: `external cluster ${opts.bootstrap.join(",")}`,
    };
  }
  // A stack started by `stack up` (or by another run) with the right broker count is reused.
  const candidates = [DEFAULT_BASE_PORT, DEFAULT_BASE_PORT + 1000];
  let free: number | null = null;
  for (const port of candidates) {
    const running = await readState(port);
    if (running && allRunning(running)) {
      if (running.brokers === opts.brokers) return fromStack(running, false);
    } else if (free === null) free = port;
  }
  if (free === null) {
    throw new StackError(
      `local stacks with other broker counts hold base ports ${candidates.join(" and ")}; ` +
        `run \`deno task stack down --base-port ${candidates[0]}\` first`,
    );
  }
  const state = await stackUp({ brokers: opts.brokers, basePort: free, progress });
  return fromStack(state, true);
}
