/**
 * The flagship scenario against a secured local stack (SASL_SSL with SCRAM,
 * then TLS with client certificates), reached as an external cluster would be:
 * `--bootstrap` on the proxies, `--toxiproxy`, and the stack's
 * `client.properties` as `--command-config`, on every client driver. Every byte
 * sismo prints or writes is searched for the stack's secrets (the SCRAM
 * password, the client key); a wrong password is refused with exit 2 and one
 * line naming the cause.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { stackDown, stackUp } from "../../lib/stack/local.ts";
import { securityFiles, stackConnection, type StackSecurity } from "../../lib/stack/security.ts";
import { secretsOf } from "../../lib/connection/settings.ts";
import { CLIENT_NAMES } from "../../lib/clients/names.ts";

const BASE_PORT = 34000;
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
          const bad = await sismo([
            "scenario",
            "idempotent-vs-plain",
            "--profile",
            "quick",
            "--reports",
            reports,
            ...external.slice(0, 4),
            "--command-config",
            wrong,
          ]);
          assert.equal(bad.code, 2, bad.stdout + bad.stderr);
          assert.match(bad.stderr, /authentication failed/i);
          assert.match(bad.stderr, new RegExp(state.bootstrap[0].replace(/\./g, "\\.")));
          assert.ok(!bad.stderr.includes("not-the-password"), bad.stderr);
        }
      } finally {
        await stackDown({ basePort: BASE_PORT });
        await Deno.remove(reports, { recursive: true }).catch(() => {});
      }
    },
  });
}
