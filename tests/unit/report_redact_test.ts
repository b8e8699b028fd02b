import assert from "node:assert/strict";
import { compareReports } from "../../lib/report/compare.ts";
import { renderComparisonHtml, renderComparisonMarkdown } from "../../lib/report/compare_render.ts";
import { renderHtml } from "../../lib/report/html.ts";
import { renderJunit } from "../../lib/report/junit.ts";
import { renderMarkdown } from "../../lib/report/markdown.ts";
import { isSecretKey, redact, REDACTED, redactString } from "../../lib/report/redact.ts";
import { writeRunOutputs } from "../../lib/report/write.ts";
import { fixture } from "./report_helpers.ts";

Deno.test("redact masks values under secret-looking keys, at any depth", () => {
  const input = {
    "sasl.password": "p1",
    password: "p2",
    "ssl.key.password": "p3",
    "ssl.keystore.password": "p4",
    "ssl.key.pem": "-----BEGIN PRIVATE KEY-----abc",
    "sasl.jaas.config": 'PlainLoginModule required username="u" password="p5";',
    "private.key": "p6",
    clientSecret: "p7",
    authToken: "p8",
    nested: [{ deeper: { "SASL_PASSWORD": "p9", apiKey: 12345 } }],
  };
  const out = redact(input);
  assert.deepEqual(out, {
    "sasl.password": REDACTED,
    password: REDACTED,
    "ssl.key.password": REDACTED,
    "ssl.keystore.password": REDACTED,
    "ssl.key.pem": REDACTED,
    "sasl.jaas.config": REDACTED,
    "private.key": REDACTED,
    clientSecret: REDACTED,
    authToken: REDACTED,
    nested: [{ deeper: { "SASL_PASSWORD": REDACTED, apiKey: REDACTED } }],
  });
  assert.equal(input.password, "p2", "the input is not modified");
});

Deno.test("redact keeps ordinary report fields such as record keys and key spaces", () => {
  const value = {
    key: "k7",
    keys: { kind: "fixed", count: 50 },
    offset: "12",
    "max.in.flight.requests.per.connection": 5,
    "enable.idempotence": true,
    description: "retries write duplicates",
  };
  assert.deepEqual(redact(value), value);
  for (const key of ["key", "keys", "topic", "bootstrap", "acks", "monkey"]) {
    assert.equal(isSecretKey(key), false, key);
  }
});

Deno.test("redactString masks secrets embedded in text", () => {
  const cases: [string, string][] = [
    ["connect failed: password=hunter2 rejected", "connect failed: password=*** rejected"],
    ['{"sasl.password": "hunter2"}', '{"sasl.password": "***"}'],
    [
      "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required " +
      'username="alice" password="s3cr3t"; next',
      "sasl.jaas.config=*** next",
    ],
    [
      'PlainLoginModule required username="alice" password="s3cr3t";',
      'PlainLoginModule required username="alice" password="***";',
    ],
    ["GET https://bob:pa55@example.test/x failed", "GET https://bob:***@example.test/x failed"],
    ["Authorization: Bearer abc.def-ghi", "Authorization: Bearer ***"],
    ["token: tok-123, client ok", "token: ***, client ok"],
    ["ssl.keystore.password='x y'", "ssl.keystore.password='***'"],
  ];
  for (const [input, expected] of cases) assert.equal(redactString(input), expected);
  assert.equal(redactString("acks=all, retries=5"), "acks=all, retries=5");
});

const SECRETS = [
  "hunter2-plain",
  "jaas-s3cr3t",
  "url-pa55word",
  "bearer-tok3n",
  "pem-PRIVATEKEYDATA",
  "msg-secretvalue",
];

/** The fixture with secrets planted where a careless runner could put them. */
function plantedReport() {
  const report = fixture();
  const producer = report.variants[0].producer as unknown as Record<string, unknown>;
  producer["sasl.password"] = SECRETS[0];
  producer["sasl.jaas.config"] =
    `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="${
      SECRETS[1]
    }";`;
  report.environment.kafka.bootstrap = `sasl_ssl://user:${SECRETS[2]}@127.0.0.1:19092`;
  report.errors.push(`auth failed: Authorization: Bearer ${SECRETS[3]}`);
  (report.scenario.resolved.topic.configs as Record<string, string>)["ssl.key.pem"] = SECRETS[4];
  report.variants[1].errors.push({ message: `SASL handshake: password=${SECRETS[5]}`, count: 1 });
  report.scenario.description += ` (connect with password: ${SECRETS[0]})`;
  return report;
}

function assertNoSecret(output: string, where: string) {
  for (const secret of SECRETS) {
    assert.ok(!output.includes(secret), `${where} leaks ${secret}`);
  }
}

Deno.test("no planted secret survives in any output", async () => {
  const report = plantedReport();
  // The planting itself must be visible, or this test proves nothing.
  assert.ok(JSON.stringify(report).includes(SECRETS[5]));
  assertNoSecret(renderHtml(report, { lang: "en" }), "html en");
  assertNoSecret(renderHtml(report, { lang: "fr" }), "html fr");
  assertNoSecret(renderJunit(report), "junit");
  assertNoSecret(renderMarkdown(report), "markdown");
  const comparison = compareReports(report, plantedReport());
  assertNoSecret(JSON.stringify(comparison), "comparison");
  assertNoSecret(renderComparisonMarkdown(comparison), "comparison markdown");
  assertNoSecret(renderComparisonHtml(comparison, { lang: "en" }), "comparison html");
  const dir = await Deno.makeTempDir();
  try {
    const paths = await writeRunOutputs(report, dir);
    for (const path of Object.values(paths)) assertNoSecret(await Deno.readTextFile(path), path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
