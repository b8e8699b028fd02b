/**
 * A connection check before a run against an external cluster starts
 * anything: each bootstrap broker is dialled with the run's settings, its TLS
 * handshake completed and a Kafka ApiVersions request answered. A failure is
 * one line naming the broker and the cause: nothing listening, an untrusted,
 * expired or not yet valid certificate, a hostname mismatch, a refused client
 * certificate, TLS spoken to a plaintext listener or the reverse.
 *
 * Why sismo checks itself rather than reading the clients' errors: librdkafka
 * reports a foreign CA and a wrong hostname with the same error and retries
 * forever, and KafkaJS retries TLS failures as connection errors. SASL
 * failures are named from sismo's admin client ({@link explainSaslFailure}).
 *
 * @example
 * ```ts
 * import { parseAddress } from "./check.ts";
 * parseAddress("127.0.0.1:9092"); // { host: "127.0.0.1", port: 9092 }
 * parseAddress("[::1]:9092"); // { host: "::1", port: 9092 }
 * ```
 * @module
 */
import tls from "node:tls";
import net from "node:net";
import { X509Certificate } from "node:crypto";
import type { ConnectionSettings, TlsSettings } from "./settings.ts";

/** A broker could not be reached or refused the connection: bad input or setup, exit 2. */
export class ConnectionCheckError extends Error {
  override name = "ConnectionCheckError";
}

/** `host:port`, IPv6 in brackets. */
export function parseAddress(address: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address);
  if (!m) throw new ConnectionCheckError(`"${address}" is not host:port`);
  return { host: m[1], port: Number(m[2]) };
}

/** Options of {@link checkBrokers}. */
export interface CheckOptions {
  /** Per broker, for the connection, the handshake and the answer. Default 10 s. */
  timeoutMs?: number;
}

/**
 * Dial every address with `settings`; throws {@link ConnectionCheckError}
 * naming the first broker that fails and why.
 */
export async function checkBrokers(
  addresses: string[],
  settings: ConnectionSettings,
  opts: CheckOptions = {},
): Promise<void> {
  for (const address of addresses) {
    const cause = await checkBroker(address, settings, opts.timeoutMs ?? 10_000);
    if (cause) throw new ConnectionCheckError(`broker ${address}: ${cause}`);
  }
}

/** Why `address` cannot be used with `settings`, or null when it answers. */
export async function checkBroker(
  address: string,
  settings: ConnectionSettings,
  timeoutMs = 10_000,
): Promise<string | null> {
  const { host, port } = parseAddress(address);
  const outcome = await dial(host, port, settings.tls, timeoutMs);
  if (outcome.kind === "answered") return null;
  const protocol = `security.protocol=${settings.securityProtocol}`;
  switch (outcome.kind) {
    case "refused":
      return `nothing listens there (${outcome.message})`;
    case "timeout":
      return settings.tls
        ? `no TLS handshake within ${timeoutMs / 1000} s (is it a plaintext listener? ${protocol})`
        : `no answer within ${timeoutMs / 1000} s (is it a TLS listener? ${protocol})`;
    case "closed":
      if (!settings.tls) {
        return `the broker closed the connection without answering: is it a TLS listener? (${protocol} from ${settings.source})`;
      }
      return settings.tls.certPem
        ? "the broker closed the connection after the TLS handshake: it did not accept the client certificate"
        : "the broker closed the connection after the TLS handshake: does it require a client certificate (ssl.keystore.location)?";
    case "tls-error":
      return await explainTlsFailure(host, port, settings, outcome.code, outcome.message);
  }
}

type DialOutcome =
  | { kind: "answered" }
  | { kind: "refused"; message: string }
  | { kind: "timeout" }
  | { kind: "closed" }
  | { kind: "tls-error"; code: string; message: string };

/** An ApiVersions v0 request: every broker answers it before any authentication. */
function apiVersionsRequest(): Uint8Array {
  const clientId = new TextEncoder().encode("sismo-check");
  const body = new Uint8Array(2 + 2 + 4 + 2 + clientId.length);
  const v = new DataView(body.buffer);
  v.setInt16(0, 18); // ApiVersions
  v.setInt16(2, 0);
  v.setInt32(4, 1); // correlation id
  v.setInt16(8, clientId.length);
  body.set(clientId, 10);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setInt32(0, body.length);
  out.set(body, 4);
  return out;
}

const REFUSED = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EADDRNOTAVAIL",
]);

/** Connect, shake hands if TLS, send ApiVersions and wait for its answer. */
function dial(
  host: string,
  port: number,
  settings: TlsSettings | null,
  timeoutMs: number,
): Promise<DialOutcome> {
  return new Promise((resolve) => {
    let done = false;
    let socket: net.Socket;
    let received = 0;
    let secured = settings === null;
    const finish = (o: DialOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ kind: "timeout" }), timeoutMs);
    const send = () => socket.write(apiVersionsRequest());
    if (settings) {
      socket = tls.connect({
        host,
        port,
        ...tlsOptions(host, settings),
      }, () => {
        secured = true;
        send();
      });
    } else {
      socket = net.connect({ host, port }, send);
    }
    socket.on("data", (chunk: Uint8Array) => {
      // The size and the correlation id: the broker read the request and answered.
      received += chunk.length;
      if (received >= 8) finish({ kind: "answered" });
    });
    socket.on("error", (e: Error & { code?: string }) => {
      const code = e.code ?? "";
      if (REFUSED.has(code)) finish({ kind: "refused", message: code });
      else if (!secured || /ALERT|SSL|TLS|CERT/i.test(code)) {
        finish({ kind: "tls-error", code, message: e.message });
      } else finish({ kind: "closed" });
    });
    socket.on("close", () => finish({ kind: "closed" }));
  });
}

function tlsOptions(host: string, s: TlsSettings): tls.ConnectionOptions {
  return {
    ca: s.caPem ?? undefined,
    cert: s.certPem ?? undefined,
    key: s.keyPem ?? undefined,
    passphrase: s.keyPassword ?? undefined,
    servername: net.isIP(host) ? undefined : host,
    checkServerIdentity: s.verifyHostname ? tls.checkServerIdentity : () => undefined,
  };
}

/** Fetch the broker's certificates without checking them, and say what is wrong with them. */
async function explainTlsFailure(
  host: string,
  port: number,
  settings: ConnectionSettings,
  code: string,
  message: string,
): Promise<string> {
  const s = settings.tls!;
  const chain = await peerChain(host, port, s).catch(() => null);
  if (!chain?.length) {
    if (/ALERT/i.test(code)) {
      return s.certPem
        ? `the broker refused the TLS handshake (${message}): does it trust the client certificate?`
        : `the broker refused the TLS handshake (${message}): does it require a client certificate (ssl.keystore.location)?`;
    }
    return `TLS handshake failed (${message}): is it a TLS listener? (security.protocol=${settings.securityProtocol})`;
  }
  const leaf = chain[0];
  const now = Date.now();
  if (Date.parse(leaf.validTo) < now) {
    return `its certificate (${leaf.subject.replace(/\n/g, ", ")}) expired on ${
      isoDay(leaf.validTo)
    }`;
  }
  if (Date.parse(leaf.validFrom) > now) {
    return `its certificate (${leaf.subject.replace(/\n/g, ", ")}) is not valid before ${
      isoDay(leaf.validFrom)
    }`;
  }
  if (s.verifyHostname && tls.checkServerIdentity(host, peerCertificateLike(leaf)) !== undefined) {
    return `its certificate is for ${
      leaf.subjectAltName ?? leaf.subject.replace(/\n/g, ", ")
    }, not ${host} ` +
      "(hostname mismatch; ssl.endpoint.identification.algorithm= turns this check off)";
  }
  const roots = s.caPem ? pemCertificates(s.caPem) : null;
  if (roots && !chain.some((c) => roots.some((r) => c.checkIssued(r) && c.verify(r.publicKey)))) {
    return `its certificate was issued by ${
      leaf.issuer.replace(/\n/g, ", ")
    }, which is not a trusted CA in ${settings.source} ` +
      "(ssl.truststore.location)";
  }
  if (!roots && /VERIFY|ISSUER|SELF_SIGNED/i.test(code)) {
    return `its certificate was issued by ${
      leaf.issuer.replace(/\n/g, ", ")
    }, which the system does not trust ` +
      `(give the CA as ssl.truststore.location in ${settings.source})`;
  }
  if (/ALERT/i.test(code)) {
    return `the broker refused the TLS handshake (${message}): does it trust the client certificate?`;
  }
  return `TLS handshake failed: ${message}`;
}

function isoDay(openssl: string): string {
  return new Date(Date.parse(openssl)).toISOString().slice(0, 10);
}

/** The CA certificates of a PEM bundle. */
function pemCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

/** What `tls.checkServerIdentity` reads from a certificate. */
function peerCertificateLike(c: X509Certificate): tls.PeerCertificate {
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(c.subject)?.[1];
  return {
    subject: { CN: cn },
    subjectaltname: c.subjectAltName,
  } as unknown as tls.PeerCertificate;
}

/** The broker's certificate chain, leaf first, read without verifying it. */
function peerChain(host: string, port: number, s: TlsSettings): Promise<X509Certificate[]> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      rejectUnauthorized: false,
      cert: s.certPem ?? undefined,
      key: s.keyPem ?? undefined,
      passphrase: s.keyPassword ?? undefined,
      servername: net.isIP(host) ? undefined : host,
    }, () => {
      const out: X509Certificate[] = [];
      let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
      const seen = new Set<string>();
      while (c?.raw && !seen.has(c.fingerprint256)) {
        seen.add(c.fingerprint256);
        out.push(new X509Certificate(c.raw));
        c = c.issuerCertificate;
      }
      socket.destroy();
      resolve(out);
    });
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error("timeout"));
    });
    socket.on("error", reject);
  });
}

/**
 * One line for a failure of sismo's admin client once the brokers answered:
 * a wrong user name or password, or a mechanism the broker does not enable.
 * Null when the failure is something else. No secret is repeated.
 */
export function explainSaslFailure(e: unknown, settings: ConnectionSettings): string | null {
  if (!settings.sasl) return null;
  const text = `${(e as Error)?.name ?? ""} ${(e as Error)?.message ?? String(e)}`;
  const { mechanism, username } = settings.sasl;
  if (
    /mechanism is not supported|UNSUPPORTED_SASL_MECHANISM|does not support the requested SASL mechanism/i
      .test(text)
  ) {
    return `the brokers do not enable SASL mechanism ${mechanism} (sasl.mechanism in ${settings.source})`;
  }
  if (/authentication failed|SASLAuthentication|SASL_AUTHENTICATION_FAILED/i.test(text)) {
    return `SASL authentication failed for user "${username}" with ${mechanism}: wrong user name or password ` +
      `(${settings.source})`;
  }
  return null;
}
