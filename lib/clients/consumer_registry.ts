/**
 * The clients that can run consumer group members (issue 11), by registry name, beside the
 * producers' registry (`registry.ts`). A client gains a consumer with a `consumer.ts` in its
 * folder and one line here.
 *
 * @module
 */
import type { ConsumerDriverFactory } from "./consumer_contract.ts";
import { kafkajsConsumerClient } from "./kafkajs/consumer.ts";
import { librdkafkaConsumerClient } from "./librdkafka/consumer.ts";

/** Every client with a consumer, by registry name. */
export const CONSUMER_CLIENTS: Readonly<Record<string, ConsumerDriverFactory>> = {
  librdkafka: librdkafkaConsumerClient,
  kafkajs: kafkajsConsumerClient,
};

/** The consumer factory of `name`; throws naming the clients that have one. */
export function consumerFactory(name: string): ConsumerDriverFactory {
  const factory = CONSUMER_CLIENTS[name];
  if (!factory) {
    throw new Error(
      `client ${name} has no consumer in sismo yet (consumers: ${
        Object.keys(CONSUMER_CLIENTS).join(", ")
      })`,
    );
  }
  return factory;
}
