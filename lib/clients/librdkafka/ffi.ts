/**
 * The part of librdkafka's C API (`rdkafka.h`) that the producer driver uses,
 * bound with `Deno.dlopen`. librdkafka's own threads never call into
 * JavaScript: the driver asks for delivery reports, errors, logs and
 * statistics as events on the main queue and polls it from a Deno worker
 * thread (`queue_poll_blocking` is declared `nonblocking`).
 *
 * Sizes (`usize`) are declared bigint by Deno but take plain numbers at run
 * time, which the hot path passes to avoid a BigInt per record ({@link size}).
 *
 * Struct layout relied on (64-bit Linux), `rd_kafka_message_t`: err@0,
 * rkt@8, partition@16, payload@24, len@32, key@40, key_len@48, offset@56,
 * _private (the per-message opaque)@64. A wrong offset or a pointer kept
 * after `rd_kafka_event_destroy` crashes the process: the library's version
 * is checked against the pinned one when it is loaded, and message pointers
 * are read at once and never kept.
 *
 * @module
 */

/** `rd_kafka_message_t` field offsets, and its size, on 64-bit platforms (little-endian). */
export const MESSAGE = { err: 0, partition: 16, offset: 56, opaque: 64, size: 72 } as const;

/** Event types (`RD_KAFKA_EVENT_*`). */
export const EVENT = { DR: 0x1, LOG: 0x4, ERROR: 0x8, STATS: 0x40 } as const;

/** `rd_kafka_purge` flags. */
export const PURGE = { QUEUE: 0x1, INFLIGHT: 0x2, NON_BLOCKING: 0x4 } as const;

/** `RD_KAFKA_MSG_F_COPY`: librdkafka copies the payload, the caller's buffer is free at once. */
export const MSG_F_COPY = 0x2;
/** `RD_KAFKA_PARTITION_UA`: the configured partitioner chooses. */
export const PARTITION_UA = -1;
/** `RD_KAFKA_PRODUCER`. */
export const PRODUCER = 0;
/** `RD_KAFKA_CONSUMER`. */
export const CONSUMER = 1;
/** `RD_KAFKA_RESP_ERR__PARTITION_EOF`: not an error, the end of a partition for now. */
export const ERR_PARTITION_EOF = -191;
/** The rebalance callback's `err`: partitions to assign, partitions to revoke. */
export const ERR_ASSIGN_PARTITIONS = -175;
export const ERR_REVOKE_PARTITIONS = -174;

/**
 * `rd_kafka_message_t` fields a consumer reads besides {@link MESSAGE}'s: payload@24 (pointer),
 * len@32, key@40 (pointer), key_len@48.
 */
export const CONSUMED = { payload: 24, len: 32, key: 40, keyLen: 48 } as const;

/**
 * `rd_kafka_topic_partition_list_t`: cnt@0 (int), size@4, elems@8 (pointer to an array of
 * `rd_kafka_topic_partition_t`, 64 bytes each: topic@0, partition@8, offset@16, metadata@24,
 * metadata_size@32, opaque@40, err@48, _private@56).
 */
export const PARTITION_LIST = { cnt: 0, elems: 8, elemSize: 64, partition: 8, offset: 16 } as const;
/** `rd_kafka_conf_res_t`. */
export const CONF = { UNKNOWN: -2, INVALID: -1, OK: 0 } as const;
/** `rd_kafka_msg_status_t`, as Confluent.Kafka's PersistenceStatus. */
export const MSG_STATUS = ["not-persisted", "possibly-persisted", "persisted"] as const;

const SYMBOLS = {
  rd_kafka_version_str: { parameters: [], result: "pointer" },
  rd_kafka_err2str: { parameters: ["i32"], result: "pointer" },
  rd_kafka_last_error: { parameters: [], result: "i32" },
  rd_kafka_conf_new: { parameters: [], result: "pointer" },
  rd_kafka_conf_destroy: { parameters: ["pointer"], result: "void" },
  rd_kafka_conf_set: {
    parameters: ["pointer", "buffer", "buffer", "buffer", "usize"],
    result: "i32",
  },
  rd_kafka_conf_set_events: { parameters: ["pointer", "i32"], result: "void" },
  rd_kafka_new: { parameters: ["i32", "pointer", "buffer", "usize"], result: "pointer" },
  rd_kafka_destroy: { parameters: ["pointer"], result: "void", nonblocking: true },
  rd_kafka_topic_new: { parameters: ["pointer", "buffer", "pointer"], result: "pointer" },
  rd_kafka_topic_destroy: { parameters: ["pointer"], result: "void" },
  /** The last parameter is the per-message opaque (`void *`), passed as a number: no pointer object per record. */
  rd_kafka_produce: {
    parameters: ["pointer", "i32", "i32", "buffer", "usize", "buffer", "usize", "usize"],
    result: "i32",
  },
  rd_kafka_purge: { parameters: ["pointer", "i32"], result: "i32" },
  rd_kafka_outq_len: { parameters: ["pointer"], result: "i32" },
  rd_kafka_set_log_queue: { parameters: ["pointer", "pointer"], result: "i32" },
  rd_kafka_queue_get_main: { parameters: ["pointer"], result: "pointer" },
  rd_kafka_queue_destroy: { parameters: ["pointer"], result: "void" },
  /** Waits up to the timeout on a Deno worker thread: the event loop keeps running. */
  queue_poll_blocking: {
    name: "rd_kafka_queue_poll",
    parameters: ["pointer", "i32"],
    result: "pointer",
    nonblocking: true,
  },
  /** The same call with timeout 0, on the main thread, to drain what is already there. */
  rd_kafka_queue_poll: { parameters: ["pointer", "i32"], result: "pointer" },
  rd_kafka_event_type: { parameters: ["pointer"], result: "i32" },
  rd_kafka_event_destroy: { parameters: ["pointer"], result: "void" },
  rd_kafka_event_message_count: { parameters: ["pointer"], result: "usize" },
  rd_kafka_event_message_array: {
    parameters: ["pointer", "buffer", "usize"],
    result: "usize",
  },
  rd_kafka_event_error: { parameters: ["pointer"], result: "i32" },
  rd_kafka_event_error_string: { parameters: ["pointer"], result: "pointer" },
  rd_kafka_event_error_is_fatal: { parameters: ["pointer"], result: "i32" },
  rd_kafka_event_log: {
    parameters: ["pointer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  rd_kafka_event_stats: { parameters: ["pointer"], result: "pointer" },
  rd_kafka_message_status: { parameters: ["pointer"], result: "i32" },
  // The consumer's part.
  rd_kafka_poll_set_consumer: { parameters: ["pointer"], result: "i32" },
  rd_kafka_subscribe: { parameters: ["pointer", "pointer"], result: "i32" },
  rd_kafka_topic_partition_list_new: { parameters: ["i32"], result: "pointer" },
  rd_kafka_topic_partition_list_add: {
    parameters: ["pointer", "buffer", "i32"],
    result: "pointer",
  },
  rd_kafka_topic_partition_list_set_offset: {
    parameters: ["pointer", "buffer", "i32", "i64"],
    result: "i32",
  },
  rd_kafka_topic_partition_list_destroy: { parameters: ["pointer"], result: "void" },
  /** Serves rebalances (the callback runs within) and stores offsets; called with timeout 0. */
  rd_kafka_consumer_poll: { parameters: ["pointer", "i32"], result: "pointer" },
  rd_kafka_message_destroy: { parameters: ["pointer"], result: "void" },
  /** A synchronous commit waits for the coordinator: on a Deno worker thread. */
  commit_blocking: {
    name: "rd_kafka_commit",
    parameters: ["pointer", "pointer", "i32"],
    result: "i32",
    nonblocking: true,
  },
  /** The asynchronous commit returns at once. */
  rd_kafka_commit: { parameters: ["pointer", "pointer", "i32"], result: "i32" },
  rd_kafka_assignment: { parameters: ["pointer", "buffer"], result: "i32" },
  rd_kafka_assignment_lost: { parameters: ["pointer"], result: "i32" },
  /**
   * Leaves the group (and commits, with auto-commit): may wait for the coordinator. On the
   * calling thread: the rebalance callback it calls (the revocation) runs there too.
   */
  rd_kafka_consumer_close: { parameters: ["pointer"], result: "i32" },
  rd_kafka_conf_set_rebalance_cb: { parameters: ["pointer", "function"], result: "void" },
  rd_kafka_rebalance_protocol: { parameters: ["pointer"], result: "pointer" },
  rd_kafka_assign: { parameters: ["pointer", "pointer"], result: "i32" },
  rd_kafka_incremental_assign: { parameters: ["pointer", "pointer"], result: "pointer" },
  rd_kafka_incremental_unassign: { parameters: ["pointer", "pointer"], result: "pointer" },
  rd_kafka_error_string: { parameters: ["pointer"], result: "pointer" },
  rd_kafka_error_destroy: { parameters: ["pointer"], result: "void" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The bound library. */
export type Librdkafka = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

const loaded = new Map<string, { lib: Librdkafka; version: string }>();

/** A C string from a pointer ("" for null). */
export function cString(p: Deno.PointerValue): string {
  return p === null ? "" : Deno.UnsafePointerView.getCString(p);
}

/** NUL-terminated bytes of a string, for `buffer` parameters that take `const char *`. */
export function cstr(s: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(s);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/** Open the library at `path` once per process; returns its symbols and runtime version. */
export function openLibrdkafka(path: string): { lib: Librdkafka; version: string } {
  const cached = loaded.get(path);
  if (cached) return cached;
  const lib = Deno.dlopen(path, SYMBOLS).symbols;
  const version = cString(lib.rd_kafka_version_str());
  const entry = { lib, version };
  loaded.set(path, entry);
  return entry;
}

/** librdkafka's text for an error code. */
export function errorText(lib: Librdkafka, code: number): string {
  return cString(lib.rd_kafka_err2str(code));
}

/** A byte count for a `usize` parameter: a plain number, which Deno accepts at run time. */
export function size(n: number): bigint {
  return n as unknown as bigint;
}
