/**
 * The compact ledger answers as the full ledger does (status, counts, errors, late acks, the
 * observer's calls) on the same calls, with state that grows with the non-acknowledged runs.
 */
import assert from "node:assert/strict";
import { CompactLedger } from "../../lib/verify/compact_ledger.ts";
import { type EventLedger, Ledger, type LedgerObserver } from "../../lib/verify/ledger.ts";
import { prng } from "./prng.ts";

/** Every observer call, as text. */
function recorder(calls: string[]): LedgerObserver {
  return {
    sent: (seq) => calls.push(`sent ${seq}`),
    notSent: (seq) => calls.push(`notSent ${seq}`),
    acked: (seq, p, o) => calls.push(`acked ${seq} ${p}/${o}`),
    failed: (seq, e) => calls.push(`failed ${seq} ${e}`),
  };
}

Deno.test("compact ledger: the same answers as the full ledger on seeded runs of every transition", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const random = prng(seed);
    const events = 3000;
    const full = new Ledger(events);
    const compact = new CompactLedger(events);
    const fullCalls: string[] = [];
    const compactCalls: string[] = [];
    full.observe(recorder(fullCalls));
    compact.observe(recorder(compactCalls));
    const both = (fn: (l: EventLedger) => void) => {
      fn(full);
      fn(compact);
    };
    const pending: number[] = [];
    const failed: number[] = [];
    for (let seq = 0; seq < events; seq++) {
      if (random() < 0.05) both((l) => l.markNotSent(seq));
      else {
        both((l) => l.markSent(seq));
        pending.push(seq);
      }
      // Answer some pending events, out of order, now and then twice.
      while (pending.length > 0 && random() < 0.6) {
        const i = Math.floor(random() * pending.length);
        const s = pending.splice(i, 1)[0];
        if (random() < 0.1) {
          const error = `error ${Math.floor(random() * 3)}`;
          both((l) => l.markFailed(s, error));
          failed.push(s);
        } else both((l) => l.markAcked(s, s % 3, s));
        if (random() < 0.05) both((l) => l.markFailed(s, "second answer"));
      }
      if (failed.length > 0 && random() < 0.02) {
        const s = failed[Math.floor(random() * failed.length)];
        both((l) => l.markAcked(s, s % 3, s)); // late ack (or a repeated one)
      }
    }
    assert.deepEqual(compact.counts(), full.counts(), `seed ${seed}`);
    assert.equal(compact.ackedAfterFailure, full.ackedAfterFailure);
    assert.deepEqual(
      compact.errors().sort((a, b) => a.message.localeCompare(b.message)),
      full.errors().sort((a, b) => a.message.localeCompare(b.message)),
    );
    for (let seq = 0; seq < events; seq++) {
      assert.equal(compact.status(seq), full.status(seq), `seed ${seed}, seq ${seq}`);
    }
    assert.deepEqual(compactCalls, fullCalls);
    assert.ok(full.ackedAfterFailure > 0 && full.counts().failed > 0, "every path was taken");
  }
});

Deno.test("compact ledger: a steady run keeps a few runs whatever its length; misuse throws", () => {
  const ledger = new CompactLedger(2_000_000);
  for (let seq = 0; seq < 1_000_000; seq++) {
    ledger.markSent(seq);
    if (seq >= 10) ledger.markAcked(seq - 10, 0, seq - 10); // ten in flight
  }
  assert.ok(ledger.byteLength <= 48, `${ledger.byteLength} bytes`);
  assert.equal(ledger.status(1_000_000), "unused");
  assert.equal(ledger.status(999_995), "pending");
  assert.throws(() => ledger.markSent(5), /already marked/);
  assert.throws(() => ledger.markAcked(1_500_000, 0, 0), /never sent/);
  assert.throws(() => ledger.markSent(2_000_000), /outside ledger capacity/);
});
