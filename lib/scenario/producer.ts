/**
 * The `producer:` mapping of a variant: Kafka producer properties, checked
 * one by one and together (Kafka's own rules for idempotence and timeouts),
 * with defaults resolved.
 *
 * @module
 */
import { ACKS_VALUES, COMPRESSION_TYPES, SECTION_KEYS } from "./keys.ts";
import { type Field, MapView } from "./reader.ts";
import type { ProducerConfig } from "./types.ts";
import { isPassThroughProducerProperty, unknownKeyMessage } from "./unknown_key.ts";
import { producerAliasOf } from "./suggest.ts";

/** A variant's `producer:` mapping, read. */
export interface ProducerSection {
  /** sismo's modelled properties, defaults resolved. */
  config: ProducerConfig;
  /** Other properties, passed through to the client unchanged (values as text). */
  properties: Record<string, string>;
  /** Line of every property written, modelled or passed through. */
  lines: Record<string, number>;
}

/** Producer defaults (librdkafka's / Confluent.Kafka's where Kafka's Java client differs). */
export const PRODUCER_DEFAULTS: Readonly<ProducerConfig> = {
  acks: "all",
  "enable.idempotence": false,
  "max.in.flight.requests.per.connection": 5,
  retries: 2147483647,
  "retry.backoff.ms": 100,
  "retry.backoff.max.ms": 1000,
  "request.timeout.ms": 30000,
  "delivery.timeout.ms": 120000,
  "linger.ms": 5,
  "batch.size": 16384,
  "compression.type": "none",
};

const INT32_MAX = 2147483647;

/**
 * The modelled setting `name` stands for: itself (`linger.ms`), or the one another client's
 * name means (librdkafka's `queue.buffering.max.ms`, with that client); null for any other.
 */
export function modelledSettingOf(name: string): { setting: string; client?: string } | null {
  if ((SECTION_KEYS.producer as readonly string[]).includes(name)) return { setting: name };
  const alias = producerAliasOf(name);
  return alias ? { setting: alias.use, client: alias.client } : null;
}

/**
 * Read a `producer:` mapping (absent means all defaults). Returns null when a
 * problem was recorded.
 */
export function readProducer(field: Field): ProducerSection | null {
  const map = field.absent ? new MapView(field, new Map()) : field.mapWith(
    SECTION_KEYS.producer,
    (key) => isPassThroughProducerProperty(key) ? null : unknownKeyMessage("producer", key),
  );
  if (map == null) return null;
  const config = readModelled(map);
  const properties: Record<string, string> = {};
  const lines: Record<string, number> = {};
  for (const key of map.keys()) lines[key] = map.get(key).line;
  let ok = config !== null;
  for (const [key, value] of map.extras()) {
    lines[key] = value.line;
    const text = value.propertyValue();
    if (text == null) ok = false;
    else properties[key] = text;
  }
  return ok && config ? { config, properties, lines } : null;
}

function readModelled(map: MapView): ProducerConfig | null {
  const get = (key: keyof ProducerConfig) => map.get(key);

  const acksField = get("acks");
  const acks = readAcks(acksField);
  const idempotenceField = get("enable.idempotence");
  const idempotence = idempotenceField.boolean();
  const maxInFlightField = get("max.in.flight.requests.per.connection");
  const maxInFlight = maxInFlightField.integer(1, INT32_MAX);
  const retriesField = get("retries");
  const retries = retriesField.integer(0, INT32_MAX);
  const backoff = get("retry.backoff.ms").integer(0, INT32_MAX);
  const backoffMaxField = get("retry.backoff.max.ms");
  const backoffMax = backoffMaxField.integer(0, INT32_MAX);
  const requestTimeout = get("request.timeout.ms").number({
    integer: true,
    above: 0,
    max: INT32_MAX,
  });
  const deliveryTimeoutField = get("delivery.timeout.ms");
  const deliveryTimeout = deliveryTimeoutField.integer(0, INT32_MAX);
  const linger = get("linger.ms").integer(0, INT32_MAX);
  const batchSize = get("batch.size").integer(1, INT32_MAX);
  const compression = get("compression.type").choice(COMPRESSION_TYPES);

  const config: ProducerConfig = {
    acks: acks ?? PRODUCER_DEFAULTS.acks,
    "enable.idempotence": idempotence ?? PRODUCER_DEFAULTS["enable.idempotence"],
    "max.in.flight.requests.per.connection": maxInFlight ??
      PRODUCER_DEFAULTS["max.in.flight.requests.per.connection"],
    retries: retries ?? PRODUCER_DEFAULTS.retries,
    "retry.backoff.ms": backoff ?? PRODUCER_DEFAULTS["retry.backoff.ms"],
    // Unset, Kafka backs off at retry.backoff.ms when that exceeds the default maximum.
    "retry.backoff.max.ms": backoffMax ??
      Math.max(PRODUCER_DEFAULTS["retry.backoff.max.ms"], backoff ?? 0),
    "request.timeout.ms": requestTimeout ?? PRODUCER_DEFAULTS["request.timeout.ms"],
    // Unset, Kafka raises delivery.timeout.ms to linger.ms + request.timeout.ms.
    "delivery.timeout.ms": deliveryTimeout ??
      Math.max(
        PRODUCER_DEFAULTS["delivery.timeout.ms"],
        (linger ?? PRODUCER_DEFAULTS["linger.ms"]) +
          (requestTimeout ?? PRODUCER_DEFAULTS["request.timeout.ms"]),
      ),
    "linger.ms": linger ?? PRODUCER_DEFAULTS["linger.ms"],
    "batch.size": batchSize ?? PRODUCER_DEFAULTS["batch.size"],
    "compression.type": compression ?? PRODUCER_DEFAULTS["compression.type"],
  };
  const valid = [
    acks,
    idempotence,
    maxInFlight,
    retries,
    backoff,
    backoffMax,
    requestTimeout,
    deliveryTimeout,
    linger,
    batchSize,
    compression,
  ].every((value) => value !== null);
  if (!valid) return null;

  let consistent = true;
  const conflict = (at: Field, message: string) => {
    at.fail(message);
    consistent = false;
  };
  if (config["enable.idempotence"]) {
    const since = `enable.idempotence: true on line ${idempotenceField.line}`;
    if (config.acks !== "all") conflict(acksField, `idempotence requires acks=all (${since})`);
    if (config["max.in.flight.requests.per.connection"] > 5) {
      conflict(
        maxInFlightField,
        `idempotence requires max.in.flight.requests.per.connection <= 5 (${since})`,
      );
    }
    if (config.retries === 0) conflict(retriesField, `idempotence requires retries > 0 (${since})`);
  }
  if (backoffMax != null && config["retry.backoff.max.ms"] < config["retry.backoff.ms"]) {
    conflict(
      backoffMaxField,
      `must be >= retry.backoff.ms (${config["retry.backoff.ms"]}), got ${backoffMax}`,
    );
  }
  const minDelivery = config["linger.ms"] + config["request.timeout.ms"];
  if (deliveryTimeout != null && deliveryTimeout < minDelivery) {
    conflict(
      deliveryTimeoutField,
      `must be >= linger.ms + request.timeout.ms (${config["linger.ms"]} + ` +
        `${config["request.timeout.ms"]} = ${minDelivery}), got ${deliveryTimeout}`,
    );
  }
  return consistent ? config : null;
}

function readAcks(field: Field): ProducerConfig["acks"] | null | undefined {
  if (field.absent) return undefined;
  const value = field.scalar;
  if (
    (typeof value === "string" || typeof value === "number") && Object.hasOwn(ACKS_VALUES, value)
  ) {
    return ACKS_VALUES[String(value)];
  }
  return field.fail(`must be all, -1, 1 or 0, got ${field.describe()}`);
}
