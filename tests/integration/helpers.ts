/** Helpers shared by the integration tests: waiting, and checking that no child outlives a run. */

/** A Java sidecar's command line (`java … Sidecar`), as the java client starts it. */
export const JAVA_SIDECAR = /\sSidecar(\s|$)/;

/** Processes whose parent is `ppid` and whose command line matches `pattern`. */
export async function childrenMatching(ppid: number, pattern: RegExp): Promise<number[]> {
  const out = await new Deno.Command("ps", {
    args: ["-o", "pid=,args=", "--ppid", String(ppid)],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => pattern.test(l))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

/** Whether a process still exists. */
export function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/** Wait until `cond` holds, polling every 20 ms; fails after `ms` naming `what`. */
export async function waitUntil(what: string, ms: number, cond: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
