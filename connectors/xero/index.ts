/**
 * The Xero connector: Contacts, sales Invoices, Payments, CreditNotes, Overpayments and Prepayments pulled by
 * `If-Modified-Since` at 1000 a page; history notes written back; signed webhooks. It describes
 * Xero; paging, limits, retries and tokens are core/http's, cursors and transactions core/sync's.
 */
import type { Connector, ConnectionContext, ConnectorSession, PushChange, PushOptions, PushResult } from '../contract.ts';
import { xeroAuth } from './auth.ts';
import { XeroClient } from './client.ts';
import { onlineInvoiceUrl } from './online-invoice.ts';
import { accountInfo } from './organisation.ts';
import { xeroProfile } from './profile.ts';
import { contactsStream } from './syncs/contacts.ts';
import { creditNotesStream } from './syncs/credit-notes.ts';
import { invoicesStream } from './syncs/invoices.ts';
import { overpaymentsStream } from './syncs/overpayments.ts';
import { paymentsStream } from './syncs/payments.ts';
import { prepaymentsStream } from './syncs/prepayments.ts';
import { pullStream } from './syncs/pull.ts';
import type { XeroStream } from './syncs/stream.ts';
import { addInvoiceNote } from './writes/add-invoice-note.ts';
import { noteForChange } from './writes/history-notes.ts';
import { allocate } from './writes/allocate.ts';
import { createFeeInvoice } from './writes/create-fee-invoice.ts';
import { systemClock } from '../../core/http/index.ts';
import { verifyWebhook, parseWebhook } from './webhooks.ts';
import { InvalidInput } from '../../core/errors.ts';

export { xeroProfile } from './profile.ts';
export { XeroClient } from './client.ts';
export { listTenants, chooseTenant, connectionsUrlFor } from './auth.ts';
export { addInvoiceNote } from './writes/add-invoice-note.ts';
export { noteForChange, type InvoiceNote } from './writes/history-notes.ts';
export { xeroErrorHook } from './errors.ts';

/** In sync order: customers before the documents that name them, invoices before what pays them. */
export const XERO_STREAMS: readonly XeroStream[] = [contactsStream, invoicesStream, paymentsStream, creditNotesStream, overpaymentsStream, prepaymentsStream];

function streamNamed(name: string): XeroStream {
  const stream = XERO_STREAMS.find((s) => s.name === name);
  if (!stream) throw new InvalidInput(`stream "${name}" is not one of xero's (${XERO_STREAMS.map((s) => s.name).join(', ')})`, { field: 'stream' });
  return stream;
}

function connect(context: ConnectionContext): ConnectorSession {
  const client = new XeroClient(context);
  return {
    accountInfo: () => accountInfo(client, () => context.tokens.accessToken(), context.settings.baseUrl),
    pull: (stream, cursor) => pullStream(client, streamNamed(stream), cursor),
    async push(change: PushChange, options?: PushOptions): Promise<PushResult> {
      let attempts = 0;
      const counting = new XeroClient({ ...context, onAttempt: (r) => { attempts += 1; context.onAttempt?.(r); } });
      if (change.kind === 'apply_payment') {
        const today = new Date((context.clock ?? systemClock).now()).toISOString().slice(0, 10);
        const result = await allocate(counting, change, today, options?.requestKey);
        return { ...result, attempts };
      }
      if (change.kind === 'post_fee_invoice') {
        const result = await createFeeInvoice(counting, context.settings, change, options?.requestKey);
        return { ...result, attempts };
      }
      const note = noteForChange(change);
      await addInvoiceNote(counting, note.invoiceExternalId, note.text, options?.requestKey);
      // A note has no version: Xero leaves the invoice's UpdatedDateUTC alone.
      return { externalId: note.invoiceExternalId, version: null, attempts };
    },
    paymentLink: (invoiceExternalId) => onlineInvoiceUrl(client, invoiceExternalId),
  };
}

export const xeroConnector: Connector = {
  describe: () => ({
    provider: 'xero',
    streams: XERO_STREAMS.map(({ name, produces }) => ({ name, produces })),
    profile: xeroProfile,
  }),
  connect,
  verifyWebhook,
  parseWebhook,
  auth: xeroAuth,
};
