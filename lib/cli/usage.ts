/**
 * Errors in how sismo was called: the CLI prints them with a hint and exits 2.
 *
 * @module
 */

/** A bad flag or argument. */
export class UsageError extends Error {
  override name = "UsageError";
}
