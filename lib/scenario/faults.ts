/**
 * The `faults:` timeline: what goes wrong, where and when, checked against
 * the cluster, the topic and the length of the load.
 *
 * @module
 */
import { isMap, isSeq } from "yaml";
import { formatDuration } from "./duration.ts";
import { BROKER_OPS, MEMBER_OPS, STREAMS, TOXIC_ATTRIBUTES, TOXIC_TYPES } from "./keys.ts";
import type { Field, MapView } from "./reader.ts";
import { closest } from "./suggest.ts";
import type { FaultAction, FaultPlan, FaultTarget } from "./types.ts";

/** What a fault is checked against; null members were invalid and skip their checks. */
export interface FaultContext {
  brokers: number | null;
  partitions: number | null;
  replicationFactor: number | null;
  /** warmup + duration, ms. */
  loadMs: number | null;
}

/** Read the `faults:` list (absent: no faults). Returns null when a problem was recorded. */
export function readFaults(field: Field, context: FaultContext): FaultPlan[] | null {
  const items = field.list();
  if (items === null) return null;
  const faults = (items ?? []).map((item, i) => readFault(item, `f${i + 1}`, context));
  return faults.every((fault) => fault !== null) ? faults : null;
}

function readFault(item: Field, id: string, context: FaultContext): FaultPlan | null {
  const map = item.map("fault");
  if (map == null) return map === undefined ? item.fail("must be a fault mapping (at, …)") : null;

  const atField = map.get("at");
  const at = atField.require() ? atField.duration() : null;
  const forField = map.get("for");
  const forMs = forField.duration({ above: 0 });
  let timed = at != null && forMs !== null;
  if (at != null && context.loadMs !== null) {
    const load = `${formatDuration(context.loadMs)} (warmup + duration)`;
    if (at >= context.loadMs) {
      atField.fail(`fault starts at ${formatDuration(at)}, not before the load ends at ${load}`);
      timed = false;
    } else if (forMs != null && at + forMs > context.loadMs) {
      forField.fail(
        `fault ends after the load: ${formatDuration(at)} + ${formatDuration(forMs)} = ` +
          `${formatDuration(at + forMs)} > ${load}; leave out "for" to last until the end`,
      );
      timed = false;
    }
  }

  const read = readAction(item, map);
  const action = read && withConnections(map, read);
  const target = action?.kind === "member"
    ? readMemberTarget(map.get("target"), action.op)
    : readTarget(map.get("target"), context);
  if (!timed || action === null || target === null || at == null) return null;
  return {
    id,
    label: labelOf(action, target),
    atMs: at,
    forMs: forMs ?? null,
    target,
    action,
    source: { line: item.line, path: item.path },
  };
}

const ACTION_KEYS = ["toxic", "broker", "proxy", "member"] as const;
const TOXIC_ONLY = ["stream", "toxicity", "attributes"] as const;

function readAction(item: Field, map: MapView): FaultAction | null {
  const given = ACTION_KEYS.filter((key) => map.has(key));
  if (given.length === 0) return item.fail("needs one of toxic, broker, proxy or member");
  if (given.length > 1) {
    return map.get(given[1]).fail(`one action per fault: ${given.join(" and ")} given`);
  }
  if (given[0] !== "toxic") {
    let ok = true;
    for (const key of TOXIC_ONLY) {
      if (!map.has(key)) continue;
      map.get(key).fail(`only toxic faults take ${key}`);
      ok = false;
    }
    if (given[0] === "proxy") {
      const down = map.get("proxy").choice(["down"] as const);
      return ok && down != null ? { kind: "proxy-down" } : null;
    }
    if (given[0] === "member") {
      const op = map.get("member").choice(MEMBER_OPS);
      return ok && op != null ? { kind: "member", op } : null;
    }
    const op = map.get("broker").choice(BROKER_OPS);
    return ok && op != null ? { kind: "broker", op } : null;
  }

  const type = map.get("toxic").choice(TOXIC_TYPES);
  const stream = map.get("stream").choice(STREAMS);
  const toxicity = map.get("toxicity").number({ min: 0, max: 1 });
  if (type == null) return null;
  const attributes = readAttributes(map.get("attributes"), item, type);
  if (stream === null || toxicity === null || attributes === null) return null;
  return {
    kind: "toxic",
    type,
    stream: stream ?? "downstream",
    toxicity: toxicity ?? 1,
    attributes,
  };
}

/**
 * The action with `connections: {member: N}` read into it: the member whose connections a toxic or
 * proxy fault hits (its own proxies); as it is when absent (every client's); null after a problem.
 */
function withConnections(map: MapView, action: FaultAction): FaultAction | null {
  const field = map.get("connections");
  if (field.absent) return action;
  if (action.kind !== "toxic" && action.kind !== "proxy-down") {
    return field.fail(
      `only toxic and proxy faults take connections; a ${action.kind} fault hits ` +
        (action.kind === "member" ? "the member process itself" : "the broker itself"),
    );
  }
  if (!isMap(field.node)) {
    return field.fail(
      `must be {member: N}, a member's index in its group, got ${field.describe()}`,
    );
  }
  const connections = field.map("connections");
  if (connections == null) return null;
  const member = connections.get("member");
  if (!member.require()) return null;
  const index = member.integer(0);
  if (index == null) {
    return index === null ? null : member.fail("must be a member's index in its group (0, 1, …)");
  }
  return { ...action, member: index };
}

function readAttributes(
  field: Field,
  item: Field,
  type: keyof typeof TOXIC_ATTRIBUTES,
): Record<string, number> | null {
  const spec = TOXIC_ATTRIBUTES[type];
  const names = Object.keys(spec);
  const map = field.absent ? undefined : field.mapWith(names, (key) => {
    const guess = closest(key, names);
    const hint = guess === undefined
      ? `${type} takes ${names.join(", ")}`
      : `did you mean "${guess}"?`;
    return `unknown attribute of ${type}; ${hint}`;
  });
  if (map === null) return null;
  const out: Record<string, number> = {};
  let ok = true;
  for (const [name, attribute] of Object.entries(spec)) {
    const value = map?.get(name).integer(attribute.min);
    if (value === null) ok = false;
    else if (value !== undefined) out[name] = value;
    else if (attribute.default !== undefined) out[name] = attribute.default;
    else if (map?.get(name).misspelled) ok = false;
    else {
      (map === undefined ? item : field).fail(
        `${type} needs attribute ${name} (${attribute.unit}), e.g. attributes: {${name}: …}`,
      );
      ok = false;
    }
  }
  if (ok && type === "slicer" && out.size_variation >= out.average_size) {
    return map!.get("size_variation").fail(
      `must be smaller than average_size (${out.average_size}): slices cannot be empty`,
    );
  }
  return ok ? out : null;
}

function readTarget(field: Field, context: FaultContext): FaultTarget | null {
  if (field.absent) return { kind: "all" };
  if (isSeq(field.node)) {
    const items = field.list()!;
    if (items.length === 0) return field.fail("must list at least one broker id");
    const ids: number[] = [];
    for (const item of items) {
      const id = brokerId(item, context);
      if (id === null) return null;
      if (ids.includes(id)) return item.fail(`broker ${id} listed twice`);
      ids.push(id);
    }
    return { kind: "brokers", ids };
  }
  if (isMap(field.node)) {
    const map = field.map("targetMap");
    if (map == null) return null;
    const keys = map.keys();
    if (keys.length === 0 && map.rejected) return null;
    if (keys.length !== 1) return field.fail("must have exactly one of leader-of, followers-of");
    const partitionField = map.get(keys[0]);
    const partition = partitionField.integer(0);
    if (partition == null) {
      return partition === null ? null : partitionField.fail("must be a partition number");
    }
    const kind = keys[0] === "leader-of" ? "leader" : "followers";
    return partitionTarget(partitionField, kind, partition, context);
  }
  const value = field.scalar;
  if (typeof value === "number") {
    const id = brokerId(field, context);
    return id === null ? null : { kind: "brokers", ids: [id] };
  }
  if (typeof value === "string") {
    const word = field.choice(["all", "leader", "followers", "coordinator"] as const);
    if (word == null) return null;
    if (word === "all" || word === "coordinator") return { kind: word };
    return partitionTarget(field, word, 0, context);
  }
  return field.fail(
    "must be all, a broker id, a list of ids, leader, followers, coordinator, {leader-of: P} " +
      `or {followers-of: P}, got ${field.describe()}`,
  );
}

/**
 * A member fault's target: the member's index in its group, from 0 (default 0); a member that
 * joins has none (it is the next one).
 */
function readMemberTarget(field: Field, op: string): FaultTarget | null {
  if (op === "join") {
    return field.absent
      ? { kind: "new-member" }
      : field.fail("a joining member is a new one, the group's next: join takes no target");
  }
  if (field.absent) return { kind: "member", index: 0 };
  const index = field.integer(0);
  if (index == null) {
    return index === null ? null : field.fail("must be a member's index in its group (0, 1, …)");
  }
  return { kind: "member", index };
}

function brokerId(field: Field, context: FaultContext): number | null {
  const id = field.integer();
  if (id == null) return id === null ? null : field.fail("must be a broker id");
  const brokers = context.brokers ?? Infinity;
  if (id < 1 || id > brokers) {
    return field.fail(`no broker ${id}: broker ids are 1..${context.brokers} (cluster.brokers)`);
  }
  return id;
}

function partitionTarget(
  field: Field,
  kind: "leader" | "followers",
  partition: number,
  context: FaultContext,
): FaultTarget | null {
  if (context.partitions !== null && partition >= context.partitions) {
    return field.fail(
      `partition ${partition} does not exist: the topic has ${context.partitions} partition(s)`,
    );
  }
  if (kind === "followers" && context.replicationFactor !== null && context.replicationFactor < 2) {
    return field.fail(
      `followers need replication.factor >= 2 (it is ${context.replicationFactor}): ` +
        "with one replica there are none",
    );
  }
  return { kind, partition };
}

/** The human label of a fault: `latency 3000ms downstream on all`, `kill leader of partition 0`. */
export function labelOf(action: FaultAction, target: FaultTarget): string {
  const where = targetText(target);
  switch (action.kind) {
    case "proxy-down":
      return `proxy down on ${where}${connectionsText(action)}`;
    case "broker":
      return `${action.op} ${target.kind === "all" ? "all brokers" : where}`;
    case "member":
      return action.op === "join"
        ? "a new member joins the consumer group"
        : `${action.op} consumer group ${where}`;
    case "toxic": {
      const share = action.toxicity < 1 ? `, toxicity ${action.toxicity}` : "";
      return `${toxicText(action.type, action.attributes)} ${action.stream} on ${where}${share}${
        connectionsText(action)
      }`;
    }
  }
}

function connectionsText(action: { member?: number }): string {
  return action.member === undefined ? "" : `, member ${action.member}'s connections`;
}

function targetText(target: FaultTarget): string {
  switch (target.kind) {
    case "all":
      return "all";
    case "brokers":
      return `${target.ids.length === 1 ? "broker" : "brokers"} ${target.ids.join(",")}`;
    case "leader":
      return `leader of partition ${target.partition}`;
    case "followers":
      return `followers of partition ${target.partition}`;
    case "coordinator":
      return "the group coordinator";
    case "member":
      return `member ${target.index}`;
    case "new-member":
      return "a new member";
  }
}

function toxicText(type: string, a: Record<string, number>): string {
  switch (type) {
    case "latency":
      return `latency ${a.latency}ms${a.jitter > 0 ? ` ±${a.jitter}ms` : ""}`;
    case "bandwidth":
      return `bandwidth ${a.rate}KB/s`;
    case "slow_close":
      return `slow_close ${a.delay}ms`;
    case "timeout":
      return a.timeout === 0 ? "timeout forever" : `timeout ${a.timeout}ms`;
    case "reset_peer":
      return a.timeout === 0 ? "reset_peer" : `reset_peer after ${a.timeout}ms`;
    case "slicer":
      return `slicer ${a.average_size}B`;
    case "limit_data":
      return `limit_data ${a.bytes}B`;
    default:
      return type;
  }
}

/** The member whose connections a toxic or proxy fault hits; undefined: every client's. */
export function connectionsMember(action: FaultAction): number | undefined {
  return action.kind === "toxic" || action.kind === "proxy-down" ? action.member : undefined;
}

/**
 * The one member of each group whose connections the timeline faults (it connects through the
 * member proxies), or null when no fault names one.
 */
export function faultedMember(faults: readonly FaultPlan[]): number | null {
  for (const f of faults) {
    const member = connectionsMember(f.action);
    if (member !== undefined) return member;
  }
  return null;
}
