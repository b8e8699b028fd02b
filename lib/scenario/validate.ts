/**
 * Turn a parsed scenario document into a {@link Plan}: every field checked,
 * every default resolved, every problem recorded with its place in the file.
 *
 * @module
 */
import { isMap } from "yaml";
import { HEADER_BYTES } from "../load/payload.ts";
import { readDescription } from "./description.ts";
import { formatDuration } from "./duration.ts";
import { ScenarioError } from "./errors.ts";
import { parseExpectation } from "./expectation.ts";
import { connectionsMember, readFaults } from "./faults.ts";
import { MAX_MEMBERS, readConsumer } from "./consumer.ts";
import { checkLoadLimits, type RunShape } from "./limits.ts";
import { QUICK_PROFILE_DEFAULTS } from "./profile.ts";
import { SEND_MODES } from "./keys.ts";
import { modelledSettingOf, readProducer } from "./producer.ts";
import { type Field, orDefault, type Reader } from "./reader.ts";
import { CLIENT_NAMES, type ClientName, DEFAULT_CLIENT } from "../clients/names.ts";
import type {
  Expectation,
  FaultPlan,
  KeySpace,
  LoadPlan,
  Plan,
  ProfileScale,
  RateSchedule,
  SendMode,
  TopicPlan,
  VariantPlan,
} from "./types.ts";

/** Names of scenarios and variants: lower-case letters, digits and dashes. */
export const NAME_PATTERN = /^[a-z0-9-]+$/;

/** Largest `load.message.size`, bytes (Kafka's default max.message.bytes is about 1 MiB). */
export const MAX_MESSAGE_SIZE = 1048576;

/** Default outstanding-send bound of both send modes. */
export const DEFAULT_MAX_OUTSTANDING = 10000;

/** Default `drain`, ms. */
export const DEFAULT_DRAIN_MS = 10000;

/**
 * Read the whole document. Returns the plan, or undefined when problems were
 * recorded in `reader`.
 */
export function readPlan(reader: Reader, clientOverride?: ClientName): Plan | undefined {
  const root = reader.root();
  if (root.absent) {
    root.fail("empty scenario: it needs at least name, description, load and variants");
    return undefined;
  }
  const map = root.map("scenario");
  if (map == null) return undefined;

  const name = readName(map.get("name"));
  const descriptionField = map.get("description");
  const description = descriptionField.require() ? readDescription(descriptionField) : null;
  if (description?.text === "") descriptionField.fail("must say what the scenario shows");

  const clusterMap = map.get("cluster").section("cluster");
  const brokers = clusterMap === null ? null : readBrokers(clusterMap.get("brokers"));

  const topic = readTopic(map.get("topic"), brokers);
  const loadRead = readLoad(map.get("load"));
  const load = loadRead?.plan ?? null;
  const drainMs = orDefault(map.get("drain").duration(), DEFAULT_DRAIN_MS);
  const parallel = map.get("parallel").boolean();

  const shared = readExpectations(map.get("expect"));
  const clients = readClients(map.get("clients"));
  const sharedPerClient = readClientProperties(map.get("client.properties"));
  const written = readVariants(map.get("variants"), load?.send ?? null, shared, sharedPerClient);
  const variants = written && clients !== null
    ? expandClients(map.get("variants"), written, clients, clientOverride)
    : null;
  const faults = readFaults(map.get("faults"), {
    brokers,
    partitions: topic?.partitions ?? null,
    replicationFactor: topic?.replicationFactor ?? null,
    loadMs: load === null ? null : load.warmupMs + load.durationMs,
  });
  if (faults && variants) checkMemberFaults(map.get("faults"), faults, variants);
  const profiles = readProfiles(map.get("profiles"));
  if (loadRead !== null && parallel !== null) {
    // When variants or topic are invalid, the counts used are floors: what is reported holds.
    checkLimits(loadRead, {
      variants: variants?.length ?? written?.length ?? 1,
      parallel: parallel ?? false,
      partitions: topic?.partitions ?? 1,
    });
  }

  if (
    reader.problems.length > 0 || name == null || description == null || brokers === null ||
    topic === null || load === null || drainMs === null || parallel === null ||
    variants === null || faults === null || profiles === null
  ) {
    return undefined;
  }
  return {
    name,
    description: description.text,
    ...(description.byLang ? { descriptions: description.byLang } : {}),
    file: reader.file,
    cluster: { brokers },
    topic,
    load,
    variants,
    parallel: parallel ?? false,
    faults,
    drainMs,
    profile: "full",
    profiles,
  };
}

/**
 * Member faults need a variant with a consumer group, and a member of that index in each; the
 * members that join must not take a group past its limit; a fault on the group coordinator needs
 * a group in every variant (each variant's own); a member's connections need a group with that
 * member, and only one member's connections can be faulted.
 */
function checkMemberFaults(field: Field, faults: FaultPlan[], variants: VariantPlan[]): void {
  const groups = variants.filter((v) => v.consumer).map((v) => v.consumer!.members);
  const items = field.list() ?? [];
  let joined = 0;
  let faultedMember: number | null = null;
  const smallest = Math.min(...groups);
  // Why `index` is no member of every group (null: a joining member, only a group is needed), or
  // null when all is well.
  const memberProblem = (index: number | null, needs: string): string | null =>
    groups.length === 0
      ? `${needs} a variant with a consumer group (consumer:)`
      : index !== null && index >= smallest
      ? `no member ${index}: the smallest consumer group has ${smallest} member(s), numbered from 0`
      : null;
  faults.forEach((f, i) => {
    const where = items[i] ?? field;
    const member = connectionsMember(f.action);
    if (member !== undefined) {
      const connections = where.map("fault")?.get("connections").map("connections")
        ?.get("member") ?? where;
      const problem = memberProblem(member, "a member's connections need");
      if (problem) connections.fail(problem);
      else if (faultedMember !== null && faultedMember !== member) {
        connections.fail(
          `the connections of one member per scenario can be faulted (the stack has one member ` +
            `listener per broker): member ${faultedMember} already is, member ${member} cannot be too`,
        );
      } else faultedMember = member;
    }
    if (f.target.kind === "coordinator") {
      const without = variants.filter((v) => !v.consumer).map((v) => v.name);
      if (without.length > 0) {
        const target = where.map("fault")?.get("target") ?? where;
        target.fail(
          `the group coordinator is that of each variant's consumer group: ${
            without.join(", ")
          } ha${without.length === 1 ? "s" : "ve"} none (consumer:)`,
        );
      }
      return;
    }
    if (f.target.kind !== "member" && f.target.kind !== "new-member") return;
    const index = f.target.kind === "member" ? f.target.index : null;
    const problem = memberProblem(index, "a member fault needs");
    if (problem) where.fail(problem);
    else if (f.target.kind === "new-member") {
      // Each join is a new process, whenever the earlier ones left: counted all together.
      joined++;
      if (Math.max(...groups) + joined > MAX_MEMBERS) {
        where.fail(
          `a group of ${Math.max(...groups)} member(s) with ${joined} joining would have ${
            Math.max(...groups) + joined
          }, more than ${MAX_MEMBERS} processes on this machine`,
        );
      }
    }
  });
}

/** `profiles:` (absent: every profile with its default factors). */
function readProfiles(field: Field): Plan["profiles"] | null {
  const profiles = field.section("profiles");
  if (profiles === null) return null;
  const quick = readProfileScale(profiles.get("quick"), QUICK_PROFILE_DEFAULTS);
  return quick === null ? null : { quick };
}

function readProfileScale(field: Field, defaults: Readonly<ProfileScale>): ProfileScale | null {
  const map = field.section("profile");
  if (map === null) return null;
  const time = orDefault(map.get("time").number({ above: 0, max: 1 }), defaults.time);
  const rate = orDefault(map.get("rate").number({ above: 0, max: 1 }), defaults.rate);
  return time === null || rate === null ? null : { time, rate };
}

function readBrokers(field: Field): number | null {
  const brokers = orDefault(field.integer(), 1);
  if (brokers === null || brokers === 1 || brokers === 3) return brokers;
  return field.fail(`must be 1 or 3 (the local stack runs 1 or 3 brokers), got ${brokers}`);
}

function readName(field: Field): string | null {
  if (!field.require()) return null;
  const name = field.string();
  if (name == null) return null;
  if (!NAME_PATTERN.test(name)) {
    return field.fail(`must use only lower-case letters, digits and dashes, got "${name}"`);
  }
  return name;
}

function readTopic(field: Field, brokers: number | null): TopicPlan | null {
  const map = field.section("topic");
  if (map === null) return null;
  const partitions = orDefault(map.get("partitions").integer(1), 1);
  const rfField = map.get("replication.factor");
  let replicationFactor = rfField.integer(1);
  if (replicationFactor != null && brokers !== null && replicationFactor > brokers) {
    replicationFactor = rfField.fail(
      `replication.factor ${replicationFactor} exceeds the ${brokers} broker(s) of cluster.brokers`,
    );
  }
  if (replicationFactor === undefined) {
    replicationFactor = brokers === null ? null : Math.min(3, brokers);
  }

  const configs: Record<string, string> = {};
  let ok = partitions !== null && replicationFactor !== null;
  const entries = map.get("configs").entries();
  if (entries === null) ok = false;
  for (const { key, value } of entries ?? []) {
    if (key === "min.insync.replicas") {
      value.fail("set it as topic.min.insync.replicas (checked against replication.factor)");
      ok = false;
    } else if (["string", "number", "boolean"].includes(typeof value.scalar)) {
      configs[key] = String(value.scalar);
    } else {
      value.fail(`must be a string, number or boolean, got ${value.describe()}`);
      ok = false;
    }
  }

  const misrField = map.get("min.insync.replicas");
  const minIsr = misrField.integer(1);
  if (minIsr === null) ok = false;
  else if (minIsr !== undefined) {
    if (replicationFactor !== null && minIsr > replicationFactor) {
      misrField.fail(
        `min.insync.replicas ${minIsr} exceeds replication.factor ${replicationFactor}: ` +
          "no write could ever succeed with acks=all",
      );
      ok = false;
    }
    configs["min.insync.replicas"] = String(minIsr);
  }
  return ok ? { partitions: partitions!, replicationFactor: replicationFactor!, configs } : null;
}

/** A valid `load:` and the fields the limits point at. */
interface LoadRead {
  plan: LoadPlan;
  /** `load.rate`. */
  rate: Field;
  /** The field holding the schedule's peak rate (`load.rate`, a ramp end or a step's rate). */
  peak: Field;
}

/**
 * Reject a load this process cannot run (see `limits.ts`): the peak rate at
 * the field holding it, too many events at `load.rate`.
 */
function checkLimits(load: LoadRead, shape: RunShape): void {
  const problems = checkLoadLimits(load.plan, shape);
  if (problems.rate !== undefined) load.peak.fail(problems.rate);
  if (problems.events !== undefined) load.rate.fail(problems.events);
}

function readLoad(field: Field): LoadRead | null {
  if (!field.require()) return null;
  const map = field.map("load");
  if (map == null) return null;

  const durationField = map.get("duration");
  const durationMs = durationField.require() ? durationField.duration({ above: 0 }) : null;
  const warmupMs = orDefault(map.get("warmup").duration(), 0);
  const rateField = map.get("rate");
  const rateRead = readRate(
    rateField,
    durationMs != null && warmupMs !== null ? durationMs + warmupMs : null,
  );
  const messageSize = orDefault(
    map.get("message.size").integer(HEADER_BYTES, MAX_MESSAGE_SIZE),
    512,
  );
  const keys = readKeys(map.get("keys"));
  const send = orDefault<SendMode>(readSend(map.get("send")), {
    kind: "pipelined",
    maxOutstanding: DEFAULT_MAX_OUTSTANDING,
  });
  if (
    rateRead === null || durationMs == null || warmupMs === null || messageSize === null ||
    keys === null || send === null
  ) {
    return null;
  }
  return {
    plan: { rate: rateRead.rate, warmupMs, durationMs, messageSize, keys, send },
    rate: rateField,
    peak: rateRead.peak,
  };
}

/** A rate schedule and the field that holds its highest rate. */
interface RateRead {
  rate: RateSchedule;
  peak: Field;
}

function readRate(field: Field, loadMs: number | null): RateRead | null {
  if (!field.require()) return null;
  if (typeof field.scalar === "number") {
    const perSecond = field.number({ above: 0 });
    return perSecond == null ? null : { rate: { kind: "constant", perSecond }, peak: field };
  }
  if (!isMap(field.node)) {
    return field.fail(
      "must be events per second, {ramp: {from, to}} or {steps: [{rate, for}, …]}, " +
        `got ${field.describe()}`,
    );
  }
  const map = field.map("rateMap");
  if (map == null) return null;
  const keys = map.keys();
  if (keys.length === 0 && map.rejected) return null;
  if (keys.length !== 1) return field.fail("must have exactly one of ramp, steps");
  if (keys[0] === "ramp") {
    const ramp = map.get("ramp").map("ramp");
    if (ramp == null) return ramp === null ? null : map.get("ramp").fail("must be {from, to}");
    const endFields = [ramp.get("from"), ramp.get("to")];
    const ends = endFields.map((end) => end.require() ? end.number({ min: 0 }) : null);
    if (ends.some((end) => end == null)) return null;
    const [from, to] = ends as number[];
    if (from === 0 && to === 0) return map.get("ramp").fail("from and to cannot both be 0");
    return { rate: { kind: "ramp", from, to }, peak: endFields[to >= from ? 1 : 0] };
  }
  const items = map.get("steps").list();
  if (items == null) return items === null ? null : map.get("steps").fail("must list the steps");
  if (items.length === 0) return map.get("steps").fail("must list at least one step");
  const steps: { perSecond: number; forMs: number }[] = [];
  let peak: Field | null = null;
  let peakRate = -1;
  let startMs = 0;
  let ok = true;
  for (const item of items) {
    const step = item.map("step");
    if (step == null) {
      if (step === undefined) item.fail("must be {rate, for}");
      ok = false;
      continue;
    }
    const rateField = step.get("rate");
    const forField = step.get("for");
    const perSecond = rateField.require() ? rateField.number({ min: 0 }) : null;
    const forMs = forField.require() ? forField.duration({ above: 0 }) : null;
    if (perSecond == null || forMs == null) {
      ok = false;
      continue;
    }
    if (loadMs !== null && startMs >= loadMs) {
      item.fail(
        `step starts at ${formatDuration(startMs)}, not before the load ends at ` +
          `${formatDuration(loadMs)} (warmup + duration)`,
      );
      ok = false;
    }
    steps.push({ perSecond, forMs });
    if (perSecond > peakRate) [peak, peakRate] = [rateField, perSecond];
    startMs += forMs;
  }
  if (ok && steps.every((step) => step.perSecond === 0)) {
    return map.get("steps").fail("at least one step must have a rate above 0");
  }
  return ok && peak !== null ? { rate: { kind: "steps", steps }, peak } : null;
}

function readKeys(field: Field): KeySpace | null {
  if (field.absent) return { kind: "none" };
  const value = field.scalar;
  if (typeof value === "number" && Number.isInteger(value) && value >= 1) {
    return { kind: "fixed", count: value };
  }
  if (value === "none" || value === "per-event") return { kind: value };
  return field.fail(`must be none, per-event or a number of keys >= 1, got ${field.describe()}`);
}

/** A `send:` value: `sync`, `pipelined` or `{mode, max.outstanding}`; undefined when absent. */
function readSend(field: Field): SendMode | null | undefined {
  if (field.absent) return undefined;
  if (typeof field.scalar === "string") {
    const mode = field.choice(SEND_MODES);
    return mode == null ? null : { kind: mode, maxOutstanding: DEFAULT_MAX_OUTSTANDING };
  }
  if (!isMap(field.node)) {
    return field.fail(
      `must be sync, pipelined or {mode, max.outstanding}, got ${field.describe()}`,
    );
  }
  const map = field.map("sendMap");
  if (map == null) return null;
  const modeField = map.get("mode");
  const mode = modeField.require() ? modeField.choice(SEND_MODES) : null;
  const maxOutstanding = map.get("max.outstanding").integer(1);
  if (mode == null || maxOutstanding === null) return null;
  return { kind: mode, maxOutstanding: maxOutstanding ?? DEFAULT_MAX_OUTSTANDING };
}

function readExpectations(field: Field): Expectation[] | null {
  const items = field.list();
  if (items == null) return items === undefined ? [] : null;
  const out: Expectation[] = [];
  let ok = true;
  for (const item of items) {
    const text = item.string();
    if (text == null) {
      if (text === undefined) item.fail("must be an expectation such as lost == 0");
      ok = false;
      continue;
    }
    try {
      out.push(parseExpectation(text, { line: item.line, path: item.path }));
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      for (const problem of error.problems) item.fail(problem.message);
      ok = false;
    }
  }
  return ok ? out : null;
}

/** Placeholder until {@link expandClients} resolves a variant that names no client. */
const CLIENT_UNSET = "" as ClientName;

/**
 * `client.properties:` — producer properties given only when the variant runs
 * on that client, such as librdkafka's `socket.timeout.ms`, which other clients
 * do not know. At the top level, for every variant (a variant's own win).
 */
function readClientProperties(field: Field): VariantPlan["clientProperties"] | null {
  const entries = field.entries();
  if (entries === undefined) return {};
  if (entries === null) return null;
  const out: VariantPlan["clientProperties"] = {};
  let ok = true;
  for (const { key, keyOffset, value } of entries) {
    if (!(CLIENT_NAMES as readonly string[]).includes(key)) {
      field.reader.report(
        keyOffset,
        value.path,
        `unknown client "${key}"; expected one of ${CLIENT_NAMES.join(", ")}`,
      );
      ok = false;
      continue;
    }
    const props = value.entries();
    if (props == null) {
      if (props === undefined) value.fail("must be a mapping of producer properties");
      ok = false;
      continue;
    }
    const properties: Record<string, string> = {};
    const lines: Record<string, number> = {};
    for (const { key: name, value: v } of props) {
      // Given here it would reach one client only and override what the report shows.
      const modelled = modelledSettingOf(name);
      if (modelled) {
        const { setting, client } = modelled;
        v.fail(
          (client ? `${name} is ${client}'s name for ${setting}, ` : `${name} is `) +
            `one of sismo's producer settings: set ${client ? setting : "it"} under the ` +
            `variant's producer (every client gets the same value, and the report shows it)`,
        );
        ok = false;
        continue;
      }
      const text = v.propertyValue();
      if (text == null) ok = false;
      else [properties[name], lines[name]] = [text, v.line];
    }
    out[key as ClientName] = { properties, lines };
  }
  return ok ? out : null;
}

/** A variant's `client.properties` over the scenario's: the variant's own win, property by property. */
function withShared(
  own: VariantPlan["clientProperties"],
  shared: VariantPlan["clientProperties"],
): VariantPlan["clientProperties"] {
  const out: VariantPlan["clientProperties"] = {};
  for (const client of CLIENT_NAMES) {
    const [mine, all] = [own[client], shared[client]];
    if (!mine && !all) continue;
    out[client] = {
      properties: { ...all?.properties, ...mine?.properties },
      lines: { ...all?.lines, ...mine?.lines },
    };
  }
  return out;
}

/** Top-level `clients:`; undefined when absent. */
function readClients(field: Field): ClientName[] | null | undefined {
  const items = field.list();
  if (items == null) return items;
  if (items.length === 0) return field.fail(`must list at least one of ${CLIENT_NAMES.join(", ")}`);
  const out: ClientName[] = [];
  for (const item of items) {
    const c = item.choice(CLIENT_NAMES);
    if (c == null) return null;
    if (out.includes(c)) return item.fail(`${c} is listed twice`);
    out.push(c);
  }
  return out;
}

/**
 * Each variant on its client(s): `override` (`--client`) for every variant;
 * else a variant's own `client`; else once per scenario-level `clients` entry
 * (named `<name>-<client>` when there are several), grouped by client; else
 * the default client.
 */
function expandClients(
  field: Field,
  variants: VariantPlan[],
  clients: ClientName[] | undefined,
  override: ClientName | undefined,
): VariantPlan[] | null {
  /** The variant on `client`, with the properties given for that client only. */
  const on = (v: VariantPlan, client: ClientName, name = v.name): VariantPlan => {
    const extra = v.clientProperties[client];
    return {
      ...v,
      name,
      client,
      properties: { ...v.properties, ...extra?.properties },
      propertyLines: { ...v.propertyLines, ...extra?.lines },
    };
  };
  if (override) return variants.map((v) => on(v, override));
  const list = clients ?? [DEFAULT_CLIENT];
  const out: VariantPlan[] = [];
  list.forEach((client, i) => {
    for (const v of variants) {
      if (v.client !== CLIENT_UNSET) {
        if (i === 0) out.push(on(v, v.client));
        continue;
      }
      out.push(on(v, client, list.length > 1 ? `${v.name}-${client}` : v.name));
    }
  });
  const seen = new Set<string>();
  // Names as written are checked by readVariants; only the expanded ones can newly collide.
  for (const v of list.length > 1 ? out : []) {
    if (seen.has(v.name)) {
      return field.fail(
        `variant name "${v.name}" is used twice once each variant runs on every client ` +
          `(${list.join(", ")}): rename the variant`,
      );
    }
    seen.add(v.name);
  }
  return out;
}

function readVariants(
  field: Field,
  loadSend: SendMode | null,
  shared: Expectation[] | null,
  sharedPerClient: VariantPlan["clientProperties"] | null,
): VariantPlan[] | null {
  if (!field.require()) return null;
  const items = field.list();
  if (items == null) return null;
  if (items.length === 0) return field.fail("must list at least one variant");

  const seen = new Map<string, number>();
  const variants = items.map((item): VariantPlan | null => {
    const map = item.map("variant");
    if (map == null) {
      return map === null ? null : item.fail("must be a variant mapping (name, producer, …)");
    }
    const nameField = map.get("name");
    const name = readName(nameField);
    if (name != null) {
      const earlier = seen.get(name);
      if (earlier === undefined) seen.set(name, nameField.line);
      else nameField.fail(`duplicate variant name "${name}" (first on line ${earlier})`);
    }
    const description = readDescription(map.get("description"));
    const client = map.get("client").choice(CLIENT_NAMES);
    const send = readSend(map.get("send"));
    const resendEvery = map.get("app.resend.every").integer(1, 1_000_000);
    const producer = readProducer(map.get("producer"));
    const perClient = readClientProperties(map.get("client.properties"));
    const consumer = readConsumer(map.get("consumer"));
    const expectations = readExpectations(map.get("expect"));
    if (
      name == null || description === null || client === null || send === null ||
      perClient === null || consumer === null ||
      resendEvery === null || producer === null || expectations === null || loadSend === null ||
      shared === null || sharedPerClient === null
    ) {
      return null;
    }
    return {
      name,
      baseName: name,
      description: description?.text ?? "",
      ...(description?.byLang ? { descriptions: description.byLang } : {}),
      // Resolved by expandClients: the variant's own, else the scenario's, else the default.
      client: client ?? CLIENT_UNSET,
      producer: producer.config,
      properties: producer.properties,
      propertyLines: producer.lines,
      clientProperties: withShared(perClient, sharedPerClient),
      send: send ?? { ...loadSend },
      appResendEvery: resendEvery ?? 0,
      ...(consumer ? { consumer } : {}),
      expectations: [
        ...expectations,
        ...shared.map((e) => ({ ...e, source: { ...e.source } })),
      ],
      source: { line: item.line, path: item.path },
    };
  });
  return variants.every((v) => v !== null) ? variants as VariantPlan[] : null;
}
