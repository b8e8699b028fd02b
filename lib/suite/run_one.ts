/**
 * Run one scenario and write its outputs, with progress on the console: the
 * part `deno task scenario` and `deno task ci` share.
 *
 * @example
 * ```ts
 * import type { Plan } from "../scenario/types.ts";
 * declare const plan: Plan;
 * import { runAndWrite } from "./run_one.ts";
 * const controller = new AbortController();
 * const { report, files } = await runAndWrite(plan, { signal: controller.signal });
 * console.log(report.outcome, files.html);
 * ```
 * @module
 */
import type { Lang } from "../report/i18n.ts";
import type { RunReport } from "../report/types.ts";
import { type RunOutputPaths, writeRunOutputs } from "../report/write.ts";
import { type RunOptions, runScenario } from "../run/run.ts";
import { progressLine } from "../run/summary.ts";
import type { VariantProgress } from "../run/variant.ts";
import type { Plan } from "../scenario/types.ts";

/** Options of {@link runAndWrite}: the runner's, without its callbacks. */
export interface RunOneOptions extends Omit<RunOptions, "onProgress" | "log"> {
  /** Language of the HTML report and summary (default en). */
  lang?: Lang;
  /**
   * `all` (default): a progress line kept up to date on a terminal, or printed
   * every 10 s otherwise, and the runner's log lines, on stderr. `quiet`: only
   * the progress line on a terminal, cleared when the run ends.
   */
  chatter?: "all" | "quiet";
}

/** A run whose outputs are written. */
export interface WrittenRun {
  report: RunReport;
  /** The run directory. */
  dir: string;
  files: RunOutputPaths;
}

/** Running a plan and reading the clock, as the suite and repeated runs do; tests replace them. */
export interface RunDeps {
  runOne(plan: Plan, opts: RunOneOptions): Promise<WrittenRun>;
  /** Wall clock, ms since the epoch. */
  now(): number;
}

const encoder = new TextEncoder();

/** The message of a thrown error (of anything thrown, its text). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Wait, when needed, until the wall clock has left the second `endedMs` fell in. Run
 * directories are named after their start, to the second: a scenario run again right after
 * a run that ended at `endedMs` then gets a directory of its own.
 */
export async function afterSecondOf(endedMs: number, now: () => number): Promise<void> {
  const wait = Math.floor(endedMs / 1000) * 1000 + 1000 - now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/**
 * Run `plan` with {@link runScenario} and write `report.json`, `report.html`,
 * `junit.xml` and `summary.md` into the run directory. Throws what
 * `runScenario` throws (setup errors); run errors are in the report.
 */
export async function runAndWrite(plan: Plan, opts: RunOneOptions): Promise<WrittenRun> {
  const { lang, chatter = "all", ...runOptions } = opts;
  const tty = Deno.stderr.isTerminal();
  const clearLine = () => {
    if (tty) Deno.stderr.writeSync(encoder.encode("\r\x1b[2K"));
  };
  let lastAcked = 0;
  let lastPrint = 0;
  const onProgress = (p: VariantProgress) => {
    // A new variant starts from zero acknowledgements.
    if (p.elapsedMs < 1500) lastAcked = 0;
    const rate = p.acked - lastAcked;
    lastAcked = p.acked;
    const line = progressLine(p, rate);
    if (tty) {
      Deno.stderr.writeSync(
        encoder.encode(`\r\x1b[2K${line.slice(0, Deno.consoleSize().columns - 1)}`),
      );
    } else if (chatter === "all" && (p.elapsedMs - lastPrint >= 10000 || p.elapsedMs < lastPrint)) {
      lastPrint = p.elapsedMs;
      console.error(line);
    }
  };
  const log = (line: string) => {
    if (chatter === "quiet") return;
    clearLine();
    console.error(line);
  };
  try {
    const { report, dir } = await runScenario(plan, { ...runOptions, onProgress, log });
    const files = await writeRunOutputs(report, dir, { lang });
    return { report, dir, files };
  } finally {
    clearLine();
  }
}

/** The real {@link RunDeps}: {@link runAndWrite} (Kafka) and the wall clock. */
export const LIVE_RUN_DEPS: RunDeps = { runOne: runAndWrite, now: Date.now };
