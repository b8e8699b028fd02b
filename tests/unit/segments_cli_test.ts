/**
 * The command line of split runs: bad --workers, --listen, --connect and their combinations
 * are refused with what is wrong (exit 2 through main.ts's UsageError), before anything starts.
 */
import assert from "node:assert/strict";
import { scenarioCommand } from "../../lib/cli/scenario.ts";
import { splitAddress, workerCommand } from "../../lib/cli/worker.ts";
import { UsageError } from "../../lib/cli/usage.ts";

Deno.test("scenario --workers: a count from 1 to 64, --listen with it, no --fail-fast", async () => {
  for (const bad of ["0", "65", "two", "1.5", "-1", ""]) {
    await assert.rejects(
      scenarioCommand(["idempotent-vs-plain", `--workers=${bad}`]),
      (e) =>
        e instanceof UsageError && /--workers must be a whole number from 1 to 64/.test(e.message),
      `--workers ${JSON.stringify(bad)}`,
    );
  }
  await assert.rejects(
    scenarioCommand(["idempotent-vs-plain", "--listen", "0.0.0.0:7070"]),
    /--listen goes with --workers N/,
  );
  await assert.rejects(
    scenarioCommand(["idempotent-vs-plain", "--workers", "2", "--listen", "7070"]),
    /--listen must be HOST:PORT, got "7070"/,
  );
  await assert.rejects(
    scenarioCommand(["idempotent-vs-plain", "--workers", "2", "--fail-fast"]),
    /--fail-fast needs the live verification/,
  );
});

Deno.test("worker: --connect HOST:PORT, IPv6 in brackets; --segment-index goes with --connect", async () => {
  assert.deepEqual(splitAddress("coordinator:7070"), ["coordinator", 7070]);
  assert.deepEqual(splitAddress("[::1]:7070"), ["::1", 7070]);
  for (const bad of ["coordinator", ":7070", "host:0", "host:70000", "host:port"]) {
    assert.throws(() => splitAddress(bad), UsageError, bad);
  }
  await assert.rejects(
    workerCommand(["--segment-index", "2"]),
    /--segment-index goes with --connect/,
  );
  await assert.rejects(workerCommand(["extra"]), /worker takes no arguments/);
  await assert.rejects(
    workerCommand(["--connect", "h:1", "--segment-index", "0"]),
    /--segment-index must be a whole number from 1/,
  );
});
