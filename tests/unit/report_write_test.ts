import assert from "node:assert/strict";
import { join } from "node:path";
import { ReportInputError } from "../../lib/report/errors.ts";
import { redact } from "../../lib/report/redact.ts";
import { parseReport, readReport, writeRunOutputs } from "../../lib/report/write.ts";
import { fixture, FIXTURE_PATH } from "./report_helpers.ts";

Deno.test("writeRunOutputs writes the four files, redacted", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const report = fixture();
    (report.variants[0].producer as unknown as Record<string, unknown>)["sasl.password"] = "x";
    const paths = await writeRunOutputs(report, join(dir, "nested"), { lang: "fr" });
    assert.deepEqual(paths, {
      json: join(dir, "nested", "report.json"),
      html: join(dir, "nested", "report.html"),
      junit: join(dir, "nested", "junit.xml"),
      markdown: join(dir, "nested", "summary.md"),
    });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(paths.json)), redact(report));
    assert.equal(
      JSON.parse(await Deno.readTextFile(paths.json)).variants[0].producer["sasl.password"],
      "***",
    );
    assert.match(await Deno.readTextFile(paths.html), /<html lang="fr">/);
    assert.match(await Deno.readTextFile(paths.junit), /^<\?xml/);
    assert.match(await Deno.readTextFile(paths.markdown), /Échoué/);
    assert.deepEqual(await readReport(paths.json), redact(report));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readReport reads the fixture", async () => {
  const report = await readReport(FIXTURE_PATH.pathname);
  assert.equal(report.variants.length, 2);
});

async function rejection(promise: Promise<unknown>): Promise<ReportInputError> {
  const error = await promise.then(() => null, (e) => e);
  assert.ok(error instanceof ReportInputError, `expected ReportInputError, got ${error}`);
  return error;
}

Deno.test("readReport: malformed JSON names the file, line and column", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "report.json");
    await Deno.writeTextFile(path, '{\n  "schemaVersion": 1,\n  "runId": }\n');
    const error = await rejection(readReport(path));
    assert.ok(
      error.message.startsWith(`${path}:3:12: not valid JSON (line 3, column 12)`),
      error.message,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseReport: truncated JSON points at its end", () => {
  assert.throws(() => parseReport('{\n"a": [1,\n2', "r.json"), (e: Error) => {
    assert.ok(e instanceof ReportInputError);
    assert.match(e.message, /^r\.json:3:2: not valid JSON/);
    return true;
  });
});

Deno.test("readReport: a missing file is a ReportInputError naming it", async () => {
  const error = await rejection(readReport("/nonexistent/report.json"));
  assert.match(error.message, /^\/nonexistent\/report\.json: cannot read the report: no such file/);
});

Deno.test("parseReport: another schema version is named as such", () => {
  const report = { ...fixture(), schemaVersion: 3 };
  assert.throws(
    () => parseReport(JSON.stringify(report), "old/report.json"),
    (e: Error) =>
      e instanceof ReportInputError &&
      e.message.includes("old/report.json") &&
      e.message.includes("schemaVersion is 3, this sismo reads version 2"),
  );
});

Deno.test("parseReport: shape problems are listed with their path", () => {
  const report = fixture() as unknown as Record<string, unknown>;
  const variants = report.variants as Record<string, unknown>[];
  delete variants[1].timeline;
  (variants[0].latency as Record<string, Record<string, unknown>>).fromIntended.p99 = "fast";
  report.outcome = "meh";
  assert.throws(() => parseReport(JSON.stringify(report), "x.json"), (e: Error) => {
    assert.ok(e instanceof ReportInputError);
    assert.ok(e.message.startsWith("x.json: not a sismo report:"), e.message);
    assert.ok(
      e.message.includes(
        "$.outcome: expected one of passed, failed, inconclusive, interrupted, error",
      ),
    );
    assert.ok(
      e.message.includes("$.variants[0].latency.fromIntended.p99: expected a number, got a string"),
    );
    assert.ok(e.message.includes("$.variants[1].timeline: missing"));
    return true;
  });
});

Deno.test("parseReport: not an object at all", () => {
  assert.throws(
    () => parseReport("[1, 2]", "a.json"),
    /a\.json: not a sismo report:\n {2}- expected a report object, got an array/,
  );
});
