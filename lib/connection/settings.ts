/**
 * How sismo connects to a cluster: security protocol, SASL credentials and
 * TLS material, as plain data that every client (the producer drivers,
 * sismo's own admin, read-back and live read) turns into its own settings
 * (`clients.ts`). Read from a Kafka client properties file
 * (`properties_file.ts`, as Kafka's CLI tools take with `--command-config`)
 * or made by the local secured stack.
 *
 * Secrets (the password, the private key and its password) live here only:
 * {@link secretsOf} lists them so that every output can be checked not to
 * carry them (`redact.ts`).
 *
 * @example
 * ```ts
 * import { PLAINTEXT, secretsOf } from "./settings.ts";
 * secretsOf(PLAINTEXT); // []
 * ```
 * @module
 */

/** Kafka's `security.protocol` values. */
export const SECURITY_PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const;
export type SecurityProtocol = typeof SECURITY_PROTOCOLS[number];

/** SASL mechanisms every client of sismo speaks. */
export const SASL_MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
export type SaslMechanism = typeof SASL_MECHANISMS[number];

/** SASL credentials (SASL_PLAINTEXT and SASL_SSL). */
export interface SaslSettings {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

/** TLS settings (SSL and SASL_SSL). */
export interface TlsSettings {
  /** Trusted CA certificates, PEM; null: the system's roots. */
  caPem: string | null;
  /** Client certificate chain, PEM (mutual TLS); null: none. */
  certPem: string | null;
  /** The client certificate's private key, PEM (PKCS#8); null: none. */
  keyPem: string | null;
  /** Password of an encrypted private key; null: not encrypted. */
  keyPassword: string | null;
  /** Check the broker's certificate against the host dialled (Kafka's default, `https`). */
  verifyHostname: boolean;
}

/** Everything a client needs besides the bootstrap addresses. */
export interface ConnectionSettings {
  securityProtocol: SecurityProtocol;
  sasl: SaslSettings | null;
  tls: TlsSettings | null;
  /** Where the settings came from, for messages: a file name, or "the local stack". */
  source: string;
}

/** No security: what the local stack speaks by default. */
export const PLAINTEXT: ConnectionSettings = Object.freeze({
  securityProtocol: "PLAINTEXT",
  sasl: null,
  tls: null,
  source: "plaintext",
});

/** The values no output may contain: passwords and private keys. */
export function secretsOf(s: ConnectionSettings): string[] {
  const out: string[] = [];
  if (s.sasl) out.push(s.sasl.password);
  if (s.tls?.keyPem) out.push(...pemBodies(s.tls.keyPem));
  if (s.tls?.keyPassword) out.push(s.tls.keyPassword);
  // A very short secret would be found everywhere by accident; it is still never written.
  return out.filter((v) => v.length >= 4);
}

/** The base64 lines of each PEM block (what would leak if a key were printed). */
function pemBodies(pem: string): string[] {
  return pem.split(/\r?\n/).map((l) => l.trim()).filter((l) =>
    l.length >= 16 && !l.startsWith("-----")
  );
}

/** A short description with no secret in it: "SASL_SSL, SCRAM-SHA-256 as alice, CA from …". */
export function describeConnection(s: ConnectionSettings): string {
  const parts: string[] = [s.securityProtocol];
  if (s.sasl) parts.push(`${s.sasl.mechanism} as ${s.sasl.username}`);
  if (s.tls?.certPem) parts.push("client certificate");
  if (s.tls && !s.tls.verifyHostname) parts.push("hostname not checked");
  return parts.join(", ");
}
