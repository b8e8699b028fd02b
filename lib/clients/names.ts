/**
 * Registry names of the clients, apart from the drivers themselves so that
 * scenario validation can name them without loading any client.
 *
 * @module
 */

/** Every client a scenario may name, in the order help and errors list them. */
export const CLIENT_NAMES = ["librdkafka", "java", "kafkajs"] as const;

/** A client's registry name. */
export type ClientName = typeof CLIENT_NAMES[number];

/**
 * The client a scenario gets when it names none: librdkafka, the engine of
 * Confluent.Kafka, which the course teaches.
 */
export const DEFAULT_CLIENT: ClientName = "librdkafka";

/** Whether `name` is a registered client. */
export function isClientName(name: string): name is ClientName {
  return (CLIENT_NAMES as readonly string[]).includes(name);
}
