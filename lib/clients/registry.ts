/**
 * The client registry: scenario files name a client (`client: librdkafka`) and
 * the runner finds its driver here. Adding a client means a new folder under
 * `lib/clients/`, its name in `names.ts` and one line below, nothing else (as
 * OpenMessaging Benchmark picks its driver class by name from the workload file).
 *
 * @module
 */
import type { ClientDriverFactory } from "./contract.ts";
import type { ClientName } from "./names.ts";
import { kafkajsClient } from "./kafkajs/driver.ts";
import { librdkafkaClient } from "./librdkafka/driver.ts";
import { javaClient } from "./java/driver.ts";

/** Every client sismo can drive, by registry name. */
export const CLIENTS: Readonly<Record<ClientName, ClientDriverFactory>> = {
  librdkafka: librdkafkaClient,
  java: javaClient,
  kafkajs: kafkajsClient,
};

/** The factory of a registered client. */
export function clientFactory(name: ClientName): ClientDriverFactory {
  return CLIENTS[name];
}
