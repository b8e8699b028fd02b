/**
 * Connection settings from a Kafka client properties file, the file Kafka's
 * CLI tools take with `--command-config`: Java's key names (and librdkafka's
 * where they differ, so a Confluent.Kafka user's settings work too), values
 * from the environment with Kafka's `${env:NAME}` syntax so that CI secret
 * stores never write a secret into a file, and files (CA, client certificate)
 * relative to the properties file.
 *
 * Only connection settings are read: anything else is an error naming the
 * line (producer settings belong in the scenario). Errors never quote a
 * secret's value.
 *
 * @example
 * ```ts
 * import { parseConnectionProperties } from "./properties_file.ts";
 * const s = parseConnectionProperties(
 *   "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-256\n" +
 *     'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="${env:KAFKA_PASSWORD}";\n',
 *   { file: "client.properties", env: { KAFKA_PASSWORD: "s3cret-pass" }, readFile: () => "" },
 * );
 * s.sasl?.username; // "app"
 * ```
 * @module
 */
import {
  type ConnectionSettings,
  SASL_MECHANISMS,
  type SaslMechanism,
  SECURITY_PROTOCOLS,
  type SecurityProtocol,
} from "./settings.ts";

/** A connection setting that cannot be used: exit 2, nothing started. */
export class ConnectionConfigError extends Error {
  override name = "ConnectionConfigError";
}

/** One `key=value` of a properties file, with its line. */
export interface PropertyLine {
  key: string;
  value: string;
  line: number;
}

/**
 * Java's `.properties` format: `#`/`!` comments, `=`, `:` or blanks between key and value,
 * a trailing backslash continues the line, `\t \n \\ \uXXXX` escapes.
 */
export function parsePropertiesText(text: string): PropertyLine[] {
  const out: PropertyLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let logical = lines[i].replace(/^\s+/, "");
    if (logical === "" || logical.startsWith("#") || logical.startsWith("!")) continue;
    while (endsWithOddBackslashes(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + lines[++i].replace(/^\s+/, "");
    }
    let k = 0;
    while (k < logical.length && !/[=:\s]/.test(logical[k])) k += logical[k] === "\\" ? 2 : 1;
    const key = unescape(logical.slice(0, k));
    let rest = logical.slice(k).replace(/^\s*/, "");
    if (rest.startsWith("=") || rest.startsWith(":")) rest = rest.slice(1).replace(/^\s*/, "");
    out.push({ key, value: unescape(rest), line: first });
  }
  return out;
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === "\\"; i--) n++;
  return n % 2 === 1;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return ({ t: "\t", n: "\n", r: "\r", f: "\f" } as Record<string, string>)[c] ?? c;
  });
}

/** What reading a properties file needs from outside (a seam for tests). */
export interface PropertiesSource {
  /** The file's name as the user gave it, for messages and relative paths. */
  file: string;
  /** The environment `${env:NAME}` reads. */
  env: Record<string, string | undefined>;
  /** Read a file the properties name (CA, certificate, key), relative paths already resolved. */
  readFile: (path: string) => string;
}

/** Keys read; each maps to what it sets. Java's names first, librdkafka's aliases after. */
const KNOWN_KEYS = [
  "security.protocol",
  "sasl.mechanism",
  "sasl.mechanisms",
  "sasl.jaas.config",
  "sasl.username",
  "sasl.password",
  "ssl.truststore.type",
  "ssl.truststore.location",
  "ssl.truststore.certificates",
  "ssl.truststore.password",
  "ssl.ca.location",
  "ssl.ca.pem",
  "ssl.keystore.type",
  "ssl.keystore.location",
  "ssl.keystore.key",
  "ssl.keystore.certificate.chain",
  "ssl.keystore.password",
  "ssl.certificate.location",
  "ssl.certificate.pem",
  "ssl.key.location",
  "ssl.key.pem",
  "ssl.key.password",
  "ssl.endpoint.identification.algorithm",
  // Kafka's own way to read `${env:…}`; accepted so that the same file works with its CLI tools.
  "config.providers",
  "config.providers.env.class",
] as const;
type Key = typeof KNOWN_KEYS[number];

/** Parse a client properties file into connection settings; see the module doc. */
export function parseConnectionProperties(text: string, src: PropertiesSource): ConnectionSettings {
  const at = (l: PropertyLine) => `${src.file}:${l.line}: ${l.key}`;
  const values = new Map<Key, PropertyLine>();
  for (const l of parsePropertiesText(text)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(l.key)) {
      throw new ConnectionConfigError(
        `${at(l)}: not a connection setting sismo reads (security.protocol, sasl.*, ssl.*); ` +
          "producer settings belong in the scenario's variants",
      );
    }
    if (values.has(l.key as Key)) {
      throw new ConnectionConfigError(
        `${at(l)}: set twice (also on line ${values.get(l.key as Key)!.line})`,
      );
    }
    values.set(l.key as Key, { ...l, value: interpolate(l, src, at(l)) });
  }
  const get = (k: Key) => values.get(k);
  /** The one line among names for the same setting (Java's first); two of them is an error. */
  const oneOf = (...keys: Key[]): PropertyLine | undefined => {
    const given = keys.map(get).filter((l): l is PropertyLine => l !== undefined);
    if (given.length > 1) {
      throw new ConnectionConfigError(
        `${at(given[1])}: the same setting as ${given[0].key} on line ${given[0].line}; keep one`,
      );
    }
    return given[0];
  };

  const protocolLine = get("security.protocol");
  const protocol = (protocolLine?.value.toUpperCase() ?? "PLAINTEXT") as SecurityProtocol;
  if (!SECURITY_PROTOCOLS.includes(protocol)) {
    throw new ConnectionConfigError(
      `${at(protocolLine!)}: "${protocolLine!.value}" is not one of ${
        SECURITY_PROTOCOLS.join(", ")
      }`,
    );
  }
  const usesSasl = protocol.startsWith("SASL_");
  const usesTls = protocol === "SSL" || protocol === "SASL_SSL";

  // --- SASL ---------------------------------------------------------------------------------
  const mechanismLine = oneOf("sasl.mechanism", "sasl.mechanisms");
  const jaas = get("sasl.jaas.config");
  const userLine = get("sasl.username");
  const passwordLine = get("sasl.password");
  let sasl: ConnectionSettings["sasl"] = null;
  if (usesSasl) {
    if (!mechanismLine) {
      throw new ConnectionConfigError(
        `${src.file}: security.protocol=${protocol} needs sasl.mechanism (${
          SASL_MECHANISMS.join(", ")
        })`,
      );
    }
    const mechanism = mechanismLine.value.toUpperCase() as SaslMechanism;
    if (!SASL_MECHANISMS.includes(mechanism)) {
      throw new ConnectionConfigError(
        `${at(mechanismLine)}: "${mechanismLine.value}" is not supported; sismo's clients speak ${
          SASL_MECHANISMS.join(", ")
        } (no GSSAPI or OAUTHBEARER yet)`,
      );
    }
    let username: string | undefined, password: string | undefined;
    if (jaas) {
      if (userLine || passwordLine) {
        throw new ConnectionConfigError(
          `${
            at(userLine ?? passwordLine!)
          }: credentials are given twice (also sasl.jaas.config on line ${jaas.line}); keep one`,
        );
      }
      ({ username, password } = parseJaas(jaas, mechanism, at(jaas)));
    } else {
      username = userLine?.value;
      password = passwordLine?.value;
    }
    if (!username || !password) {
      throw new ConnectionConfigError(
        `${src.file}: ${mechanism} needs a username and a password ` +
          "(sasl.jaas.config, or sasl.username and sasl.password)",
      );
    }
    sasl = { mechanism, username, password };
  } else {
    const stray = mechanismLine ?? jaas ?? userLine ?? passwordLine;
    if (stray) {
      throw new ConnectionConfigError(
        `${at(stray)}: SASL settings with security.protocol=${protocol}: ` +
          "set security.protocol=SASL_SSL (or SASL_PLAINTEXT), or remove them",
      );
    }
  }

  // --- TLS ----------------------------------------------------------------------------------
  const tlsLines = [...values.values()].filter((l) => l.key.startsWith("ssl."));
  if (!usesTls) {
    if (tlsLines.length) {
      throw new ConnectionConfigError(
        `${at(tlsLines[0])}: TLS settings with security.protocol=${protocol}: ` +
          "set security.protocol=SSL or SASL_SSL, or remove them",
      );
    }
    return { securityProtocol: protocol, sasl, tls: null, source: src.file };
  }
  for (const k of ["ssl.truststore.type", "ssl.keystore.type"] as const) {
    const l = get(k);
    if (l && l.value.toUpperCase() !== "PEM") {
      throw new ConnectionConfigError(
        `${at(l)}: "${l.value}" stores are not read; convert to PEM (for example ` +
          "`keytool -exportcert -rfc` for a CA, `openssl pkcs12 -nodes` for a key store) " +
          "and set PEM",
      );
    }
  }
  for (const k of ["ssl.truststore.password", "ssl.keystore.password"] as const) {
    const l = get(k);
    if (l) {
      throw new ConnectionConfigError(
        `${at(l)}: PEM files take no store password (Kafka refuses it too); ` +
          "an encrypted key's password is ssl.key.password",
      );
    }
  }
  const file = (l: PropertyLine) => {
    try {
      return src.readFile(l.value);
    } catch (e) {
      throw new ConnectionConfigError(
        `${at(l)}: cannot read "${l.value}": ${(e as Error).message}`,
      );
    }
  };
  const pem = (l: PropertyLine | undefined, inline: boolean, kind: RegExp, what: string) => {
    if (!l) return null;
    const text = inline ? l.value : file(l);
    if (!kind.test(text)) throw new ConnectionConfigError(`${at(l)}: no ${what} (PEM) found`);
    return text;
  };
  const CERT = /-----BEGIN CERTIFICATE-----/;
  const KEY = /-----BEGIN (ENCRYPTED |RSA |EC )?PRIVATE KEY-----/;
  const caFile = oneOf("ssl.truststore.location", "ssl.ca.location");
  const caInline = oneOf("ssl.truststore.certificates", "ssl.ca.pem");
  if (caFile && caInline) {
    throw new ConnectionConfigError(`${at(caInline)}: a CA is also read from line ${caFile.line}`);
  }
  const caPem = pem(caFile, false, CERT, "certificate") ?? pem(caInline, true, CERT, "certificate");

  // A Java key store file holds key and chain together; librdkafka's settings keep them apart.
  let certPem: string | null = null;
  let keyPem: string | null = null;
  const store = get("ssl.keystore.location");
  const certLine = oneOf(
    "ssl.keystore.certificate.chain",
    "ssl.certificate.pem",
    "ssl.certificate.location",
  );
  const keyLine = oneOf("ssl.keystore.key", "ssl.key.pem", "ssl.key.location");
  if (store) {
    const both = file(store);
    const key = both.match(
      /-----BEGIN (ENCRYPTED |RSA |EC )?PRIVATE KEY-----[\s\S]*?-----END \1?PRIVATE KEY-----/,
    );
    const certs = both.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
    if (!key || !certs) {
      throw new ConnectionConfigError(
        `${
          at(store)
        }: a PEM key store holds the private key and the certificate chain in one file; ` +
          `found ${key ? "no certificate" : "no private key"}`,
      );
    }
    if (certLine || keyLine) {
      throw new ConnectionConfigError(
        `${at(certLine ?? keyLine!)}: the client certificate is also read from line ${store.line}`,
      );
    }
    keyPem = key[0] + "\n";
    certPem = certs.join("\n") + "\n";
  } else {
    const inline = (l: PropertyLine | undefined) => !!l && !l.key.endsWith(".location");
    certPem = pem(certLine, inline(certLine), CERT, "certificate");
    keyPem = pem(keyLine, inline(keyLine), KEY, "private key");
    if (!!certPem !== !!keyPem) {
      throw new ConnectionConfigError(
        `${at((certLine ?? keyLine)!)}: a client certificate needs its private key and the ` +
          "other way round",
      );
    }
  }
  const keyPasswordLine = get("ssl.key.password");
  if (keyPasswordLine && !keyPem) {
    throw new ConnectionConfigError(`${at(keyPasswordLine)}: there is no private key to unlock`);
  }
  const endpoint = get("ssl.endpoint.identification.algorithm");
  const algorithm = endpoint?.value.toLowerCase() ?? "https";
  if (!["https", "", "none"].includes(algorithm)) {
    throw new ConnectionConfigError(
      `${at(endpoint!)}: "${
        endpoint!.value
      }" is not https, or empty (Java) / none (librdkafka) to skip the check`,
    );
  }
  return {
    securityProtocol: protocol,
    sasl,
    tls: {
      caPem,
      certPem,
      keyPem,
      keyPassword: keyPasswordLine?.value ?? null,
      verifyHostname: algorithm === "https",
    },
    source: src.file,
  };
}

/** `${env:NAME}` in a value, from the environment; an unset variable is an error. */
function interpolate(l: PropertyLine, src: PropertiesSource, where: string): string {
  return l.value.replace(/\$\{env:([^}]*)\}/g, (_, name: string) => {
    const v = src.env[name];
    if (v === undefined || v === "") {
      throw new ConnectionConfigError(`${where}: environment variable ${name} is not set`);
    }
    return v;
  });
}

/**
 * The username and password of a JAAS line for SCRAM or PLAIN:
 * `org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";`
 */
function parseJaas(
  l: PropertyLine,
  mechanism: SaslMechanism,
  where: string,
): { username?: string; password?: string } {
  const m = l.value.trim().match(
    /^([\w.$]+)\s+(required|requisite|sufficient|optional)\s+([\s\S]*?);?\s*$/,
  );
  if (!m) {
    throw new ConnectionConfigError(
      `${where}: expected "<LoginModule> required username=\\"…\\" password=\\"…\\";"`,
    );
  }
  const module = m[1];
  const expected = mechanism === "PLAIN"
    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
    : "org.apache.kafka.common.security.scram.ScramLoginModule";
  if (module !== expected) {
    throw new ConnectionConfigError(`${where}: ${mechanism} takes ${expected}, not ${module}`);
  }
  const options: Record<string, string> = {};
  const option = /([\w.]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]+))/g;
  let o: RegExpExecArray | null;
  while ((o = option.exec(m[3])) !== null) {
    options[o[1]] = o[2] !== undefined ? o[2].replace(/\\(.)/g, "$1") : o[3];
  }
  return { username: options.username, password: options.password };
}
