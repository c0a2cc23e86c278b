/**
 * A note on the company's timeline for a reminder sent, associated note → company (type 190).
 * https://developers.hubspot.com/docs/api/crm/notes
 */
import type { HubSpotClient } from '../client.ts';
import { NOTE_TO_COMPANY } from '../profile.ts';
import { createOnce } from './keyed-create.ts';

export interface CompanyNote {
  companyId: string;
  /** HTML is allowed by HubSpot; Relance sends plain text, escaped. */
  body: string;
  at: Date;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `key`: the outbox's request key; a second call with the same key returns the first note. */
export async function createNote(client: HubSpotClient, note: CompanyNote, key?: string): Promise<{ noteId: string }> {
  const body = {
    properties: { hs_timestamp: note.at.toISOString(), hs_note_body: escapeHtml(note.body) },
    associations: [{ to: { id: note.companyId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: NOTE_TO_COMPANY }] }],
  };
  return { noteId: await createOnce(client, 'notes', body, key) };
}
