/**
 * Read a `--command-config` file from disk: the file's own folder resolves
 * relative paths, the process's environment fills `${env:NAME}`.
 *
 * @module
 */
import { dirname, isAbsolute, join } from "node:path";
import { ConnectionConfigError, parseConnectionProperties } from "./properties_file.ts";
import type { ConnectionSettings } from "./settings.ts";

/** Connection settings from a client properties file; errors name the file and line. */
export async function readConnectionFile(file: string): Promise<ConnectionSettings> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    throw new ConnectionConfigError(
      `cannot read --command-config ${file}: ${(e as Error).message}`,
    );
  }
  const folder = dirname(file);
  return parseConnectionProperties(text, {
    file,
    env: Deno.env.toObject(),
    readFile: (p) => Deno.readTextFileSync(isAbsolute(p) ? p : join(folder, p)),
  });
}
