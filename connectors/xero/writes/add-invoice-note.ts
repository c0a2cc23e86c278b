/**
 * Adds one history note to a sales invoice.
 * https://developer.xero.com/documentation/api/accounting/historyandnotes#put-history
 */
import { HistoryRecords } from 'xero-node';
import { InvalidInput } from '../../../core/errors.ts';
import type { XeroClient } from '../client.ts';
import { historyAnswerSchema } from '../schemas.ts';

export interface NoteWritten {
  invoiceExternalId: string;
  details: string;
}

/**
 * `idempotencyKey` goes to Xero's `Idempotency-Key` header, so a retry after a lost answer (or a
 * worker's death) does not leave the note twice.
 * https://developer.xero.com/documentation/guides/idempotent-requests/idempotency
 */
export async function addInvoiceNote(client: XeroClient, invoiceExternalId: string, details: string, idempotencyKey?: string): Promise<NoteWritten> {
  if (!details.trim()) throw new InvalidInput(`xero note on invoice ${invoiceExternalId}: Details is empty`, { field: 'Details' });
  const body = new HistoryRecords();
  body.historyRecords = [{ details }];
  const answer = await client.request('xero.invoice.history.put', (api, tenantId) =>
    api.createInvoiceHistory(tenantId, invoiceExternalId, body, idempotencyKey?.slice(0, 128)),
  );
  const parsed = historyAnswerSchema.safeParse(answer.data);
  if (!parsed.success) throw new InvalidInput(`xero note on invoice ${invoiceExternalId}: unexpected answer (HistoryRecords)`, { field: 'HistoryRecords' });
  return { invoiceExternalId, details };
}
