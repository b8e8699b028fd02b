/**
 * Fault labels in a report's language, written from the fault's structured
 * fields (kind, target, toxic type, stream, attributes, broker op). Reports
 * older than those fields keep the English label, marked as English.
 *
 * @example
 * ```ts
 * import { faultLabel } from "./fault_label.ts";
 * faultLabel("fr", {
 *   id: "f1", label: "kill leader of partition 0", kind: "broker",
 *   target: { kind: "leader", partition: 0 }, action: { kind: "broker", op: "kill" },
 *   brokers: [2], plannedAtMs: 10000, plannedForMs: 5000, startedAtMs: 10003, endedAtMs: 15010,
 * }); // { text: "arrêt brutal (SIGKILL) du leader de la partition 0", lang: "fr" }
 * ```
 * @module
 */
import type { FaultAction, FaultTarget } from "../scenario/types.ts";
import { escapeHtml as esc } from "./escape.ts";
import { format, type Lang, t } from "./i18n.ts";
import { inLang, listText } from "./phrase.ts";
import type { FaultWindow } from "./types.ts";

/** A fault's label and the language it is in (English for reports without `action`). */
export function faultLabel(lang: Lang, fault: FaultWindow): { text: string; lang: Lang } {
  if (!fault.action) return { text: fault.label, lang: "en" };
  return { text: actionText(lang, fault.action, fault.target), lang };
}

/** A fault's label as HTML in a report in `lang`. */
export function faultLabelHtml(lang: Lang, fault: FaultWindow): string {
  const label = faultLabel(lang, fault);
  return inLang(lang, label.lang, esc(label.text));
}

function actionText(lang: Lang, action: FaultAction, target: FaultTarget): string {
  switch (action.kind) {
    case "proxy-down":
      return t(lang, "fault.proxyDown", { target: targetText(lang, target, "on") }) +
        connectionsText(lang, action);
    case "broker":
      return t(lang, `fault.broker.${action.op}`, { target: targetText(lang, target, "of") });
    case "member":
      return t(lang, `fault.member.${action.op}`, {
        member: target.kind === "member" ? target.index : 0,
      });
    case "toxic": {
      const f = format(lang);
      return t(lang, "fault.toxic", {
        toxic: toxicText(lang, action.type, action.attributes),
        stream: t(lang, `fault.stream.${action.stream}`),
        target: targetText(lang, target, "on"),
        toxicity: action.toxicity < 1
          ? t(lang, "fault.toxicity", { share: f.percent(action.toxicity * 100) })
          : "",
      }) + connectionsText(lang, action);
    }
  }
}

/** Whose connections a network fault hit, when one member's only. */
function connectionsText(lang: Lang, action: { member?: number }): string {
  return action.member === undefined ? "" : t(lang, "fault.connections", { member: action.member });
}

/** The target "on" which a toxic acts, or "of" which a broker op stops. */
function targetText(lang: Lang, target: FaultTarget, form: "on" | "of"): string {
  switch (target.kind) {
    case "all":
      return t(lang, `fault.${form}.all`);
    case "brokers":
      return t(lang, `fault.${form}.brokers`, {
        n: target.ids.length,
        ids: listText(lang, target.ids),
      });
    case "leader":
    case "followers":
      return t(lang, `fault.${form}.${target.kind}`, { partition: target.partition });
    case "coordinator":
      return t(lang, `fault.${form}.coordinator`);
    case "member":
      return t(lang, "fault.member", { member: target.index });
    case "new-member":
      return t(lang, "fault.newMember");
  }
}

function toxicText(lang: Lang, type: string, attributes: Record<string, number>): string {
  const f = format(lang);
  const a = (name: string) => f.int(attributes[name] ?? 0);
  const zero = (name: string) => (attributes[name] ?? 0) === 0;
  switch (type) {
    case "latency":
      return zero("jitter")
        ? t(lang, "fault.toxic.latency", { latency: a("latency") })
        : t(lang, "fault.toxic.latencyJitter", { latency: a("latency"), jitter: a("jitter") });
    case "bandwidth":
      return t(lang, "fault.toxic.bandwidth", { rate: a("rate") });
    case "slow_close":
      return t(lang, "fault.toxic.slow_close", { delay: a("delay") });
    case "timeout":
      return zero("timeout")
        ? t(lang, "fault.toxic.timeoutForever")
        : t(lang, "fault.toxic.timeout", { timeout: a("timeout") });
    case "reset_peer":
      return zero("timeout")
        ? t(lang, "fault.toxic.reset_peer")
        : t(lang, "fault.toxic.reset_peerAfter", { timeout: a("timeout") });
    case "slicer":
      return t(lang, "fault.toxic.slicer", { average_size: a("average_size") });
    case "limit_data":
      return t(lang, "fault.toxic.limit_data", { bytes: a("bytes") });
    default:
      return type;
  }
}
