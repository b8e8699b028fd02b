/**
 * Shared inputs of the report tests: the fixture report and small builders.
 *
 * @module
 */
import assert from "node:assert/strict";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { build, encodeIntoCompressedBase64 } from "hdr-histogram-js";
import type { RunReport } from "../../lib/report/types.ts";

/** Path of the fixture report. */
export const FIXTURE_PATH = new URL(
  "../fixtures/reports/idempotent-vs-plain.json",
  import.meta.url,
);

const fixtureText = Deno.readTextFileSync(FIXTURE_PATH);

/** A fresh deep copy of the fixture report. */
export function fixture(): RunReport {
  return JSON.parse(fixtureText);
}

/** An encoded histogram (µs values, as reports store them) of the given latencies in ms. */
export function encodedHistogram(latenciesMs: number[]): string {
  const histogram = build({ numberOfSignificantValueDigits: 3 });
  for (const ms of latenciesMs) histogram.recordValue(Math.round(ms * 1000));
  const encoded = encodeIntoCompressedBase64(histogram);
  histogram.destroy();
  return encoded;
}

/** `count` latencies spread evenly over `[fromMs, toMs]`. */
export function evenly(count: number, fromMs: number, toMs: number): number[] {
  return Array.from({ length: count }, (_, i) => fromMs + ((toMs - fromMs) * i) / (count - 1));
}

/** A parsed XML node. */
// deno-lint-ignore no-explicit-any
export type XmlNode = any;

/** Parse JUnit XML after checking it is valid; suites, cases and properties always as arrays. */
export function parseXml(xml: string): XmlNode {
  const valid = XMLValidator.validate(xml);
  assert.equal(valid, true, `invalid XML: ${JSON.stringify(valid)}`);
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    isArray: (name) => ["testsuite", "testcase", "property"].includes(name),
  }).parse(xml);
}
