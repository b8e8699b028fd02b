/**
 * The browser the report tests drive, found or provisioned the way the stack
 * gets Kafka: `SISMO_CHROMIUM` when set (it must exist), else Debian's
 * `chromium` when installed, else — as root on a machine with `apt-get` —
 * Debian's `chromium` package installed on the spot, saying so. Otherwise a
 * clear error says how to get one. No browser is downloaded from anywhere but
 * the Debian archive.
 *
 * @example
 * ```ts
 * import { ensureChromium } from "./chromium.ts";
 * const path = await ensureChromium((line) => console.error(line));
 * ```
 * @module
 */

/** Where Debian's package puts the browser. */
export const DEBIAN_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** What {@link ensureChromium} uses from the machine; tests replace it. */
export interface ChromiumDeps {
  env(name: string): string | undefined;
  exists(path: string): Promise<boolean>;
  /** Whether packages can be installed here (root and `apt-get`). */
  canInstall(): Promise<boolean>;
  /** Run a command; resolves to its exit code. */
  run(cmd: string, args: string[]): Promise<number>;
}

const LIVE: ChromiumDeps = {
  env: (name) => Deno.env.get(name),
  exists: async (path) => {
    try {
      await Deno.stat(path);
      return true;
    } catch { // not there (or not readable): the caller looks elsewhere
      return false;
    }
  },
  canInstall: async () => Deno.uid() === 0 && await LIVE.exists("/usr/bin/apt-get"),
  run: async (cmd, args) => {
    const child = new Deno.Command(cmd, {
      args,
      env: { DEBIAN_FRONTEND: "noninteractive" },
      stdout: "null",
      stderr: "inherit",
    }).spawn();
    return (await child.status).code;
  },
};

/** The path of a Chromium binary, installing Debian's package when it can; see the module doc. */
export async function ensureChromium(
  log: (line: string) => void,
  deps: ChromiumDeps = LIVE,
): Promise<string> {
  const override = deps.env("SISMO_CHROMIUM");
  if (override) {
    if (await deps.exists(override)) return override;
    throw new Error(`SISMO_CHROMIUM=${override}: no such file`);
  }
  const found = async () => {
    for (const path of DEBIAN_CHROMIUM) if (await deps.exists(path)) return path;
    return null;
  };
  const installed = await found();
  if (installed) return installed;
  const how = "install Debian's package (`apt-get update && apt-get install -y chromium`) or " +
    "point SISMO_CHROMIUM at a Chromium binary";
  if (!(await deps.canInstall())) {
    throw new Error(`Chromium not found (${DEBIAN_CHROMIUM.join(", ")}): ${how}`);
  }
  log("Chromium not found: installing Debian's chromium package for the browser tests…");
  const update = await deps.run("apt-get", ["update", "-qq"]);
  const install = update === 0
    ? await deps.run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"])
    : update;
  const path = await found();
  if (install !== 0 || path === null) {
    throw new Error(`installing Debian's chromium failed (apt-get exit ${install}): ${how}`);
  }
  log(`Chromium installed: ${path}`);
  return path;
}
