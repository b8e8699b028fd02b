/**
 * "Did you mean …?" for mistyped names: edit distance, and the names other
 * Kafka clients use for the same producer settings (librdkafka, Confluent.Kafka
 * for .NET, kafka-python, KafkaJS).
 *
 * @example
 * ```ts
 * import { closest, normalizeName } from "./suggest.ts";
 *
 * closest("ack", ["acks", "retries"]); // "acks"
 * normalizeName("EnableIdempotence"); // "enable.idempotence"
 * ```
 * @module
 */

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of
 * two adjacent characters (optimal string alignment), case-insensitive.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= t.length; j++) d[0][j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[s.length][t.length];
}

/**
 * The candidate closest to `name`, or undefined when none is close enough to
 * be a likely typo. A candidate that extends `name` by a dotted suffix
 * (`linger` → `linger.ms`) always counts as close.
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const extension = candidates.find((c) => c.toLowerCase().startsWith(`${lower}.`));
  if (extension !== undefined && lower.length >= 3) return extension;
  const completions = candidates.filter((c) => c.toLowerCase().startsWith(lower));
  if (completions.length === 1 && lower.length >= 2) return completions[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Allow about one edit per three characters, at least two: typos, not other words.
  const limit = Math.max(2, Math.ceil(Math.min(name.length, best?.length ?? 0) / 3));
  return bestDistance <= limit ? best : undefined;
}

/**
 * Kafka's dotted form of a property name written in another client's style:
 * `EnableIdempotence` / `enableIdempotence` / `enable_idempotence` →
 * `enable.idempotence`.
 */
export function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1.$2")
    .replace(/[_\-\s]+/g, ".")
    .toLowerCase();
}

/**
 * Producer property names of other clients that differ from Kafka's, keyed by
 * their {@link normalizeName} form so .NET's `MessageTimeoutMs` and
 * kafka-python's `message_timeout_ms` find `message.timeout.ms` here.
 */
export const PRODUCER_ALIASES: Readonly<Record<string, { use: string; client: string }>> = {
  "message.timeout.ms": { use: "delivery.timeout.ms", client: "librdkafka" },
  "queue.buffering.max.ms": { use: "linger.ms", client: "librdkafka" },
  "message.send.max.retries": { use: "retries", client: "librdkafka" },
  "max.in.flight": { use: "max.in.flight.requests.per.connection", client: "librdkafka" },
  "request.required.acks": { use: "acks", client: "librdkafka" },
  "compression.codec": { use: "compression.type", client: "librdkafka" },
  idempotent: { use: "enable.idempotence", client: "KafkaJS" },
  "max.in.flight.requests": { use: "max.in.flight.requests.per.connection", client: "KafkaJS" },
};

/**
 * The Kafka setting another client's producer property `name` (in any naming style) stands
 * for, or undefined. Own keys only: `constructor` is a property of every object, not an alias.
 */
export function producerAliasOf(name: string): { use: string; client: string } | undefined {
  const key = normalizeName(name);
  return Object.hasOwn(PRODUCER_ALIASES, key) ? PRODUCER_ALIASES[key] : undefined;
}

/**
 * Which client's naming style `name` is written in, for messages:
 * PascalCase is Confluent.Kafka (.NET), snake_case kafka-python.
 */
export function clientOfName(name: string): string | undefined {
  if (/^[A-Z][A-Za-z0-9]*$/.test(name)) return "Confluent.Kafka's .NET";
  if (/^[a-z0-9]+(_[a-z0-9]+)+$/.test(name)) return "kafka-python's";
  return undefined;
}
