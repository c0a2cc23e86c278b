/**
 * The body of `POST /console/export?format=csv|xlsx`: a table the console already shows (aging by
 * customer, a customer list), returned as a file. It reads nothing from the store and changes
 * nothing, but it costs CPU and memory, so it needs a logged-in member (session or API key) of at
 * least one organization, and it never holds the event loop: the table is checked and the
 * workbook written a slice of rows at a time, deflated on the thread pool, at most two at once.
 * The .xlsx is a real Office Open XML workbook rather than SpreadsheetML 2003 XML: Excel opens the
 * latter only after an "extension does not match" warning, LibreOffice and Numbers vary, and a ZIP
 * writer over node:zlib is small (core/exports/zip.ts).
 */
import type { FastifyRequest } from 'fastify';
import { roleAllows } from '../../core/access/index.ts';
import { InvalidInput } from '../../core/errors.ts';
import { fileNameOf, parseTableAsync, toCsv, toXlsxAsync, XLSX_CONTENT_TYPE } from '../../core/exports/index.ts';
import type { Db } from '../../core/store/index.ts';
import { HttpError, unauthorized } from '../api/http-errors.ts';
import { resolvePrincipal } from '../auth/principal.ts';

export interface ExportFile {
  fileName: string;
  type: string;
  body: Buffer | string;
}

/** 401 without a login, 403 for a user who reads no organization. */
export async function authorizeExport(db: Db, request: FastifyRequest): Promise<void> {
  const principal = await resolvePrincipal(db, request);
  if (!principal) throw unauthorized();
  if (!principal.memberships.some((m) => roleAllows(m.role, 'read'))) throw new HttpError(403, 'forbidden', 'your role does not allow exports');
}

const MAX_BUILDS = 2;
let building = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (building >= MAX_BUILDS) await new Promise<void>((resolve) => waiting.push(resolve));
  building++;
  try {
    return await work();
  } finally {
    building--;
    waiting.shift()?.();
  }
}

export async function exportResponse(format: string | undefined, body: unknown): Promise<ExportFile> {
  if (format !== 'csv' && format !== 'xlsx') throw new InvalidInput('format: expected csv or xlsx', { field: 'format' });
  return slot(async () => {
    const table = await parseTableAsync(body);
    if (format === 'csv') return { fileName: fileNameOf(table, 'csv'), type: 'text/csv; charset=utf-8', body: toCsv(table) };
    return { fileName: fileNameOf(table, 'xlsx'), type: XLSX_CONTENT_TYPE, body: await toXlsxAsync(table) };
  });
}
