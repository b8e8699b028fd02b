/**
 * The stack's error kind, in a module of its own so that every part of
 * `lib/stack/` can raise it without importing the whole local stack.
 *
 * @module
 */

/** A stack error the CLI reports with exit code 2 (setup problem, not a failed expectation). */
export class StackError extends Error {
  override name = "StackError";
}
