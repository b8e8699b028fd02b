/**
 * Compression codecs KafkaJS does not ship: snappy (kafkajs-snappy, pure JS)
 * and lz4 (the LZ4 frame format that Kafka uses, over the pure-JS lz4js), and
 * zstd for reading only (fzstd, a pure-JS decompressor). Import this module
 * for its effect, before producing or consuming.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { CompressionCodecs, CompressionTypes } from "kafkajs";
import SnappyCodec from "kafkajs-snappy";
import lz4 from "lz4js";
import xxh32 from "lz4js/xxh32.js";
import { decompress as zstdDecompress } from "fzstd";

interface Encoder {
  buffer: Uint8Array;
}

/** lz4js frames hold one block up to this size; Kafka batches stay far below it. */
const LZ4_BLOCK_MAX = 4 << 20;
const FLG_BLOCK_INDEPENDENCE = 0x20;

/**
 * lz4js writes frames without the block-independence flag, which Kafka's broker
 * refuses ("Dependent block stream is unsupported"). A frame of a single block
 * has no block to depend on, so setting the flag (and the descriptor checksum
 * that covers it) describes it truthfully.
 */
export function lz4KafkaFrame(src: Uint8Array): Uint8Array {
  if (src.length > LZ4_BLOCK_MAX) {
    throw new RangeError(`lz4: ${src.length} bytes exceed one ${LZ4_BLOCK_MAX}-byte block`);
  }
  const frame: Uint8Array = lz4.compress(src);
  frame[4] |= FLG_BLOCK_INDEPENDENCE;
  // Header checksum: second byte of xxh32 over the descriptor (FLG, BD), seed 0.
  frame[6] = (xxh32.hash(0, frame, 4, 2) >> 8) & 0xff;
  return frame;
}

/**
 * lz4js.decompress allocates its bound — the frame's maximum block size, 4 MB
 * for its own frames, twice over — for every batch: reading a topic back spent
 * its time zero-filling. Decompress into one reused buffer and copy out.
 */
let scratch = new Uint8Array(0);
function lz4Decompress(frame: Uint8Array): Buffer {
  const bound: number = lz4.decompressBound(frame);
  if (scratch.length < bound) scratch = new Uint8Array(bound);
  const size: number = lz4.decompressFrame(frame, scratch);
  return Buffer.from(scratch.slice(0, size));
}

/** KafkaJS codec over lz4js's frame functions. */
function lz4Codec() {
  return {
    compress(encoder: Encoder): Promise<Buffer> {
      return Promise.resolve(Buffer.from(lz4KafkaFrame(encoder.buffer)));
    },
    decompress(buffer: Uint8Array): Promise<Buffer> {
      return Promise.resolve(lz4Decompress(buffer));
    },
  };
}

// deno-lint-ignore no-explicit-any
const codecs = CompressionCodecs as any;
codecs[CompressionTypes.Snappy] = SnappyCodec;
codecs[CompressionTypes.LZ4] = lz4Codec;
// zstd: read only (fzstd decompresses in pure JS), so that verification reads what librdkafka
// and the Java client write; producing zstd with KafkaJS stays refused.
codecs[CompressionTypes.ZSTD] = () => ({
  compress(): Promise<Buffer> {
    return Promise.reject(new Error("zstd compression is not available with KafkaJS"));
  },
  decompress(buffer: Uint8Array): Promise<Buffer> {
    return Promise.resolve(Buffer.from(zstdDecompress(buffer)));
  },
});

/** Compression types usable with the kafkajs driver. */
export const SUPPORTED_COMPRESSION = ["none", "gzip", "snappy", "lz4"] as const;
