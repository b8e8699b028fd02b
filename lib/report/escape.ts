/**
 * Escaping for the text formats reports are written in: HTML, XML, JSON
 * inside a `<script>` element, and Markdown table cells.
 *
 * @module
 */

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text safe inside HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Text safe inside XML 1.0 content and quoted attributes: markup characters
 * escaped, characters XML 1.0 forbids (most control characters, lone
 * surrogates) replaced with U+FFFD, and whitespace in attributes kept as
 * character references so parsers do not normalise it away.
 */
export function escapeXml(text: string): string {
  return text
    .replace(
      // deno-lint-ignore no-control-regex
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      "\uFFFD",
    )
    .replace(/[&<>"']/g, (c) => c === "'" ? "&apos;" : HTML_ESCAPES[c])
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

/** JSON that can sit inside a `<script>` element: no `</script>`, no `<!--`, no line separators. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Text safe inside a Markdown table cell: pipes escaped, line breaks flattened, HTML neutralised. */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/[<>]/g, (c) => c === "<" ? "&lt;" : "&gt;")
    .replace(/\r?\n/g, " ");
}

/** Inline code for a Markdown table cell: the text shown verbatim, pipes escaped as GFM requires. */
export function markdownCode(text: string): string {
  const flat = text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}
