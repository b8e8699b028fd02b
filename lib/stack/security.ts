/**
 * A local stack that speaks what production clusters speak: SASL_SSL with
 * SCRAM users, or TLS with client certificates (mutual TLS), on the clients'
 * listeners (through the proxies: Toxiproxy passes the TLS bytes through, so
 * toxics still apply). The INTERNAL and CONTROLLER listeners stay plaintext:
 * brokers need no client credentials, and sismo's control traffic is
 * unchanged.
 *
 * A throwaway CA, broker and client certificates (openssl), and a random
 * SCRAM password are made when the stack starts, in the stack's folder
 * (readable by the user only), with a `client.properties` that Kafka's CLI
 * tools, sismo's `--command-config` and {@link stackConnection} read.
 *
 * @module
 */
import { join } from "node:path";
import { parseConnectionProperties } from "../connection/properties_file.ts";
import { type ConnectionSettings, PLAINTEXT } from "../connection/settings.ts";
import { StackError } from "./errors.ts";

/** What the clients' listeners speak. */
export const STACK_SECURITIES = ["plaintext", "sasl_ssl", "ssl"] as const;
export type StackSecurity = typeof STACK_SECURITIES[number];

/** The SCRAM user the SASL_SSL stack creates. */
export const STACK_USER = "sismo";

/** Files of a secured stack, in its folder. */
export function securityFiles(dir: string) {
  const tls = join(dir, "tls");
  return {
    tls,
    caCert: join(tls, "ca.crt"),
    /** The brokers' key and certificate in one PEM file (Kafka's PEM key store). */
    brokerStore: join(tls, "broker-keystore.pem"),
    /** The client's key and certificate in one PEM file (mutual TLS). */
    clientStore: join(tls, "client-keystore.pem"),
    clientProperties: join(dir, "client.properties"),
  };
}

/** Raised when the certificates cannot be made (openssl missing or failing): exit 2. */
export class SecuritySetupError extends StackError {
  override name = "SecuritySetupError";
}

async function openssl(args: string[], cwd: string): Promise<void> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("openssl", { args, cwd, stdout: "piped", stderr: "piped" })
      .output();
  } catch (e) {
    throw new SecuritySetupError(
      `openssl is needed to make the secured stack's certificates: ${(e as Error).message}`,
    );
  }
  if (!out.success) {
    throw new SecuritySetupError(
      `openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
}

const V3_BROKER = [
  "basicConstraints=critical,CA:FALSE",
  "keyUsage=critical,digitalSignature,keyEncipherment",
  "extendedKeyUsage=serverAuth,clientAuth",
  // Clients dial the proxies on 127.0.0.1 and check the address against the certificate.
  "subjectAltName=IP:127.0.0.1,DNS:localhost",
].join("\n");
const V3_CLIENT = [
  "basicConstraints=critical,CA:FALSE",
  "keyUsage=critical,digitalSignature,keyEncipherment",
  "extendedKeyUsage=clientAuth",
].join("\n");

/**
 * Make the CA, the broker's and the client's certificates (unencrypted PKCS#8 keys: what
 * Kafka's PEM stores, librdkafka and Node's TLS all read), a random SCRAM password, and
 * `client.properties`. Returns the `--add-scram` arguments of the storage format.
 */
export async function prepareSecurity(dir: string, security: StackSecurity): Promise<string[]> {
  if (security === "plaintext") return [];
  const f = securityFiles(dir);
  await Deno.mkdir(f.tls, { recursive: true, mode: 0o700 });
  const days = "30";
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-noenc",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    days,
    "-subj",
    "/CN=sismo-local-ca",
  ], f.tls);
  const issue = async (name: string, subject: string, ext: string) => {
    await Deno.writeTextFile(join(f.tls, `${name}.ext`), ext + "\n");
    await openssl([
      "req",
      "-newkey",
      "rsa:2048",
      "-noenc",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      subject,
    ], f.tls);
    await openssl([
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      days,
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}.crt`,
    ], f.tls);
    return await Deno.readTextFile(join(f.tls, `${name}.key`)) +
      await Deno.readTextFile(join(f.tls, `${name}.crt`));
  };
  await Deno.writeTextFile(f.brokerStore, await issue("broker", "/CN=localhost", V3_BROKER), {
    mode: 0o600,
  });
  const lines = [
    "# Written by `deno task stack up`: how a client connects to this local stack.",
    `# sismo: deno task scenario <name> --command-config ${f.clientProperties} (with --bootstrap)`,
    `security.protocol=${security === "sasl_ssl" ? "SASL_SSL" : "SSL"}`,
    "ssl.truststore.type=PEM",
    `ssl.truststore.location=${f.caCert}`,
  ];
  let scram: string[] = [];
  if (security === "sasl_ssl") {
    // base64url: no comma, quote or backslash (the format tool and JAAS take it as it is).
    const password = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))))
      .replace(/\+/g, "-").replace(/\//g, "_");
    lines.push(
      "sasl.mechanism=SCRAM-SHA-256",
      `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${STACK_USER}" password="${password}";`,
    );
    scram = ["SCRAM-SHA-256", "SCRAM-SHA-512"].flatMap((m) => [
      "--add-scram",
      `${m}=[name=${STACK_USER},password=${password}]`,
    ]);
  } else {
    await Deno.writeTextFile(
      f.clientStore,
      await issue("client", "/CN=sismo-client", V3_CLIENT),
      { mode: 0o600 },
    );
    lines.push("ssl.keystore.type=PEM", `ssl.keystore.location=${f.clientStore}`);
  }
  await Deno.writeTextFile(f.clientProperties, lines.join("\n") + "\n", { mode: 0o600 });
  return scram;
}

/** The brokers' properties for the clients' listener (see the module doc). */
export function securityBrokerProperties(
  dir: string,
  security: StackSecurity,
): Record<string, string> {
  if (security === "plaintext") return {};
  const f = securityFiles(dir);
  const protocol = security === "sasl_ssl" ? "SASL_SSL" : "SSL";
  const props: Record<string, string> = {
    // The MEMBER listener (one faulted member's way in) speaks what CLIENT speaks.
    "listener.security.protocol.map":
      `CLIENT:${protocol},MEMBER:${protocol},INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT`,
    "ssl.keystore.type": "PEM",
    "ssl.keystore.location": f.brokerStore,
  };
  if (security === "sasl_ssl") {
    for (const listener of ["client", "member"]) {
      props[`listener.name.${listener}.sasl.enabled.mechanisms`] = "SCRAM-SHA-256,SCRAM-SHA-512";
      // A JAAS entry per mechanism even though the brokers never log in as clients here.
      for (const m of ["scram-sha-256", "scram-sha-512"]) {
        props[`listener.name.${listener}.${m}.sasl.jaas.config`] =
          "org.apache.kafka.common.security.scram.ScramLoginModule required;";
      }
    }
  } else {
    props["ssl.truststore.type"] = "PEM";
    props["ssl.truststore.location"] = f.caCert;
    props["ssl.client.auth"] = "required";
  }
  return props;
}

/** How clients connect to a running stack (plaintext, or its `client.properties`). */
export function stackConnection(
  state: { dir: string; security?: StackSecurity },
): ConnectionSettings {
  if (!state.security || state.security === "plaintext") return PLAINTEXT;
  const file = securityFiles(state.dir).clientProperties;
  const settings = parseConnectionProperties(Deno.readTextFileSync(file), {
    file,
    env: {},
    readFile: (p) => Deno.readTextFileSync(p),
  });
  return { ...settings, source: `the local ${state.security} stack` };
}
