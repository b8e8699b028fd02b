/**
 * Where librdkafka comes from: the self-contained shared library inside the
 * `confluent-kafka` wheel on PyPI (OpenSSL, SASL, zlib, zstd, lz4 and snappy
 * linked in), pinned by version and sha256, downloaded with pip on first use
 * and unpacked into the cache, as the stack does for Kafka and Toxiproxy.
 * `SISMO_LIBRDKAFKA=/path/to/librdkafka.so.1` uses a library the user already
 * has instead (its version is then reported, not enforced).
 *
 * Debian's `librdkafka1` (2.0.2) is not used: it lacks the idempotent-producer
 * fixes of 2.3.0 and 2.5.0, exactly the fault paths sismo exercises.
 *
 * @module
 */
import { join } from "node:path";
import { cacheDir, exists, ProvisionError, run, which } from "../../stack/provision.ts";

/** The confluent-kafka wheel that carries the library, and the library version inside it. */
export const LIBRDKAFKA_WHEEL = {
  package: "confluent-kafka",
  version: "2.16.1",
  librdkafkaVersion: "2.16.0",
  /** sha256 of the cp311 manylinux_2_28 wheels, per machine architecture. */
  sha256: {
    x86_64: "24f613cc81a856b6fbb2d7d11044a9aa770044eecc1f83ff84618688b056be06",
    aarch64: "c012a1d74f95e91c9c43f0aa996d5fea8582397144c1f96b553f24b594afa7c6",
  } as Record<string, string>,
} as const;

/** A resolved librdkafka shared library. */
export interface LibrdkafkaInstall {
  path: string;
  source: "cache" | "SISMO_LIBRDKAFKA";
  /** The version the cache pins; null for a user-supplied library. */
  pinnedVersion: string | null;
}

/** The librdkafka library, provisioning it into the cache when needed. */
export async function ensureLibrdkafka(
  progress: (line: string) => void = () => {},
): Promise<LibrdkafkaInstall> {
  const named = Deno.env.get("SISMO_LIBRDKAFKA");
  if (named) {
    if (!(await exists(named))) {
      throw new ProvisionError(`SISMO_LIBRDKAFKA=${named} does not exist`);
    }
    return { path: named, source: "SISMO_LIBRDKAFKA", pinnedVersion: null };
  }
  const w = LIBRDKAFKA_WHEEL;
  const dir = join(cacheDir(), "librdkafka", w.librdkafkaVersion);
  const lib = join(dir, "librdkafka.so.1");
  const pinned = { path: lib, source: "cache" as const, pinnedVersion: w.librdkafkaVersion };
  if (await exists(join(dir, ".complete"))) return pinned;

  if (Deno.build.os !== "linux") {
    throw new ProvisionError(
      `librdkafka is provisioned for Linux only; set SISMO_LIBRDKAFKA to the library on ${Deno.build.os}`,
    );
  }
  const arch = Deno.build.arch;
  const hash = w.sha256[arch];
  if (!hash) throw new ProvisionError(`no pinned librdkafka wheel for ${arch}`);
  const python = (await which("python3")) ?? (await which("python"));
  if (!python) {
    throw new ProvisionError(
      "Cannot provision librdkafka: Python 3 with pip is not installed (it downloads the pinned " +
        "confluent-kafka wheel from PyPI). Install python3-pip, or set SISMO_LIBRDKAFKA to a " +
        "librdkafka.so.1 you have (2.3 or newer).",
    );
  }
  progress(
    `Provisioning librdkafka ${w.librdkafkaVersion} (from ${w.package} ${w.version} on PyPI) ` +
      `into ${dir} (first time only)…`,
  );
  // absent unless an earlier attempt was cut short; pip and the unpacking overwrite what that left
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const download = join(dir, "download");
  await Deno.mkdir(download, { recursive: true });
  const requirements = join(download, "requirements.txt");
  await Deno.writeTextFile(requirements, `${w.package}==${w.version} --hash=sha256:${hash}\n`);
  const got = await run(python, [
    "-m",
    "pip",
    "download",
    "--no-deps",
    "--only-binary=:all:",
    "--platform",
    `manylinux_2_28_${arch}`,
    "--python-version",
    "3.11",
    "--implementation",
    "cp",
    "--require-hashes",
    "-r",
    requirements,
    "-d",
    download,
    "--quiet",
  ]);
  if (!got.ok) {
    // best effort: pip's error is the one to report; without `.complete` the folder is redone
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw new ProvisionError(`pip could not download ${w.package} ${w.version}:\n${got.text}`);
  }
  // The wheel is a zip; Python's zipfile unpacks the one library it holds.
  const unpack = await run(python, [
    "-c",
    [
      "import sys, zipfile, glob",
      "whl = glob.glob(sys.argv[1] + '/*.whl')[0]",
      "z = zipfile.ZipFile(whl)",
      "n = [x for x in z.namelist() if x.startswith('confluent_kafka.libs/librdkafka')]",
      "assert len(n) == 1, n",
      "open(sys.argv[2], 'wb').write(z.read(n[0]))",
    ].join("\n"),
    download,
    lib,
  ]);
  if (!unpack.ok) {
    // best effort: the unpacking error is the one to report; without `.complete` it is redone
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw new ProvisionError(`could not unpack librdkafka from the wheel:\n${unpack.text}`);
  }
  await Deno.remove(download, { recursive: true }).catch(() => {}); // a leftover wheel: harmless
  await Deno.writeTextFile(
    join(dir, ".complete"),
    `${new Date().toISOString()} ${w.package}==${w.version} sha256:${hash}\n`,
  );
  progress(`librdkafka ${w.librdkafkaVersion} ready.`);
  return pinned;
}
