/**
 * The console side-by-side comparison printed at the end of a run, and the
 * live progress line printed during it.
 *
 * @module
 */
import type { RunReport, VariantReport } from "../report/types.ts";
import { ANOMALY_CLASSES } from "../verify/live.ts";
import type { VariantProgress } from "./variant.ts";

const fmtInt = (n: number | null | undefined) =>
  n === null || n === undefined ? "–" : String(Math.round(n));
const fmtMs = (n: number | null | undefined) =>
  n === null || n === undefined ? "–" : n >= 100 ? `${n.toFixed(0)} ms` : `${n.toFixed(1)} ms`;

/** A percentile over every intended event of the window: ∞ when never acknowledged. */
const allMs = (v: VariantReport, k: "p50" | "p99" | "p999" | "max") =>
  v.latency.allIntended.events === 0
    ? "–"
    : v.latency.allIntended[k] === null
    ? "∞"
    : fmtMs(v.latency.allIntended[k]);

/** A plain-text table: one column per variant. */
export function summaryTable(report: RunReport): string {
  const vs = report.variants;
  if (vs.length === 0) return "(no variant completed)";
  type Variant = RunReport["variants"][number];
  // acks and idempotence always; any other property only where the variants differ.
  const properties = (Object.keys(vs[0].producer) as (keyof Variant["producer"])[]).filter((k) =>
    k === "acks" || k === "enable.idempotence" ||
    vs.some((v) => v.producer[k] !== vs[0].producer[k])
  );
  // Pass-through client properties (socket.timeout.ms…) where the variants differ.
  const passThrough = [...new Set(vs.flatMap((v) => Object.keys(v.properties)))].filter((k) =>
    vs.some((v) => v.properties[k] !== vs[0].properties[k])
  );
  const rows: [string, (v: Variant) => string][] = [
    ["client", (v) => `${v.client.name} ${v.client.version}`],
    ...properties.map((k): [string, (v: Variant) => string] => [k, (v) => String(v.producer[k])]),
    ...passThrough.map((k): [string, (v: Variant) => string] => [k, (v) => v.properties[k] ?? "–"]),
    ["send mode", (v) => v.send.kind],
    ["sent", (v) => fmtInt(v.counts.sent)],
    ["acked", (v) => fmtInt(v.counts.acked)],
    ["failed", (v) => fmtInt(v.counts.failed)],
    ["not sent", (v) => fmtInt(v.counts.notSent)],
    ["ok", (v) => fmtInt(v.verification?.counts.ok)],
    ["lost", (v) => fmtInt(v.verification?.counts.lost)],
    [
      "duplicated (extra copies)",
      (v) =>
        v.verification
          ? `${v.verification.counts.duplicated} (${v.verification.counts.duplicates})`
          : "–",
    ],
    ["phantom", (v) => fmtInt(v.verification?.counts.phantom)],
    ["failed, absent", (v) => fmtInt(v.verification?.counts.failedAbsent)],
    ["reordered", (v) => fmtInt(v.verification?.counts.reordered)],
    ["foreign", (v) => fmtInt(v.verification?.counts.foreign)],
    ["unverified", (v) => fmtInt(v.verification?.counts.unverified)],
    ["throughput (acked/s in window)", (v) => v.throughput.ackedPerSecond.toFixed(0)],
    ["acked during the drain", (v) => fmtInt(v.throughput.drain.acked)],
    // Every intended event of the window; ∞ where the percentile falls among events never acked.
    ["p50 (all events)", (v) => allMs(v, "p50")],
    ["p99 (all events)", (v) => allMs(v, "p99")],
    ["p99.9 (all events)", (v) => allMs(v, "p999")],
    ["max (all events)", (v) => allMs(v, "max")],
    [
      "p99 (acked only)",
      (v) => fmtMs(v.latency.fromIntended.count ? v.latency.fromIntended.p99 : null),
    ],
  ];
  const header = ["", ...vs.map((v) => v.name)];
  const body = rows.map(([label, f]) => [label, ...vs.map(f)]);
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((r) => r[c].length)));
  const line = (r: string[]) =>
    r.map((cell, c) => c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])).join("  ");
  const out = [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...body.map(line)];
  out.push("");
  for (const v of vs) {
    for (const f of v.faults) {
      const when = f.startedAtMs === null
        ? "did not start"
        : `${(f.startedAtMs / 1000).toFixed(1)}s → ${
          f.endedAtMs === null ? "?" : (f.endedAtMs / 1000).toFixed(1) + "s"
        }`;
      out.push(`[${v.name}] fault ${f.id} ${f.label}: ${when}${f.error ? ` (${f.error})` : ""}`);
    }
  }
  out.push("");
  for (const v of vs) {
    for (const e of v.expectations) {
      out.push(
        `${e.passed ? "PASS" : "FAIL"}  [${v.name}] ${e.text}   observed ${
          e.unbounded
            ? "∞ (never acknowledged)"
            : e.observed === null
            ? "nothing"
            : +e.observed.toFixed(3)
        }`,
      );
    }
  }
  return out.join("\n");
}

/**
 * What the live verification read so far and the anomalies it found, named when there are
 * any (lost and phantom events are known once their delivery window has passed).
 */
function liveVerdicts(live: VariantProgress["live"]): string {
  if (live === null) return "";
  const c = live.counts;
  const found = ANOMALY_CLASSES.filter((k) => c[k] > 0)
    .map((k) => `${k} ${c[k]}`);
  return ` | read back ${live.recordsRead}${found.length ? ": " + found.join(", ") : ""}`;
}

/**
 * One progress line: elapsed, anomalies found so far, rate, acked, errors, outstanding,
 * current p99, active faults.
 */
export function progressLine(p: VariantProgress, ratePerSecond: number): string {
  const el = (p.elapsedMs / 1000).toFixed(0).padStart(3);
  const tot = (p.totalMs / 1000).toFixed(0);
  const faults = p.faults.length ? ` | faults: ${p.faults.join("; ")}` : "";
  return `[${p.variant}] ${p.phase} ${el}/${tot}s${liveVerdicts(p.live)} | ${
    ratePerSecond.toFixed(0)
  }/s | acked ${p.acked} | failed ${p.failed} | not sent ${p.notSent} | outstanding ${p.outstanding} | p99 ${
    p.p99Ms === null ? "–" : p.p99Ms.toFixed(1) + " ms"
  }${faults}`;
}
