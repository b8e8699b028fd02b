import assert from "node:assert/strict";
import { join } from "node:path";
import { ScenarioError } from "../../lib/scenario/errors.ts";
import { listScenarios, resolveScenarioPath } from "../../lib/scenario/list.ts";

async function withScenarios(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "sismo-scenarios-" });
  try {
    await Deno.writeTextFile(
      join(dir, "idempotent-vs-plain.yaml"),
      "name: idempotent-vs-plain\ndescription: |\n\n  Idempotence removes duplicates.\n  More.\n",
    );
    await Deno.writeTextFile(
      join(dir, "acks-zero.yml"),
      "name: acks-zero\ndescription: acks=0 loses\n",
    );
    await Deno.writeTextFile(join(dir, "broken.yaml"), "name: [unclosed\n");
    await Deno.writeTextFile(join(dir, "notes.txt"), "not a scenario\n");
    await Deno.mkdir(join(dir, "sub.yaml"));
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("listScenarios lists YAML files by name with the first description line", async () => {
  await withScenarios(async (dir) => {
    assert.deepEqual(await listScenarios(dir), [
      { name: "acks-zero", file: join(dir, "acks-zero.yml"), summary: "acks=0 loses" },
      { name: "broken", file: join(dir, "broken.yaml"), summary: "" },
      {
        name: "idempotent-vs-plain",
        file: join(dir, "idempotent-vs-plain.yaml"),
        summary: "Idempotence removes duplicates.",
      },
    ]);
  });
});

Deno.test("listScenarios of a missing folder is empty", async () => {
  assert.deepEqual(await listScenarios("tests/fixtures/scenarios/no-such-folder"), []);
});

Deno.test("resolveScenarioPath maps a bare name into the folder", async () => {
  await withScenarios((dir) => {
    assert.equal(
      resolveScenarioPath("idempotent-vs-plain", dir),
      join(dir, "idempotent-vs-plain.yaml"),
    );
    assert.equal(resolveScenarioPath("acks-zero", dir), join(dir, "acks-zero.yml"));
  });
});

Deno.test("resolveScenarioPath keeps an existing path as given", async () => {
  await withScenarios((dir) => {
    const path = join(dir, "broken.yaml");
    assert.equal(resolveScenarioPath(path, "elsewhere"), path);
  });
  assert.equal(
    resolveScenarioPath("tests/fixtures/scenarios/good/minimal.yaml"),
    "tests/fixtures/scenarios/good/minimal.yaml",
  );
});

Deno.test("resolveScenarioPath lists the available names and the closest one", async () => {
  await withScenarios((dir) => {
    assert.throws(
      () => resolveScenarioPath("idempotent-vs-plian", dir),
      (error: unknown) => {
        assert.ok(error instanceof ScenarioError);
        assert.equal(
          error.message,
          'unknown scenario "idempotent-vs-plian"; did you mean "idempotent-vs-plain"? ' +
            "(available: acks-zero, broken, idempotent-vs-plain)",
        );
        return true;
      },
    );
    assert.throws(
      () => resolveScenarioPath("zzz", dir),
      {
        name: "ScenarioError",
        message: 'unknown scenario "zzz" (available: acks-zero, broken, idempotent-vs-plain)',
      },
    );
    assert.throws(
      () => resolveScenarioPath(join(dir, "acks-zer.yaml"), dir),
      (error: unknown) => {
        assert.ok(error instanceof ScenarioError);
        assert.equal(
          error.message,
          `${join(dir, "acks-zer.yaml")} no such file; did you mean "acks-zero"? ` +
            "(available: acks-zero, broken, idempotent-vs-plain)",
        );
        return true;
      },
    );
  });
});

Deno.test("resolveScenarioPath says when the folder has no scenarios", () => {
  assert.throws(
    () => resolveScenarioPath("x", "tests/fixtures/scenarios/no-such-folder"),
    {
      name: "ScenarioError",
      message: 'unknown scenario "x" (no scenarios in tests/fixtures/scenarios/no-such-folder/)',
    },
  );
});
