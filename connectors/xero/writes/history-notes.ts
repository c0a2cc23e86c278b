/**
 * What Relance writes on a Xero invoice: a history note, since most fields of an AUTHORISED invoice
 * with payments cannot change. The note texts, one per event, built from a zod-checked payload.
 * https://developer.xero.com/documentation/api/accounting/historyandnotes
 */
import { z } from 'zod';
import { InvalidInput } from '../../../core/errors.ts';
import type { PushChange } from '../../contract.ts';

const day = z.iso.date();
const amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string');

export const xeroNoteSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reminder_sent'), invoiceExternalId: z.string().min(1), step: z.string().min(1), channel: z.string().min(1), date: day }),
  z.object({ kind: z.literal('dispute_opened'), invoiceExternalId: z.string().min(1), reason: z.string().nullable().optional() }),
  z.object({ kind: z.literal('dispute_closed'), invoiceExternalId: z.string().min(1), resolution: z.string().nullable().optional() }),
  z.object({ kind: z.literal('promise_recorded'), invoiceExternalId: z.string().min(1), amount, currency: z.string().regex(/^[A-Z]{3}$/), date: day }),
]);

export type XeroNote = z.infer<typeof xeroNoteSchema>;

// Xero keeps a history note's Details as plain text; long ones are refused, so a free-text reason
// from a customer is cut rather than sinking the note.
export const MAX_NOTE_LENGTH = 2500;

function clip(text: string): string {
  return text.length <= MAX_NOTE_LENGTH ? text : `${text.slice(0, MAX_NOTE_LENGTH - 1)}…`;
}

function suffix(text: string | null | undefined, label: string): string {
  return text && text.trim() ? ` ${label}: ${text.trim()}` : '';
}

/** The text of the note for one event. */
export function noteText(note: XeroNote): string {
  switch (note.kind) {
    case 'reminder_sent':
      return clip(`Relance: reminder "${note.step}" sent by ${note.channel} on ${note.date}.`);
    case 'dispute_opened':
      return clip(`Relance: dispute opened; reminders paused for this invoice.${suffix(note.reason, 'Reason')}`);
    case 'dispute_closed':
      return clip(`Relance: dispute closed; reminders resume.${suffix(note.resolution, 'Resolution')}`);
    case 'promise_recorded':
      return clip(`Relance: the customer promised to pay ${note.amount} ${note.currency} by ${note.date}.`);
  }
}

/** Checks an outbox payload as a note; the error names the field. */
export function parseNote(payload: unknown): XeroNote {
  const parsed = xeroNoteSchema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InvalidInput(`xero note: ${issue.path.join('.') || 'payload'}: ${issue.message}`, { field: issue.path.join('.') || 'payload' });
}

/** The note a connector-contract change writes on Xero (which has no dunning field of its own). */
export function noteForChange(change: PushChange): { invoiceExternalId: string; text: string } {
  const extra = suffix(change.note, 'Note');
  if (change.kind === 'set_dunning_stage') {
    return { invoiceExternalId: change.invoiceExternalId, text: clip(`Relance: dunning stage is now "${change.stage}".${extra}`) };
  }
  const text = change.disputed ? 'Relance: dispute opened; reminders paused for this invoice.' : 'Relance: dispute closed; reminders resume.';
  return { invoiceExternalId: change.invoiceExternalId, text: clip(`${text}${extra}`) };
}
