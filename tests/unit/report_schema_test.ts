import assert from "node:assert/strict";
import { Ajv } from "ajv";
import { reportProblems } from "../../lib/report/validate.ts";
import { everythingReport } from "./report_everything.ts";
import { fixture } from "./report_helpers.ts";

const schema = JSON.parse(
  await Deno.readTextFile(new URL("../../lib/report/report.schema.json", import.meta.url)),
);
// date-time formats are documentation here; ajv-formats is not needed to check the shape.
const ajv = new Ajv({ allErrors: true, strict: true, validateFormats: false });
const validate = ajv.compile(schema);

Deno.test("schema: the fixture is a valid report.json", () => {
  const ok = validate(fixture());
  assert.equal(ok, true, JSON.stringify(validate.errors, null, 2));
  assert.deepEqual(reportProblems(fixture()), []);
});

Deno.test("schema: accepts the optional driver notes of a variant", () => {
  const report = fixture();
  report.variants[0].notes = ["idempotence forces max.in.flight ≤ 5"];
  assert.equal(validate(report), true, JSON.stringify(validate.errors));
  (report.variants[0] as unknown as Record<string, unknown>).notes = [1];
  assert.equal(validate(report), false);
  assert.notDeepEqual(reportProblems(report), []);
});

Deno.test("schema: accepts phrases, structured faults and descriptions per language; the validator too", async () => {
  const report = await everythingReport();
  assert.equal(validate(report), true, JSON.stringify(validate.errors, null, 2));
  assert.deepEqual(reportProblems(report), []);
  const v = report.variants[0];
  v.notes = [{ id: "note.java.sidecar", params: { version: true as never } }];
  assert.equal(validate(report), false);
  assert.match(
    reportProblems(report).join("\n"),
    /notes\[0\]\.params\.version: expected an object/,
  );
});

Deno.test("schema: rejects what types.ts does not allow", () => {
  const cases: [string, (r: ReturnType<typeof fixture>) => void][] = [
    ["missing timeline", (r) => delete (r.variants[0] as Partial<typeof r.variants[0]>).timeline],
    ["unknown outcome", (r) => (r.outcome = "meh" as never)],
    ["wrong schema version", (r) => (r.schemaVersion = 3 as never)],
    ["string p99", (r) => (r.variants[1].latency.fromSend.p99 = "1" as never)],
    ["extra field", (r) => ((r as unknown as Record<string, unknown>).extra = 1)],
    ["bad fault kind", (r) => (r.variants[0].faults[0].kind = "meteor" as never)],
    ["bad acks in plan", (r) => (r.scenario.resolved.variants[0].producer.acks = "2" as never)],
  ];
  for (const [name, mutate] of cases) {
    const report = fixture();
    mutate(report);
    assert.equal(validate(report), false, name);
  }
});

Deno.test("fixture: counts add up the way the verifier defines them", () => {
  for (const v of fixture().variants) {
    const c = v.verification!.counts;
    assert.equal(v.counts.intended, v.counts.sent + v.counts.notSent, v.name);
    assert.equal(v.counts.sent, v.counts.acked + v.counts.failed, v.name);
    assert.equal(c.ok + c.lost + c.duplicated + c.reordered, v.counts.acked, v.name);
    assert.equal(c.phantom + c.failedAbsent, v.counts.failed, v.name);
    assert.equal(v.timeline.reduce((n, p) => n + p.acked, 0), v.counts.acked, v.name);
    assert.ok(v.timeline.length >= 40, v.name);
  }
});
