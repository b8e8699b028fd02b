/**
 * sismo's own sentences that reach report.json as English text (anomaly
 * details from `lib/verify/verifier.ts`, findings and inconclusive reasons from
 * `lib/run/variant.ts` and `lib/verify/`), read back as phrases so that a
 * report in another language can say them. Used when a report lacks the
 * structured field (`EventSample.facts`, `ReportedError.phrase`); what is not
 * recognised is quoted as written, marked as English.
 *
 * @example
 * ```ts
 * import { findingPhrase } from "./english_texts.ts";
 * findingPhrase("application resends that failed"); // { id: "finding.appResendsFailed" }
 * ```
 * @module
 */
import type { EventSample, Phrase, ReportedError, VerificationCounts } from "./types.ts";

/** Text quoted as written, in its own language. */
export function quotedPhrase(text: string): Phrase {
  return { id: "text.quoted", params: { text: { quoted: text } } };
}

const int = Number;
const ints = (list: string) => list.split(",").map((p) => Number(p.trim()));

/** The facts of an anomaly sample of class `kind`: its phrases, else read from its detail. */
export function sampleFacts(kind: keyof VerificationCounts, sample: EventSample): Phrase[] {
  if (sample.facts) return sample.facts;
  const detail = sample.detail ?? "";
  if (detail === "") return [];
  return readDetail(kind, detail) ?? [quotedPhrase(detail)];
}

function readDetail(kind: keyof VerificationCounts, detail: string): Phrase[] | null {
  let m: RegExpExecArray | null;
  switch (kind) {
    case "lost":
      return detail === "acked, never read" ? [{ id: "sample.ackedNeverRead" }] : null;
    case "duplicated":
      m = /^read (\d+) times(?: \(acked at (\d+)\/(-?\d+)\))?$/.exec(detail);
      if (!m) return null;
      return [
        { id: "sample.readTimes", params: { n: int(m[1]) } },
        ...(m[2] === undefined
          ? []
          : [{ id: "sample.ackedAt", params: { partition: int(m[2]), offset: m[3] } }]),
      ];
    case "reordered":
      m = /^(before|after) seq (\d+)$/.exec(detail);
      return m ? [{ id: `sample.${m[1]}`, params: { seq: int(m[2]) } }] : null;
    case "foreign":
      return foreignDetail(detail);
    case "unverified":
      m = /^acked in unreadable partition (\d+)$/.exec(detail);
      if (m) return [{ id: "sample.ackedInUnreadable", params: { partition: int(m[1]) } }];
      return unansweredDetail(detail);
    default: // phantom, failedAbsent: what the producer said
      return unansweredDetail(detail);
  }
}

function foreignDetail(detail: string): Phrase[] | null {
  if (detail === "not written by this run") return [{ id: "sample.notThisRun" }];
  let m = /^written by variant (\d+) of this run$/.exec(detail);
  if (m) return [{ id: "sample.otherVariant", params: { variant: int(m[1]) } }];
  m = /^sequence (-?\d+) (outside the ledger|was never sent)$/.exec(detail);
  if (!m) return null;
  const id = m[2] === "was never sent" ? "sample.neverSent" : "sample.outsideLedger";
  return [{ id, params: { seq: int(m[1]) } }];
}

/** `<producer error | no answer>[; acked late at p/o][; why unverified]`. */
function unansweredDetail(detail: string): Phrase[] {
  const facts: Phrase[] = [];
  let rest = detail;
  let m =
    /; (late ack in unreadable partition (\d+)|partition unknown and a partition is unreadable)$/
      .exec(rest);
  if (m) {
    facts.unshift(
      m[2] === undefined
        ? { id: "sample.partitionUnknown" }
        : { id: "sample.lateAckInUnreadable", params: { partition: int(m[2]) } },
    );
    rest = rest.slice(0, m.index);
  }
  m = /; acked late at (\d+)\/(-?\d+)$/.exec(rest);
  if (m) {
    facts.unshift({ id: "sample.ackedLate", params: { partition: int(m[1]), offset: m[2] } });
    rest = rest.slice(0, m.index);
  }
  facts.unshift(
    rest === "no answer from the producer"
      ? { id: "sample.noAnswer" }
      : { id: "sample.producerError", params: { error: { quoted: rest } } },
  );
  return facts;
}

const FINDINGS: Record<string, string> = {
  "the client never answered, even after the purge (counted as pending)":
    "finding.unansweredAfterPurge",
  "application resends that failed": "finding.appResendsFailed",
  "acknowledged after the client had reported them failed (kept as failed)":
    "finding.ackedAfterFailure",
  "latencies out of the histogram's range (clamped to 0 or 1 h)": "finding.clamped",
};

/** One of sismo's findings (`ReportedError` from sismo) as a phrase; null when not one. */
export function findingPhrase(message: string): Phrase | null {
  const id = FINDINGS[message];
  if (id) return { id };
  let m =
    /^still outstanding after the (\d+) ms drain: purged \(each failed with the client's answer\)$/
      .exec(message);
  if (m) return { id: "finding.purgedAfterDrain", params: { ms: int(m[1]) } };
  m = /^fault: fault (\S+) \(.*?\) (could not start|was not healed): ([\s\S]*)$/.exec(message);
  if (m) {
    return {
      id: m[2] === "could not start" ? "finding.faultNotStarted" : "finding.faultNotHealed",
      params: { id: m[1], reason: { quoted: m[3] } },
    };
  }
  m =
    /^read-back: partition (\d+): high watermark stayed at (\d+), below the highest acknowledged offset \+ 1 \((\d+)\): the log was truncated under acknowledged records, which count as lost$/
      .exec(message);
  if (m) {
    return {
      id: "finding.truncated",
      params: { partition: int(m[1]), high: int(m[2]), acked: int(m[3]) },
    };
  }
  m = /^the live verification disagrees with the end-of-run read \(live ≠ end of run\): ([\s\S]*)$/
    .exec(message);
  if (m) return { id: "finding.liveDisagrees", params: { differences: { quoted: m[1] } } };
  m = /^live verification: ([\s\S]*)$/.exec(message);
  if (m) return { id: "finding.live", params: { error: { quoted: m[1] } } };
  m = /^read-back: ([\s\S]*)$/.exec(message);
  return m ? { id: "finding.readBack", params: { note: { quoted: m[1] } } } : null;
}

/**
 * What an error row says: sismo's finding as a phrase, or the client's own message quoted
 * (without the `client log: ` the run puts before logged messages: the source column says it).
 */
export function errorPhrase(error: ReportedError): Phrase {
  if (error.phrase) return error.phrase;
  if (error.source === "sismo") return findingPhrase(error.message) ?? quotedPhrase(error.message);
  return quotedPhrase(
    error.source === "client-log" ? error.message.replace(/^client log: /, "") : error.message,
  );
}

/** An inconclusive reason (`[variant] reason`): the variant named, the reason as phrases. */
export function inconclusivePhrases(text: string): { variant: string | null; phrases: Phrase[] } {
  const prefix = /^\[([^\]]+)\] /.exec(text);
  const reason = prefix ? text.slice(prefix[0].length) : text;
  return { variant: prefix?.[1] ?? null, phrases: reasonPhrases(reason) };
}

const COMPACT_NOT_VERIFIED = "not verified: the run kept a compact ledger (too many events to " +
  "keep each answer) and its live verification did not complete";

function reasonPhrases(reason: string): Phrase[] {
  let m = /^partition\(s\) ([\d, ]+) not read to their end within (\d+) s$/.exec(reason);
  if (m) {
    const partitions = ints(m[1]);
    return [{
      id: "inconclusive.notReadToEnd",
      params: { n: partitions.length, partitions, s: int(m[2]) },
    }];
  }
  m = /^(\d+) event\(s\) unverified: partition\(s\) ([\d, ]+) could not be read to their end$/
    .exec(reason);
  if (m) {
    const partitions = ints(m[2]);
    return [
      { id: "inconclusive.unverified", params: { n: int(m[1]) } },
      { id: "inconclusive.unreadable", params: { n: partitions.length, partitions } },
    ];
  }
  m = /^the live verification disagrees with the end-of-run read \(live ≠ end of run\): ([\s\S]*)$/
    .exec(reason);
  if (m) return [{ id: "inconclusive.liveDisagrees", params: { differences: { quoted: m[1] } } }];
  if (reason === COMPACT_NOT_VERIFIED) return [{ id: "inconclusive.compactNotVerified" }];
  m = /^verification failed: ([\s\S]*)$/.exec(reason);
  if (m) return [{ id: "inconclusive.verificationFailed", params: { error: { quoted: m[1] } } }];
  m = /^consume-back failed: ([\s\S]*)$/.exec(reason);
  if (m) return [{ id: "inconclusive.consumeFailed", params: { error: { quoted: m[1] } } }];
  m = /^end offset of partition (\d+) unknown: ([\s\S]*)$/.exec(reason);
  if (m) {
    return [{
      id: "inconclusive.endOffsetUnknown",
      params: { partition: int(m[1]), error: { quoted: m[2] } },
    }];
  }
  return [quotedPhrase(reason)];
}
