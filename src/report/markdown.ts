/**
 * Markdown building blocks for summary.md and investigation.md.
 *
 * Hazard: hints and messages quote what the target sent (page text, error bodies). In a
 * table cell a `|` ends the cell and a newline ends the table; in GitHub's step summary raw
 * HTML is rendered. So every piece of text from a result goes through `cell` or `text`.
 */

/** Text safe inside a table cell: one line, pipes escaped, no raw HTML. */
export function cell(value: string | undefined): string {
  if (value === undefined || value === '') return '';
  return text(value).replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

/** Text safe in a paragraph or list item: no raw HTML. */
export function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code that survives backticks inside the value (CommonMark: use a longer fence). */
export function code(value: string): string {
  const flat = value.replace(/\s*\n\s*/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Inline code for a table cell: pipes must be escaped even inside code spans (GFM). */
export function codeCell(value: string | undefined): string {
  return value === undefined || value === '' ? '' : code(value).replace(/\|/g, '\\|');
}

/** A GFM table. Cells must already be escaped with `cell` / `codeCell`. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}
