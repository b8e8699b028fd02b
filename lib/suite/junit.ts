/**
 * One JUnit XML file for a whole suite run: the `<testsuite>` elements of
 * every scenario's own `junit.xml` (one per scenario × variant, one
 * `<testcase>` per expectation), plus
 *
 * - for a scenario that could not run: a suite named after it with an
 *   erroring `run` test case;
 * - for a scenario the interrupted suite never reached: a skipped `run` case;
 * - for a scenario compared with a baseline: a suite `<scenario>.baseline`
 *   with one case per compared variant, failing when it regressed;
 * - for errors of the suite itself (a cluster not stopped): a suite `suite`
 *   with an erroring `run` test case.
 *
 * With `--repeat`, each run's suites carry its number after the scenario's name
 * (`idempotent-vs-plain.run-2.plain`), and a suite `stability` has one test
 * case per expectation of each scenario (classname `<scenario>.<variant>`, as
 * a single run's), failing unless it was stable over the runs, with a message
 * that starts with the verdict: `flaky: held 7 of 10 (min 0, median 221, max
 * 965; threshold > 0)`; and one case `runs` per scenario (classname the
 * scenario), failing when a run errored or was inconclusive.
 *
 * @example
 * ```ts
 * import type { SuiteResult } from "./types.ts";
 * import { join } from "node:path";
 * declare const suiteDir: string, result: SuiteResult;
 * import { renderSuiteJunit } from "./junit.ts";
 * await Deno.writeTextFile(join(suiteDir, "junit.xml"), renderSuiteJunit(result));
 * ```
 * @module
 */
import { escapeXml as x } from "../report/escape.ts";
import { renderJunit } from "../report/junit.ts";
import { redact } from "../report/redact.ts";
import { regressionLine } from "./regressions.ts";
import {
  brokenRunText,
  type ScenarioStability,
  suiteStability,
  verdictMessage,
} from "./stability.ts";
import type { SuiteEntry, SuiteResult } from "./types.ts";

/** A `<testsuite>` element and its totals. */
interface Suite {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

const TOTALS =
  /^\s*<testsuite\b[^>]*?\btests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)"/;

/**
 * The `<testsuite>` elements of a document written by `renderJunit`, with
 * their totals. Throws when the text is not shaped as `renderJunit` writes it.
 */
export function testsuitesOf(xml: string): Suite[] {
  const open = xml.indexOf("<testsuites");
  const body = xml.slice(xml.indexOf(">", open) + 1, xml.lastIndexOf("</testsuites>"));
  if (open < 0 || body === "") throw new Error("not a JUnit document of renderJunit");
  const suites: Suite[] = [];
  for (const match of body.matchAll(/<testsuite\b[\s\S]*?<\/testsuite>/g)) {
    const totals = TOTALS.exec(match[0]);
    if (!totals) throw new Error(`unexpected testsuite element: ${match[0].slice(0, 80)}`);
    const [tests, failures, errors, skipped] = totals.slice(1).map(Number);
    suites.push({ xml: `  ${match[0]}`, tests, failures, errors, skipped });
  }
  return suites;
}

function seconds(ms: number): string {
  return Number.isFinite(ms) && ms >= 0 ? (ms / 1000).toFixed(3) : "0";
}

function singleCaseSuite(
  name: string,
  body: string,
  kind: "error" | "skipped",
  durationMs: number,
): Suite {
  const xml = `  <testsuite name="${x(name)}" tests="1" failures="0" errors="${
    kind === "error" ? 1 : 0
  }" skipped="${kind === "skipped" ? 1 : 0}" time="${seconds(durationMs)}">
    <testcase classname="${x(name)}" name="run" time="${seconds(durationMs)}">
${body}
    </testcase>
  </testsuite>`;
  return {
    xml,
    tests: 1,
    failures: 0,
    errors: kind === "error" ? 1 : 0,
    skipped: kind === "skipped" ? 1 : 0,
  };
}

function baselineSuite(entry: SuiteEntry): Suite | null {
  const comparison = entry.baseline?.comparison;
  if (!comparison) return null;
  const name = `${entry.scenario}.baseline`;
  const cases: string[] = [];
  let failures = 0;
  const testcase = (variant: string, failed: string[]) => {
    const open = `    <testcase classname="${x(name)}" name="${
      x(`${variant}: no regression against the baseline`)
    }" time="0">`;
    if (failed.length === 0) return `${open}</testcase>`;
    failures++;
    return `${open}
      <failure message="${x(failed[0])}" type="regression">${x(failed.join("\n"))}</failure>
    </testcase>`;
  };
  for (const v of comparison.variants) {
    cases.push(
      testcase(v.name, v.metrics.filter((m) => m.regressed).map((m) => regressionLine(v.name, m))),
    );
  }
  for (const missing of comparison.onlyInBaseline) {
    cases.push(testcase(missing, [`variant ${missing} is missing from the current run`]));
  }
  const xml = `  <testsuite name="${x(name)}" tests="${cases.length}" failures="${failures}" ` +
    `errors="0" skipped="0" time="0">
    <properties>
      <property name="baseline" value="${x(entry.baseline!.baseline)}"/>
    </properties>
${cases.join("\n")}
  </testsuite>`;
  return { xml, tests: cases.length, failures, errors: 0, skipped: 0 };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * `xml` with the run's number after the scenario's name in its suite names and class names:
 * `alpha.plain` becomes `alpha.run-2.plain`, `alpha` becomes `alpha.run-2`.
 */
function numbered(xml: string, scenario: string, round: number): string {
  const name = x(scenario);
  const pattern = new RegExp(`(<testsuite name="|classname=")${escapeRegExp(name)}(?=[."])`, "g");
  return xml.replace(pattern, (_all, attribute: string) => `${attribute}${name}.run-${round}`);
}

function suitesOf(entry: SuiteEntry): Suite[] {
  const suites = unnumberedSuitesOf(entry);
  if (entry.round === undefined) return suites;
  // A run's own junit.xml names its suites after the scenario's name in the file.
  const names = new Set([entry.scenario, entry.report?.scenario.name ?? entry.scenario]);
  return suites.map((suite) => {
    let xml = suite.xml;
    for (const name of names) xml = numbered(xml, name, entry.round!);
    return { ...suite, xml };
  });
}

/** The `stability` suite of a repeated suite: a case per expectation, one per scenario's runs. */
function stabilitySuite(stability: readonly ScenarioStability[]): Suite {
  const cases: string[] = [];
  let failures = 0;
  const testcase = (classname: string, name: string, failure: string | null, out: string) => {
    const open = `    <testcase classname="${x(classname)}" name="${x(name)}" time="0">`;
    if (failure === null) {
      return `${open}\n      <system-out>${x(out)}</system-out>\n    </testcase>`;
    }
    failures++;
    const type = failure.split(":")[0];
    return `${open}
      <failure message="${x(failure)}" type="${x(type)}">${x(out)}</failure>
    </testcase>`;
  };
  for (const s of stability) {
    for (const e of s.expectations) {
      const message = verdictMessage(e);
      cases.push(testcase(
        `${s.scenario}.${e.variant}`,
        e.text,
        e.verdict === "stable" ? null : message,
        `${message} (scenario line ${e.line})`,
      ));
    }
    const broken = s.broken.map(brokenRunText);
    const runs = `${s.passed} of ${s.runs} run${s.runs === 1 ? "" : "s"} passed`;
    cases.push(testcase(
      s.scenario,
      "runs",
      broken.length === 0
        ? null
        : `${
          broken.length === s.runs ? "failing" : "flaky"
        }: nothing held in ${broken.length} of ${s.runs} run${s.runs === 1 ? "" : "s"} (${
          broken.join("; ")
        })`,
      [runs, ...broken].join("\n"),
    ));
  }
  const xml = `  <testsuite name="stability" tests="${cases.length}" failures="${failures}" ` +
    `errors="0" skipped="0" time="0">
${cases.join("\n")}
  </testsuite>`;
  return { xml, tests: cases.length, failures, errors: 0, skipped: 0 };
}

function unnumberedSuitesOf(entry: SuiteEntry): Suite[] {
  if (entry.report !== null) {
    const own = testsuitesOf(renderJunit(entry.report));
    const baseline = baselineSuite(entry);
    return baseline === null ? own : [...own, baseline];
  }
  if (entry.outcome === "not-run") {
    return [
      singleCaseSuite(
        entry.scenario,
        `      <skipped message="the suite was interrupted first"/>`,
        "skipped",
        0,
      ),
    ];
  }
  const message = entry.error ?? `scenario ${entry.outcome}`;
  return [singleCaseSuite(
    entry.scenario,
    `      <error message="${x(message.split("\n")[0])}" type="setup">${x(message)}</error>`,
    "error",
    entry.durationMs,
  )];
}

/** Render the whole suite as one JUnit XML document (secrets redacted). */
export function renderSuiteJunit(result: SuiteResult): string {
  const safe = redact(result);
  const suites = safe.entries.flatMap(suitesOf);
  if (safe.repeat > 1) suites.push(stabilitySuite(suiteStability(safe.entries)));
  if (safe.errors.length > 0) {
    const text = safe.errors.join("\n");
    suites.push(singleCaseSuite(
      "suite",
      `      <error message="${x(safe.errors[0].split("\n")[0])}" type="suite">${x(text)}</error>`,
      "error",
      0,
    ));
  }
  const sum = (pick: (s: Suite) => number) => suites.reduce((n, s) => n + pick(s), 0);
  const elapsed = Date.parse(safe.finishedAt) - Date.parse(safe.startedAt);
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${
    x(`sismo suite (${safe.profile}${safe.repeat > 1 ? `, ${safe.repeat} runs each` : ""})`)
  }" tests="${sum((s) => s.tests)}" ` +
    `failures="${sum((s) => s.failures)}" errors="${sum((s) => s.errors)}" skipped="${
      sum((s) => s.skipped)
    }" time="${seconds(elapsed)}">
${suites.map((s) => s.xml).join("\n")}
</testsuites>
`;
}
