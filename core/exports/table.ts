/**
 * The one shape every export takes: a named table of typed columns. Cells cross as strings (money
 * as decimal strings, dates as ISO `YYYY-MM-DD`), so no amount passes through a JS float on its way
 * into a CSV or a spreadsheet. Checked with zod because the console posts it.
 */
import { z } from 'zod';
import { InvalidInput } from '../errors.ts';

export const COLUMN_TYPES = ['text', 'decimal', 'integer', 'date'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

// Limits that keep one export request bounded (the server's body limit is 5 MiB anyway).
export const MAX_ROWS = 50_000;
export const MAX_COLUMNS = 100;

export const columnShape = z.object({
  key: z.string().min(1).max(100),
  header: z.string().max(200),
  type: z.enum(COLUMN_TYPES).default('text'),
});

export const tableShape = z.object({
  name: z.string().trim().min(1).max(100),
  columns: z.array(columnShape).min(1).max(MAX_COLUMNS),
  rows: z.array(z.record(z.string(), z.union([z.string().max(10_000), z.null()]))).max(MAX_ROWS),
});

export type ExportColumn = z.output<typeof columnShape>;
export type ExportTable = z.output<typeof tableShape>;

const PATTERNS: Record<Exclude<ColumnType, 'text'>, RegExp> = {
  decimal: /^-?\d{1,15}(\.\d{1,6})?$/,
  integer: /^-?\d{1,15}$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
};

function refuse(error: z.ZodError, offset = 0): never {
  const issue = error.issues[0]!;
  // A slice of rows (parseTableAsync) reports its row index within the slice: shift it back.
  const path = offset && issue.path.length ? [issue.path[0], Number(issue.path[1]) + offset, ...issue.path.slice(2)] : issue.path;
  const field = path.map(String).join('.') || 'table';
  throw new InvalidInput(`${field}: ${issue.message}`, { field });
}

function checkCells(table: Pick<ExportTable, 'columns'>, rows: ExportTable['rows'], offset: number): void {
  rows.forEach((row, i) => {
    const r = offset + i;
    for (const column of table.columns) {
      const value = row[column.key];
      if (column.type === 'text' || value === null || value === undefined || value === '') continue;
      if (!PATTERNS[column.type].test(value)) {
        throw new InvalidInput(`rows.${r}.${column.key}: "${value}" is not a ${column.type}`, { field: `rows.${r}.${column.key}` });
      }
    }
  });
}

/** Parses and checks a table: a typed cell that does not read as its type names its row and column. */
export function parseTable(input: unknown): ExportTable {
  const result = tableShape.safeParse(input);
  if (!result.success) refuse(result.error);
  checkCells(result.data, result.data.rows, 0);
  return result.data;
}

const headShape = tableShape.extend({ rows: z.array(z.unknown()).max(MAX_ROWS) });
const ROWS_PER_SLICE = 1000;

/** parseTable a slice of rows at a time, yielding to the event loop between slices (a large export must not stall the server). */
export async function parseTableAsync(input: unknown): Promise<ExportTable> {
  const head = headShape.safeParse(input);
  if (!head.success) refuse(head.error);
  const rows: ExportTable['rows'] = [];
  for (let from = 0; from < head.data.rows.length; from += ROWS_PER_SLICE) {
    const slice = tableShape.shape.rows.safeParse(head.data.rows.slice(from, from + ROWS_PER_SLICE));
    if (!slice.success) refuse(new z.ZodError(slice.error.issues.map((i) => ({ ...i, path: ['rows', ...i.path] }))), from);
    checkCells(head.data, slice.data, from);
    rows.push(...slice.data);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { ...head.data, rows };
}

/** A file name safe in a Content-Disposition header: the table's name in kebab-case ASCII. */
export function fileNameOf(table: Pick<ExportTable, 'name'>, extension: 'csv' | 'xlsx'): string {
  const base = table.name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${base || 'export'}.${extension}`;
}
