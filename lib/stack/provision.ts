/**
 * Provisioning: the Kafka broker jars and the Toxiproxy server that the local
 * stack runs, installed once into a per-user cache and reused.
 *
 * - Kafka: the runtime classpath of `compose/kafka/pom.xml`, resolved from
 *   Maven Central by `mvn dependency:copy-dependencies`, cached per version.
 *   `KAFKA_HOME` (an unpacked Kafka distribution) is used instead when set.
 * - Toxiproxy: `go install github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0`.
 *   `TOXIPROXY_SERVER` or a `toxiproxy-server` on PATH is used instead.
 *
 * A cache entry counts only once its `.complete` marker is written, after
 * everything else, so an interrupted install is redone, never used half-done.
 *
 * @module
 */
import { join } from "node:path";

/** Toxiproxy version built when none is installed. */
export const TOXIPROXY_VERSION = "2.12.0";

/** A missing prerequisite or a failed install: the CLI exits with code 2. */
export class ProvisionError extends Error {
  override name = "ProvisionError";
}

/** Where sismo keeps downloaded and built artifacts. */
export function cacheDir(): string {
  const explicit = Deno.env.get("SISMO_CACHE");
  if (explicit) return explicit;
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  const home = Deno.env.get("HOME") ?? "/tmp";
  return join(xdg ?? join(home, ".cache"), "sismo");
}

/** Repository root (where `compose/` lives), from this module's location. */
export function projectRoot(): string {
  return new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
}

/** The Kafka version pinned in `compose/kafka/pom.xml`. */
export async function pinnedKafkaVersion(): Promise<string> {
  const pom = await Deno.readTextFile(join(projectRoot(), "compose/kafka/pom.xml"));
  const m = pom.match(/<kafka\.version>([^<]+)<\/kafka\.version>/);
  if (!m) throw new ProvisionError("compose/kafka/pom.xml does not set <kafka.version>");
  return m[1];
}

/** A resolved Kafka installation: the JVM classpath to run `kafka.Kafka` with. */
export interface KafkaInstall {
  version: string;
  classpath: string;
  source: "cache" | "KAFKA_HOME";
}

/** A resolved Toxiproxy server binary. */
export interface ToxiproxyInstall {
  path: string;
  source: "cache" | "TOXIPROXY_SERVER" | "PATH";
}

type Progress = (line: string) => void;

/** Whether a path exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch { // what cannot be stat'ed is treated as absent: the caller creates or reports it
    return false;
  }
}

/** Run a command to its end; its output (stdout then stderr) as text, `missing` when not installed. */
export async function run(cmd: string, args: string[], env?: Record<string, string>) {
  try {
    const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" })
      .output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return { ok: out.success, text };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { ok: false, text: "", missing: true };
    throw e;
  }
}

/**
 * Resolve the runtime classpath of one of `compose/`'s poms from Maven Central
 * into `<dir>/libs`, then mark `dir` complete; returns the number of jars. The
 * folder is emptied first and removed again when Maven fails.
 */
export async function copyMavenDependencies(
  pom: string,
  dir: string,
  what: string,
  extraArgs: string[] = [],
): Promise<number> {
  const libs = join(dir, "libs");
  // absent unless an earlier attempt was cut short; Maven overwrites what that left
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  const r = await run("mvn", [
    "-B",
    "-q",
    "-f",
    join(projectRoot(), pom),
    "dependency:copy-dependencies",
    `-DoutputDirectory=${libs}`,
    "-DincludeScope=runtime",
    ...extraArgs,
  ]);
  if (!r.ok) {
    // best effort: Maven's error is the one to report; without `.complete` the folder is redone
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw new ProvisionError(`Maven could not resolve ${what}:\n${r.text.slice(-3000)}`);
  }
  const count = [...Deno.readDirSync(libs)].length;
  await Deno.writeTextFile(join(dir, ".complete"), `${new Date().toISOString()} ${count} jars\n`);
  return count;
}

/** Find an executable on PATH. */
export async function which(name: string): Promise<string | null> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      const st = await Deno.stat(p);
      if (st.isFile && ((st.mode ?? 0) & 0o111)) return p;
    } catch { /* not in this PATH entry: try the next */ }
  }
  return null;
}

/** Java major version on PATH, or null when there is no java. */
export async function javaMajorVersion(): Promise<number | null> {
  const r = await run("java", ["-version"]);
  if (!r.ok) return null;
  const m = r.text.match(/version "(\d+)(?:\.(\d+))?/);
  if (!m) return null;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major;
}

function missingMessage(missing: string[]): string {
  return [
    `Cannot provision the local stack: ${missing.join(", ")}.`,
    "Alternatives:",
    "  - KAFKA_HOME=/path/to/kafka_2.13-4.x   use an unpacked Apache Kafka distribution (still needs Java 17+)",
    "  - TOXIPROXY_SERVER=/path/to/toxiproxy-server   use an existing Toxiproxy server binary",
    "  - --bootstrap host:port [--toxiproxy http://host:8474]   run scenarios against an external cluster",
  ].join("\n");
}

/** Make sure Java 17+ is there; the brokers need it whatever the jar source. */
export async function requireJava(): Promise<void> {
  const v = await javaMajorVersion();
  if (v === null) {
    throw new ProvisionError(missingMessage(["Java 17+ is not installed (no `java` on PATH)"]));
  }
  if (v < 17) throw new ProvisionError(missingMessage([`Java ${v} found, Java 17+ needed`]));
}

/**
 * The Kafka classpath, installing the jars into the cache when needed.
 * Progress lines go to `progress`: the first install downloads about 45 MB.
 */
export async function ensureKafka(progress: Progress = () => {}): Promise<KafkaInstall> {
  await requireJava();
  const home = Deno.env.get("KAFKA_HOME");
  const version = await pinnedKafkaVersion();
  if (home) {
    const libs = join(home, "libs");
    if (!(await exists(libs))) {
      throw new ProvisionError(`KAFKA_HOME=${home} has no libs/ folder: not a Kafka distribution`);
    }
    const jar = [...Deno.readDirSync(libs)].map((e) => e.name).find((n) =>
      /^kafka_2\.\d+-.+\.jar$/.test(n) && !n.includes("test")
    );
    const v = jar?.match(/^kafka_2\.\d+-(.+)\.jar$/)?.[1] ?? "unknown";
    return { version: v, classpath: `${libs}/*`, source: "KAFKA_HOME" };
  }
  const dir = join(cacheDir(), "kafka", version);
  const libs = join(dir, "libs");
  if (await exists(join(dir, ".complete"))) {
    return { version, classpath: `${libs}/*`, source: "cache" };
  }
  if (!(await which("mvn"))) {
    throw new ProvisionError(
      missingMessage(["Maven is not installed (no `mvn` on PATH) to fetch the Kafka jars"]),
    );
  }
  progress(
    `Provisioning Apache Kafka ${version} from Maven Central into ${libs} (first time only)…`,
  );
  const count = await copyMavenDependencies("compose/kafka/pom.xml", dir, "the Kafka jars");
  progress(`Kafka ${version}: ${count} jars ready.`);
  return { version, classpath: `${libs}/*`, source: "cache" };
}

/** The Toxiproxy server binary, building it with Go into the cache when needed. */
export async function ensureToxiproxy(progress: Progress = () => {}): Promise<ToxiproxyInstall> {
  const named = Deno.env.get("TOXIPROXY_SERVER");
  if (named) {
    if (!(await exists(named))) {
      throw new ProvisionError(`TOXIPROXY_SERVER=${named} does not exist`);
    }
    return { path: named, source: "TOXIPROXY_SERVER" };
  }
  const onPath = await which("toxiproxy-server");
  if (onPath) return { path: onPath, source: "PATH" };
  const dir = join(cacheDir(), "toxiproxy", TOXIPROXY_VERSION);
  const bin = join(dir, "toxiproxy-server");
  if (await exists(join(dir, ".complete"))) return { path: bin, source: "cache" };
  if (!(await which("go"))) {
    throw new ProvisionError(
      missingMessage(["Go is not installed (no `go` on PATH) to build the Toxiproxy server"]),
    );
  }
  progress(
    `Building Toxiproxy ${TOXIPROXY_VERSION} with go install into ${dir} (first time only)…`,
  );
  // absent unless an earlier attempt was cut short; go install overwrites what that left
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const gobin = join(dir, "gobin");
  await Deno.mkdir(gobin, { recursive: true });
  const r = await run("go", [
    "install",
    `github.com/Shopify/toxiproxy/v2/cmd/server@v${TOXIPROXY_VERSION}`,
  ], { GOBIN: gobin });
  if (!r.ok) {
    // best effort: go's error is the one to report; without `.complete` the folder is redone
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw new ProvisionError(`go install of Toxiproxy failed:\n${r.text.slice(-3000)}`);
  }
  await Deno.rename(join(gobin, "server"), bin);
  await Deno.remove(gobin, { recursive: true }).catch(() => {}); // an empty leftover: harmless
  await Deno.writeTextFile(join(dir, ".complete"), `${new Date().toISOString()}\n`);
  progress(`Toxiproxy ${TOXIPROXY_VERSION} ready.`);
  return { path: bin, source: "cache" };
}

/** What is missing to provision, all at once: one message names everything. */
export async function missingPrerequisites(): Promise<string[]> {
  const missing: string[] = [];
  const java = await javaMajorVersion();
  if (java === null) missing.push("Java 17+ is not installed (no `java` on PATH)");
  else if (java < 17) missing.push(`Java ${java} found, Java 17+ needed`);
  const kafkaCached = await exists(
    join(cacheDir(), "kafka", await pinnedKafkaVersion(), ".complete"),
  );
  if (!Deno.env.get("KAFKA_HOME") && !kafkaCached && !(await which("mvn"))) {
    missing.push("Maven is not installed (no `mvn` on PATH) to fetch the Kafka jars");
  }
  const toxiCached = await exists(join(cacheDir(), "toxiproxy", TOXIPROXY_VERSION, ".complete"));
  if (
    !Deno.env.get("TOXIPROXY_SERVER") && !toxiCached && !(await which("toxiproxy-server")) &&
    !(await which("go"))
  ) {
    missing.push("Go is not installed (no `go` on PATH) to build the Toxiproxy server");
  }
  return missing;
}

/** Both, Kafka and Toxiproxy concurrently, after checking every prerequisite. */
export async function provision(progress: Progress = () => {}) {
  const missing = await missingPrerequisites();
  if (missing.length) throw new ProvisionError(missingMessage(missing));
  const [kafka, toxiproxy] = await Promise.all([ensureKafka(progress), ensureToxiproxy(progress)]);
  return { kafka, toxiproxy };
}
