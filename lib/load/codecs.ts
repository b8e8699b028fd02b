/**
 * Compression codecs KafkaJS does not ship: snappy (kafkajs-snappy, pure JS)
 * and lz4 (the LZ4 frame format that Kafka uses, over the pure-JS lz4js).
 * Import this module for its effect, before producing or consuming; zstd has
 * no pure-JS codec here and stays refused.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { CompressionCodecs, CompressionTypes } from "kafkajs";
import SnappyCodec from "kafkajs-snappy";
import lz4 from "lz4js";

interface Encoder {
  buffer: Uint8Array;
}

/** KafkaJS codec over lz4js's frame functions. */
function lz4Codec() {
  return {
    compress(encoder: Encoder): Promise<Buffer> {
      return Promise.resolve(Buffer.from(lz4.compress(encoder.buffer)));
    },
    decompress(buffer: Uint8Array): Promise<Buffer> {
      return Promise.resolve(Buffer.from(lz4.decompress(buffer)));
    },
  };
}

// deno-lint-ignore no-explicit-any
const codecs = CompressionCodecs as any;
codecs[CompressionTypes.Snappy] = SnappyCodec;
codecs[CompressionTypes.LZ4] = lz4Codec;

/** Compression types usable with the kafkajs driver. */
export const SUPPORTED_COMPRESSION = ["none", "gzip", "snappy", "lz4"] as const;
