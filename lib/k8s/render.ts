/**
 * Kubernetes manifests of a split run (`deno task k8s render`): the coordinator as a Job
 * behind a Service, the workers as an Indexed Job whose pod index is the share each one asks
 * for (`worker --connect`), the scenario file in a ConfigMap, the reports on a volume claim,
 * and the client properties of a secured cluster mounted from a Secret the user creates,
 * never written into the manifests.
 *
 * @example
 * ```ts
 * import { renderManifests } from "./render.ts";
 * const objects = renderManifests({
 *   scenario: { name: "idempotent-vs-plain", fileName: "idempotent-vs-plain.yaml", text: "…" },
 *   workers: 4,
 *   image: "registry.example.com/sismo:1",
 *   bootstrap: ["kafka-0.kafka:9092"],
 * });
 * objects.map((o) => o.kind); // ["ConfigMap", "PersistentVolumeClaim", "Service", "Job", "Job"]
 * ```
 * @module
 */

/** Options of {@link renderManifests}. */
export interface RenderOptions {
  /** The scenario's name and file, as the coordinator will read it. */
  scenario: { name: string; fileName: string; text: string };
  workers: number;
  /** An image with sismo, Deno and the clients' cache (see compose/k8s/Dockerfile). */
  image: string;
  /** The cluster as pods reach it. */
  bootstrap: string[];
  namespace?: string;
  /** Toxiproxy's API as the coordinator reaches it, for network faults. */
  toxiproxy?: string;
  /** A Secret holding `client.properties` (a secured cluster), mounted in every pod. */
  clientSecret?: string;
  /** `--profile` of the run (full by default, as `deno task scenario`). */
  profile?: string;
  /** `--client` of the run. */
  client?: string;
  /** An existing volume claim for the reports; by default one of 1 GiB is created. */
  reportsClaim?: string;
  /** CPU and memory of each worker (requests and limits alike): `1` and `2Gi` by default. */
  workerCpu?: string;
  workerMemory?: string;
  /** The coordinator's port (7070). */
  port?: number;
}

/** A Kubernetes object as plain data. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
};

/** Where the pods find what is mounted. */
const SCENARIO_DIR = "/etc/sismo/scenario";
const CLIENT_DIR = "/etc/sismo/client";
const REPORTS_DIR = "/reports";

/** A Kubernetes name from `text`: lower-case letters, digits and dashes, 63 at most. */
export function k8sName(text: string): string {
  const name = text.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return name.slice(0, 63).replace(/-+$/, "") || "sismo";
}

/** The manifests of a split run; see the module doc. */
export function renderManifests(o: RenderOptions): K8sObject[] {
  const base = k8sName(`sismo-${o.scenario.name}`).slice(0, 40).replace(/-+$/, "");
  const port = o.port ?? 7070;
  const labels = { "app.kubernetes.io/name": "sismo", "sismo/scenario": k8sName(o.scenario.name) };
  const metadata = (name: string, role: string) => ({
    name,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    labels: { ...labels, "sismo/role": role },
  });
  const coordinator = `${base}-coordinator`;
  const claim = o.reportsClaim ?? `${base}-reports`;
  const clientProperties = o.clientSecret
    ? [`--command-config`, `${CLIENT_DIR}/client.properties`]
    : [];
  const cluster = ["--bootstrap", o.bootstrap.join(","), ...clientProperties];
  const clientVolumes = o.clientSecret
    ? [{ name: "client", secret: { secretName: o.clientSecret } }]
    : [];
  const clientMount = o.clientSecret
    ? [{ name: "client", mountPath: CLIENT_DIR, readOnly: true }]
    : [];
  // Requested and limited alike: a worker's schedule lag should not depend on its neighbours.
  const workerShare = { cpu: o.workerCpu ?? "1", memory: o.workerMemory ?? "2Gi" };
  // Two objects: one object twice would be written as a YAML anchor and alias.
  const workerResources = { requests: { ...workerShare }, limits: { ...workerShare } };

  const objects: K8sObject[] = [{
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: metadata(`${base}-scenario`, "scenario"),
    data: { [o.scenario.fileName]: o.scenario.text },
  }];
  if (!o.reportsClaim) {
    objects.push({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: metadata(claim, "reports"),
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    });
  }
  objects.push({
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(coordinator, "coordinator"),
    spec: {
      selector: { ...labels, "sismo/role": "coordinator" },
      ports: [{ name: "workers", port, targetPort: port, protocol: "TCP" }],
    },
  });
  objects.push({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: metadata(coordinator, "coordinator"),
    spec: {
      // A coordinator run again would start another run: one try; its report says why.
      backoffLimit: 0,
      template: {
        metadata: { labels: { ...labels, "sismo/role": "coordinator" } },
        spec: {
          restartPolicy: "Never",
          containers: [{
            name: "coordinator",
            image: o.image,
            args: [
              "deno",
              "task",
              "scenario",
              `${SCENARIO_DIR}/${o.scenario.fileName}`,
              "--workers",
              String(o.workers),
              "--listen",
              `0.0.0.0:${port}`,
              ...cluster,
              ...(o.toxiproxy ? ["--toxiproxy", o.toxiproxy] : []),
              ...(o.profile ? ["--profile", o.profile] : []),
              ...(o.client ? ["--client", o.client] : []),
              "--reports",
              REPORTS_DIR,
            ],
            ports: [{ name: "workers", containerPort: port, protocol: "TCP" }],
            resources: {
              requests: { cpu: "1", memory: "2Gi" },
              limits: { cpu: "2", memory: "4Gi" },
            },
            volumeMounts: [
              { name: "scenario", mountPath: SCENARIO_DIR, readOnly: true },
              { name: "reports", mountPath: REPORTS_DIR },
              ...clientMount,
            ],
          }],
          volumes: [
            { name: "scenario", configMap: { name: `${base}-scenario` } },
            { name: "reports", persistentVolumeClaim: { claimName: claim } },
            ...clientVolumes,
          ],
        },
      },
    },
  });
  objects.push({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: metadata(`${base}-workers`, "worker"),
    spec: {
      // The pod index is the share (JOB_COMPLETION_INDEX + 1): every share once, all at once.
      completionMode: "Indexed",
      completions: o.workers,
      parallelism: o.workers,
      // A share run twice would send its events twice: a failed worker is not retried, and the
      // others go on (a Job-wide backoffLimit would end them all); the coordinator reports the
      // failed share missing and the run inconclusive.
      backoffLimitPerIndex: 0,
      template: {
        metadata: { labels: { ...labels, "sismo/role": "worker" } },
        spec: {
          restartPolicy: "Never",
          containers: [{
            name: "worker",
            image: o.image,
            args: ["deno", "task", "worker", "--connect", `${coordinator}:${port}`, ...cluster],
            resources: workerResources,
            volumeMounts: clientMount,
          }],
          volumes: clientVolumes,
        },
      },
    },
  });
  return objects;
}
