/**
 * The consumer group of a variant in the HTML report (issue 11): the group's settings, what
 * became of each record of its topic, its members' lives drawn on the load's time axis (an
 * inline SVG, nothing to fetch), what each member fault cost, and the committed offsets at
 * the end. Every string in the report's language, every value from outside sismo quoted.
 *
 * @example
 * ```ts
 * import type { VariantReport } from "./types.ts";
 * declare const variant: VariantReport;
 * import { consumerGroupHtml } from "./consumer_html.ts";
 * import { format } from "./i18n.ts";
 * const html = variant.consumer
 *   ? consumerGroupHtml(variant, variant.consumer, { lang: "fr", f: format("fr"), loadEndMs: 40_000 })
 *   : "";
 * ```
 * @module
 */
import { variantColor } from "./charts.ts";
import { escapeHtml as esc } from "./escape.ts";
import { faultLabelHtml } from "./fault_label.ts";
import { longestReassignment } from "./metrics.ts";
import { type Formatter, type Lang, type MessageKey, t } from "./i18n.ts";
import { listText, messageHtml, quoted } from "./phrase.ts";
import type {
  ConsumerGroupReport,
  GroupFaultPause,
  MemberLifeReport,
  ProcessingCounts,
  VariantReport,
} from "./types.ts";

/** What {@link consumerGroupHtml} needs besides the group. */
export interface ConsumerHtmlContext {
  lang: Lang;
  f: Formatter;
  /** End of the load (warm-up and measured window), ms since the load started. */
  loadEndMs: number;
}

/** Processing classes in the order reports show them; the bad ones are marked when non-zero. */
export const PROCESSING_ROWS: {
  key: keyof ProcessingCounts;
  label: MessageKey;
  help: MessageKey;
  bad: boolean;
  /** Shown only when non-zero. */
  optional: boolean;
}[] = [
  row("records", "records", false, false),
  row("processedOnce", "once", false, false),
  row("processedMoreThanOnce", "moreThanOnce", true, false),
  row("deadLettered", "deadLettered", false, false),
  row("lost", "lost", true, false),
  row("unprocessed", "unprocessed", false, false),
  row("deadLetterMissing", "deadLetterMissing", true, true),
  row("deadLetterDuplicates", "deadLetterDuplicates", true, true),
  row("unknownEntries", "unknownEntries", true, true),
];

function row(key: keyof ProcessingCounts, id: string, bad: boolean, optional: boolean) {
  return {
    key,
    label: `processing.${id}` as MessageKey,
    help: `help.processing.${id}` as MessageKey,
    bad,
    optional,
  };
}

/** Sampled classes and their labels, in the order of the counts. */
const SAMPLE_CLASSES = [
  ["processedMoreThanOnce", "processing.moreThanOnce"],
  ["lost", "processing.lost"],
  ["unprocessed", "processing.unprocessed"],
  ["deadLetterMissing", "processing.deadLetterMissing"],
] as const;

/** Samples shown per class. */
const SAMPLES_SHOWN = 5;

/** The HTML of one variant's consumer group (an `h3` and what follows). */
export function consumerGroupHtml(
  variant: VariantReport,
  group: ConsumerGroupReport,
  ctx: ConsumerHtmlContext,
): string {
  const { lang } = ctx;
  const h4 = (key: MessageKey) => `<h4>${esc(t(lang, key))}</h4>`;
  return [
    `<h3>${
      messageHtml(lang, "consumer.heading", {
        variant: quoted(variant.name),
        group: quoted(group.groupId, "code"),
      })
    }</h3>`,
    h4("consumer.settings"),
    settingsTable(group, ctx),
    h4("consumer.outcome"),
    countsTable(group, ctx),
    samplesTable(group, ctx),
    h4("consumer.lives"),
    livesTable(group, ctx),
    timelineSvg(variant, group, ctx),
    h4("consumer.pauses"),
    pausesHtml(variant, group, ctx),
    h4("consumer.committed"),
    committedTable(group, ctx),
  ].join("\n");
}

const code = (text: string) => quoted(text, "code");

/** Rows of a two-column table: label (text) and value (HTML), with an optional class and tooltip. */
function keyValueTable(
  rows: { label: string; labelHtml?: string; value: string; cls?: string; help?: string }[],
): string {
  return `<div class="scroll"><table><tbody>\n${
    rows.map((r) =>
      `<tr><th${r.help ? ` title="${esc(r.help)}"` : ""}>${r.labelHtml ?? esc(r.label)}</th><td${
        r.cls ? ` class="${r.cls}"` : ""
      }>${r.value}</td></tr>`
    ).join("\n")
  }\n</tbody></table></div>`;
}

function settingsTable(group: ConsumerGroupReport, { lang, f }: ConsumerHtmlContext): string {
  const time = group.processing.time;
  const timeText = time.kind === "fixed"
    ? t(lang, "consumer.time.fixed", { ms: f.ms(time.ms) })
    : time.kind === "uniform"
    ? t(lang, "consumer.time.uniform", { min: f.ms(time.minMs), max: f.ms(time.maxMs) })
    : t(lang, "consumer.time.exponential", { mean: f.ms(time.meanMs), max: f.ms(time.maxMs) });
  const commit = `${code(group.commit)} — ${
    esc(t(lang, `consumer.commit.${group.commit}` as MessageKey))
  }${
    group.commitEvery === null ? "" : esc(
      `${t(lang, "punct.separator")}${t(lang, "consumer.commitEvery", { n: group.commitEvery })}`,
    )
  }${
    group.commitOnRevoke
      ? esc(`${t(lang, "punct.separator")}${t(lang, "consumer.commitOnRevoke")}`)
      : ""
  }`;
  const rows = [
    {
      label: t(lang, "consumer.client"),
      value: code(`${group.client.name} ${group.client.version}`),
    },
    { label: t(lang, "consumer.members"), value: esc(f.int(group.members)) },
    { label: t(lang, "consumer.commit"), value: commit },
    { label: t(lang, "consumer.pollRecords"), value: esc(f.int(group.pollRecords)) },
    { label: t(lang, "consumer.processing"), value: esc(timeText) },
    {
      label: t(lang, "consumer.poison"),
      value: esc(f.percent(group.processing.poisonShare * 100)),
    },
    {
      label: t(lang, "consumer.deadLetterTopic"),
      value: group.deadLetterTopic === null
        ? esc(t(lang, "consumer.noDeadLetter"))
        : code(group.deadLetterTopic),
    },
    // Kafka's names and values as written.
    ...Object.keys(group.properties).sort().map((key) => ({
      label: key,
      labelHtml: code(key),
      value: code(group.properties[key]),
    })),
  ];
  return keyValueTable(rows);
}

function countsTable(group: ConsumerGroupReport, { lang, f }: ConsumerHtmlContext): string {
  const counts = group.counts;
  if (counts === null) return `<p>${esc(t(lang, "consumer.notRead"))}</p>`;
  return keyValueTable(
    PROCESSING_ROWS.filter((r) => !r.optional || counts[r.key] > 0).map((r) => {
      const n = counts[r.key];
      const extra = r.key === "processedMoreThanOnce" && counts.reprocessings > 0
        ? ` <small>(${esc(t(lang, "consumer.reprocessings", { n: counts.reprocessings }))})</small>`
        : "";
      return {
        label: t(lang, r.label),
        help: t(lang, r.help),
        value: esc(f.int(n)) + extra,
        cls: r.bad && n > 0 ? "num bad" : "num",
      };
    }),
  );
}

function samplesTable(group: ConsumerGroupReport, { lang, f }: ConsumerHtmlContext): string {
  const rows = SAMPLE_CLASSES.flatMap(([key, label]) =>
    group.samples[key].slice(0, SAMPLES_SHOWN).map((s) =>
      `<tr><td>${esc(t(lang, label))}</td><td class="num">${
        esc(String(s.partition))
      }</td><td class="num">${esc(String(s.offset))}</td><td>${
        s.members.length === 0 ? "—" : esc(listText(lang, s.members.map((m) => f.int(m))))
      }</td></tr>`
    )
  );
  if (rows.length === 0) return "";
  return `<p class="help">${esc(t(lang, "consumer.samples"))}</p>` +
    `<div class="scroll"><table><thead><tr><th>${esc(t(lang, "anomalies.kind"))}</th>` +
    `<th class="num">${esc(t(lang, "anomalies.partition"))}</th><th class="num">${
      esc(t(lang, "anomalies.offset"))
    }</th><th>${esc(t(lang, "consumer.finishedBy"))}</th></tr></thead><tbody>\n${
      rows.join("\n")
    }\n</tbody></table></div>`;
}

/** A life's assignments as text: `0, 1 (3.2 s) → no partition (10.5 s)`. */
function assignmentsText(lang: Lang, f: Formatter, life: MemberLifeReport): string {
  if (life.assignments.length === 0) return "—";
  return life.assignments.map((a) =>
    `${
      a.partitions.length === 0 ? t(lang, "consumer.noPartition") : listText(lang, a.partitions)
    } (${f.seconds(a.atMs)})`
  ).join(" → ");
}

function livesTable(group: ConsumerGroupReport, { lang, f }: ConsumerHtmlContext): string {
  const colon = t(lang, "punct.colon");
  const when = (ms: number | null) => ms === null ? "—" : esc(f.seconds(ms));
  const count = (n: number | null) => n === null ? "—" : esc(f.int(n));
  const heads: [MessageKey, boolean][] = [
    ["consumer.member", true],
    ["consumer.pid", true],
    ["consumer.started", true],
    ["consumer.ready", true],
    ["consumer.ended", true],
    ["consumer.end", false],
    ["consumer.processed", true],
    ["processing.deadLettered", true],
    ["consumer.commits", true],
    ["consumer.commitFailures", true],
    ["consumer.assignments", false],
    ["consumer.signals", false],
  ];
  const rows = group.lives.map((life) => {
    const end = life.endedMs === null
      ? esc(t(lang, "consumer.notEnded"))
      : esc(t(lang, `consumer.end.${life.end}` as MessageKey)) +
        (life.detail ? `${esc(colon)} ${quoted(life.detail, "code")}` : "");
    const bad = life.end === "failed" || life.end === "exited";
    const signals = life.signals.length === 0
      ? "—"
      : life.signals.map((s) => `${code(s.signal)} ${esc(f.seconds(s.atMs))}`).join(", ");
    return `<tr><td class="num">${esc(f.int(life.member))}</td><td class="num">${
      esc(String(life.pid))
    }</td><td class="num">${when(life.startedMs)}</td><td class="num">${
      when(life.readyMs)
    }</td><td class="num">${when(life.endedMs)}</td><td${bad ? ' class="bad"' : ""}>${end}</td>` +
      `<td class="num">${esc(f.int(life.processed))}</td><td class="num">${
        esc(f.int(life.deadLettered))
      }</td><td class="num">${count(life.commits)}</td><td class="num${
        (life.commitFailures ?? 0) > 0 ? " bad" : ""
      }">${count(life.commitFailures)}</td><td>${
        esc(assignmentsText(lang, f, life))
      }</td><td>${signals}</td></tr>`;
  });
  const logs = group.lives.filter((life) => life.logs.length > 0).map((life) =>
    `<details><summary>${
      esc(
        `${t(lang, "consumer.timeline.row", { member: life.member })} · ${
          t(lang, "consumer.pid")
        } ${life.pid}${colon} ${t(lang, "consumer.logs", { n: life.logs.length })}`,
      )
    }</summary><ul>${life.logs.map((line) => `<li>${code(line)}</li>`).join("")}</ul></details>`
  ).join("\n");
  return `<div class="scroll"><table><thead><tr>${
    // Text columns keep a readable width: the page lets words break anywhere to fit.
    heads.map(([key, num]) =>
      `<th${num ? ' class="num"' : ' style="min-width: 9em"'}>${esc(t(lang, key))}</th>`
    ).join("")}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table></div>${logs}`;
}

/**
 * Stretches when some partition of the topic was held by no live member: a rebalance (eager
 * revocation), or a dead member whose partitions were not yet reassigned. From the first
 * member's start to the group's end at the first clean leave, after the load, of a member
 * that did not come back (the group's shutdown would show as one last rebalance).
 */
export function unownedStretches(
  group: ConsumerGroupReport,
  loadEndMs: number,
): { fromMs: number; toMs: number }[] {
  const lives = group.lives;
  if (lives.length === 0) return [];
  const partitions = new Set(group.committed.map((c) => c.partition));
  for (const life of lives) {
    for (const a of life.assignments) a.partitions.forEach((p) => partitions.add(p));
  }
  if (partitions.size === 0) return [];
  // The group's end: the first clean leave, after the load, of a member that did not come back.
  const finalLeaves = lives.filter((life, i) =>
    life.end === "left" && life.endedMs !== null && life.endedMs >= loadEndMs &&
    !lives.slice(i + 1).some((later) => later.member === life.member)
  ).map((life) => life.endedMs!);
  const lastMs = Math.max(
    ...lives.flatMap((
      l,
    ) => [l.startedMs, l.endedMs ?? l.startedMs, ...l.assignments.map((a) => a.atMs)]),
  );
  const cutMs = finalLeaves.length > 0 ? Math.min(...finalLeaves) : lastMs;
  const startMs = Math.min(...lives.map((l) => l.startedMs));
  const times = [
    ...new Set(
      lives.flatMap((
        l,
      ) => [
        l.startedMs,
        ...(l.endedMs === null ? [] : [l.endedMs]),
        ...l.assignments.map((a) => a.atMs),
      ]),
    ),
  ].filter((ms) => ms >= startMs && ms < cutMs).sort((a, b) => a - b);
  const out: { fromMs: number; toMs: number }[] = [];
  times.forEach((at, i) => {
    const to = times[i + 1] ?? cutMs;
    const owned = new Set<number>();
    for (const life of lives) {
      if (life.startedMs > at || (life.endedMs !== null && life.endedMs <= at)) continue;
      const current = life.assignments.filter((a) => a.atMs <= at).at(-1);
      current?.partitions.forEach((p) => owned.add(p));
    }
    if ([...partitions].every((p) => owned.has(p))) return;
    const last = out.at(-1);
    if (last && last.toMs === at) last.toMs = to;
    else out.push({ fromMs: at, toMs: to });
  });
  return out.filter((s) => s.toMs > s.fromMs);
}

const SIGNAL_COLORS: Record<string, string> = {
  SIGKILL: "#cf222e",
  SIGSTOP: "#9a6700",
  SIGCONT: "#1a7f37",
};

/** A tick step in seconds giving at most about 10 ticks over `spanS`. */
function tickStep(spanS: number): number {
  for (const step of [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600]) {
    if (spanS / step <= 10) return step;
  }
  return Math.ceil(spanS / 10 / 3600) * 3600;
}

/**
 * Each member life as a bar on the load's time axis, cut at each assignment change with its
 * partitions inside; marks for the signals sent to it; pale red where some partition had no
 * member; dashed lines at member faults and at the end of the load.
 */
function timelineSvg(
  variant: VariantReport,
  group: ConsumerGroupReport,
  { lang, f, loadEndMs }: ConsumerHtmlContext,
): string {
  const lives = group.lives;
  if (lives.length === 0) return "";
  const ends = lives.map((l) => l.endedMs);
  const dataMs = [
    loadEndMs,
    ...lives.flatMap((l) => [
      l.startedMs,
      ...(l.endedMs === null ? [] : [l.endedMs]),
      ...l.assignments.map((a) => a.atMs),
      ...l.signals.map((s) => s.atMs),
    ]),
    ...group.pauses.map((p) => p.atMs),
  ];
  const minMs = Math.min(0, ...dataMs);
  const maxMs = Math.max(...dataMs) + (ends.includes(null) ? 1000 : 0);
  const spanMs = Math.max(1, maxMs - minMs);
  const width = 1000;
  const left = 170;
  const right = 20;
  const top = 18;
  const rowH = 34;
  const barH = 16;
  const height = top + lives.length * rowH + 34;
  const rowsBottom = top + lives.length * rowH;
  const x = (ms: number) => left + ((ms - minMs) / spanMs) * (width - left - right);
  const n = (v: number) => v.toFixed(1);
  const s = (ms: number) => f.seconds(ms);
  const parts: string[] = [];
  const title = (text: string) => `<title>${esc(text)}</title>`;

  for (const band of unownedStretches(group, loadEndMs)) {
    parts.push(
      `<rect x="${n(x(band.fromMs))}" y="${top}" width="${
        n(Math.max(1, x(band.toMs) - x(band.fromMs)))
      }" height="${rowsBottom - top}" fill="rgba(207, 34, 46, 0.13)">${
        title(t(lang, "consumer.timeline.unowned", { from: s(band.fromMs), to: s(band.toMs) }))
      }</rect>`,
    );
  }
  // Axis: ticks in seconds.
  const step = tickStep(spanMs / 1000);
  for (let tick = Math.ceil(minMs / 1000 / step) * step; tick * 1000 <= maxMs; tick += step) {
    const tx = n(x(tick * 1000));
    parts.push(
      `<line x1="${tx}" y1="${top}" x2="${tx}" y2="${rowsBottom + 4}" stroke="#d0d7de"/>` +
        `<text x="${tx}" y="${rowsBottom + 17}" text-anchor="middle">${
          esc(f.num(tick === 0 ? 0 : tick, 1))
        }</text>`,
    );
  }
  parts.push(
    `<text x="${n(left + (width - left - right) / 2)}" y="${
      height - 3
    }" text-anchor="middle" fill="#59636e">${esc(t(lang, "chart.seconds"))}</text>`,
  );
  lives.forEach((life, i) => {
    const y0 = top + i * rowH;
    const barY = y0 + 14;
    const endMs = life.endedMs ?? maxMs;
    const color = variantColor(life.member);
    parts.push(
      `<text x="${left - 8}" y="${barY + 12}" text-anchor="end">${
        esc(
          `${t(lang, "consumer.timeline.row", { member: life.member })} · ${
            t(lang, "consumer.pid")
          } ${life.pid}`,
        )
      }</text>`,
    );
    // Stretches: before the first assignment, then one per assignment.
    const changes = life.assignments.filter((a) => a.atMs < endMs);
    const stretches: { from: number; to: number; partitions: number[] | null }[] = [];
    const firstAt = changes[0]?.atMs ?? endMs;
    if (firstAt > life.startedMs) {
      stretches.push({ from: life.startedMs, to: firstAt, partitions: null });
    }
    changes.forEach((a, j) => {
      stretches.push({
        from: Math.max(a.atMs, life.startedMs),
        to: changes[j + 1]?.atMs ?? endMs,
        partitions: a.partitions,
      });
    });
    stretches.forEach((st, j) => {
      const x1 = x(st.from);
      const w = Math.max(1, x(st.to) - x1);
      const owned = st.partitions !== null && st.partitions.length > 0;
      const text = st.partitions === null || st.partitions.length === 0
        ? t(lang, "consumer.timeline.noPartition", { from: s(st.from), to: s(st.to) })
        : t(lang, "consumer.timeline.stretch", {
          n: st.partitions.length,
          partitions: listText(lang, st.partitions),
          from: s(st.from),
          to: s(st.to),
        });
      parts.push(
        `<rect x="${n(x1)}" y="${barY}" width="${n(w)}" height="${barH}" fill="${
          owned ? color : "#d0d7de"
        }" fill-opacity="${owned ? (j % 2 === 0 ? 0.9 : 0.65) : 1}" stroke="#ffffff">${
          title(text)
        }</rect>`,
      );
      const label = owned ? st.partitions!.join(",") : "";
      if (label && w >= label.length * 6.5 + 6) {
        parts.push(
          `<text x="${n(x1 + w / 2)}" y="${barY + 12}" text-anchor="middle" fill="#ffffff">${
            esc(label)
          }</text>`,
        );
      }
    });
    for (const signal of life.signals) {
      const sx = n(x(signal.atMs));
      const mark = signal.signal.replace(/^SIG/, "").slice(0, 1) || "?";
      const stroke = SIGNAL_COLORS[signal.signal] ?? "#1f2328";
      parts.push(
        `<g>${
          title(t(lang, "consumer.timeline.signal", { signal: signal.signal, at: s(signal.atMs) }))
        }<line x1="${sx}" y1="${barY - 2}" x2="${sx}" y2="${
          barY + barH + 2
        }" stroke="${stroke}" stroke-width="2.5"/>` +
          `<text x="${sx}" y="${
            barY - 3
          }" text-anchor="middle" font-weight="700" fill="${stroke}">${esc(mark)}</text></g>`,
      );
    }
  });
  const vline = (ms: number, label: string, tooltip: string, color: string) => {
    const vx = n(x(ms));
    return `<g>${title(tooltip)}<line x1="${vx}" y1="${
      top - 4
    }" x2="${vx}" y2="${rowsBottom}" stroke="${color}" stroke-dasharray="5 4" stroke-width="1.5"/>` +
      `<text x="${vx}" y="${top - 6}" text-anchor="middle" fill="${color}">${
        esc(label)
      }</text></g>`;
  };
  for (const pause of group.pauses) {
    parts.push(vline(
      pause.atMs,
      pause.faultId,
      pause.member === null
        ? t(lang, "consumer.timeline.faultCluster", { id: pause.faultId, at: s(pause.atMs) })
        : t(lang, "consumer.timeline.fault", {
          id: pause.faultId,
          member: pause.member,
          at: s(pause.atMs),
        }),
      "#bc4c00",
    ));
  }
  parts.push(vline(
    loadEndMs,
    "",
    `${t(lang, "consumer.timeline.loadEnd")} (${s(loadEndMs)})`,
    "#59636e",
  ));
  const id = `consumer-timeline-${esc(variant.name.replace(/[^\w-]/g, "_"))}`;
  return `<p class="chart-title" id="${id}-title">${esc(t(lang, "consumer.timeline"))}</p>` +
    `<p class="help">${esc(t(lang, "consumer.timeline.help"))}</p>` +
    `<div class="scroll"><svg class="consumer-timeline" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${id}-title" font-family="system-ui, sans-serif" font-size="12" style="min-width: 640px; height: auto; display: block">` +
    parts.join("") + `</svg></div>`;
}

function pausesHtml(
  variant: VariantReport,
  group: ConsumerGroupReport,
  { lang, f }: ConsumerHtmlContext,
): string {
  const ms = (v: number | null) => v === null ? "—" : esc(f.ms(v));
  const faultCell = (pause: GroupFaultPause) => {
    const fault = variant.faults.find((w) => w.id === pause.faultId);
    return esc(pause.faultId) +
      (fault ? `${esc(t(lang, "punct.colon"))} ${faultLabelHtml(lang, fault)}` : "");
  };
  const rows = group.pauses.flatMap((pause) => {
    const span = Math.max(1, pause.partitions.length);
    const head = `<td rowspan="${span}">${faultCell(pause)}</td><td class="num" rowspan="${span}">${
      esc(f.seconds(pause.atMs))
    }</td><td class="num" rowspan="${span}">${
      pause.member === null ? "—" : esc(f.int(pause.member))
    }</td>`;
    if (pause.partitions.length === 0) {
      return [`<tr>${head}<td class="num">—</td><td class="num">—</td><td class="num">—</td></tr>`];
    }
    return pause.partitions.map((p, i) =>
      `<tr>${i === 0 ? head : ""}<td class="num">${esc(String(p.partition))}</td><td class="num">${
        ms(p.pauseMs)
      }</td><td class="num">${ms(p.reassignedMs)}</td></tr>`
    );
  });
  const table = rows.length === 0
    ? `<p>${esc(t(lang, "consumer.pauses.none"))}</p>`
    : `<p class="help">${
      esc(t(lang, "consumer.pauses.help"))
    }</p><div class="scroll"><table><thead><tr>${
      ([
        ["phases.fault", false],
        ["consumer.pauses.at", true],
        ["consumer.member", true],
        ["anomalies.partition", true],
        ["consumer.pauses.pause", true],
        ["consumer.pauses.reassigned", true],
      ] as [MessageKey, boolean][]).map(([key, num]) =>
        `<th${num ? ' class="num"' : ""}>${esc(t(lang, key))}</th>`
      ).join("")
    }</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table></div>`;
  const reassignMax = longestReassignment(group);
  const summary = keyValueTable([
    {
      label: t(lang, "consumer.pauseMax"),
      value: group.pauseMaxMs === null
        ? esc(t(lang, "consumer.pauseMax.none"))
        : esc(f.ms(group.pauseMaxMs)),
    },
    {
      label: t(lang, "consumer.reassignMax"),
      value: reassignMax === null ? esc(t(lang, "consumer.pauseMax.none")) : esc(f.ms(reassignMax)),
    },
    ...(group.idleAtLoadEnd === undefined ? [] : [{
      label: t(lang, "consumer.idle"),
      value: esc(
        group.idleAtLoadEnd === 0
          ? t(lang, "consumer.idle.none")
          : t(lang, "consumer.idle.count", { n: group.idleAtLoadEnd }),
      ),
    }]),
    {
      label: t(lang, "consumer.catchUp"),
      value: esc(
        group.catchUpMs === null
          ? t(lang, "consumer.catchUp.never")
          : t(lang, "consumer.catchUp.ms", { time: f.ms(group.catchUpMs) }),
      ),
      cls: group.catchUpMs === null ? "bad" : undefined,
    },
    {
      label: t(lang, "consumer.endToEnd"),
      value: esc(
        group.endToEnd === null
          ? t(lang, "consumer.pauseMax.none")
          : t(lang, "consumer.endToEnd.value", {
            p50: f.ms(group.endToEnd.p50),
            p99: f.ms(group.endToEnd.p99),
            max: f.ms(group.endToEnd.max),
          }),
      ),
    },
    {
      label: t(lang, "consumer.lagMax"),
      value: esc(lagText(group, f, lang)),
    },
  ]);
  return `${table}${summary}`;
}

function committedTable(group: ConsumerGroupReport, { lang }: ConsumerHtmlContext): string {
  if (group.committed.length === 0) return `<p>${esc(t(lang, "consumer.committed.none"))}</p>`;
  return `<div class="scroll"><table><tbody><tr><th>${esc(t(lang, "anomalies.partition"))}</th>${
    group.committed.map((c) => `<th class="num">${esc(String(c.partition))}</th>`).join("")
  }</tr><tr><th>${esc(t(lang, "anomalies.offset"))}</th>${
    group.committed.map((c) =>
      `<td class="num">${
        c.offset === null ? esc(t(lang, "consumer.committed.none")) : esc(String(c.offset))
      }</td>`
    ).join("")
  }</tr></tbody></table></div>`;
}

/** The largest lag and when it was, from the per-second lag. */
function lagText(group: ConsumerGroupReport, f: Formatter, lang: Lang): string {
  const worst = group.lag.reduce<{ t: number; records: number } | null>(
    (w, p) => (w === null || p.records > w.records ? p : w),
    null,
  );
  if (worst === null) return t(lang, "consumer.pauseMax.none");
  return t(lang, "consumer.lagMax.value", {
    n: worst.records,
    records: f.int(worst.records),
    t: worst.t,
  });
}
