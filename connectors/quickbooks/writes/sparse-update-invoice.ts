/**
 * A sparse update of one invoice, guarded by its `SyncToken`: read the invoice, send only the changed
 * fields with the token read, and on a stale-object fault (5010: someone changed it in between)
 * read again and retry, a few times.
 * With a `requestKey`, each attempt carries `requestid=<key>-<attempt>`: QuickBooks answers a
 * repeated requestid with the first answer instead of writing again, so a push retried after a
 * lost answer (the invoice already changed, the note already appended) changes nothing more.
 * https://blogs.intuit.com/2015/04/06/15346/ (Request ID: at most 50 characters, unique per company)
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice#sparse-update-an-invoice
 */
import { Conflict, InvalidInput } from '../../../core/errors.ts';
import type { PushResult } from '../../contract.ts';
import type { QuickBooksClient } from '../client.ts';
import { invoiceReadSchema, unwrapEntity } from '../schemas.ts';

export const MAX_WRITE_ATTEMPTS = 4;

/** node-quickbooks sends an entity's `requestId` as the `requestid` query parameter (and drops it from the body). */
export function requestIdOf(requestKey: string | undefined, attempt: number): { requestId?: string } {
  return requestKey ? { requestId: `${requestKey}-${attempt}` } : {};
}

export type InvoiceReading = { Id: string; SyncToken: string; PrivateNote?: string | undefined } & Record<string, unknown>;

/** `change` builds the changed fields from the invoice as it is now; null when it already holds them (no write). */
export async function sparseUpdateInvoice(
  client: QuickBooksClient,
  invoiceId: string,
  change: (current: InvoiceReading) => Record<string, unknown> | null,
  requestKey?: string,
): Promise<PushResult> {
  for (let attempt = 1; ; attempt++) {
    const read = invoiceReadSchema.safeParse(unwrapEntity(await client.invoke('read Invoice', 'getInvoice', [invoiceId]), 'Invoice'));
    if (!read.success) throw new InvalidInput(`quickbooks invoice ${invoiceId}: unexpected answer: ${read.error.issues[0]?.path.join('.')}`, { field: 'Invoice' });
    const current = read.data as InvoiceReading;
    const fields = change(current);
    if (fields === null) return { externalId: invoiceId, version: current.SyncToken, attempts: attempt };
    const body = { ...fields, Id: current.Id, SyncToken: current.SyncToken, sparse: true, ...requestIdOf(requestKey, attempt) };
    try {
      const answer = await client.invoke('update Invoice', 'updateInvoice', [body], { retryConflicts: false });
      const written = invoiceReadSchema.safeParse(unwrapEntity(answer, 'Invoice'));
      return { externalId: invoiceId, version: written.success ? written.data.SyncToken : null, attempts: attempt };
    } catch (error) {
      if (!(error instanceof Conflict) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
    }
  }
}
