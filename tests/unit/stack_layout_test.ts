import assert from "node:assert/strict";
import {
  allPorts,
  brokerProperties,
  clusterLayout,
  directBootstrap,
  ephemeralOverlap,
  jvmOptions,
  memberBootstrap,
  proxiedBootstrap,
} from "../../lib/stack/layout.ts";
import { securityBrokerProperties } from "../../lib/stack/security.ts";

function parse(props: string): Map<string, string> {
  return new Map(
    props.trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

Deno.test("layout: ports of a 3-node cluster do not collide", () => {
  const layout = clusterLayout({ brokers: 3, basePort: 30000 });
  const ports = allPorts(layout).map((p) => p.port);
  assert.equal(new Set(ports).size, ports.length);
  assert.equal(ports.length, 1 + 3 * 6);
  assert.deepEqual(proxiedBootstrap(layout), [
    "127.0.0.1:30091",
    "127.0.0.1:30092",
    "127.0.0.1:30093",
  ]);
  assert.deepEqual(directBootstrap(layout), [
    "127.0.0.1:30291",
    "127.0.0.1:30292",
    "127.0.0.1:30293",
  ]);
  assert.deepEqual(memberBootstrap(layout), [
    "127.0.0.1:30041",
    "127.0.0.1:30042",
    "127.0.0.1:30043",
  ]);
});

Deno.test("layout: the CLIENT listener advertises the broker's own proxy, INTERNAL is direct", () => {
  const layout = clusterLayout({ brokers: 3, basePort: 29000 });
  for (const node of layout.nodes) {
    const p = parse(brokerProperties(layout, node, `/data/${node.id}`));
    assert.equal(p.get("node.id"), String(node.id));
    assert.equal(
      p.get("advertised.listeners"),
      `CLIENT://127.0.0.1:${node.proxyPort},MEMBER://127.0.0.1:${node.memberProxyPort},` +
        `INTERNAL://127.0.0.1:${node.internalPort}`,
    );
    assert.ok(p.get("listeners")!.includes(`CLIENT://127.0.0.1:${node.clientPort}`));
    assert.ok(p.get("listeners")!.includes(`MEMBER://127.0.0.1:${node.memberPort}`));
    assert.match(p.get("listener.security.protocol.map")!, /MEMBER:PLAINTEXT/);
    assert.ok(p.get("listeners")!.includes(`CONTROLLER://127.0.0.1:${node.controllerPort}`));
    assert.equal(p.get("inter.broker.listener.name"), "INTERNAL");
    assert.equal(p.get("controller.listener.names"), "CONTROLLER");
    assert.equal(p.get("process.roles"), "broker,controller");
    assert.equal(
      p.get("controller.quorum.voters"),
      "1@127.0.0.1:29391,2@127.0.0.1:29392,3@127.0.0.1:29393",
    );
    assert.equal(p.get("log.dirs"), `/data/${node.id}`);
    assert.equal(p.get("auto.create.topics.enable"), "false");
    assert.equal(p.get("offsets.topic.replication.factor"), "3");
  }
});

Deno.test("layout: a single node uses replication factor 1 for internal topics", () => {
  const layout = clusterLayout({ brokers: 1 });
  const p = parse(brokerProperties(layout, layout.nodes[0], "/d"));
  assert.equal(p.get("offsets.topic.replication.factor"), "1");
  assert.equal(p.get("transaction.state.log.min.isr"), "1");
  assert.equal(p.get("controller.quorum.voters"), "1@127.0.0.1:29391");
});

Deno.test("layout: the proxy sits between the advertised port and the broker's listener", () => {
  const layout = clusterLayout({ brokers: 3, basePort: 29000 });
  const n = layout.nodes[1];
  assert.equal(n.proxyName, "broker-2");
  assert.notEqual(n.proxyPort, n.clientPort);
  assert.equal(n.memberProxyName, "broker-2-member");
  assert.notEqual(n.memberProxyPort, n.memberPort);
  assert.equal(layout.toxiproxyPort, 29474);
});

Deno.test("layout: bad base port is refused", () => {
  assert.throws(() => clusterLayout({ brokers: 1, basePort: 80 }), /base port/);
  assert.throws(() => clusterLayout({ brokers: 1, basePort: 1.5 }), /base port/);
});

Deno.test("layout: heap is bounded", () => {
  const opts = jvmOptions(384);
  assert.ok(opts.includes("-Xmx384m"));
  assert.ok(opts.includes("-Xms384m"));
});

Deno.test("layout: on a secured stack the MEMBER listener speaks what CLIENT speaks", () => {
  for (const [security, protocol] of [["ssl", "SSL"], ["sasl_ssl", "SASL_SSL"]] as const) {
    const props = securityBrokerProperties("/stack", security);
    assert.match(props["listener.security.protocol.map"], new RegExp(`CLIENT:${protocol},`));
    assert.match(props["listener.security.protocol.map"], new RegExp(`MEMBER:${protocol},`));
    if (security === "sasl_ssl") {
      for (const listener of ["client", "member"]) {
        assert.ok(props[`listener.name.${listener}.sasl.enabled.mechanisms`], listener);
        assert.ok(props[`listener.name.${listener}.scram-sha-512.sasl.jaas.config`], listener);
      }
    }
  }
});

Deno.test("ephemeralOverlap: names the ports inside the ephemeral range and the way out", () => {
  const range: [number, number] = [32768, 60999];
  const inside = allPorts(clusterLayout({ brokers: 3, basePort: 32500 }))
    .filter((p) => p.port >= 32768);
  const text = ephemeralOverlap(clusterLayout({ brokers: 3, basePort: 32500 }), range);
  assert.ok(inside.length > 0 && inside.length < 19);
  assert.match(text!, new RegExp(`^${inside.length} ports of the stack \\(from 32791\\)`));
  assert.match(text!, /ephemeral range 32768-60999/);
  assert.match(text!, /block \(475 ports\)/);
  assert.equal(ephemeralOverlap(clusterLayout({ brokers: 3, basePort: 32500 }), null), null);
  assert.equal(ephemeralOverlap(clusterLayout({ brokers: 3 }), range), null);
});

Deno.test("the integration tests' port blocks lie below Linux's default ephemeral range", async () => {
  // A block inside it fails at random when a client's outgoing connection holds one of its ports.
  const dir = new URL("../integration/", import.meta.url);
  let found = 0;
  for await (const entry of Deno.readDir(dir)) {
    const text = await Deno.readTextFile(new URL(entry.name, dir));
    for (const m of text.matchAll(/BASE_PORT = (\d+)/g)) {
      found++;
      const layout = clusterLayout({ brokers: 3, basePort: Number(m[1]) });
      assert.equal(ephemeralOverlap(layout, [32768, 60999]), null, `${entry.name}: ${m[0]}`);
    }
  }
  assert.ok(found >= 3, `found ${found} BASE_PORT constants`);
});
