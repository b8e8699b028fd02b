/**
 * What a group member process is told, and what it says back (issue 11): one JSON line with
 * its {@link MemberJob} on its stdin, then JSON lines both ways. The member is a process of
 * its own (`main.ts member`) so that a fault can really kill it (SIGKILL), freeze it
 * (SIGSTOP, as a long GC pause does) or let it leave cleanly (`stop`).
 *
 * @module
 */
import type { ConnectionSettings } from "../connection/settings.ts";
import type { CommitMode, MemberResult } from "./member.ts";
import type { ProcessingModel } from "./processing_model.ts";

/** Format tag of a {@link MemberJob}. */
export const MEMBER_JOB_FORMAT = "sismo-member/1";

/** One member's job. */
export interface MemberJob {
  format: typeof MEMBER_JOB_FORMAT;
  /** The member's index in the group, from 0; written in its processing log. */
  member: number;
  /** A consumer client of the registry (`lib/clients/consumer_registry.ts`). */
  client: string;
  bootstrap: string[];
  connection?: ConnectionSettings;
  topic: string;
  groupId: string;
  /** Kafka's consumer properties, passed to the client. */
  properties: Record<string, string>;
  commit: CommitMode;
  /** Records per commit in after-batch and async modes (absent: each poll's). */
  commitEvery?: number;
  /** Batch modes: commit what was processed of partitions a rebalance revokes, first. */
  commitOnRevoke?: boolean;
  /** Records per poll (1 for Confluent.Kafka's `Consume`). */
  pollMax: number;
  model: ProcessingModel;
  /** The run whose events these are (hex). */
  runIdHex: string;
  /** Where the member appends what it finished (`processing_log.ts`). */
  logPath: string;
  /** Poison records go there; absent, they are logged and skipped. */
  deadLetterTopic?: string;
}

/**
 * What the parent says to a member: leave the group cleanly and exit, after the record in
 * progress, or with `drain` after every record the last poll handed over (the end of a run).
 */
export type ToMember = { type: "stop"; drain?: boolean };

/** What a member says. */
export type FromMember =
  | { type: "ready"; pid: number; client: { name: string; version: string } }
  | { type: "assignment"; partitions: number[]; atMs: number }
  | { type: "progress"; processed: number; deadLettered: number; atMs: number }
  | { type: "log"; level: "error" | "warn"; message: string }
  | { type: "done"; result: MemberResult }
  | { type: "failed"; message: string };

/** A member's line, checked for its type; null when it is not one. */
export function parseFromMember(line: string): FromMember | null {
  try {
    const m = JSON.parse(line);
    const types = ["ready", "assignment", "progress", "log", "done", "failed"];
    return m && typeof m === "object" && types.includes(m.type) ? m as FromMember : null;
  } catch {
    return null;
  }
}
