/**
 * The message for a property name a mapping does not accept: the likely
 * intended name when there is one (a typo, another client's name for the same
 * setting, or a property that belongs in another mapping).
 *
 * @module
 */
import { type Section, SECTION_KEYS } from "./keys.ts";
import {
  clientOfName,
  closest,
  editDistance,
  normalizeName,
  PRODUCER_ALIASES,
  producerAliasOf,
} from "./suggest.ts";

/** Mappings where a property of another mapping is a likely slip, and how to say where it goes. */
const NEIGHBOURS: Partial<Record<Section, readonly { section: Section; where: string }[]>> = {
  scenario: [
    { section: "cluster", where: "under cluster" },
    { section: "topic", where: "under topic" },
    { section: "load", where: "under load" },
    { section: "producer", where: "under a variant's producer" },
  ],
  variant: [{ section: "producer", where: "under producer" }],
  producer: [
    { section: "topic", where: "under topic (it is a topic setting)" },
    { section: "variant", where: "at the variant level, beside producer" },
  ],
  load: [{ section: "scenario", where: "at the top level" }],
  cluster: [{ section: "topic", where: "under topic" }],
  topic: [{ section: "cluster", where: "under cluster" }],
};

/** Why a key is unknown: what {@link unknownKeyMessage} found it to be. */
type UnknownKind = "alias" | "normalized" | "neighbour" | "typo" | "alias-typo" | "none";

/**
 * Producer properties sismo does not model but a client may know
 * (`partitioner`, `queue.buffering.max.kbytes`, `socket.nagle.disable`…):
 * Kafka-style names that are not another client's name for a modelled
 * property, not a typo of one, and not a property of another mapping. They
 * pass through to the client, which accepts or rejects them before anything
 * starts. A near miss of another client's alias (`queue.buffering.max.kbytes`
 * is close to `queue.buffering.max.ms`) is a real property and passes.
 */
export function isPassThroughProducerProperty(key: string): boolean {
  if (!/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/.test(key)) return false;
  const { kind, guess } = explain("producer", key);
  if (kind === "none" || kind === "alias-typo") return true;
  // A typo is a slip of a letter or two (`acsk`, `linger`); a name a whole word away from a
  // modelled one (`socket.timeout.ms` against `request.timeout.ms`) is another property.
  return kind === "typo" && guess !== undefined && !guess.startsWith(key) &&
    editDistance(key, guess) > 2;
}

/** Why `key` is not accepted in a `section` mapping, with a suggestion when one is likely. */
export function unknownKeyMessage(section: Section, key: string): string {
  return explain(section, key).message;
}

function explain(
  section: Section,
  key: string,
): { kind: UnknownKind; message: string; guess?: string } {
  const known: readonly string[] = SECTION_KEYS[section];
  // Language codes are too short for "did you mean": "de" is no typo of "en".
  if (section === "description") {
    return {
      kind: "none",
      message: `unknown language "${key}"; a description is written in ${known.join(" or ")}`,
    };
  }
  const normalized = normalizeName(key);
  const didYouMean = (name: string) => `unknown property; did you mean "${name}"?`;
  const use = (name: string, client: string) =>
    `unknown property; use "${name}" (${key} is ${client} name for the same setting)`;

  if (section === "producer") {
    const alias = producerAliasOf(key);
    if (alias !== undefined) {
      return { kind: "alias", message: use(alias.use, clientOfName(key) ?? `${alias.client}'s`) };
    }
  }
  if (normalized !== key && known.includes(normalized)) {
    return {
      kind: "normalized",
      message: use(normalized, clientOfName(key) ?? "another client's"),
    };
  }
  for (const { section: other, where } of NEIGHBOURS[section] ?? []) {
    const otherKeys: readonly string[] = SECTION_KEYS[other];
    const name = otherKeys.includes(key) ? key : otherKeys.includes(normalized) ? normalized : "";
    if (name !== "") {
      return { kind: "neighbour", message: `unknown property; "${name}" belongs ${where}` };
    }
  }
  const guess = closest(key, known) ?? closest(normalized, known);
  if (guess !== undefined) return { kind: "typo", message: didYouMean(guess), guess };
  if (section === "producer") {
    const aliasGuess = closest(normalized, Object.keys(PRODUCER_ALIASES));
    if (aliasGuess !== undefined) {
      return { kind: "alias-typo", message: didYouMean(PRODUCER_ALIASES[aliasGuess].use) };
    }
  }
  return { kind: "none", message: `unknown property; expected one of: ${known.join(", ")}` };
}
