import assert from "node:assert/strict";
import { join } from "node:path";
import { listScenarios } from "../../lib/scenario/list.ts";
import { parseScenario } from "../../lib/scenario/load.ts";
import { problemsOf } from "./scenario_helpers.ts";

// Lines 1–6; the variant's own lines start on line 7.
const scenario = (description: string, variant = "") =>
  `name: t
description: ${description}
load: { rate: 100, duration: 10s }
variants:
  - name: a
${variant}`;

Deno.test("description: plain text, or text per language at both levels", () => {
  const plain = parseScenario(scenario("Lost acks."), "s.yaml");
  assert.equal(plain.description, "Lost acks.");
  assert.equal(plain.descriptions, undefined);

  const both = parseScenario(
    scenario(
      "\n  en: |\n    Lost acks.\n  fr: Acquittements perdus.",
      "    description: { fr: Sans idempotence. }\n",
    ),
    "s.yaml",
  );
  assert.equal(both.description, "Lost acks.");
  assert.deepEqual(both.descriptions, { en: "Lost acks.", fr: "Acquittements perdus." });
  // A variant in French only: the console shows the French.
  assert.equal(both.variants[0].description, "Sans idempotence.");
  assert.deepEqual(both.variants[0].descriptions, { fr: "Sans idempotence." });
});

Deno.test("description: a bad one is reported at its line and field, like any other", () => {
  const cases: [string, number, string, string][] = [
    [
      scenario("{ de: Verlorene Bestätigungen }"),
      2,
      "description.de",
      'unknown language "de"; a description is written in en or fr',
    ],
    [scenario("{}"), 2, "description", "must give the text in at least one of en, fr"],
    [
      scenario('{ en: " ", fr: x }'),
      2,
      "description.en",
      "must not be empty: leave the language out instead",
    ],
    [scenario("{ en: 3 }"), 2, "description.en", "must be a string, got 3"],
    [
      scenario("[a, b]"),
      2,
      "description",
      "must be text, or text per language {en, fr}, got a list",
    ],
    [
      scenario("x", "    description: 12\n"),
      6,
      "variants[0].description",
      "must be text, or text per language {en, fr}, got 12",
    ],
  ];
  for (const [text, line, path, message] of cases) {
    const problems = problemsOf(text);
    assert.deepEqual(problems.map((p) => [p.line, p.path, p.message]), [[line, path, message]]);
  }
});

Deno.test("description: listings show the English text of a description per language", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sismo-scenarios-" });
  try {
    await Deno.writeTextFile(
      join(dir, "a.yaml"),
      "name: a\ndescription:\n  fr: Doublons.\n  en: |\n    Duplicates.\n    More.\n",
    );
    await Deno.writeTextFile(join(dir, "b.yaml"), "name: b\ndescription: { fr: Doublons. }\n");
    assert.deepEqual((await listScenarios(dir)).map((s) => s.summary), [
      "Duplicates.",
      "Doublons.",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
