/**
 * `sismo k8s render <scenario> --workers N --image IMG --bootstrap H:P`: the Kubernetes
 * manifests of a run split over N worker pods (`lib/k8s/render.ts`), as YAML on stdout or
 * in `--out`. The scenario is validated first, with the profile and client given, so that
 * a bad file is refused here rather than in a pod.
 *
 * @module
 */
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { loadScenario } from "../scenario/load.ts";
import { resolveScenarioPath } from "../scenario/list.ts";
import { isProfileName, PROFILE_NAMES } from "../scenario/profile.ts";
import { CLIENT_NAMES, isClientName } from "../clients/names.ts";
import { renderManifests } from "../k8s/render.ts";
import { MAX_WORKERS, parseWorkers } from "./scenario.ts";
import { UsageError } from "./usage.ts";

/** Help text of `k8s`. */
export const K8S_HELP =
  `Usage: deno task k8s render <name|file.yaml> --workers N --image IMAGE --bootstrap H:P[,H:P]
                        [options]

Writes the Kubernetes manifests of a run split over N worker pods: the coordinator (a Job
behind a Service, running deno task scenario … --workers N --listen), the workers (an Indexed
Job: pod i produces share i+1 of every variant's events), the scenario in a ConfigMap, and a
volume claim for the reports. See docs/workers.md for the whole flow.

Options:
  --workers N            Worker pods (1 to ${MAX_WORKERS})
  --image IMAGE          An image with sismo, Deno and the clients (see compose/k8s/Dockerfile)
  --bootstrap H:P[,H:P]  The Kafka cluster as the pods reach it
  --namespace NS         Namespace of every object (default: kubectl's)
  --toxiproxy URL        Toxiproxy's API as the coordinator reaches it (network faults)
  --client-secret NAME   A Secret holding client.properties for a secured cluster, mounted in
                         every pod (kubectl create secret generic NAME --from-file=client.properties)
  --profile full|quick   Profile of the run (default full)
  --client NAME          Run every variant on this client: ${CLIENT_NAMES.join(", ")}
  --reports-claim NAME   An existing PersistentVolumeClaim for the reports (default: a 1 GiB
                         claim is part of the manifests)
  --worker-cpu CPU       CPU of each worker pod, requested and limit (default 1)
  --worker-memory MEM    Memory of each worker pod, requested and limit (default 2Gi)
  --out FILE             Write the manifests here instead of stdout
  -h, --help             This help`;

/** Run `k8s`; returns the exit code. */
export async function k8sCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      workers: { type: "string" },
      image: { type: "string" },
      bootstrap: { type: "string" },
      namespace: { type: "string" },
      toxiproxy: { type: "string" },
      "client-secret": { type: "string" },
      profile: { type: "string" },
      client: { type: "string" },
      "reports-claim": { type: "string" },
      "worker-cpu": { type: "string" },
      "worker-memory": { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(K8S_HELP);
    return 0;
  }
  if (positionals[0] !== "render" || positionals.length !== 2) {
    throw new UsageError("usage: deno task k8s render <name|file.yaml> --workers N … (--help)");
  }
  const workers = parseWorkers(values.workers);
  if (workers === undefined) throw new UsageError("--workers N is required");
  if (!values.image) throw new UsageError("--image is required (an image with sismo in it)");
  const bootstrap = values.bootstrap?.split(",").map((s) => s.trim()).filter(Boolean) ?? [];
  if (!bootstrap.length) {
    throw new UsageError("--bootstrap H:P is required: the Kafka cluster as the pods reach it");
  }
  if (values.profile !== undefined && !isProfileName(values.profile)) {
    throw new UsageError(
      `--profile must be ${PROFILE_NAMES.join(" or ")}, got "${values.profile}"`,
    );
  }
  if (values.client !== undefined && !isClientName(values.client)) {
    throw new UsageError(
      `--client must be one of ${CLIENT_NAMES.join(", ")}, got "${values.client}"`,
    );
  }
  const file = resolveScenarioPath(positionals[1]);
  // Refused here, with its line, rather than in a pod.
  const plan = await loadScenario(file, { profile: values.profile, client: values.client });
  const manifests = renderManifests({
    scenario: { name: plan.name, fileName: basename(file), text: await Deno.readTextFile(file) },
    workers,
    image: values.image,
    bootstrap,
    namespace: values.namespace,
    toxiproxy: values.toxiproxy,
    clientSecret: values["client-secret"],
    profile: values.profile,
    client: values.client,
    reportsClaim: values["reports-claim"],
    workerCpu: values["worker-cpu"],
    workerMemory: values["worker-memory"],
  });
  const yaml = manifests.map((m) => stringify(m, { lineWidth: 0 })).join("---\n");
  if (values.out) {
    await Deno.writeTextFile(values.out, yaml);
    console.error(
      `${manifests.length} objects written to ${values.out}: kubectl apply -f ${values.out}`,
    );
  } else console.log(yaml);
  return 0;
}
