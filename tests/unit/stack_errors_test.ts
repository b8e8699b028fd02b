/** Setup errors that must come before anything starts: clear, naming what is wrong. */
import assert from "node:assert/strict";
import { StackError, stackUp } from "../../lib/stack/local.ts";
import { missingPrerequisites, provision, ProvisionError } from "../../lib/stack/provision.ts";
import { prepareSecurity } from "../../lib/stack/security.ts";

Deno.test("stack: a port in use is named, nothing is started", async () => {
  const basePort = 32000;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: basePort + 474 });
  try {
    await assert.rejects(
      () => stackUp({ brokers: 1, basePort }),
      (e: Error) => {
        assert.ok(e instanceof StackError);
        assert.match(e.message, /32474 \(Toxiproxy API\)/);
        assert.match(e.message, /--base-port/);
        return true;
      },
    );
  } finally {
    listener.close();
  }
});

Deno.test("provision: missing Java, Maven and Go are named in one message", async () => {
  const saved = { PATH: Deno.env.get("PATH"), SISMO_CACHE: Deno.env.get("SISMO_CACHE") };
  const cache = await Deno.makeTempDir();
  Deno.env.set("PATH", "/nonexistent");
  Deno.env.set("SISMO_CACHE", cache);
  try {
    const missing = await missingPrerequisites();
    assert.equal(missing.length, 3, missing.join("\n"));
    await assert.rejects(() => provision(), (e: Error) => {
      assert.ok(e instanceof ProvisionError);
      assert.match(e.message, /Java 17\+ is not installed/);
      assert.match(e.message, /Maven is not installed/);
      assert.match(e.message, /Go is not installed/);
      assert.match(e.message, /KAFKA_HOME/);
      assert.match(e.message, /TOXIPROXY_SERVER/);
      assert.match(e.message, /--bootstrap/);
      return true;
    });
    // Nothing half-installed left behind as if complete.
    assert.deepEqual([...Deno.readDirSync(cache)], []);
  } finally {
    Deno.env.set("PATH", saved.PATH!);
    if (saved.SISMO_CACHE === undefined) Deno.env.delete("SISMO_CACHE");
    else Deno.env.set("SISMO_CACHE", saved.SISMO_CACHE);
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("secured stack: openssl missing is a stack error (exit 2), naming openssl", async () => {
  const path = Deno.env.get("PATH");
  const dir = await Deno.makeTempDir();
  Deno.env.set("PATH", "/nonexistent");
  try {
    await assert.rejects(() => prepareSecurity(dir, "sasl_ssl"), (e: Error) => {
      assert.ok(e instanceof StackError, `${e.name}: ${e.message}`);
      assert.match(e.message, /openssl is needed/);
      return true;
    });
  } finally {
    if (path !== undefined) Deno.env.set("PATH", path);
    await Deno.remove(dir, { recursive: true });
  }
});
