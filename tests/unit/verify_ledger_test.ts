import { deepStrictEqual, throws } from "node:assert/strict";
import { Ledger } from "../../lib/verify/ledger.ts";

Deno.test("ledger: counts follow every transition", () => {
  const ledger = new Ledger(10);
  for (let seq = 0; seq < 8; seq++) ledger.markSent(seq);
  ledger.markNotSent(8);
  ledger.markNotSent(9);
  for (let seq = 0; seq < 5; seq++) ledger.markAcked(seq, seq % 3, 100 + seq);
  ledger.markFailed(5, "timeout");
  ledger.markFailed(6, "timeout");
  deepStrictEqual(ledger.counts(), { intended: 10, sent: 8, acked: 5, failed: 2, notSent: 2 });
  deepStrictEqual(ledger.pending, 1);
  deepStrictEqual(ledger.size, 10);
  deepStrictEqual(ledger.status(0), "acked");
  deepStrictEqual(ledger.status(5), "failed");
  deepStrictEqual(ledger.status(7), "pending");
  deepStrictEqual(ledger.status(8), "not-sent");
  deepStrictEqual(ledger.ackPartition(4), 1);
  deepStrictEqual(ledger.ackOffset(4), 104);
  deepStrictEqual(ledger.ackPartition(7), -1);
  deepStrictEqual(ledger.errorOf(5), "timeout");
  deepStrictEqual(ledger.errorOf(0), null);
});

Deno.test("ledger: size is the highest marked sequence plus one", () => {
  const ledger = new Ledger(100);
  deepStrictEqual(ledger.size, 0);
  ledger.markSent(41);
  deepStrictEqual(ledger.size, 42);
  ledger.markNotSent(3);
  deepStrictEqual(ledger.size, 42);
  deepStrictEqual(ledger.status(20), "unused");
});

Deno.test("ledger: a late ack after a failure keeps the event failed", () => {
  const ledger = new Ledger(3);
  ledger.markSent(0);
  ledger.markFailed(0, "Request timed out");
  ledger.markAcked(0, 2, 77);
  deepStrictEqual(ledger.status(0), "failed");
  deepStrictEqual(ledger.isAckedAfterFailure(0), true);
  deepStrictEqual(ledger.ackedAfterFailure, 1);
  deepStrictEqual(ledger.ackPartition(0), 2);
  deepStrictEqual(ledger.ackOffset(0), 77);
  deepStrictEqual(ledger.counts(), { intended: 1, sent: 1, acked: 0, failed: 1, notSent: 0 });
  // A second late ack changes nothing.
  ledger.markAcked(0, 1, 5);
  deepStrictEqual(ledger.ackedAfterFailure, 1);
  deepStrictEqual(ledger.ackPartition(0), 2);
});

Deno.test("ledger: the first answer stands, later failures are still counted as errors", () => {
  const ledger = new Ledger(2);
  ledger.markSent(0);
  ledger.markAcked(0, 0, 1);
  ledger.markFailed(0, "late error");
  ledger.markAcked(0, 1, 9);
  deepStrictEqual(ledger.status(0), "acked");
  deepStrictEqual(ledger.ackPartition(0), 0);
  deepStrictEqual(ledger.counts().failed, 0);
  deepStrictEqual(ledger.errors(), [{ message: "late error", count: 1 }]);
});

Deno.test("ledger: invalid transitions and sequences throw", () => {
  const ledger = new Ledger(4);
  throws(() => ledger.markAcked(0, 0, 0), /never sent/);
  throws(() => ledger.markFailed(1), /never sent/);
  ledger.markNotSent(2);
  throws(() => ledger.markAcked(2, 0, 0), /never sent/);
  throws(() => ledger.markSent(2), /not-sent/);
  ledger.markSent(3);
  throws(() => ledger.markSent(3), /pending/);
  throws(() => ledger.markAcked(3, -1, 0), RangeError);
  throws(() => ledger.markAcked(3, 40000, 0), RangeError);
  throws(() => ledger.markSent(4), RangeError);
  throws(() => ledger.markSent(-1), RangeError);
  throws(() => ledger.markSent(1.5), RangeError);
  throws(() => new Ledger(-1), RangeError);
});

Deno.test("ledger: errors are grouped by message, most frequent first", () => {
  const ledger = new Ledger(10);
  const messages = ["b", "a", "c", "a", "c", "a", "d", "d", "b"];
  messages.forEach((message, seq) => {
    ledger.markSent(seq);
    ledger.markFailed(seq, message);
  });
  ledger.markSent(9);
  ledger.markFailed(9);
  deepStrictEqual(ledger.errors(), [
    { message: "a", count: 3 },
    { message: "b", count: 2 },
    { message: "c", count: 2 },
    { message: "d", count: 2 },
    { message: "unknown error", count: 1 },
  ]);
  deepStrictEqual(ledger.errorOf(6), "d");
});

Deno.test("ledger: beyond 254 distinct messages, errors share one 'other' group", () => {
  const ledger = new Ledger(300);
  for (let seq = 0; seq < 300; seq++) {
    ledger.markSent(seq);
    ledger.markFailed(seq, `error ${seq}`);
  }
  const errors = ledger.errors();
  deepStrictEqual(errors.length, 255);
  deepStrictEqual(errors[0].count, 300 - 254);
  deepStrictEqual(errors[0].message.startsWith("(other"), true);
  deepStrictEqual(ledger.errorOf(253), "error 253");
  deepStrictEqual(ledger.errorOf(299), errors[0].message);
  deepStrictEqual(errors.reduce((sum, e) => sum + e.count, 0), 300);
});

Deno.test("ledger: per-event state fits the memory budget", () => {
  const ledger = new Ledger(1000);
  deepStrictEqual(ledger.bytesPerEvent, 12);
  deepStrictEqual(new Ledger(0).bytesPerEvent, 0);
});
