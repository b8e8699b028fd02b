/**
 * Remove secrets from anything before it is written or shown: a report goes
 * to CI artefacts, PR comments and projectors, a password must not.
 *
 * Two rules:
 * - a value under a key that looks like a secret (`password`, `sasl.jaas.config`,
 *   `ssl.key.pem`, `*secret*`, `*token*`, `private.key`, …) becomes `"***"`, whatever it is;
 * - inside every other string, embedded secrets are masked: `password=…`,
 *   `"token": "…"`, JAAS `password="…"`, `Bearer …`, and the password of URLs such as
 *   `sasl://user:pass@host`.
 *
 * @example
 * ```ts
 * import { redact } from "./redact.ts";
 * redact({ "sasl.password": "hunter2", note: "url https://u:p@h/" });
 * // { "sasl.password": "***", note: "url https://u:***@h/" }
 * ```
 * @module
 */

/** What a masked secret is replaced with. */
export const REDACTED = "***";

// Record keys (EventSample.key) and key spaces must stay: only credential-like names match.
const SECRET_KEY =
  /pass(?:word|wd|phrase)?$|pwd|secret|token|credential|jaas|private[._-]?key|api[._-]?key|access[._-]?key|ssl\.key\.|\.pem$|keystore\.(?:key|password)|truststore\.password|^auth(?:orization)?$/i;

const SECRET_WORD = String
  .raw`[\w.-]*(?:password|passwd|passphrase|pwd|secret|token|credentials?|api[_-]?key|access[_-]?key|private[._-]?key|ssl\.key\.pem)[\w.-]*`;

/** `name=value`, `name: value`, `"name": "value"`, `name="value"`: keep the name, mask the value. */
const EMBEDDED_ASSIGNMENT = new RegExp(
  String.raw`(["']?\b${SECRET_WORD}["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&}\])"']+)`,
  "gi",
);
/** A JAAS config string: everything up to its closing `;` may hold credentials. */
const EMBEDDED_JAAS = /(\bsasl\.jaas\.config["']?\s*[=:]\s*)(?:"[^"]*"|[^;\n]*;?)/gi;
/** `scheme://user:password@host` */
const URL_USERINFO = /(\b[a-z][a-z0-9+._-]*:\/\/[^\s/@:]*:)[^\s/@]+@/gi;
/** `Authorization: Bearer …` / `Basic …` */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]+=*/g;

/** Whether a property name looks like it holds a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Mask secrets embedded in a free-text string (messages, URLs, config strings). */
export function redactString(text: string): string {
  return text
    .replace(EMBEDDED_JAAS, `$1${REDACTED}`)
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(AUTH_SCHEME, `$1 ${REDACTED}`)
    .replace(EMBEDDED_ASSIGNMENT, (_all, name: string, value: string) => {
      const quote = value.startsWith('"') ? '"' : value.startsWith("'") ? "'" : "";
      return `${name}${quote}${REDACTED}${quote}`;
    });
}

/**
 * A deep copy of `value` with every secret masked (see the module doc). Plain
 * data in, plain data out: objects, arrays, strings, numbers, booleans, null.
 */
export function redact<T>(value: T): T {
  return mapStrings(value, redactString, isSecretKey) as T;
}

/**
 * A deep copy of `value` with every string and key passed through `text`; a non-null value
 * under a key `whole` accepts becomes {@link REDACTED} as a whole.
 */
function mapStrings(
  value: unknown,
  text: (s: string) => string,
  whole: (key: string) => boolean,
): unknown {
  if (typeof value === "string") return text(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, text, whole));
  if (value !== null && typeof value === "object") {
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      copy[text(key)] = whole(key) && inner !== null && inner !== undefined
        ? REDACTED
        : mapStrings(inner, text, whole);
    }
    return copy;
  }
  return value;
}

/**
 * Mask known secret values (a connection's password and private key, see `secretsOf`)
 * wherever they appear, whatever the key or the words around them: the net under a client
 * that quotes its settings in an error.
 */
export function knownSecretsRedactor(secrets: readonly string[]): (text: string) => string {
  const sorted = [...new Set(secrets)].filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const s of sorted) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
}

/** A deep copy of `value` with every string passed through `mask` (see {@link redact}). */
export function maskStrings<T>(value: T, mask: (text: string) => string): T {
  return mapStrings(value, mask, () => false) as T;
}
