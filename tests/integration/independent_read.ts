/**
 * An independent read of a run's topic for the integration tests: a plain KafkaJS consumer
 * and a DataView, none of sismo's verify code.
 */
import "../../lib/stack/quiet_kafkajs.ts";
import { Kafka, logLevel } from "kafkajs";

export interface IndependentRead {
  records: number;
  distinct: number;
  extraCopies: number;
  eventsWithCopies: number;
  foreign: number;
  reordered: number;
}

/** Read the whole topic with a plain consumer; decode the header with a DataView. */
export async function independentRead(
  bootstrap: string[],
  topic: string,
  runIdHex: string,
  keyCount: number,
): Promise<IndependentRead> {
  const kafka = new Kafka({
    clientId: "independent",
    brokers: bootstrap,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const expected = offsets.reduce((s, o) => s + Number(o.high) - Number(o.low), 0);
  const copies = new Map<number, number>();
  const maxSeqByGroup = new Map<string, number>();
  let records = 0, foreign = 0, reordered = 0;
  const consumer = kafka.consumer({ groupId: `independent-${crypto.randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("independent read timed out")), 60000);
    consumer.run({
      eachMessage: ({ partition, message }) => {
        records++;
        const v = message.value!;
        const hex = Array.from(v.subarray(4, 12), (b) => b.toString(16).padStart(2, "0")).join("");
        if (v.length < 32 || v.toString("latin1", 0, 4) !== "SSM1" || hex !== runIdHex) {
          foreign++;
        } else {
          const seq = new DataView(v.buffer, v.byteOffset, v.length).getFloat64(16);
          const n = (copies.get(seq) ?? 0) + 1;
          copies.set(seq, n);
          if (n === 1) {
            const group = `${partition}/${seq % keyCount}`;
            const max = maxSeqByGroup.get(group) ?? -1;
            if (seq < max) reordered++;
            else maxSeqByGroup.set(group, seq);
          }
        }
        if (records === expected) {
          clearTimeout(timer);
          resolve();
        }
        return Promise.resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  let extraCopies = 0, eventsWithCopies = 0;
  for (const n of copies.values()) {
    if (n > 1) {
      eventsWithCopies++;
      extraCopies += n - 1;
    }
  }
  return { records, distinct: copies.size, extraCopies, eventsWithCopies, foreign, reordered };
}
