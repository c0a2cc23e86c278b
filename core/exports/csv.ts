/**
 * CSV per RFC 4180 (CRLF, quotes doubled), with a UTF-8 byte-order mark: without it Excel reads the
 * file as the system code page and "Société" turns into mojibake.
 * https://www.rfc-editor.org/rfc/rfc4180
 */
import type { ExportTable } from './table.ts';

const BOM = '\ufeff';
// A text cell starting with one of these is run as a formula by spreadsheet programs (CSV
// injection, OWASP): it is prefixed with an apostrophe so it stays text.
// https://owasp.org/www-community/attacks/CSV_Injection
const FORMULA_START = /^[=+\-@\t\r]/;

function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The table as CSV text: a header line, then one line per row; typed cells are written as given. */
export function toCsv(table: ExportTable): string {
  const lines = [table.columns.map((c) => field(c.header)).join(',')];
  for (const row of table.rows) {
    lines.push(
      table.columns
        .map((c) => {
          const value = row[c.key] ?? '';
          return field(c.type === 'text' && FORMULA_START.test(value) ? `'${value}` : value);
        })
        .join(','),
    );
  }
  return BOM + lines.join('\r\n') + '\r\n';
}
