/**
 * The error the report commands throw when their input is unusable: a
 * missing or malformed `report.json`, or bad tolerances. The CLI maps it to
 * exit code 2, unlike a regression (1) or a crash.
 *
 * @module
 */

/** Input to a report command is unusable; the message names the file or option and why. */
export class ReportInputError extends Error {
  /** Create an error with a message meant for the person who ran the command. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ReportInputError";
  }
}
