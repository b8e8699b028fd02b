/**
 * The connection check names each cause on real TLS over loopback: small
 * servers in this process, with certificates openssl makes for the test (a
 * trusted one, one from a foreign CA, one for another name, an expired one),
 * answer as a broker answers ApiVersions or hang up as a broker does.
 */
import assert from "node:assert/strict";
import tls from "node:tls";
import net from "node:net";
import { join } from "node:path";
import { checkBroker, explainSaslFailure, parseAddress } from "../../lib/connection/check.ts";
import type { ConnectionSettings, TlsSettings } from "../../lib/connection/settings.ts";

async function openssl(args: string[], cwd: string) {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
}

/** CA, foreign CA, and server certificates signed by the CA: good, wrong name, expired. */
async function makeCertificates() {
  const dir = await Deno.makeTempDir({ prefix: "sismo-check-" });
  const rsa = ["-newkey", "rsa:2048", "-nodes"];
  await openssl([
    "req",
    "-x509",
    ...rsa,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=test-ca",
  ], dir);
  await openssl([
    "req",
    "-x509",
    ...rsa,
    "-keyout",
    "other.key",
    "-out",
    "other.pem",
    "-days",
    "2",
    "-subj",
    "/CN=other-ca",
  ], dir);
  await openssl([
    "req",
    ...rsa,
    "-keyout",
    "broker.key",
    "-out",
    "broker.csr",
    "-subj",
    "/CN=broker",
  ], dir);
  await Deno.writeTextFile(join(dir, "good.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await Deno.writeTextFile(join(dir, "name.ext"), "subjectAltName=DNS:kafka.example\n");
  const sign = (ext: string, out: string) =>
    openssl([
      "x509",
      "-req",
      "-in",
      "broker.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      ext,
      "-out",
      out,
    ], dir);
  await sign("good.ext", "good.pem");
  await sign("name.ext", "name.pem");
  // `openssl ca` is the command-line way to set dates in the past.
  await Deno.mkdir(join(dir, "db"));
  await Deno.writeTextFile(join(dir, "db/index.txt"), "");
  await Deno.writeTextFile(join(dir, "db/serial"), "01\n");
  await Deno.writeTextFile(
    join(dir, "ca.cnf"),
    "[ca]\ndefault_ca=c\n[c]\ndatabase=db/index.txt\nserial=db/serial\nnew_certs_dir=db\n" +
      "default_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n[ext]\nsubjectAltName=IP:127.0.0.1\n",
  );
  await openssl([
    "ca",
    "-batch",
    "-config",
    "ca.cnf",
    "-cert",
    "ca.pem",
    "-keyfile",
    "ca.key",
    "-in",
    "broker.csr",
    "-out",
    "expired.pem",
    "-startdate",
    "20240101000000Z",
    "-enddate",
    "20240201000000Z",
    "-extensions",
    "ext",
    "-notext",
  ], dir);
  const read = (f: string) => Deno.readTextFileSync(join(dir, f));
  const files = {
    ca: read("ca.pem"),
    other: read("other.pem"),
    key: read("broker.key"),
    good: read("good.pem"),
    name: read("name.pem"),
    expired: read("expired.pem"),
  };
  await Deno.remove(dir, { recursive: true });
  return files;
}

/** Answers any request with 8 bytes, as a broker answers ApiVersions; or hangs up on it. */
function onRequest(socket: net.Socket, answer: boolean) {
  socket.on("data", () => answer ? socket.write(new Uint8Array(8)) : socket.destroy());
  socket.on("error", () => {});
}

async function listen(server: net.Server): Promise<{ address: string; close: () => void }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return { address: `127.0.0.1:${port}`, close: () => server.close() };
}

function settingsWith(tlsSettings: Partial<TlsSettings> | null): ConnectionSettings {
  return {
    securityProtocol: tlsSettings ? "SSL" : "PLAINTEXT",
    sasl: null,
    tls: tlsSettings
      ? {
        caPem: null,
        certPem: null,
        keyPem: null,
        keyPassword: null,
        verifyHostname: true,
        ...tlsSettings,
      }
      : null,
    source: "client.properties",
  };
}

Deno.test("parseAddress reads host:port and bracketed IPv6", () => {
  assert.deepEqual(parseAddress("kafka-1:9093"), { host: "kafka-1", port: 9093 });
  assert.deepEqual(parseAddress("[::1]:9092"), { host: "::1", port: 9092 });
  assert.throws(() => parseAddress("kafka-1"), /not host:port/);
});

Deno.test({
  name: "the connection check names the broker's TLS problem",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const certs = await makeCertificates();
    const tlsServer = (cert: string, extra: tls.TlsOptions = {}) =>
      listen(tls.createServer({ key: certs.key, cert, ...extra }, (s) => onRequest(s, true)));

    await t.step("a trusted certificate for the address answers", async () => {
      const s = await tlsServer(certs.good);
      try {
        assert.equal(await checkBroker(s.address, settingsWith({ caPem: certs.ca })), null);
      } finally {
        s.close();
      }
    });
    await t.step("a certificate from a CA not trusted", async () => {
      const s = await tlsServer(certs.good);
      try {
        const cause = await checkBroker(s.address, settingsWith({ caPem: certs.other }));
        assert.match(
          cause ?? "",
          /issued by CN=test-ca, which is not a trusted CA in client\.properties/,
        );
      } finally {
        s.close();
      }
    });
    await t.step("a certificate for another name, unless the check is off", async () => {
      const s = await tlsServer(certs.name);
      try {
        const cause = await checkBroker(s.address, settingsWith({ caPem: certs.ca }));
        assert.match(
          cause ?? "",
          /is for DNS:kafka\.example, not 127\.0\.0\.1 \(hostname mismatch/,
        );
        assert.equal(
          await checkBroker(s.address, settingsWith({ caPem: certs.ca, verifyHostname: false })),
          null,
        );
      } finally {
        s.close();
      }
    });
    await t.step("an expired certificate", async () => {
      const s = await tlsServer(certs.expired);
      try {
        const cause = await checkBroker(s.address, settingsWith({ caPem: certs.ca }));
        assert.match(cause ?? "", /expired on 2024-02-01/);
      } finally {
        s.close();
      }
    });
    await t.step("a broker that requires a client certificate", async () => {
      const s = await tlsServer(certs.good, {
        requestCert: true,
        rejectUnauthorized: true,
        ca: certs.ca,
      });
      try {
        const cause = await checkBroker(s.address, settingsWith({ caPem: certs.ca }));
        assert.match(cause ?? "", /client certificate/);
      } finally {
        s.close();
      }
    });
    await t.step("plaintext spoken to a TLS listener", async () => {
      const s = await tlsServer(certs.good);
      try {
        const cause = await checkBroker(s.address, settingsWith(null), 3_000);
        assert.match(cause ?? "", /is it a TLS listener\?/);
      } finally {
        s.close();
      }
    });
    await t.step("TLS spoken to a plaintext listener", async () => {
      const s = await listen(net.createServer((socket) => onRequest(socket, false)));
      try {
        const cause = await checkBroker(s.address, settingsWith({ caPem: certs.ca }), 3_000);
        assert.match(cause ?? "", /plaintext listener|is it a TLS listener/);
      } finally {
        s.close();
      }
    });
    await t.step("a plaintext broker answers; a closed port is named", async () => {
      const s = await listen(net.createServer((socket) => onRequest(socket, true)));
      const address = s.address;
      try {
        assert.equal(await checkBroker(address, settingsWith(null)), null);
      } finally {
        s.close();
      }
      await new Promise((r) => setTimeout(r, 50));
      assert.match(await checkBroker(address, settingsWith(null)) ?? "", /nothing listens there/);
    });
  },
});

Deno.test("SASL failures are named without the password", () => {
  const settings: ConnectionSettings = {
    ...settingsWith({}),
    securityProtocol: "SASL_SSL",
    sasl: { mechanism: "SCRAM-SHA-512", username: "app", password: "s3cret-pass" },
  };
  const wrong = new Error(
    "SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512",
  );
  wrong.name = "KafkaJSSASLAuthenticationError";
  const line = explainSaslFailure(wrong, settings) ?? "";
  assert.match(line, /authentication failed for user "app" with SCRAM-SHA-512/);
  assert.ok(!line.includes("s3cret-pass"));
  assert.match(
    explainSaslFailure(
      new Error("SASL SCRAM-SHA-512 mechanism is not supported by the server"),
      settings,
    ) ?? "",
    /do not enable SASL mechanism SCRAM-SHA-512/,
  );
  assert.equal(explainSaslFailure(new Error("Connection timeout"), settings), null);
  assert.equal(explainSaslFailure(wrong, settingsWith(null)), null);
});
