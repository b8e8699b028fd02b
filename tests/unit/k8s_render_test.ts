/**
 * `deno task k8s render`: the manifests are valid against the Kubernetes API schemas
 * (kubernetes-models), and they fit together: the workers reach the coordinator's Service,
 * which selects the coordinator's pod; pod i asks for share i+1; secrets are mounted by
 * name, never written; bad input is refused before anything is written.
 */
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Service } from "kubernetes-models/v1/Service";
import { Job } from "kubernetes-models/batch/v1/Job";
import { k8sName, type K8sObject, renderManifests } from "../../lib/k8s/render.ts";
import { k8sCommand } from "../../lib/cli/k8s.ts";
import { ScenarioError } from "../../lib/scenario/errors.ts";
import { UsageError } from "../../lib/cli/usage.ts";

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  ConfigMap,
  PersistentVolumeClaim,
  Service,
  Job,
};

/** Validate `object` against its kind's schema; throws what the schema refuses. */
function validate(object: K8sObject): void {
  const Model = MODELS[object.kind];
  assert.ok(Model, `no model for ${object.kind}`);
  new Model(object as never).validate();
}

const scenarioText = await Deno.readTextFile("scenarios/idempotent-vs-plain.yaml");

function render(extra: Partial<Parameters<typeof renderManifests>[0]> = {}) {
  return renderManifests({
    scenario: {
      name: "idempotent-vs-plain",
      fileName: "idempotent-vs-plain.yaml",
      text: scenarioText,
    },
    workers: 4,
    image: "registry.example.com/sismo:1",
    bootstrap: ["kafka-0.kafka:9092", "kafka-1.kafka:9092"],
    ...extra,
  });
}

type Container = { args: string[]; volumeMounts?: { name: string; mountPath: string }[] };
type PodSpec = {
  containers: Container[];
  volumes?: { name: string; secret?: { secretName: string } }[];
};
const podOf = (job: K8sObject) =>
  (job.spec as { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } })
    .template;

Deno.test("k8s render: every object is valid against the Kubernetes API schemas", () => {
  for (
    const extra of [{}, { clientSecret: "kafka-client", namespace: "load", reportsClaim: "mine" }]
  ) {
    for (const object of render(extra)) validate(object);
  }
});

Deno.test("k8s render: a schema refuses what is wrong (the check can fail)", () => {
  const job = render().find((o) => o.kind === "Job")!;
  const broken = structuredClone(job);
  (broken.spec as { completions: unknown }).completions = "four";
  assert.throws(() => validate(broken), /completions must be integer/);
  const nameless = structuredClone(job);
  delete (podOf(nameless).spec.containers[0] as { name?: string }).name;
  assert.throws(
    () => validate(nameless),
    /must have required property 'name'|required property name/,
  );
});

Deno.test("k8s render: the pieces fit: Indexed workers reach the Service that selects the coordinator", () => {
  const objects = render({ clientSecret: "kafka-client" });
  const [service] = objects.filter((o) => o.kind === "Service");
  const [coordinator, workers] = objects.filter((o) => o.kind === "Job");
  const selector = (service.spec as { selector: Record<string, string> }).selector;
  const coordinatorLabels = podOf(coordinator).metadata.labels;
  for (const [k, v] of Object.entries(selector)) assert.equal(coordinatorLabels[k], v);
  assert.notEqual(podOf(workers).metadata.labels["sismo/role"], selector["sismo/role"]);

  const spec = workers.spec as Record<string, unknown>;
  assert.deepEqual([spec.completionMode, spec.completions, spec.parallelism], ["Indexed", 4, 4]);
  // One pod's failure costs its share only: no retry, and no Job-wide limit ending the others.
  assert.equal(spec.backoffLimitPerIndex, 0);
  assert.equal(spec.backoffLimit, undefined);
  const workerArgs = podOf(workers).spec.containers[0].args;
  assert.deepEqual(workerArgs.slice(0, 5), [
    "deno",
    "task",
    "worker",
    "--connect",
    `${service.metadata.name}:7070`,
  ]);
  const coordinatorArgs = podOf(coordinator).spec.containers[0].args;
  assert.deepEqual(
    coordinatorArgs.slice(
      coordinatorArgs.indexOf("--workers"),
      coordinatorArgs.indexOf("--workers") + 4,
    ),
    ["--workers", "4", "--listen", "0.0.0.0:7070"],
  );
  // The scenario the coordinator reads is the ConfigMap's, at the path its args name.
  const configMap = objects.find((o) => o.kind === "ConfigMap")!;
  assert.equal(
    (configMap.data as Record<string, string>)["idempotent-vs-plain.yaml"],
    scenarioText,
  );
  assert.ok(coordinatorArgs.includes("/etc/sismo/scenario/idempotent-vs-plain.yaml"));
  // The secret is mounted by name where --command-config points, in every pod.
  for (const job of [coordinator, workers]) {
    const pod = podOf(job).spec;
    assert.deepEqual(pod.volumes?.find((v) => v.secret)?.secret, { secretName: "kafka-client" });
    const args = pod.containers[0].args;
    assert.equal(args[args.indexOf("--command-config") + 1], "/etc/sismo/client/client.properties");
    assert.ok(pod.containers[0].volumeMounts?.some((m) => m.mountPath === "/etc/sismo/client"));
  }
});

Deno.test("k8s render: names are Kubernetes names", () => {
  assert.equal(k8sName("Sismo_My Scenario!"), "sismo-my-scenario");
  assert.ok(k8sName("x".repeat(100)).length <= 63);
  const long = render({ scenario: { name: "a".repeat(80), fileName: "a.yaml", text: "" } });
  for (const o of long) assert.match(o.metadata.name, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
});

Deno.test("k8s render: the command writes YAML that reads back as the objects; bad input is refused", async () => {
  const out = await Deno.makeTempFile({ suffix: ".yaml" });
  try {
    const args = [
      "render",
      "idempotent-vs-plain",
      "--workers",
      "2",
      "--image",
      "i:1",
      "--bootstrap",
      "k:9092",
    ];
    assert.equal(await k8sCommand([...args, "--out", out]), 0);
    const docs = parseAllDocuments(await Deno.readTextFile(out)).map((d) => d.toJSON());
    assert.deepEqual(docs.map((d) => d.kind), [
      "ConfigMap",
      "PersistentVolumeClaim",
      "Service",
      "Job",
      "Job",
    ]);
    for (const d of docs) validate(d);
    await assert.rejects(
      () => k8sCommand(args.filter((a) => a !== "--image" && a !== "i:1")),
      UsageError,
    );
    await assert.rejects(
      () => k8sCommand([...args.slice(0, 2), "--workers", "0", ...args.slice(4)]),
      /--workers must be/,
    );
    const bad = await Deno.makeTempFile({ suffix: ".yaml" });
    await Deno.writeTextFile(bad, scenarioText.replace("rate: 200", "rate: lots"));
    await assert.rejects(() => k8sCommand(["render", bad, ...args.slice(2)]), ScenarioError);
    await Deno.remove(bad);
  } finally {
    await Deno.remove(out);
  }
});
