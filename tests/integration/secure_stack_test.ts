/**
 * The flagship scenario against a secured local stack (SASL_SSL with SCRAM,
 * then TLS with client certificates), reached as an external cluster would be:
 * `--bootstrap` on the proxies, `--toxiproxy`, and the stack's
 * `client.properties` as `--command-config`, on every client driver. Every byte
 * sismo prints or writes (reports, and the clients' own logs kept with
 * `--client-log`) is searched for the stack's secrets (the SCRAM password, the
 * client key); a wrong password is refused with exit 2 and one line naming the
 * cause.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { stackDown, stackUp } from "../../lib/stack/local.ts";
import { securityFiles, stackConnection, type StackSecurity } from "../../lib/stack/security.ts";
import { secretsOf } from "../../lib/connection/settings.ts";
import { CLIENT_NAMES } from "../../lib/clients/names.ts";

const BASE_PORT = 32000;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

/** Run sismo's CLI; stdout and stderr as text. */
async function sismo(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** Every file under `dir`, as text. */
async function filesUnder(dir: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...await filesUnder(path));
    else out.push({ path, text: await Deno.readTextFile(path) });
  }
  return out;
}

async function openssl(args: string[]) {
  const out = await new Deno.Command("openssl", { args, stdout: "null", stderr: "piped" }).output();
  assert.ok(out.success, decoder.decode(out.stderr));
}

/**
 * A run with `properties` that must be refused before anything starts: exit 2
 * and a line naming the first bootstrap broker.
 */
async function refusedRun(
  reports: string,
  external: string[],
  properties: string,
  broker: string,
) {
  const run = await sismo([
    "scenario",
    "idempotent-vs-plain",
    "--profile",
    "quick",
    "--reports",
    reports,
    ...external.slice(0, 4),
    "--command-config",
    properties,
  ]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.ok(run.stderr.includes(broker), run.stderr);
  return run;
}

/** Toxics on every proxy of an external Toxiproxy. */
async function toxicsOn(toxiproxyUrl: string, proxies: string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const name of proxies) {
    const res = await fetch(`${toxiproxyUrl}/proxies/${name}/toxics`);
    assert.equal(res.status, 200, name);
    out.push(...await res.json());
  }
  return out;
}

/**
 * Ctrl-C while a toxic is in force on an external cluster: exit 130, a
 * partial report, and no toxic left in the Toxiproxy the user named.
 */
async function interruptedExternalRun(
  external: string[],
  toxiproxyUrl: string,
  nodes: { proxyName: string }[],
  reports: string,
) {
  const file = join(reports, "interrupt-external.yaml");
  await Deno.writeTextFile(
    file,
    `name: interrupt-external
description: A long run with a toxic, interrupted by the test.
cluster: {brokers: 3}
topic: {partitions: 3, replication.factor: 3}
load: {rate: 100, duration: 120s, message.size: 64}
variants:
  - name: only
    producer: {acks: all}
faults:
  - {at: 2s, for: 100s, toxic: latency, attributes: {latency: 300}}
`,
  );
  const proxies = nodes.map((n) => n.proxyName);
  assert.deepEqual(await toxicsOn(toxiproxyUrl, proxies), [], "no toxic before the run");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, "scenario", file, "--reports", reports, ...external],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const output = Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  const deadline = Date.now() + 90_000;
  while ((await toxicsOn(toxiproxyUrl, proxies)).length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
  }
  const during = await toxicsOn(toxiproxyUrl, proxies);
  child.kill("SIGINT");
  const status = await child.status;
  const [stdout, stderr] = await output;
  assert.ok(during.length > 0, `the toxic never appeared:\n${stdout}\n${stderr}`);
  assert.equal(status.code, 130, `${stdout}\n${stderr}`);
  assert.deepEqual(await toxicsOn(toxiproxyUrl, proxies), [], "toxics left after Ctrl-C");
  const runs = [...Deno.readDirSync(join(reports, "interrupt-external"))];
  assert.equal(runs.length, 1);
  const report = JSON.parse(
    await Deno.readTextFile(join(reports, "interrupt-external", runs[0].name, "report.json")),
  );
  assert.equal(report.outcome, "interrupted");
}

function assertNoSecret(where: string, text: string, secrets: string[]) {
  for (const s of secrets) {
    assert.ok(!text.includes(s), `${where} holds a secret (${s.slice(0, 4)}…)`);
  }
}

for (const security of ["sasl_ssl", "ssl"] as StackSecurity[]) {
  Deno.test({
    name: `secured stack (${security}): the flagship scenario holds on every client through the ` +
      "proxies, and no secret reaches any output",
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      await stackDown({ basePort: BASE_PORT });
      const state = await stackUp({ brokers: 3, basePort: BASE_PORT, security });
      const reports = await Deno.makeTempDir({ prefix: "sismo-secure-" });
      try {
        const properties = securityFiles(state.dir).clientProperties;
        const secrets = secretsOf(stackConnection(state));
        assert.ok(secrets.length > 0, "the stack has secrets to look for");
        const external = [
          "--bootstrap",
          state.bootstrap.join(","),
          "--toxiproxy",
          state.toxiproxyUrl,
          "--command-config",
          properties,
        ];
        for (const client of CLIENT_NAMES) {
          const run = await sismo([
            "scenario",
            "idempotent-vs-plain",
            "--profile",
            "quick",
            "--client",
            client,
            "--client-log",
            "--reports",
            reports,
            ...external,
          ]);
          assert.equal(run.code, 0, `${client}:\n${run.stdout}\n${run.stderr}`);
          assert.match(run.stdout, /Every expectation held/);
          assertNoSecret(`${client}'s console`, run.stdout + run.stderr, secrets);
        }
        const files = await filesUnder(reports);
        assert.ok(files.some((f) => f.path.endsWith("report.html")));
        // The clients' own logs (--client-log) are searched too: one per client and variant (plain,
        // idempotent).
        const clientLogs = files.filter((f) => /client-logs[/\\][^/\\]+\.log$/.test(f.path));
        assert.equal(
          clientLogs.length,
          2 * CLIENT_NAMES.length,
          clientLogs.map((f) => f.path).join("\n"),
        );
        assert.ok(clientLogs.every((f) => f.text.length > 0), "an empty client log");
        for (const f of files) assertNoSecret(f.path, f.text, secrets);
        // Every toxic was removed at the end of each run.
        for (const node of state.layout.nodes) {
          const res = await fetch(`${state.toxiproxyUrl}/proxies/${node.proxyName}/toxics`);
          assert.equal(res.status, 200, node.proxyName);
          assert.deepEqual(await res.json(), [], node.proxyName);
        }

        if (security === "sasl_ssl") {
          // A wrong password: one line naming the cluster and the cause, exit 2, nothing started.
          const wrong = join(reports, "wrong.properties");
          const text = await Deno.readTextFile(properties);
          await Deno.writeTextFile(
            wrong,
            text.replace(/password="[^"]*"/, 'password="not-the-password"'),
          );
          const bad = await refusedRun(reports, external, wrong, state.bootstrap[0]);
          assert.match(bad.stderr, /authentication failed/i);
          assert.ok(!bad.stderr.includes("not-the-password"), bad.stderr);

          // A mechanism the brokers do not enable, and a CA that did not sign them.
          const password = stackConnection(state).sasl!.password;
          const ca = securityFiles(state.dir).caCert;
          // Files holding the password stay out of the reports folder, which is searched for it.
          const scratch = await Deno.makeTempDir({ prefix: "sismo-secure-input-" });
          const foreignCa = join(scratch, "foreign-ca.crt");
          await openssl([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            join(scratch, "foreign-ca.key"),
            "-out",
            foreignCa,
            "-days",
            "1",
            "-subj",
            "/CN=foreign-ca",
          ]);
          const cases = [
            { mechanism: "PLAIN", ca, cause: /do not enable SASL mechanism PLAIN/ },
            {
              mechanism: "SCRAM-SHA-256",
              ca: foreignCa,
              cause: /issued by CN=[^,]*, which is not a trusted CA/,
            },
          ];
          for (const c of cases) {
            const file = join(scratch, `${c.mechanism}.properties`);
            await Deno.writeTextFile(
              file,
              `security.protocol=SASL_SSL\nsasl.mechanism=${c.mechanism}\nsasl.username=sismo\n` +
                `sasl.password=${password}\nssl.ca.location=${c.ca}\n`,
            );
            const refused = await refusedRun(reports, external, file, state.bootstrap[0]);
            assert.match(refused.stderr, c.cause);
            assertNoSecret("a refused run's console", refused.stdout + refused.stderr, secrets);
          }

          await Deno.remove(scratch, { recursive: true });

          await interruptedExternalRun(external, state.toxiproxyUrl, state.layout.nodes, reports);
          // The suite against the same cluster: its index, JUnit, Markdown and JSON are searched too.
          const suite = await sismo([
            "ci",
            "--only",
            "idempotent-vs-plain",
            "--client",
            "librdkafka",
            "--reports",
            join(reports, "ci"),
            ...external,
          ]);
          assert.equal(suite.code, 0, `${suite.stdout}\n${suite.stderr}`);
          assertNoSecret("the suite's console", suite.stdout + suite.stderr, secrets);
          const suiteFiles = (await filesUnder(join(reports, "ci"))).map((f) => f.path);
          for (const name of ["index.html", "junit.xml", "summary.md", "suite.json"]) {
            assert.ok(suiteFiles.some((p) => p.endsWith(name)), `the suite wrote ${name}`);
          }
          for (const f of await filesUnder(reports)) {
            if (!f.path.endsWith(".properties")) assertNoSecret(f.path, f.text, secrets);
          }
        } else {
          // Mutual TLS without a client certificate: refused before anything starts.
          const file = join(reports, "no-client-cert.properties");
          await Deno.writeTextFile(
            file,
            `security.protocol=SSL\nssl.ca.location=${securityFiles(state.dir).caCert}\n`,
          );
          const refused = await refusedRun(reports, external, file, state.bootstrap[0]);
          assert.match(refused.stderr, /client certificate/);
        }
      } finally {
        await stackDown({ basePort: BASE_PORT });
        await Deno.remove(reports, { recursive: true }).catch(() => {});
      }
    },
  });
}
