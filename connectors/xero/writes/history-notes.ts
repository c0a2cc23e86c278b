/**
 * What Relance writes on a Xero invoice: a history note, since most fields of an AUTHORISED invoice
 * with payments cannot change. One note text per change of the connector contract (whose zod schema
 * checks the payload at the outbox).
 * https://developer.xero.com/documentation/api/accounting/historyandnotes
 */
import { InvalidInput } from '../../../core/errors.ts';
import type { PushChange } from '../../contract.ts';

// Xero keeps a history note's Details as plain text; long ones are refused, so a free-text reason
// from a customer is cut rather than sinking the note.
export const MAX_NOTE_LENGTH = 2500;

function clip(text: string): string {
  return text.length <= MAX_NOTE_LENGTH ? text : `${text.slice(0, MAX_NOTE_LENGTH - 1)}…`;
}

function suffix(text: string | null | undefined, label: string): string {
  return text && text.trim() ? ` ${label}: ${text.trim()}` : '';
}

export interface InvoiceNote {
  invoiceExternalId: string;
  text: string;
}

/** The history note a change writes; a change Xero is not written that way is refused, naming its kind. */
export function noteForChange(change: PushChange): InvoiceNote {
  switch (change.kind) {
    case 'set_dunning_stage':
      return { invoiceExternalId: change.invoiceExternalId, text: clip(`Relance: dunning stage is now "${change.stage}".${suffix(change.note, 'Note')}`) };
    case 'set_disputed': {
      const text = change.disputed ? 'Relance: dispute opened; reminders paused for this invoice.' : 'Relance: dispute closed; reminders resume.';
      return { invoiceExternalId: change.invoiceExternalId, text: clip(`${text}${suffix(change.note, change.disputed ? 'Reason' : 'Resolution')}`) };
    }
    case 'reminder_sent':
      return { invoiceExternalId: change.invoiceExternalId, text: clip(`Relance: reminder "${change.step}" sent by ${change.channel} on ${change.date}.`) };
    case 'promise_recorded':
      return { invoiceExternalId: change.invoiceExternalId, text: clip(`Relance: the customer promised to pay ${change.amount} ${change.currency} by ${change.date}.`) };
    default:
      throw new InvalidInput(`kind: the xero connector does not write "${change.kind}" changes`, { field: 'kind' });
  }
}
