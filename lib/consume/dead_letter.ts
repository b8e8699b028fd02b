/**
 * A member's dead-letter producer: a poison record is written, its value unchanged and keyed
 * by where it came from (`<partition>:<offset>`, what an application would put in headers,
 * which sismo's producer contract does not carry), to the dead-letter topic with the
 * member's own client, acks=all and idempotent, and the
 * member moves on only once the write is acknowledged (so that its processing log never
 * says "dead-lettered" for a record the topic does not have). A write that fails is the
 * member's failure: an application that cannot park a poison record must not commit past it.
 *
 * @module
 */
import type { ConnectionSettings } from "../connection/settings.ts";
import type { ConsumedRecord } from "../clients/consumer_contract.ts";
import type { DeliveryReport } from "../clients/contract.ts";
import { CLIENTS } from "../clients/registry.ts";
import { CLIENT_NAMES, type ClientName } from "../clients/names.ts";
import { PRODUCER_DEFAULTS } from "../scenario/producer.ts";

/** A dead-letter writer and its close. */
export interface DeadLetterWriter {
  write(record: ConsumedRecord): Promise<void>;
  close(): Promise<void>;
}

/** Open the dead-letter producer of a member using `client`. */
export async function openDeadLetter(o: {
  client: string;
  bootstrap: string[];
  connection?: ConnectionSettings;
  topic: string;
  clientId: string;
  onClientLog?: (level: "error" | "warn", message: string) => void;
}): Promise<DeadLetterWriter> {
  if (!(CLIENT_NAMES as readonly string[]).includes(o.client)) {
    throw new Error(`no producer for the dead-letter topic with client ${o.client}`);
  }
  const factory = CLIENTS[o.client as ClientName];
  await factory.prepare(() => {});
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let token = 0;
  const driver = await factory.create({
    bootstrap: o.bootstrap,
    connection: o.connection,
    topic: o.topic,
    partitions: 1,
    producer: { ...PRODUCER_DEFAULTS, "enable.idempotence": true, "linger.ms": 0 },
    properties: {},
    clientId: o.clientId,
    // Without verboseLog a driver passes on errors and warnings only.
    onClientLog: (level, message) => {
      if (level === "error" || level === "warn") o.onClientLog?.(level, message);
    },
    onDelivery(report: DeliveryReport) {
      const w = waiting.get(report.token);
      if (!w) return;
      waiting.delete(report.token);
      if (report.error === undefined) w.resolve();
      else w.reject(new Error(`dead-letter write failed: ${report.error}`));
    },
  });
  return {
    write(record) {
      const t = ++token;
      const done = new Promise<void>((resolve, reject) => waiting.set(t, { resolve, reject }));
      driver.send({
        token: t,
        key: deadLetterKey(record.partition, record.offset),
        value: record.value ?? new Uint8Array(0),
      });
      return done;
    },
    async close() {
      await driver.purge();
      await driver.close();
    },
  };
}

/** The key of a dead-letter record: where it came from. */
export function deadLetterKey(partition: number, offset: number): string {
  return `${partition}:${offset}`;
}

/** Where a dead-letter record came from, from its key; null for a key of another form. */
export function deadLetterSource(
  key: Uint8Array | null,
): { partition: number; offset: number } | null {
  const m = key ? /^(\d+):(\d+)$/.exec(new TextDecoder().decode(key)) : null;
  return m ? { partition: Number(m[1]), offset: Number(m[2]) } : null;
}
