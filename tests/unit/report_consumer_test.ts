import assert from "node:assert/strict";
import { Ajv } from "ajv";
import { unownedStretches } from "../../lib/report/consumer_html.ts";
import { renderHtml } from "../../lib/report/html.ts";
import type { Lang } from "../../lib/report/i18n.ts";
import { renderMarkdown } from "../../lib/report/markdown.ts";
import { observedValue } from "../../lib/run/expectations.ts";
import type { ConsumerGroupReport, RunReport } from "../../lib/report/types.ts";
import { reportProblems } from "../../lib/report/validate.ts";
import { fixture } from "./report_helpers.ts";
import { foreignVocabulary, visibleTexts, wordsFound } from "./report_words.ts";

const schema = JSON.parse(
  await Deno.readTextFile(new URL("../../lib/report/report.schema.json", import.meta.url)),
);
const ajv = new Ajv({ allErrors: true, strict: true, validateFormats: false });
const validate = ajv.compile(schema);

/**
 * A group of two members on the plain variant's topic: member 0 killed at 12 s and started
 * again at 17 s, member 1 paused from 30 s to 33 s; 20,000 records.
 */
function consumerGroup(): ConsumerGroupReport {
  const more = [5100, 5101, 5102, 5103, 5104, 5105].map((offset) => ({
    partition: 0,
    offset,
    members: [0, 1],
  }));
  return {
    groupId: "sismo-plain-group",
    client: { name: "librdkafka", version: "2.16.0" },
    members: 2,
    commit: "after-batch",
    commitEvery: 100,
    pollRecords: 500,
    processing: { time: { kind: "uniform", minMs: 2, maxMs: 8 }, poisonShare: 0.001 },
    properties: {
      "session.timeout.ms": "10000",
      "partition.assignment.strategy": "cooperative-sticky",
    },
    deadLetterTopic: "sismo-plain-dlt",
    lives: [
      {
        member: 0,
        pid: 4101,
        startedMs: -2400,
        readyMs: -1900,
        endedMs: 12000,
        end: "killed",
        processed: 3120,
        deadLettered: 3,
        commits: null,
        commitFailures: null,
        assignments: [{ atMs: -1500, partitions: [0, 1, 2] }, { atMs: 1200, partitions: [0, 1] }],
        signals: [{ atMs: 12000, signal: "SIGKILL" }],
        logs: [],
      },
      {
        member: 1,
        pid: 4102,
        startedMs: -2300,
        readyMs: -1800,
        endedMs: 44100,
        end: "left",
        processed: 9876,
        deadLettered: 7,
        commits: 412,
        commitFailures: 2,
        assignments: [
          { atMs: 1200, partitions: [2] },
          { atMs: 22400, partitions: [0, 1, 2] },
          { atMs: 25000, partitions: [1, 2] },
        ],
        signals: [{ atMs: 30000, signal: "SIGSTOP" }, { atMs: 33000, signal: "SIGCONT" }],
        logs: ["Broker: Group rebalance in progress"],
      },
      {
        member: 0,
        pid: 4230,
        startedMs: 17000,
        readyMs: 17600,
        endedMs: 44000,
        end: "left",
        processed: 4321,
        deadLettered: 2,
        commits: 150,
        commitFailures: 0,
        assignments: [{ atMs: 17800, partitions: [] }, { atMs: 25000, partitions: [0] }],
        signals: [],
        logs: [],
      },
    ],
    counts: {
      records: 20000,
      processedOnce: 19421,
      processedMoreThanOnce: 540,
      reprocessings: 612,
      deadLettered: 12,
      lost: 3,
      unprocessed: 24,
      deadLetterMissing: 0,
      deadLetterDuplicates: 1,
      unknownEntries: 0,
    },
    samples: {
      processedMoreThanOnce: more,
      lost: [{ partition: 1, offset: 3377, members: [] }],
      unprocessed: [{ partition: 2, offset: 6650, members: [] }],
      deadLetterMissing: [],
    },
    committed: [
      { partition: 0, offset: 6667 },
      { partition: 1, offset: 6650 },
      { partition: 2, offset: null },
    ],
    catchUpMs: 3400,
    pauses: [
      {
        faultId: "m1",
        atMs: 12000,
        member: 0,
        partitions: [
          { partition: 0, pauseMs: 10850, reassignedMs: 10400 },
          { partition: 1, pauseMs: 10920, reassignedMs: 10400 },
        ],
      },
      {
        faultId: "m2",
        atMs: 30000,
        member: 1,
        partitions: [
          { partition: 1, pauseMs: 3180, reassignedMs: null },
          { partition: 2, pauseMs: null, reassignedMs: null },
        ],
      },
    ],
    pauseMaxMs: 10920,
    endToEnd: {
      count: 20_000,
      min: 3,
      mean: 210,
      p50: 12,
      p75: 30,
      p90: 80,
      p95: 400,
      p99: 9_800,
      p999: 11_000,
      p9999: 11_200,
      max: 11_300,
      histogram: "",
    },
    lag: [{ t: 0, records: 0 }, { t: 1, records: 40 }, { t: 2, records: 2_130 }, {
      t: 3,
      records: 15,
    }],
  };
}

/** The fixture report with a consumer group on its first variant (plain). */
function reportWithConsumer(): RunReport {
  const report = fixture();
  report.variants[0].consumer = consumerGroup();
  return report;
}

/** The consumer section of a rendered page. */
function consumerSection(html: string): string {
  const from = html.indexOf('<section id="consumer">');
  assert.ok(from > 0, "consumer section present");
  return html.slice(from, html.indexOf("</section>", from) + "</section>".length);
}

/** The row of a two-column table whose header is `label`. */
function rowOf(html: string, label: string): string {
  const at = html.indexOf(`>${label}</th>`);
  assert.ok(at > 0, `no row ${label}`);
  return html.slice(at, html.indexOf("</tr>", at));
}

/** The table row holding `text`. */
function trWith(html: string, text: string): string {
  const at = html.indexOf(text);
  assert.ok(at > 0, `no ${text}`);
  return html.slice(html.lastIndexOf("<tr>", at), html.indexOf("</tr>", at));
}

const VOID = new Set(["br", "hr", "img", "meta", "link", "input", "wbr", "col", "source"]);

/** Every element of `html` closed in order (self-closing SVG elements allowed). */
function assertBalanced(html: string): void {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    const [, closing, rawTag, attributes] = m;
    const tag = rawTag.toLowerCase();
    if (VOID.has(tag) || attributes.endsWith("/")) continue;
    if (!closing) stack.push(tag);
    else assert.equal(stack.pop(), tag, `</${tag}> closes <${stack.at(-1)}>`);
  }
  assert.deepEqual(stack, []);
}

Deno.test("consumer schema: a variant's consumer group is a valid report.json, wrong values are not", () => {
  const report = reportWithConsumer();
  assert.equal(validate(report), true, JSON.stringify(validate.errors, null, 2));
  assert.deepEqual(reportProblems(report), []);
  // Inconclusive: no counts, and a member that never subscribed nor ended.
  const unread = reportWithConsumer();
  const group = unread.variants[0].consumer!;
  group.counts = null;
  group.catchUpMs = null;
  group.pauseMaxMs = null;
  group.commitEvery = null;
  group.deadLetterTopic = null;
  group.processing.time = { kind: "exponential", meanMs: 20, maxMs: 500 };
  group.lives[1] = { ...group.lives[1], readyMs: null, endedMs: null, end: "exited", detail: "x" };
  assert.equal(validate(unread), true, JSON.stringify(validate.errors, null, 2));

  const cases: [string, (c: ConsumerGroupReport) => void][] = [
    ["wrong commit", (c) => (c.commit = "sometimes" as never)],
    ["missing counts key", (c) => delete (c.counts as Partial<typeof c.counts>)!.lost],
    ["missing counts", (c) => delete (c as Partial<ConsumerGroupReport>).counts],
    ["extra counts key", (c) => ((c.counts as unknown as Record<string, number>).dup = 1)],
    ["wrong end", (c) => (c.lives[0].end = "vanished" as never)],
    ["string offset", (c) => (c.samples.lost[0].offset = "3377" as never)],
    ["missing sample class", (c) => delete (c.samples as Partial<typeof c.samples>).unprocessed],
    ["wrong time kind", (c) => (c.processing.time = { kind: "gaussian" } as never)],
    ["poison share above 1", (c) => (c.processing.poisonShare = 2)],
  ];
  for (const [name, mutate] of cases) {
    const bad = reportWithConsumer();
    mutate(bad.variants[0].consumer!);
    assert.equal(validate(bad), false, name);
  }
});

Deno.test("consumer schema: the resolved plan's consumer group, member faults and processing expectations", () => {
  const report = reportWithConsumer();
  const plan = report.scenario.resolved;
  plan.variants[0].consumer = {
    members: 2,
    commit: "auto",
    commitEvery: null,
    commitOnRevoke: false,
    pollRecords: 1,
    processing: { time: { kind: "fixed", ms: 5 }, poisonShare: 0 },
    deadLetter: false,
    properties: { "enable.auto.commit": "true" },
    propertyLines: { "enable.auto.commit": 31 },
    catchUpMs: 30000,
    source: { line: 28, path: "variants[0].consumer" },
  };
  const target = { kind: "member", index: 0 } as const;
  const action = { kind: "member", op: "kill" } as const;
  plan.faults.push({
    ...plan.faults[0],
    id: "m1",
    label: "kill member 0",
    target,
    action,
  });
  report.variants[0].faults.push({
    ...report.variants[0].faults[0],
    id: "m1",
    label: "kill member 0",
    kind: "member",
    target,
    action,
    brokers: [],
  });
  plan.variants[0].expectations.push({
    ...plan.variants[0].expectations[0],
    text: "processing.lost == 0",
    metric: "processing.lost",
  });
  assert.equal(validate(report), true, JSON.stringify(validate.errors, null, 2));
  plan.variants[0].consumer.commit = "never" as never;
  assert.equal(validate(report), false);
});

Deno.test("consumer html: settings and the outcome of each record, anomalies marked as the producer's are", () => {
  const section = consumerSection(renderHtml(reportWithConsumer(), { lang: "en" }));
  assert.ok(section.includes("<h2>Consumer group</h2>"));
  assert.ok(
    section.includes(
      '<h3><span lang="en">plain</span> — group <code lang="en">sismo-plain-group</code></h3>',
    ),
  );
  // Settings, Kafka's names as written.
  assert.match(rowOf(section, "Client"), /<code lang="en">librdkafka 2\.16\.0<\/code>/);
  assert.match(rowOf(section, "Members at the start"), /<td>2<\/td>/);
  assert.ok(
    rowOf(section, "Commit mode").includes(
      '<code lang="en">after-batch</code> — after each batch, waiting for the answer; a batch is 100 records',
    ),
  );
  assert.match(rowOf(section, "Records per poll"), /<td>500<\/td>/);
  assert.match(rowOf(section, "Processing time of a record"), /uniform between 2 ms and 8 ms/);
  assert.match(rowOf(section, "Poison records (always fail)"), /<td>0\.1%<\/td>/);
  assert.match(rowOf(section, "Dead-letter topic"), /<code lang="en">sismo-plain-dlt<\/code>/);
  assert.ok(
    section.includes(
      '<th><code lang="en">session.timeout.ms</code></th><td><code lang="en">10000</code></td>',
    ),
  );
  // Counts: lost and more than once marked bad; zero optional classes left out.
  assert.match(rowOf(section, "Records in the topic"), /<td class="num">20,000<\/td>/);
  assert.match(rowOf(section, "Processed once"), /<td class="num">19,421<\/td>/);
  assert.match(
    rowOf(section, "Processed more than once"),
    /<td class="num bad">540 <small>\(\+612 reprocessings\)<\/small><\/td>/,
  );
  assert.match(rowOf(section, "Dead-lettered"), /<td class="num">12<\/td>/);
  assert.match(rowOf(section, "Lost by the group"), /<td class="num bad">3<\/td>/);
  assert.match(rowOf(section, "Unprocessed"), /<td class="num">24<\/td>/);
  assert.match(
    rowOf(section, "Extra copies in the dead-letter topic"),
    /<td class="num bad">1<\/td>/,
  );
  assert.ok(!section.includes("Missing from the dead-letter topic"));
  assert.ok(!section.includes("Log entries for records the topic lacks"));
  assert.ok(section.includes('title="never finished, yet the group committed past them'));
  // Samples: at most 5 of a class.
  assert.equal(section.match(/<tr><td>Processed more than once<\/td>/g)?.length, 5);
  assert.ok(section.includes(">5104</td><td>0 and 1</td>"));
  assert.ok(!section.includes(">5105<"));
  assert.ok(
    section.includes(
      '<tr><td>Lost by the group</td><td class="num">1</td><td class="num">3377</td><td>—</td></tr>',
    ),
  );
});

Deno.test("consumer html: each member life in the table and on the timeline", () => {
  const report = reportWithConsumer();
  const section = consumerSection(renderHtml(report, { lang: "en" }));
  const killed = trWith(section, '<td class="num">4101</td>');
  assert.match(killed, /^<tr><td class="num">0<\/td><td class="num">4101<\/td>/);
  assert.ok(killed.includes('<td class="num">-2.4 s</td><td class="num">-1.9 s</td>'));
  assert.ok(killed.includes('<td class="num">12.0 s</td><td>killed by a signal</td>'));
  assert.ok(killed.includes('<td class="num">3,120</td><td class="num">3</td>'));
  assert.ok(killed.includes('<td class="num">—</td><td class="num">—</td>'), "commits unknown");
  assert.ok(killed.includes("0, 1, and 2 (-1.5 s) → 0 and 1 (1.2 s)"));
  assert.ok(killed.includes('<code lang="en">SIGKILL</code> 12.0 s'));
  const paused = trWith(section, '<td class="num">4102</td>');
  assert.ok(paused.includes('<td class="num">9,876</td><td class="num">7</td>'));
  assert.ok(paused.includes('<td class="num">412</td><td class="num bad">2</td>'));
  assert.ok(paused.includes("left the group cleanly"));
  assert.ok(paused.includes('<code lang="en">SIGSTOP</code> 30.0 s'));
  const restarted = trWith(section, '<td class="num">4230</td>');
  assert.ok(restarted.includes("no partition (17.8 s) → 0 (25.0 s)"));
  assert.ok(restarted.includes('<td class="num">150</td><td class="num">0</td>'));
  assert.ok(section.includes('<code lang="en">Broker: Group rebalance in progress</code>'));

  // The timeline: one bar label per life, a stretch per assignment, a mark per signal.
  const svg = section.slice(section.indexOf("<svg"), section.indexOf("</svg>") + 6);
  for (const label of ["member 0 · PID 4101", "member 1 · PID 4102", "member 0 · PID 4230"]) {
    assert.ok(svg.includes(`>${label}</text>`), label);
  }
  for (
    const stretch of [
      "partitions 0, 1, and 2 from -1.5 s to 1.2 s",
      "partitions 0 and 1 from 1.2 s to 12.0 s",
      "partition 2 from 1.2 s to 22.4 s",
      "no partition from 17.8 s to 25.0 s",
      "partition 0 from 25.0 s to 44.0 s",
      "partitions 1 and 2 from 25.0 s to 44.1 s",
    ]
  ) {
    assert.ok(svg.includes(`<title>${stretch}</title>`), stretch);
  }
  assert.equal(svg.match(/<rect [^>]*fill-opacity/g)?.length, 10, "stretches, joining included");
  for (const mark of ["SIGKILL at 12.0 s", "SIGSTOP at 30.0 s", "SIGCONT at 33.0 s"]) {
    assert.ok(svg.includes(`<title>${mark}</title>`), mark);
  }
  assert.ok(svg.includes("<title>a partition held by no member from 12.0 s to 22.4 s</title>"));
  assert.ok(svg.includes("<title>fault m1 on member 0 at 12.0 s</title>"));
  assert.ok(svg.includes("<title>end of the load (40.0 s)</title>"));
  assert.deepEqual(unownedStretches(report.variants[0].consumer!, 40_000), [
    { fromMs: -2400, toMs: -1500 },
    { fromMs: 12000, toMs: 22400 },
  ]);
});

Deno.test("consumer html: what each member fault cost, the catch-up and the committed offsets", () => {
  const report = reportWithConsumer();
  const section = consumerSection(renderHtml(report, { lang: "en" }));
  const m1 = trWith(section, '<td rowspan="2">m1</td>');
  assert.ok(
    m1.includes(
      '<td class="num" rowspan="2">12.0 s</td><td class="num" rowspan="2">0</td><td class="num">0</td><td class="num">10,850 ms</td><td class="num">10,400 ms</td>',
    ),
  );
  assert.ok(
    section.includes(
      '<tr><td class="num">1</td><td class="num">10,920 ms</td><td class="num">10,400 ms</td></tr>',
    ),
  );
  assert.ok(
    section.includes(
      '<tr><td class="num">2</td><td class="num">—</td><td class="num">—</td></tr>',
    ),
  );
  assert.match(rowOf(section, "Longest pause of a partition"), /<td>10,920 ms<\/td>/);
  // The longest wait of the hit member's partitions until another had them: rebalance.reassign.max.
  assert.match(
    rowOf(section, "Longest wait until reassigned"),
    /<td>10,400 ms<\/td>/,
  );
  assert.equal(observedValue("rebalance.reassign.max", report.variants[0]), 10400);
  assert.match(
    rowOf(section, "End-to-end latency (intended send → first processed)"),
    /<td>p50 12 ms, p99 9,800 ms, max 11,300 ms<\/td>/,
  );
  assert.match(
    rowOf(section, "Largest lag"),
    /<td>2,130 records waiting, 2 s after the load started<\/td>/,
  );
  assert.match(
    rowOf(section, "Catch-up after the load"),
    /<td>every partition committed to its end 3,400 ms after the end of the load<\/td>/,
  );
  assert.ok(
    section.includes(
      '<th>Offset</th><td class="num">6667</td><td class="num">6650</td><td class="num">none</td>',
    ),
  );
  // Never caught up, said plainly and marked.
  report.variants[0].consumer!.catchUpMs = null;
  report.variants[0].consumer!.pauseMaxMs = null;
  const never = consumerSection(renderHtml(report, { lang: "en" }));
  assert.match(
    rowOf(never, "Catch-up after the load"),
    /<td class="bad">never: the group had not committed every partition to its end when the run ended<\/td>/,
  );
  assert.match(rowOf(never, "Longest pause of a partition"), />none measured</);
});

Deno.test("consumer html: a fault on the brokers costs the group too, with no member to name", () => {
  const report = reportWithConsumer();
  const group = report.variants[0].consumer!;
  group.pauses = [{
    faultId: "m1",
    atMs: 12000,
    member: null,
    partitions: [{ partition: 0, pauseMs: 4200, reassignedMs: null }],
  }];
  assert.equal(validate(report), true, JSON.stringify(validate.errors, null, 2));
  assert.deepEqual(reportProblems(report), []);
  const section = consumerSection(renderHtml(report, { lang: "en" }));
  assert.ok(
    trWith(section, '<td rowspan="1">m1').includes(
      '<td class="num" rowspan="1">12.0 s</td><td class="num" rowspan="1">—</td><td class="num">0</td><td class="num">4,200 ms</td><td class="num">—</td>',
    ),
  );
  assert.ok(section.includes("<title>fault m1 at 12.0 s</title>"));
});

Deno.test("consumer: idle members at the end of the load, in the HTML and as members.idle", () => {
  const report = reportWithConsumer();
  const variant = report.variants[0];
  assert.equal(observedValue("members.idle", variant), null, "not measured: no value");
  assert.ok(!consumerSection(renderHtml(report, { lang: "en" })).includes("Idle members"));
  variant.consumer!.idleAtLoadEnd = 2;
  assert.equal(validate(report), true, JSON.stringify(validate.errors, null, 2));
  assert.deepEqual(reportProblems(report), []);
  assert.equal(observedValue("members.idle", variant), 2);
  assert.match(
    rowOf(consumerSection(renderHtml(report, { lang: "en" })), "Idle members when the load ended"),
    /<td>2 running members held no partition<\/td>/,
  );
  variant.consumer!.idleAtLoadEnd = 0;
  assert.match(
    rowOf(
      consumerSection(renderHtml(report, { lang: "fr" })),
      "Membres inactifs à la fin de la charge",
    ),
    /<td>aucun : chaque membre en marche tenait une partition<\/td>/,
  );
});

Deno.test("consumer html: still one self-contained page; text from outside is escaped", () => {
  const report = reportWithConsumer();
  const group = report.variants[0].consumer!;
  group.properties["client.id"] = "<script>alert(1)</script>";
  group.properties["<b>key</b>"] = "v";
  group.lives[0].detail = `<img src=x onerror=alert(2)>`;
  group.lives[1].logs.push("</details><script>alert(3)</script>");
  group.groupId = `g"><script>alert(4)</script>`;
  const html = renderHtml(report, { lang: "en" });
  assert.ok(!/<link\b/i.test(html), "no <link>");
  assert.ok(!/\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i.test(html), "no remote src/href");
  assert.ok(!/<script[^>]+src=/i.test(html), "no external script");
  const section = consumerSection(html);
  assertBalanced(section);
  assert.ok(!section.includes("<script>"));
  assert.ok(!section.includes("<img"));
  assert.ok(!section.includes("<b>key"));
  assert.ok(section.includes('<code lang="en">&lt;script&gt;alert(1)&lt;/script&gt;</code>'));
  assert.ok(section.includes('<code lang="en">&lt;b&gt;key&lt;/b&gt;</code>'));
  assert.ok(section.includes("&lt;img src=x onerror=alert(2)&gt;"));
  assert.ok(section.includes("&lt;/details&gt;&lt;script&gt;alert(3)&lt;/script&gt;"));
  assert.ok(section.includes("g&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;"));
  // Without a consumer group, no section.
  assert.ok(!renderHtml(fixture(), { lang: "en" }).includes('<section id="consumer">'));
});

/** Words of the other language a reader of the consumer section in `lang` would see. */
function leftovers(section: string, lang: Lang) {
  return wordsFound(visibleTexts(`<body>${section}`, lang), foreignVocabulary(lang));
}

Deno.test("consumer html: French labels and number formats, no English left outside quoted text", () => {
  const report = reportWithConsumer();
  // The second variant's group could not be read and never caught up.
  report.variants[1].consumer = {
    ...consumerGroup(),
    counts: null,
    catchUpMs: null,
    pauseMaxMs: null,
  };
  const fr = consumerSection(renderHtml(report, { lang: "fr" }));
  for (
    const text of [
      "<h2>Groupe de consommateurs</h2>",
      "— groupe <code",
      "après chaque lot, en attendant la réponse ; un lot fait 100 enregistrements",
      "uniforme entre 2 ms et 8 ms",
      '>Enregistrements du topic</th><td class="num">20\u202f000</td>',
      '>Traités plus d’une fois</th><td class="num bad">540 <small>(+612 retraitements)</small>',
      '>Perdus par le groupe</th><td class="num bad">3</td>',
      "tué par un signal",
      "a quitté le groupe proprement",
      "<title>SIGKILL à 12,0 s</title>",
      "<title>partitions 0, 1 et 2 de -1,5 s à 1,2 s</title>",
      '<td class="num">10\u202f850 ms</td>',
      "chaque partition commitée jusqu’au bout 3\u202f400 ms après la fin de la charge",
      "jamais : le groupe n’avait pas commité chaque partition jusqu’au bout",
      "Le devenir des enregistrements du groupe n’a pas pu être lu",
      "Offsets commités à la fin",
      '<th><code lang="en">session.timeout.ms</code></th>',
    ]
  ) {
    assert.ok(fr.includes(text), text);
  }
  assert.deepEqual(leftovers(fr, "fr"), []);
  const en = consumerSection(renderHtml(report, { lang: "en" }));
  assert.deepEqual(leftovers(en, "en"), []);
});

Deno.test("consumer markdown: one row per group with the counts, the longest pause and the catch-up", () => {
  const report = reportWithConsumer();
  report.variants[1].consumer = { ...consumerGroup(), counts: null, catchUpMs: null };
  const md = renderMarkdown(report);
  assert.ok(md.includes("## Consumer group"));
  assert.ok(
    md.includes(
      "|  | Records in the topic | Processed once | Processed more than once | Dead-lettered | Lost by the group | Unprocessed | Longest pause of a partition | Catch-up after the load |",
    ),
  );
  assert.ok(
    md.includes(
      "| plain | 20,000 | 19,421 | **540** (+612 reprocessings) | 12 | **3** | 24 | 10,920 ms | 3,400 ms |",
    ),
  );
  assert.ok(
    md.includes(
      "| idempotent | not read | not read | not read | not read | not read | not read | 10,920 ms | **never** |",
    ),
  );
  const fr = renderMarkdown(report, { lang: "fr" });
  assert.ok(fr.includes("## Groupe de consommateurs"));
  assert.ok(
    fr.includes(
      "| plain | 20\u202f000 | 19\u202f421 | **540** (+612 retraitements) | 12 | **3** | 24 | 10\u202f920 ms | 3\u202f400 ms |",
    ),
  );
  assert.ok(!renderMarkdown(fixture()).includes("## Consumer group"));
});
