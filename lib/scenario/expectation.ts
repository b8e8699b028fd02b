/**
 * Expectations: one-line claims about a variant's outcome, `<metric> <op> <value>`.
 *
 * Metrics are counts (`lost`, `duplicated`, …), latency percentiles from the
 * intended send time (`p99`, `max`, …) and `throughput` (acknowledged events
 * per second of the measured period).
 *
 * @example
 * ```ts
 * import { parseExpectation } from "./expectation.ts";
 *
 * const source = { line: 12, path: "expect[0]" };
 * parseExpectation("p99.9 < 1.5s", source).value; // 1500 (metric "p999")
 * parseExpectation("throughput >= 1800/s", source).value; // 1800
 * ```
 * @module
 */
import { parseDuration } from "./duration.ts";
import { ScenarioError } from "./errors.ts";
import { closest } from "./suggest.ts";
import type { ComparisonOp, Expectation, MetricName, SourceRef } from "./types.ts";

/** What kind of value a metric has, which decides how its threshold is written. */
export type MetricKind = "count" | "latency" | "rate";

/** Every metric an expectation can name, with its kind. */
export const METRICS: Readonly<Record<MetricName, MetricKind>> = {
  sent: "count",
  acked: "count",
  failed: "count",
  not_sent: "count",
  ok: "count",
  lost: "count",
  duplicated: "count",
  duplicates: "count",
  phantom: "count",
  failed_absent: "count",
  reordered: "count",
  foreign: "count",
  unverified: "count",
  p50: "latency",
  p90: "latency",
  p99: "latency",
  p999: "latency",
  p9999: "latency",
  max: "latency",
  throughput: "rate",
  "processing.once": "count",
  "processing.more_than_once": "count",
  "processing.reprocessings": "count",
  "processing.dead_lettered": "count",
  "processing.lost": "count",
  "processing.unprocessed": "count",
  "processing.dead_letter_missing": "count",
  "rebalance.pause.max": "latency",
  "rebalance.reassign.max": "latency",
  "members.idle": "count",
};

/** Other spellings accepted for metrics. */
export const METRIC_ALIASES: Readonly<Record<string, MetricName>> = {
  "not-sent": "not_sent",
  "failed-absent": "failed_absent",
  "p99.9": "p999",
  "p99.99": "p9999",
  "processing.duplicated": "processing.more_than_once",
};

const OPS: readonly ComparisonOp[] = ["==", "!=", "<=", ">=", "<", ">"];
const FORM = /^\s*([A-Za-z][\w.-]*)\s*(==|!=|<=|>=|=<|=>|<|>|=)\s*([^\s<>=!]\S*)\s*$/;
const COUNT = /^\d+(?:\.\d+)?$/;
const RATE = /^(\d+(?:\.\d+)?)(?:\/s)?$/;

/** The metric a name (or alias) stands for, or undefined. */
export function resolveMetric(name: string): MetricName | undefined {
  if (Object.hasOwn(METRICS, name)) return name as MetricName;
  return METRIC_ALIASES[name];
}

/**
 * Parse `<metric> <op> <value>`. Counts are plain non-negative numbers;
 * latencies are durations (`250ms`, `1s`, a bare number is ms); throughput is
 * events per second (`1800/s` or `1800`).
 *
 * @throws {ScenarioError} with one problem at `source` (file and column left
 *   empty for the caller to fill) when the text does not parse.
 */
export function parseExpectation(text: string, source: SourceRef): Expectation {
  const fail = (message: string): never => {
    throw new ScenarioError([{
      file: "",
      line: source.line,
      column: 0,
      path: source.path,
      message,
    }]);
  };
  const form = FORM.exec(text);
  if (form === null) {
    return fail(
      `invalid expectation ${JSON.stringify(text)}: write <metric> <op> <value>, e.g. "lost == 0"`,
    );
  }
  const [, name, opText, valueText] = form;

  const metric = resolveMetric(name);
  if (metric === undefined) {
    const known = [...Object.keys(METRICS), ...Object.keys(METRIC_ALIASES)];
    const guess = closest(name, known);
    return fail(
      `unknown metric "${name}"; ` +
        (guess === undefined
          ? `known: ${Object.keys(METRICS).join(", ")}`
          : `did you mean "${guess}"?`),
    );
  }
  if (!(OPS as readonly string[]).includes(opText)) {
    const fix = opText === "=" ? "==" : opText === "=<" ? "<=" : ">=";
    return fail(`unknown operator "${opText}"; did you mean "${fix}"?`);
  }
  const op = opText as ComparisonOp;

  let value: number;
  switch (METRICS[metric]) {
    case "count":
      if (!COUNT.test(valueText)) {
        return fail(
          `${metric} is a count: the value must be a non-negative number, got "${valueText}"`,
        );
      }
      value = Number(valueText);
      break;
    case "latency":
      try {
        value = parseDuration(valueText);
      } catch { // reported as a problem of the expectation, with the form it expects
        return fail(
          `${metric} is a latency: the value must be a duration such as 250ms or 1s, got "${valueText}"`,
        );
      }
      break;
    case "rate": {
      const rate = RATE.exec(valueText);
      if (rate === null) {
        return fail(
          `${metric} is a rate: the value must be events per second such as 1800/s, got "${valueText}"`,
        );
      }
      value = Number(rate[1]);
      break;
    }
  }
  return { text, metric, op, value, source };
}
