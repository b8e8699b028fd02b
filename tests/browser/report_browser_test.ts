/// <reference lib="dom" />
/**
 * Opens the rendered HTML reports in headless Chromium (Debian's `chromium`
 * package, installed by the test when missing and possible — see `chromium.ts` —
 * driven by puppeteer-core) and checks what a
 * person would see: no console errors, nothing fetched but the file itself,
 * every chart drawn with its lines and fault shading, the verdict on screen.
 * Full-page screenshots go to `reports/test-artifacts/`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { compareReports, DEFAULT_TOLERANCES } from "../../lib/report/compare.ts";
import { renderComparisonHtml } from "../../lib/report/compare_render.ts";
import type { ChartData } from "../../lib/report/charts.ts";
import { renderHtml } from "../../lib/report/html.ts";
import type { RunReport } from "../../lib/report/types.ts";
import { ensureChromium } from "./chromium.ts";
import { foreignVocabulary, wordsFound } from "../unit/report_words.ts";

const ARTIFACTS = new URL("../../reports/test-artifacts/", import.meta.url);
const FIXTURE = new URL("../fixtures/reports/idempotent-vs-plain.json", import.meta.url);

/** The browser, found or installed once (see `chromium.ts`). */
let chromium: Promise<string> | null = null;
const chromiumPath = () => chromium ??= ensureChromium((line) => console.error(line));

async function launch(profile: string): Promise<Browser> {
  return await puppeteer.launch({
    executablePath: await chromiumPath(),
    // Our own flags only: headless, no network side traffic, a fresh profile.
    headless: false,
    ignoreDefaultArgs: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--hide-scrollbars",
      `--user-data-dir=${profile}`,
    ],
    defaultViewport: { width: 1400, height: 1000 },
  });
}

interface PageCheck {
  consoleErrors: string[];
  requests: string[];
  /** Per chart id: pixels close to each series colour, and fault-shading pixels. */
  charts: Record<string, { colors: Record<string, number>; shading: number; canvas: boolean }>;
  text: string;
  /** Visible text outside elements quoted in another language or shown as is. */
  ownText: string;
  data: ChartData;
}

async function openAndCheck(
  browser: Browser,
  file: string,
  screenshot: string,
): Promise<PageCheck> {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warn") consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e}`));
  page.on("requestfailed", (r) => consoleErrors.push(`request failed: ${r.url()}`));
  page.on("request", (r) => requests.push(r.url()));
  const url = new URL(`file://${file}`).href;
  await page.goto(url, { waitUntil: "load" });
  const result = await page.evaluate(() => {
    const data = JSON.parse(document.getElementById("sismo-charts")!.textContent!);
    const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
    const charts: Record<
      string,
      { colors: Record<string, number>; shading: number; canvas: boolean }
    > = {};
    for (const spec of data.charts as { id: string; series: { color: string }[] }[]) {
      const canvas = document.querySelector(`#${spec.id} canvas`) as HTMLCanvasElement | null;
      if (!canvas || canvas.width === 0 || canvas.height === 0) {
        charts[spec.id] = { colors: {}, shading: 0, canvas: false };
        continue;
      }
      const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
      const colors: Record<string, number> = {};
      const targets = [...new Set(spec.series.map((s) => s.color))].map((c) =>
        [c, hex(c)] as const
      );
      for (const [c] of targets) colors[c] = 0;
      let shading = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        const [r, g, b, a] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]];
        if (a === 0) continue;
        // Fault bands: rgba(191, 135, 0, 0.16) over a transparent canvas.
        if (a < 80 && Math.abs(r - 191) < 12 && Math.abs(g - 135) < 12 && b < 20) shading++;
        for (const [c, [tr, tg, tb]] of targets) {
          if (a > 150 && Math.abs(r - tr) + Math.abs(g - tg) + Math.abs(b - tb) < 60) colors[c]++;
        }
      }
      charts[spec.id] = { colors, shading, canvas: true };
    }
    // The text in the page's own language: quoted foreign text and data shown as is left out.
    const own = document.body.cloneNode(true) as HTMLElement;
    const lang = document.documentElement.lang;
    own.querySelectorAll(`script, style, [translate="no"], [lang]:not([lang="${lang}"])`)
      .forEach((el) => el.remove());
    return { charts, text: document.body.innerText, ownText: own.textContent ?? "", data };
  });
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return { consoleErrors, requests, ...result };
}

function assertCleanPage(check: PageCheck, file: string) {
  assert.deepEqual(check.consoleErrors, [], "no console errors");
  const self = new URL(`file://${file}`).href;
  assert.deepEqual(check.requests.filter((r) => r !== self), [], "no request but the file itself");
  for (const spec of check.data.charts) {
    const chart = check.charts[spec.id];
    assert.ok(chart.canvas, `${spec.id}: canvas drawn`);
    for (const [color, count] of Object.entries(chart.colors)) {
      assert.ok(count > 40, `${spec.id}: series in ${color} drawn (${count} pixels)`);
    }
    if (spec.bands.length > 0) {
      assert.ok(chart.shading > 1000, `${spec.id}: fault window shaded (${chart.shading} pixels)`);
    }
  }
}

Deno.test({
  name: "browser: the HTML report opens offline, draws every chart and shows the verdict",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await chromiumPath();
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    const report: RunReport = JSON.parse(await Deno.readTextFile(FIXTURE));
    const dir = await Deno.makeTempDir({ prefix: "sismo-browser-" });
    const browser = await launch(join(dir, "profile"));
    try {
      const expectedText = {
        en: ["Verdict", "FAIL", "PASS", "duplicated == 0", "1,622", "Lost", "Around each fault"],
        fr: ["Verdict", "ÉCHEC", "RÉUSSI", "duplicated == 0", "Perdus", "Dupliqués", "Fantômes"],
      };
      for (const lang of ["en", "fr"] as const) {
        const file = join(dir, `report-${lang}.html`);
        await Deno.writeTextFile(file, renderHtml(report, { lang }));
        const check = await openAndCheck(
          browser,
          file,
          new URL(`report-${lang}.png`, ARTIFACTS).pathname,
        );
        assertCleanPage(check, file);
        assert.equal(check.data.charts.length, 1 + 2 * report.variants.length + 2); // + shared axes
        for (const text of expectedText[lang]) {
          assert.ok(check.text.includes(text), `${lang}: "${text}" shown`);
        }
        // As the browser shows it: no word of the other language outside quoted text.
        assert.deepEqual(wordsFound([check.ownText], foreignVocabulary(lang)), [], lang);
      }

      const current: RunReport = structuredClone(report);
      current.variants[1].verification!.counts.lost = 2;
      const comparison = compareReports(report, current, DEFAULT_TOLERANCES);
      const file = join(dir, "comparison-en.html");
      await Deno.writeTextFile(file, renderComparisonHtml(comparison, { lang: "en" }));
      const check = await openAndCheck(
        browser,
        file,
        new URL("comparison-en.png", ARTIFACTS).pathname,
      );
      assertCleanPage(check, file);
      assert.equal(check.data.charts.length, 3); // percentiles, then p99 and acked over time
      assert.ok(check.text.includes("REGRESSION"));
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Elements sticking out of the page's width, outside any box that scrolls them. */
function overflowing(): string[] {
  const width = document.documentElement.clientWidth;
  const scrolls = (el: Element) => {
    const s = getComputedStyle(el);
    return (s.overflowX === "auto" || s.overflowX === "scroll") && el.scrollWidth > el.clientWidth;
  };
  const out: string[] = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    let p = el.parentElement, inScroller = false;
    while (p && !inScroller) {
      inScroller = scrolls(p);
      p = p.parentElement;
    }
    if (!inScroller) {
      out.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(r.right)}`);
    }
  }
  if (document.documentElement.scrollWidth > width + 1) {
    out.unshift(`page is ${document.documentElement.scrollWidth} px wide for ${width}`);
  }
  return out;
}

/** Boxes whose content is cut off behind a scrollbar (in print: lost columns). */
function scrolled(): string[] {
  return [...document.querySelectorAll("*")].filter((el) => {
    const s = getComputedStyle(el);
    return (s.overflowX === "auto" || s.overflowX === "scroll" || s.overflowX === "hidden") &&
      el.scrollWidth > el.clientWidth + 1;
  }).map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
}

Deno.test({
  name:
    "browser: the report fits a 420 px phone (wide tables scroll in their box) and prints whole",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const report: RunReport = JSON.parse(await Deno.readTextFile(FIXTURE));
    const dir = await Deno.makeTempDir({ prefix: "sismo-browser-" });
    const browser = await launch(join(dir, "profile"));
    try {
      for (const lang of ["en", "fr"] as const) {
        const file = join(dir, `report.${lang}.html`);
        await Deno.writeTextFile(file, renderHtml(report, { lang }));
        const page = await browser.newPage();
        await page.setViewport({ width: 420, height: 900 });
        await page.goto(new URL(`file://${file}`).href, { waitUntil: "load" });
        assert.deepEqual(await page.evaluate(overflowing), [], `${lang} at 420 px`);
        await page.emulateMediaType("print");
        await page.setViewport({ width: 794, height: 1123 }); // A4 at 96 dpi
        assert.deepEqual(await page.evaluate(overflowing), [], `${lang} printed: overflow`);
        assert.deepEqual(
          await page.evaluate(scrolled),
          [],
          `${lang} printed: nothing behind a scrollbar`,
        );
        await page.close();
      }
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
