import assert from "node:assert/strict";
import { type ChromiumDeps, ensureChromium } from "../browser/chromium.ts";

/** A machine with the given files, env and install rights; records the commands run. */
function machine(o: {
  files?: string[];
  env?: Record<string, string>;
  canInstall?: boolean;
  /** Files that appear once apt-get install ran with this exit code. */
  installs?: { code: number; files: string[] };
}) {
  const files = new Set(o.files ?? []);
  const ran: string[] = [];
  const deps: ChromiumDeps = {
    env: (name) => o.env?.[name],
    exists: (path) => Promise.resolve(files.has(path)),
    canInstall: () => Promise.resolve(o.canInstall ?? false),
    run: (cmd, args) => {
      ran.push([cmd, ...args].join(" "));
      if (args[0] === "install" && o.installs) {
        for (const f of o.installs.files) files.add(f);
        return Promise.resolve(o.installs.code);
      }
      return Promise.resolve(0);
    },
  };
  return { deps, ran };
}

Deno.test("chromium: SISMO_CHROMIUM wins, and must exist", async () => {
  const { deps } = machine({
    files: ["/opt/chrome", "/usr/bin/chromium"],
    env: { SISMO_CHROMIUM: "/opt/chrome" },
  });
  assert.equal(await ensureChromium(() => {}, deps), "/opt/chrome");
  const missing = machine({ env: { SISMO_CHROMIUM: "/nope" } });
  await assert.rejects(
    ensureChromium(() => {}, missing.deps),
    /SISMO_CHROMIUM=\/nope: no such file/,
  );
});

Deno.test("chromium: Debian's package when installed, nothing run", async () => {
  const { deps, ran } = machine({ files: ["/usr/bin/chromium"], canInstall: true });
  assert.equal(await ensureChromium(() => {}, deps), "/usr/bin/chromium");
  assert.deepEqual(ran, []);
});

Deno.test("chromium: installed from the Debian archive when missing and possible, and said", async () => {
  const lines: string[] = [];
  const { deps, ran } = machine({
    canInstall: true,
    installs: { code: 0, files: ["/usr/bin/chromium"] },
  });
  assert.equal(await ensureChromium((l) => lines.push(l), deps), "/usr/bin/chromium");
  assert.deepEqual(ran, [
    "apt-get update -qq",
    "apt-get install -y -qq --no-install-recommends chromium",
  ]);
  assert.match(
    lines.join("\n"),
    /installing Debian's chromium package[\s\S]*installed: \/usr\/bin\/chromium/,
  );
});

Deno.test("chromium: a clear error when it cannot be found or installed", async () => {
  await assert.rejects(
    ensureChromium(() => {}, machine({ canInstall: false }).deps),
    /Chromium not found .*apt-get install -y chromium.*SISMO_CHROMIUM/,
  );
  await assert.rejects(
    ensureChromium(
      () => {},
      machine({ canInstall: true, installs: { code: 100, files: [] } }).deps,
    ),
    /installing Debian's chromium failed \(apt-get exit 100\)/,
  );
});
