/**
 * A variant's `consumer:` section (issue 11): the consumer group that reads the variant's
 * topic while its load runs, each member a process of its own.
 *
 * ```yaml
 * consumer:
 *   members: 2
 *   commit: auto            # auto | after-each | after-batch | async
 *   commit.every: 100       # records per commit in after-batch and async (default: each poll's)
 *   commit.on.revoke: true  # after-batch and async: commit before partitions are revoked (false)
 *   poll.records: 1         # records per poll (1: Confluent.Kafka's Consume)
 *   processing: {time: 20ms, poison: 0.001}   # time: 20ms | {min, max} | {mean, max}
 *   dead.letter: true       # poison records to <topic>-dlq (default false: logged and skipped)
 *   catch.up: 30s           # after the load and drain, how long the group may take to finish
 *   properties: {enable.auto.commit: true, auto.commit.interval.ms: 100, session.timeout.ms: 6000}
 * ```
 *
 * @module
 */
import type { ProcessingTime } from "../consume/processing_model.ts";
import { COMMIT_MODES, CONSUMER_PROPERTIES_SET_BY_SISMO } from "./keys.ts";
import type { Field } from "./reader.ts";
import type { ConsumerGroupPlan } from "./types.ts";

/** Most members one group may have: each is a process sharing this machine's cores. */
export const MAX_MEMBERS = 12;

/** Default `catch.up`, ms. */
export const DEFAULT_CATCH_UP_MS = 30_000;

/** Read a `consumer:` section: undefined when absent, null when a problem was recorded. */
export function readConsumer(field: Field): ConsumerGroupPlan | null | undefined {
  if (field.absent) return undefined;
  const map = field.map("consumer");
  if (map == null) return null;
  const membersField = map.get("members");
  const members = membersField.require() ? membersField.integer(1, MAX_MEMBERS) : null;
  const commit = map.get("commit").choice(COMMIT_MODES);
  const commitEveryField = map.get("commit.every");
  let commitEvery = commitEveryField.integer(1, 1_000_000);
  if (commitEvery != null && commit !== "after-batch" && commit !== "async") {
    commitEvery = commitEveryField.fail(
      "only commit: after-batch or async commits every N records",
    );
  }
  const commitOnRevokeField = map.get("commit.on.revoke");
  let commitOnRevoke = commitOnRevokeField.boolean();
  if (commitOnRevoke === true && commit !== "after-batch" && commit !== "async") {
    commitOnRevoke = commitOnRevokeField.fail(
      "only commit: after-batch or async has processed records left to commit when " +
        "partitions are revoked",
    );
  }
  const pollRecords = map.get("poll.records").integer(1, 100_000);
  const processing = readProcessing(map.get("processing"));
  const deadLetter = map.get("dead.letter").boolean();
  const catchUpMs = map.get("catch.up").duration({ above: 0 });
  const properties = readConsumerProperties(map.get("properties"));
  if ((commit ?? "auto") === "auto" && properties?.values["enable.auto.commit"] === "false") {
    map.get("properties").fail(
      "enable.auto.commit is false with commit: auto: nothing would ever commit; use commit: " +
        "after-each, after-batch or async",
    );
    return null;
  }
  if (
    members == null || commit === null || commitEvery === null || commitOnRevoke === null ||
    pollRecords === null ||
    processing === null || deadLetter === null || catchUpMs === null || properties === null
  ) {
    return null;
  }
  return {
    members,
    commit: commit ?? "auto",
    commitEvery: commitEvery ?? null,
    commitOnRevoke: commitOnRevoke ?? false,
    pollRecords: pollRecords ?? 1,
    processing: processing ?? { time: { kind: "fixed", ms: 0 }, poisonShare: 0 },
    deadLetter: deadLetter ?? false,
    properties: properties.values,
    propertyLines: properties.lines,
    catchUpMs: catchUpMs ?? DEFAULT_CATCH_UP_MS,
    source: { line: field.line, path: field.path },
  };
}

function readProcessing(field: Field) {
  if (field.absent) return undefined;
  const map = field.map("processing");
  if (map == null) return null;
  const time = readProcessingTime(map.get("time"));
  const poison = map.get("poison").number({ min: 0, max: 1 });
  if (time === null || poison === null) return null;
  return { time: time ?? { kind: "fixed", ms: 0 } as ProcessingTime, poisonShare: poison ?? 0 };
}

function readProcessingTime(field: Field): ProcessingTime | null | undefined {
  if (field.absent) return undefined;
  if (typeof field.scalar === "string" || typeof field.scalar === "number") {
    const ms = field.duration();
    return ms == null ? null : { kind: "fixed", ms };
  }
  const map = field.map("processingTime");
  if (map == null) return null;
  const min = map.get("min").duration();
  const maxField = map.get("max");
  const max = maxField.duration({ above: 0 });
  const mean = map.get("mean").duration({ above: 0 });
  if (min === null || max === null || mean === null) return null;
  if (max === undefined) {
    return maxField.fail("needs max, with min (uniform) or mean (exponential)");
  }
  if (mean !== undefined && min !== undefined) {
    return field.fail("takes min and max (uniform) or mean and max (exponential), not both");
  }
  if (mean !== undefined) {
    if (mean > max) return maxField.fail("must be at least the mean");
    return { kind: "exponential", meanMs: mean, maxMs: max };
  }
  if (min === undefined) return field.fail("needs min and max (uniform) or mean and max");
  if (min > max) return maxField.fail("must be at least min");
  return { kind: "uniform", minMs: min, maxMs: max };
}

function readConsumerProperties(field: Field) {
  const values: Record<string, string> = {};
  const lines: Record<string, number> = {};
  if (field.absent) return { values, lines };
  const entries = field.entries();
  if (entries == null) return null;
  let ok = true;
  for (const { key, value } of entries) {
    if ((CONSUMER_PROPERTIES_SET_BY_SISMO as readonly string[]).includes(key)) {
      value.fail(`${key} is set by sismo for each member; leave it out`);
      ok = false;
      continue;
    }
    const text = value.propertyValue();
    if (text == null) ok = false;
    else [values[key], lines[key]] = [text, value.line];
  }
  return ok ? { values, lines } : null;
}
