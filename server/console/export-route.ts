/**
 * The body of `POST /console/export?format=csv|xlsx`: a table the console already shows (aging by
 * customer, a customer list), returned as a file. It reads nothing from the store and changes
 * nothing, so it needs no session: it can only give back what the caller sent, in another format.
 * The .xlsx is a real Office Open XML workbook rather than SpreadsheetML 2003 XML: Excel opens the
 * latter only after an "extension does not match" warning, LibreOffice and Numbers vary, and a ZIP
 * writer over node:zlib is small (core/exports/zip.ts).
 */
import { InvalidInput } from '../../core/errors.ts';
import { fileNameOf, parseTable, toCsv, toXlsx, XLSX_CONTENT_TYPE } from '../../core/exports/index.ts';

export interface ExportFile {
  fileName: string;
  type: string;
  body: Buffer | string;
}

export function exportResponse(format: string | undefined, body: unknown): ExportFile {
  if (format !== 'csv' && format !== 'xlsx') throw new InvalidInput('format: expected csv or xlsx', { field: 'format' });
  const table = parseTable(body);
  if (format === 'csv') return { fileName: fileNameOf(table, 'csv'), type: 'text/csv; charset=utf-8', body: toCsv(table) };
  return { fileName: fileNameOf(table, 'xlsx'), type: XLSX_CONTENT_TYPE, body: toXlsx(table) };
}
