/**
 * `sismo member`: one consumer group member process, started by sismo for a consumer workload
 * (`lib/consume/group.ts`); its job comes on stdin, its answers go to stdout as JSON lines
 * (`lib/consume/member_job.ts`). SIGINT or SIGTERM make it leave the group cleanly.
 *
 * @module
 */
import { serveMember } from "../consume/member_process.ts";
import type { FromMember } from "../consume/member_job.ts";
import { jsonLineWriter } from "../segments/lines.ts";
import { UsageError } from "./usage.ts";

/** Help text of `member`. */
export const MEMBER_HELP =
  `Usage: deno run -A main.ts member   (started by sismo for a consumer group)

One consumer group member: reads its job (JSON) on stdin, subscribes, processes and commits as
the job says, records what it finished in its processing log, and reports on stdout.`;

/** Run `member`; returns the exit code. */
export async function memberCommand(args: string[]): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    console.log(MEMBER_HELP);
    return 0;
  }
  if (args.length) throw new UsageError(`member takes no arguments (got ${args.join(" ")})`);
  const leave = new AbortController();
  const onSignal = () => leave.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    const say = jsonLineWriter<FromMember>(Deno.stdout);
    return await serveMember(Deno.stdin.readable, say, leave);
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
}
