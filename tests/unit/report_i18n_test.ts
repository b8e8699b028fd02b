import assert from "node:assert/strict";
import { format, isMessageKey, type Message, messages, t } from "../../lib/report/i18n.ts";

const KEYS = [
  "lost",
  "duplicated",
  "phantom",
  "reordered",
  "verdict.expected",
  "verdict.observed",
] as const;

Deno.test("i18n: French words are written properly", () => {
  assert.deepEqual(KEYS.map((k) => t("fr", k)), [
    "Perdus",
    "Dupliqués",
    "Fantômes",
    "Réordonnés",
    "Attendu",
    "Observé",
  ]);
  assert.deepEqual(KEYS.map((k) => t("en", k)), [
    "Lost",
    "Duplicated",
    "Phantom",
    "Reordered",
    "Expected",
    "Observed",
  ]);
});

Deno.test("i18n: placeholders are filled, unknown ones left visible", () => {
  assert.equal(
    t("en", "chart.latencyOf", { variant: "plain" }),
    "Latency of the events intended each second — plain",
  );
  assert.equal(
    t("fr", "chart.latencyOf", { variant: "plain" }),
    "Latence des événements prévus chaque seconde — plain",
  );
  assert.equal(
    t("en", "chart.latencyOf"),
    "Latency of the events intended each second — {variant}",
  );
});

Deno.test("i18n: every French string keeps the English placeholders", async () => {
  const source = await Deno.readTextFile(new URL("../../lib/report/i18n.ts", import.meta.url));
  const keys = [...source.matchAll(/^ {2}"([\w.]+)":/gm)].map((m) => m[1]);
  const unique = [...new Set(keys)];
  assert.ok(unique.length > 50);
  for (const key of unique) {
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    // deno-lint-ignore no-explicit-any
    assert.deepEqual(names(t("fr", key as any)), names(t("en", key as any)), key);
  }
});

Deno.test("i18n: numbers and dates follow the locale", () => {
  const en = format("en");
  const fr = format("fr");
  assert.equal(en.int(1234567), "1,234,567");
  assert.equal(fr.int(1234567), "1\u202f234\u202f567");
  assert.equal(en.ms(3.456), "3.46 ms");
  assert.equal(fr.ms(3.456), "3,46 ms");
  assert.equal(en.ms(4268.031), "4,268 ms");
  assert.equal(en.seconds(15012), "15.0 s");
  assert.equal(fr.seconds(15012), "15,0 s");
  assert.equal(en.percent(99.9), "99.9%");
  assert.equal(fr.percent(99.9), "99,9\u00a0%");
  assert.equal(en.change(0.125), "+12.5%");
  assert.equal(en.date("2025-11-20T14:03:12.481Z"), "November 20, 2025 at 2:03:12 PM UTC");
  assert.equal(fr.date("2025-11-20T14:03:12.481Z"), "20 novembre 2025 à 14:03:12 UTC");
});

Deno.test("i18n: plural forms follow each language's rules", () => {
  assert.equal(t("en", "env.cpus", { n: 1 }), "1 CPU");
  assert.equal(t("en", "env.cpus", { n: 0 }), "0 CPUs");
  assert.equal(t("fr", "env.cpus", { n: 0 }), "0 processeur"); // French: 0 and 1 are singular
  assert.equal(t("fr", "env.cpus", { n: 2 }), "2 processeurs");
  assert.equal(t("fr", "counts.extraCopies", { n: 2771 }), "+2\u202f771 copies en trop");
  assert.equal(
    t("fr", "counts.extraCopies", { n: 1_000_000 }),
    "+1\u202f000\u202f000 copies en trop",
  );
});

Deno.test("i18n: every note a client driver gives has its sentence in both languages", async () => {
  for (const client of ["java", "kafkajs", "librdkafka"]) {
    const source = await Deno.readTextFile(
      new URL(`../../lib/clients/${client}/driver.ts`, import.meta.url),
    );
    for (const [, id] of source.matchAll(/\{ id: "([\w.]+)"/g)) {
      assert.ok(isMessageKey(id), `${client}: ${id}`);
    }
  }
});

Deno.test("i18n: no French string is an English sentence left untranslated", () => {
  const en = messages("en") as Record<string, Message>;
  const fr = messages("fr") as Record<string, Message>;
  const forms = (m: Message) => typeof m === "string" ? [m] : Object.values(m);
  const words = (text: string) => text.replace(/\{\w+\}/g, " ").match(/\p{L}{2,}/gu) ?? [];
  const copied = Object.keys(en).filter((key) =>
    JSON.stringify(en[key]) === JSON.stringify(fr[key]) &&
    forms(en[key]).some((text) => words(text).length > 1)
  );
  // One word alike in both (Verdict, Client, Offset…) is fine; a sentence is not translated.
  assert.deepEqual(copied, []);
});
