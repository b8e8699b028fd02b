/** Connection settings: the properties file, each client's terms, redaction. */
import assert from "node:assert/strict";
import {
  ConnectionConfigError,
  parseConnectionProperties,
  parsePropertiesText,
} from "../../lib/connection/properties_file.ts";
import {
  javaProperties,
  kafkaJsSecurity,
  librdkafkaProperties,
} from "../../lib/connection/clients.ts";
import { describeConnection, PLAINTEXT, secretsOf } from "../../lib/connection/settings.ts";
import { knownSecretsRedactor, maskStrings, REDACTED } from "../../lib/report/redact.ts";

const CA =
  "-----BEGIN CERTIFICATE-----\nMIIBca0000000000000000000000000000\n-----END CERTIFICATE-----\n";
const CERT =
  "-----BEGIN CERTIFICATE-----\nMIIBcert000000000000000000000000000\n-----END CERTIFICATE-----\n";
const KEY =
  "-----BEGIN PRIVATE KEY-----\nMIIEkeyKEYkeyKEYkeyKEYkeyKEYkeyKEY\n-----END PRIVATE KEY-----\n";
const files: Record<string, string> = {
  "ca.crt": CA,
  "client.pem": KEY + CERT,
  "client.crt": CERT,
  "client.key": KEY,
  "notes.txt": "nothing here",
};

function parse(text: string, env: Record<string, string> = {}) {
  return parseConnectionProperties(text, {
    file: "client.properties",
    env,
    readFile: (p) => {
      if (!(p in files)) throw new Error("No such file or directory");
      return files[p];
    },
  });
}

function fails(text: string, pattern: RegExp, env: Record<string, string> = {}) {
  assert.throws(() => parse(text, env), (e: Error) => {
    assert.ok(e instanceof ConnectionConfigError, String(e));
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("properties: comments, separators, continuation lines and escapes, with line numbers", () => {
  const lines = parsePropertiesText(
    "# comment\n! also\n\na=1\nb : two words\nc  3\nd=first \\\n   second\ne=tab\\there\\u0041\n",
  );
  assert.deepEqual(lines, [
    { key: "a", value: "1", line: 4 },
    { key: "b", value: "two words", line: 5 },
    { key: "c", value: "3", line: 6 },
    { key: "d", value: "first second", line: 7 },
    { key: "e", value: "tab\thereA", line: 9 },
  ]);
});

Deno.test("connection: SASL_SSL with SCRAM from Java's JAAS line, the password from the environment", () => {
  const s = parse(
    [
      "security.protocol=SASL_SSL",
      "sasl.mechanism=SCRAM-SHA-512",
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="${env:KAFKA_PASSWORD}";',
      "ssl.truststore.type=PEM",
      "ssl.truststore.location=ca.crt",
    ].join("\n"),
    { KAFKA_PASSWORD: "pa$$-w0rd=x" },
  );
  assert.equal(s.securityProtocol, "SASL_SSL");
  assert.deepEqual(s.sasl, {
    mechanism: "SCRAM-SHA-512",
    username: "app",
    password: "pa$$-w0rd=x",
  });
  assert.equal(s.tls?.caPem, CA);
  assert.equal(s.tls?.verifyHostname, true);
  assert.equal(describeConnection(s), "SASL_SSL, SCRAM-SHA-512 as app");
});

Deno.test("connection: librdkafka's names work too, and a PEM key store splits into key and chain", () => {
  const rd = parse(
    "security.protocol=sasl_ssl\nsasl.mechanisms=PLAIN\nsasl.username=u\nsasl.password=secret-1\nssl.ca.location=ca.crt\n",
  );
  assert.deepEqual(rd.sasl, { mechanism: "PLAIN", username: "u", password: "secret-1" });
  const m = parse(
    "security.protocol=SSL\nssl.truststore.location=ca.crt\nssl.keystore.type=PEM\nssl.keystore.location=client.pem\nssl.endpoint.identification.algorithm=\n",
  );
  assert.equal(m.tls?.certPem?.trim(), CERT.trim());
  assert.equal(m.tls?.keyPem?.trim(), KEY.trim());
  assert.equal(m.tls?.verifyHostname, false);
  const split = parse(
    "security.protocol=SSL\nssl.ca.location=ca.crt\nssl.certificate.location=client.crt\nssl.key.location=client.key\n",
  );
  assert.equal(split.tls?.certPem, CERT);
  assert.equal(split.tls?.keyPem, KEY);
});

Deno.test("connection: mistakes name the file, the line and the setting, and never quote a secret", () => {
  fails(
    "security.protocol=SASL_SSL\nlinger.ms=5\n",
    /^client\.properties:2: linger\.ms: not a connection setting/,
  );
  fails("security.protocol=TLS\n", /client\.properties:1: security\.protocol: "TLS" is not one of/);
  fails("security.protocol=SASL_SSL\n", /needs sasl\.mechanism/);
  fails(
    "security.protocol=SASL_SSL\nsasl.mechanism=GSSAPI\n",
    /client\.properties:2: sasl\.mechanism: "GSSAPI" is not supported/,
  );
  fails(
    'security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-256\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="${env:NOPE}";\n',
    /client\.properties:3: sasl\.jaas\.config: environment variable NOPE is not set/,
  );
  fails(
    'security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-256\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";\n',
    /SCRAM-SHA-256 takes org\.apache\.kafka\.common\.security\.scram\.ScramLoginModule/,
  );
  fails(
    "security.protocol=SSL\nssl.truststore.type=JKS\n",
    /:2: ssl\.truststore\.type: "JKS" stores are not read; convert to PEM/,
  );
  fails(
    "security.protocol=SSL\nssl.truststore.location=missing.crt\n",
    /:2: ssl\.truststore\.location: cannot read "missing\.crt"/,
  );
  fails(
    "security.protocol=SSL\nssl.truststore.location=notes.txt\n",
    /no certificate \(PEM\) found/,
  );
  fails("security.protocol=SSL\nssl.certificate.location=client.crt\n", /needs its private key/);
  fails(
    "security.protocol=PLAINTEXT\nssl.ca.location=ca.crt\n",
    /:2: ssl\.ca\.location: TLS settings with security\.protocol=PLAINTEXT/,
  );
  fails(
    "security.protocol=SSL\nssl.certificate.location=client.crt\nssl.keystore.certificate.chain=x\nssl.key.location=client.key\n",
    /:2: ssl\.certificate\.location: the same setting as ssl\.keystore\.certificate\.chain on line 3/,
  );
  fails(
    "security.protocol=SSL\nsecurity.protocol=SSL\n",
    /:2: security\.protocol: set twice \(also on line 1\)/,
  );
  // A broken JAAS line is named, its text (which holds the password) is not repeated.
  assert.throws(
    () =>
      parse(
        "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=username=u password=hunter2-secret\n",
      ),
    (e: Error) => /sasl\.jaas\.config: expected/.test(e.message) && !e.message.includes("hunter2"),
  );
});

Deno.test("connection: each client's terms", () => {
  const s = parse(
    "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-256\nsasl.username=app\nsasl.password=pw-1234\nssl.truststore.location=ca.crt\n",
  );
  assert.deepEqual(librdkafkaProperties(s), {
    "security.protocol": "sasl_ssl",
    "sasl.mechanisms": "SCRAM-SHA-256",
    "sasl.username": "app",
    "sasl.password": "pw-1234",
    "ssl.ca.pem": CA,
    "ssl.endpoint.identification.algorithm": "https",
  });
  const java = javaProperties(s);
  assert.equal(
    java["sasl.jaas.config"],
    'org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="pw-1234";',
  );
  assert.equal(java["ssl.truststore.type"], "PEM");
  assert.equal(java["ssl.truststore.certificates"], CA);
  const js = kafkaJsSecurity(s);
  assert.deepEqual(js.sasl, { mechanism: "scram-sha-256", username: "app", password: "pw-1234" });
  assert.deepEqual(js.ssl, { ca: [CA], rejectUnauthorized: true });
  assert.deepEqual(librdkafkaProperties(PLAINTEXT), { "security.protocol": "plaintext" });
  assert.deepEqual(kafkaJsSecurity(PLAINTEXT), {});
  const noHost = parse("security.protocol=SSL\nssl.endpoint.identification.algorithm=none\n");
  assert.equal(librdkafkaProperties(noHost)["ssl.endpoint.identification.algorithm"], "none");
  assert.equal(javaProperties(noHost)["ssl.endpoint.identification.algorithm"], "");
  assert.equal(typeof kafkaJsSecurity(noHost).ssl?.checkServerIdentity, "function");
});

Deno.test("connection: the secrets are the password and the key, and the redactor removes them", () => {
  const s = parse(
    "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.username=app\nsasl.password=pw-1234\nssl.keystore.location=client.pem\nssl.key.password=kp-5678\n",
  );
  const secrets = secretsOf(s);
  assert.ok(secrets.includes("pw-1234"));
  assert.ok(secrets.includes("kp-5678"));
  assert.ok(secrets.includes("MIIEkeyKEYkeyKEYkeyKEYkeyKEYkeyKEY"));
  assert.ok(!secrets.includes("app"), "a username is not a secret");
  const redact = knownSecretsRedactor(secrets);
  assert.equal(redact("auth pw-1234 key kp-5678"), `auth ${REDACTED} key ${REDACTED}`);
  assert.deepEqual(maskStrings({ a: ["x pw-1234"], n: 3 }, redact), { a: [`x ${REDACTED}`], n: 3 });
  assert.deepEqual(secretsOf(PLAINTEXT), []);
});
