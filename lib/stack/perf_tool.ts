/**
 * Kafka's own producer benchmark, `org.apache.kafka.tools.ProducerPerformance`,
 * as the yardstick of `deno task bench --max`.
 *
 * ProducerPerformance lives in the `org.apache.kafka:kafka-tools` artifact, not
 * among the broker's jars. It is provisioned like the broker: the runtime
 * classpath of `compose/kafka-tools/pom.xml`, at the Kafka version pinned in
 * `compose/kafka/pom.xml`, copied by `mvn dependency:copy-dependencies` into
 * `<cache>/kafka-tools/<version>/libs`, counted only once its `.complete`
 * marker is written.
 *
 * @module
 */
import { join } from "node:path";
import {
  cacheDir,
  copyMavenDependencies,
  exists,
  pinnedKafkaVersion,
  ProvisionError,
  requireJava,
  which,
} from "./provision.ts";

/** A resolved kafka-tools installation. */
export interface KafkaToolsInstall {
  version: string;
  /** JVM classpath holding ProducerPerformance and its dependencies. */
  classpath: string;
}

/**
 * The kafka-tools classpath, installing the jars into the cache when needed
 * (about 60 jars, the first time only).
 */
export async function ensureKafkaTools(
  progress: (line: string) => void = () => {},
): Promise<KafkaToolsInstall> {
  await requireJava();
  const version = await pinnedKafkaVersion();
  const dir = join(cacheDir(), "kafka-tools", version);
  const libs = join(dir, "libs");
  if (await exists(join(dir, ".complete"))) return { version, classpath: `${libs}/*` };
  if (!(await which("mvn"))) {
    throw new ProvisionError(
      "Maven is not installed (no `mvn` on PATH) to fetch the kafka-tools jars",
    );
  }
  progress(
    `Provisioning kafka-tools ${version} from Maven Central into ${libs} (first time only)…`,
  );
  const count = await copyMavenDependencies(
    "compose/kafka-tools/pom.xml",
    dir,
    "the kafka-tools jars",
    [`-Dkafka.version=${version}`],
  );
  progress(`kafka-tools ${version}: ${count} jars ready.`);
  return { version, classpath: `${libs}/*` };
}

/** Options of {@link runProducerPerformance}. */
export interface ProducerPerformanceOptions {
  classpath: string;
  bootstrap: string[];
  topic: string;
  records: number;
  recordSize: number;
  /** Records/s ProducerPerformance throttles to; -1 for as fast as it can. */
  throughput: number;
  /** Producer properties (Kafka's names); bootstrap.servers is added. */
  props: Record<string, string>;
  /** Heap of the JVM, MB (default 512). */
  heapMb?: number;
  signal?: AbortSignal;
}

/** ProducerPerformance's final summary. */
export interface ProducerPerformanceResult {
  records: number;
  recordsPerSecond: number;
  mbPerSecond: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** The summary line as printed. */
  line: string;
  /** Wall time of the JVM, start-up included, ms. */
  wallMs: number;
}

const SUMMARY =
  /^(\d+)[^,]* records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency(.*)$/;

/**
 * Parse ProducerPerformance's output: the last summary line, the one with
 * percentiles (the periodic lines have none). Kafka 4 words it
 * `600000 records sent, 98765.4 records/sec (48.22 MB/sec), 12.34 ms avg latency,
 * 345.00 ms max latency, 5 ms 50th, 40 ms 95th, 80 ms 99th, 120 ms 99.9th.`
 * (with ` (steady state)`-like text after the count under `--warmup-records`).
 * Null when there is none.
 */
export function parseProducerPerformance(
  output: string,
): Omit<ProducerPerformanceResult, "wallMs"> | null {
  const lines = output.split("\n").map((l) => l.trim()).filter((l) => SUMMARY.test(l));
  const line = lines.findLast((l) => l.includes("50th")) ?? null;
  if (line === null) return null;
  const m = line.match(SUMMARY)!;
  const pct = (name: string) => {
    const p = m[6].match(new RegExp(`([\\d.]+) ms ${name}`));
    return p ? Number(p[1]) : null;
  };
  return {
    records: Number(m[1]),
    recordsPerSecond: Number(m[2]),
    mbPerSecond: Number(m[3]),
    avgLatencyMs: Number(m[4]),
    maxLatencyMs: Number(m[5]),
    p50Ms: pct("50th"),
    p99Ms: pct("99th"),
    line,
  };
}

/** Run ProducerPerformance once to its end and return its summary; throws when it fails. */
export async function runProducerPerformance(
  o: ProducerPerformanceOptions,
): Promise<ProducerPerformanceResult> {
  const heap = o.heapMb ?? 512;
  const props = { ...o.props, "bootstrap.servers": o.bootstrap.join(",") };
  const args = [
    `-Xms${heap}m`,
    `-Xmx${heap}m`,
    "-Djava.awt.headless=true",
    "-cp",
    o.classpath,
    "org.apache.kafka.tools.ProducerPerformance",
    "--topic",
    o.topic,
    "--num-records",
    String(o.records),
    "--record-size",
    String(o.recordSize),
    "--throughput",
    String(o.throughput),
    "--producer-props",
    ...Object.entries(props).map(([k, v]) => `${k}=${v}`),
  ];
  const t0 = performance.now();
  const out = await new Deno.Command("java", {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: o.signal,
  }).output();
  const wallMs = performance.now() - t0;
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  const parsed = parseProducerPerformance(stdout);
  if (!out.success || parsed === null) {
    throw new Error(
      `ProducerPerformance failed (exit ${out.code}):\n${(stdout + stderr).slice(-3000)}`,
    );
  }
  return { ...parsed, wallMs };
}
