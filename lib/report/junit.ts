/**
 * JUnit XML of a run, for CI systems that show test results: one
 * `<testsuite>` per variant, one `<testcase>` per expectation with
 * `classname` = `scenario.variant`; a failed expectation carries its observed
 * value. Run-level errors become an `<error>` test case.
 *
 * @example
 * ```ts
 * import type { RunReport } from "./types.ts";
 * declare const report: RunReport;
 * import { renderJunit } from "./junit.ts";
 * await Deno.writeTextFile("junit.xml", renderJunit(report));
 * ```
 * @module
 */
import { escapeXml as x } from "./escape.ts";
import { format } from "./i18n.ts";
import { OBSERVED_WORDS_EN, observedText } from "./metrics.ts";
import { redact } from "./redact.ts";
import type { ExpectationOutcome, RunReport, VariantReport } from "./types.ts";

const en = format("en");

function seconds(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  return Number.isFinite(ms) && ms >= 0 ? (ms / 1000).toFixed(3) : "0";
}

function testcase(classname: string, e: ExpectationOutcome): string {
  const open = `    <testcase classname="${x(classname)}" name="${x(e.text)}" time="0">`;
  if (e.passed) {
    return `${open}\n      <system-out>${
      x(`observed ${observedText(en, e, OBSERVED_WORDS_EN)}`)
    }</system-out>\n    </testcase>`;
  }
  const message = `observed ${observedText(en, e, OBSERVED_WORDS_EN)}; expected ${e.text}`;
  return `${open}
      <failure message="${x(message)}" type="expectation">${
    x(`${message} (scenario line ${e.line})`)
  }</failure>
    </testcase>`;
}

/** One `<testsuite>` and its totals. */
interface Suite {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
}

function runErrorCase(report: RunReport, classname: string): string {
  const message = report.errors.join("\n") || `run ${report.outcome}`;
  return `    <testcase classname="${x(classname)}" name="run" time="0">
      <error message="${x(`run ${report.outcome}`)}" type="${x(report.outcome)}">${
    x(message)
  }</error>
    </testcase>`;
}

function suite(
  name: string,
  cases: string[],
  failures: number,
  errors: number,
  extra: { time: string; timestamp?: string; properties: [string, string][] },
): Suite {
  const properties = extra.properties.map(([k, v]) =>
    `      <property name="${x(k)}" value="${x(v)}"/>`
  ).join("\n");
  const timestamp = extra.timestamp ? ` timestamp="${x(extra.timestamp)}"` : "";
  const xml = `  <testsuite name="${x(name)}" tests="${cases.length}" failures="${failures}" ` +
    `errors="${errors}" skipped="0" time="${extra.time}"${timestamp}>
    <properties>
${properties}
    </properties>
${cases.join("\n")}
  </testsuite>`;
  return { xml, tests: cases.length, failures, errors };
}

function variantSuite(report: RunReport, variant: VariantReport, runFailed: boolean): Suite {
  const classname = `${report.scenario.name}.${variant.name}`;
  const cases = variant.expectations.map((e) => testcase(classname, e));
  if (runFailed) cases.push(runErrorCase(report, classname));
  return suite(
    classname,
    cases,
    variant.expectations.filter((e) => !e.passed).length,
    runFailed ? 1 : 0,
    {
      time: seconds(variant.startedAt, variant.finishedAt),
      timestamp: variant.startedAt,
      properties: [
        ["runId", report.runId],
        ["topic", variant.topic],
        ["client", `${variant.client.name} ${variant.client.version}`],
      ],
    },
  );
}

/**
 * Render a run as JUnit XML (secrets redacted). An interrupted or failed-to-run
 * report adds an erroring `run` test case to each suite (or to a suite named
 * after the scenario when no variant ran).
 */
export function renderJunit(report: RunReport): string {
  const safe = redact(report);
  const runFailed = safe.outcome === "error" || safe.outcome === "interrupted";
  const suites = safe.variants.map((v) => variantSuite(safe, v, runFailed));
  if (safe.variants.length === 0) {
    const failed = runFailed || safe.errors.length > 0;
    suites.push(suite(
      safe.scenario.name,
      failed ? [runErrorCase(safe, safe.scenario.name)] : [],
      0,
      failed ? 1 : 0,
      { time: seconds(safe.startedAt, safe.finishedAt), properties: [["runId", safe.runId]] },
    ));
  }
  const sum = (pick: (s: Suite) => number) => suites.reduce((n, s) => n + pick(s), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${x(`sismo ${safe.scenario.name}`)}" tests="${sum((s) => s.tests)}" ` +
    `failures="${sum((s) => s.failures)}" errors="${sum((s) => s.errors)}" time="${
      seconds(safe.startedAt, safe.finishedAt)
    }">
${suites.map((s) => s.xml).join("\n")}
</testsuites>
`;
}
