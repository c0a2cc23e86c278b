/**
 * Events that only leave a trace (a reminder sent, a promise recorded) become one dated line in
 * Relance's block of the invoice's private note, QuickBooks' internal memo (see private-note.ts): a
 * sparse update guarded by the SyncToken, and no update at all when the block already says it.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice#sparse-update-an-invoice
 */
import type { PushChange, PushResult } from '../../contract.ts';
import type { QuickBooksClient } from '../client.ts';
import { changedOrNull, noteField } from './private-note.ts';
import { sparseUpdateInvoice } from './sparse-update-invoice.ts';

type NoteChange = Extract<PushChange, { kind: 'reminder_sent' | 'promise_recorded' }>;

/** The note line of an event, as an accountant reads it in the memo. */
export function noteLineFor(change: NoteChange): string {
  if (change.kind === 'reminder_sent') return `Reminder ${change.step} sent by ${change.channel} on ${change.date}`;
  return `Customer promised to pay ${change.amount} ${change.currency} by ${change.date}`;
}

export function addInvoiceNote(client: QuickBooksClient, change: NoteChange, now: Date, requestKey?: string): Promise<PushResult> {
  return sparseUpdateInvoice(client, change.invoiceExternalId, (current) => changedOrNull(noteField(current.PrivateNote, noteLineFor(change), now)), requestKey);
}
