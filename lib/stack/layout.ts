/**
 * Ports and broker configuration of the local cluster: pure functions, so the
 * wiring can be unit-tested without starting anything.
 *
 * Every client connection crosses Toxiproxy: each node's CLIENT listener
 * advertises the port of that node's proxy, so after bootstrap the client
 * still talks to the proxy. Replication (INTERNAL) and the KRaft quorum
 * (CONTROLLER) are not proxied; to partition brokers from each other later,
 * point `advertisedInternal`/`controllerVoter` at proxy ports instead.
 *
 * Each node also has a MEMBER listener, advertised at a second proxy of its own
 * (`broker-<id>-member`). A client bootstrapped there is sent to those proxies
 * only, so a toxic on them reaches that client and no other: the one consumer
 * group member whose connections a scenario faults (`connections: {member: N}`).
 *
 * @example
 * ```ts
 * const layout = clusterLayout({ brokers: 3, basePort: 29000 });
 * layout.nodes[0].proxyPort; // 29091: what clients connect to
 * brokerProperties(layout, layout.nodes[0], "/tmp/data-1");
 * ```
 * @module
 */

/** Default first port of the local stack's port block. */
export const DEFAULT_BASE_PORT = 29000;

/** Loopback address every listener binds to. */
export const HOST = "127.0.0.1";

/** Ports of one KRaft node (combined broker and controller). */
export interface NodeLayout {
  id: number;
  /** Toxiproxy listen port: the address clients are given. */
  proxyPort: number;
  /** The broker's CLIENT listener, upstream of its proxy. */
  clientPort: number;
  /** INTERNAL listener: replication and sismo's own control traffic, not proxied. */
  internalPort: number;
  /** CONTROLLER listener: the KRaft quorum, not proxied. */
  controllerPort: number;
  /** Toxiproxy proxy name. */
  proxyName: string;
  /** Proxy of the MEMBER listener: the one faulted member's way to this broker. */
  memberProxyPort: number;
  /** The broker's MEMBER listener, upstream of its member proxy. */
  memberPort: number;
  /** Toxiproxy name of the member proxy. */
  memberProxyName: string;
}

/** Ports of the whole local stack. */
export interface ClusterLayout {
  brokers: number;
  basePort: number;
  toxiproxyPort: number;
  nodes: NodeLayout[];
}

/**
 * Port block: base+90+i proxies, base+190+i CLIENT, base+290+i INTERNAL, base+390+i CONTROLLER,
 * base+40+i member proxies, base+140+i MEMBER, base+474 Toxiproxy API.
 */
export function clusterLayout(opts: { brokers: number; basePort?: number }): ClusterLayout {
  const base = opts.basePort ?? DEFAULT_BASE_PORT;
  if (!Number.isInteger(base) || base < 1024 || base > 65000) {
    throw new RangeError(`base port ${base} must be an integer from 1024 to 65000`);
  }
  const nodes: NodeLayout[] = [];
  for (let id = 1; id <= opts.brokers; id++) {
    nodes.push({
      id,
      proxyPort: base + 90 + id,
      clientPort: base + 190 + id,
      internalPort: base + 290 + id,
      controllerPort: base + 390 + id,
      proxyName: `broker-${id}`,
      memberProxyPort: base + 40 + id,
      memberPort: base + 140 + id,
      memberProxyName: `broker-${id}-member`,
    });
  }
  return { brokers: opts.brokers, basePort: base, toxiproxyPort: base + 474, nodes };
}

/**
 * What to warn about when the stack's ports reach into the system's ephemeral range (`[low,
 * high]`, Linux's `net.ipv4.ip_local_port_range`), where the kernel picks the local port of every
 * outgoing connection: any client may hold one of them for a while, so such a stack fails at
 * random with "port already in use". Null when no port does, or the range is unknown.
 */
export function ephemeralOverlap(
  layout: ClusterLayout,
  range: [number, number] | null,
): string | null {
  if (!range) return null;
  const inside = allPorts(layout).map((p) => p.port).filter((p) => p >= range[0] && p <= range[1]);
  if (inside.length === 0) return null;
  return `${inside.length} port${inside.length > 1 ? "s" : ""} of the stack (from ${
    Math.min(...inside)
  }) lie in this system's ephemeral range ${range[0]}-${range[1]}, lent to outgoing connections: ` +
    `pick a base port whose block (${
      layout.toxiproxyPort - layout.basePort + 1
    } ports) stays outside it.`;
}

/** Every port the stack listens on, with what it is, for a clear "port in use" error. */
export function allPorts(layout: ClusterLayout): { port: number; what: string }[] {
  const ports = [{ port: layout.toxiproxyPort, what: "Toxiproxy API" }];
  for (const n of layout.nodes) {
    ports.push(
      { port: n.proxyPort, what: `proxy of broker ${n.id}` },
      { port: n.clientPort, what: `CLIENT listener of broker ${n.id}` },
      { port: n.internalPort, what: `INTERNAL listener of broker ${n.id}` },
      { port: n.controllerPort, what: `CONTROLLER listener of broker ${n.id}` },
      { port: n.memberProxyPort, what: `member proxy of broker ${n.id}` },
      { port: n.memberPort, what: `MEMBER listener of broker ${n.id}` },
    );
  }
  return ports;
}

/** Bootstrap servers for clients: the proxies. */
export function proxiedBootstrap(layout: ClusterLayout): string[] {
  return layout.nodes.map((n) => `${HOST}:${n.proxyPort}`);
}

/** Bootstrap servers of the one member whose connections are faulted: the member proxies. */
export function memberBootstrap(layout: ClusterLayout): string[] {
  return layout.nodes.map((n) => `${HOST}:${n.memberProxyPort}`);
}

/** Bootstrap servers for sismo's control and verification traffic: INTERNAL listeners, no proxy. */
export function directBootstrap(layout: ClusterLayout): string[] {
  return layout.nodes.map((n) => `${HOST}:${n.internalPort}`);
}

/** The `server.properties` of one node. */
export function brokerProperties(
  layout: ClusterLayout,
  node: NodeLayout,
  dataDir: string,
  /** Added last, replacing defaults (the secured stack's listener settings). */
  extra: Record<string, string> = {},
): string {
  const replicas = Math.min(3, layout.brokers);
  const voters = layout.nodes.map((n) => `${n.id}@${HOST}:${n.controllerPort}`).join(",");
  const props: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": node.id,
    "controller.quorum.voters": voters,
    "controller.listener.names": "CONTROLLER",
    "listeners":
      `CLIENT://${HOST}:${node.clientPort},MEMBER://${HOST}:${node.memberPort},INTERNAL://${HOST}:${node.internalPort},CONTROLLER://${HOST}:${node.controllerPort}`,
    "advertised.listeners":
      `CLIENT://${HOST}:${node.proxyPort},MEMBER://${HOST}:${node.memberProxyPort},INTERNAL://${HOST}:${node.internalPort}`,
    "listener.security.protocol.map":
      "CLIENT:PLAINTEXT,MEMBER:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "inter.broker.listener.name": "INTERNAL",
    "log.dirs": dataDir,
    "num.partitions": 1,
    "default.replication.factor": replicas,
    "offsets.topic.replication.factor": replicas,
    "offsets.topic.num.partitions": 3,
    "transaction.state.log.replication.factor": replicas,
    "transaction.state.log.min.isr": Math.min(2, replicas),
    "transaction.state.log.num.partitions": 3,
    "share.coordinator.state.topic.replication.factor": replicas,
    "share.coordinator.state.topic.min.isr": Math.min(2, replicas),
    "group.initial.rebalance.delay.ms": 0,
    // Scenarios create their topics explicitly; a typo must not create one silently.
    "auto.create.topics.enable": false,
    // Faster fail-over and ISR changes than production defaults, so a few-minute scenario shows them.
    "replica.lag.time.max.ms": 10000,
    "broker.heartbeat.interval.ms": 1000,
    "broker.session.timeout.ms": 6000,
    "controller.quorum.election.timeout.ms": 1000,
    "controller.quorum.fetch.timeout.ms": 2000,
    "unclean.leader.election.enable": false,
    // Two cores shared by three JVMs: few threads each.
    "num.network.threads": 2,
    "num.io.threads": 2,
    "num.replica.fetchers": 1,
    "background.threads": 2,
    "log.cleaner.enable": false,
    "log.segment.bytes": 64 * 1024 * 1024,
    ...extra,
  };
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join("\n") + "\n";
}

/** JVM options: a bounded heap and a collector that suits a small shared machine. */
export function jvmOptions(heapMb: number): string[] {
  return [
    `-Xms${heapMb}m`,
    `-Xmx${heapMb}m`,
    "-XX:+UseSerialGC",
    "-XX:MaxMetaspaceSize=256m",
    "-XX:ActiveProcessorCount=2",
    "-XX:-OmitStackTraceInFastThrow",
    "-Djava.awt.headless=true",
  ];
}

/** log4j2 configuration: INFO to the node's own log file (stdout is redirected there). */
export const LOG4J2_PROPERTIES = `rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
`;
