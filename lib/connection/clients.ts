/**
 * Connection settings in each client's own terms: librdkafka's configuration
 * properties, the Java client's properties (as `--command-config` files
 * write them), and KafkaJS's `ssl` and `sasl` options. One place, so that a
 * producer driver, sismo's admin and its read-backs connect the same way.
 *
 * @example
 * ```ts
 * import { librdkafkaProperties } from "./clients.ts";
 * import { PLAINTEXT } from "./settings.ts";
 * librdkafkaProperties(PLAINTEXT); // { "security.protocol": "plaintext" }
 * ```
 * @module
 */
import type { SASLOptions } from "kafkajs";
import type { ConnectionSettings } from "./settings.ts";

/** librdkafka's configuration properties (CONFIGURATION.md names; PEM given inline). */
export function librdkafkaProperties(s: ConnectionSettings): Record<string, string> {
  const p: Record<string, string> = { "security.protocol": s.securityProtocol.toLowerCase() };
  if (s.sasl) {
    p["sasl.mechanisms"] = s.sasl.mechanism;
    p["sasl.username"] = s.sasl.username;
    p["sasl.password"] = s.sasl.password;
  }
  if (s.tls) {
    if (s.tls.caPem) p["ssl.ca.pem"] = s.tls.caPem;
    if (s.tls.certPem) p["ssl.certificate.pem"] = s.tls.certPem;
    if (s.tls.keyPem) p["ssl.key.pem"] = s.tls.keyPem;
    if (s.tls.keyPassword) p["ssl.key.password"] = s.tls.keyPassword;
    // librdkafka refuses an empty value; "none" is its word for Java's empty one.
    p["ssl.endpoint.identification.algorithm"] = s.tls.verifyHostname ? "https" : "none";
  }
  return p;
}

/** The Java client's properties (PEM inline, so no file has to be written for it). */
export function javaProperties(s: ConnectionSettings): Record<string, string> {
  const p: Record<string, string> = { "security.protocol": s.securityProtocol };
  if (s.sasl) {
    const module = s.sasl.mechanism === "PLAIN"
      ? "org.apache.kafka.common.security.plain.PlainLoginModule"
      : "org.apache.kafka.common.security.scram.ScramLoginModule";
    const quote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
    p["sasl.mechanism"] = s.sasl.mechanism;
    p["sasl.jaas.config"] = `${module} required username=${quote(s.sasl.username)} password=${
      quote(s.sasl.password)
    };`;
  }
  if (s.tls) {
    if (s.tls.caPem) {
      p["ssl.truststore.type"] = "PEM";
      p["ssl.truststore.certificates"] = s.tls.caPem;
    }
    if (s.tls.certPem && s.tls.keyPem) {
      p["ssl.keystore.type"] = "PEM";
      p["ssl.keystore.certificate.chain"] = s.tls.certPem;
      p["ssl.keystore.key"] = s.tls.keyPem;
      if (s.tls.keyPassword) p["ssl.key.password"] = s.tls.keyPassword;
    }
    p["ssl.endpoint.identification.algorithm"] = s.tls.verifyHostname ? "https" : "";
  }
  return p;
}

/** KafkaJS's `ssl` and `sasl` options (a subset of its `KafkaConfig`). */
export interface KafkaJsSecurity {
  ssl?: {
    ca?: string[];
    cert?: string;
    key?: string;
    passphrase?: string;
    rejectUnauthorized: true;
    /** Skips only the hostname check (Kafka's `ssl.endpoint.identification.algorithm=`). */
    checkServerIdentity?: () => undefined;
  };
  sasl?: SASLOptions;
}

/** KafkaJS's options: spread them into `new Kafka({ brokers, ...kafkaJsSecurity(s) })`. */
export function kafkaJsSecurity(s: ConnectionSettings): KafkaJsSecurity {
  const out: KafkaJsSecurity = {};
  if (s.tls) {
    out.ssl = {
      ...(s.tls.caPem ? { ca: [s.tls.caPem] } : {}),
      ...(s.tls.certPem ? { cert: s.tls.certPem } : {}),
      ...(s.tls.keyPem ? { key: s.tls.keyPem } : {}),
      ...(s.tls.keyPassword ? { passphrase: s.tls.keyPassword } : {}),
      rejectUnauthorized: true,
      ...(s.tls.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
    };
  }
  if (s.sasl) {
    const { username, password } = s.sasl;
    out.sasl = s.sasl.mechanism === "PLAIN"
      ? { mechanism: "plain", username, password }
      : s.sasl.mechanism === "SCRAM-SHA-256"
      ? { mechanism: "scram-sha-256", username, password }
      : { mechanism: "scram-sha-512", username, password };
  }
  return out;
}
