/**
 * Writes the dunning stage into the configured invoice custom field and a line into the private
 * note. The field is named by its DefinitionId (company settings), kept on the connection as
 * `extra.stageFieldId`; without one, only the note is written.
 */
import type { ConnectionSettings, PushResult } from '../../contract.ts';
import type { QuickBooksClient } from '../client.ts';
import { CUSTOM_FIELD_MAX } from '../profile.ts';
import { changedOrNull, noteField } from './private-note.ts';
import { sparseUpdateInvoice } from './sparse-update-invoice.ts';

export async function setDunningStage(
  client: QuickBooksClient,
  settings: ConnectionSettings,
  change: { invoiceExternalId: string; stage: string; note?: string | null },
  now: Date,
  requestKey?: string,
): Promise<PushResult> {
  const fieldId = settings.extra?.stageFieldId;
  return sparseUpdateInvoice(client, change.invoiceExternalId, (current) => changedOrNull({
    ...(fieldId ? { CustomField: [{ DefinitionId: fieldId, Type: 'StringType', StringValue: change.stage.slice(0, CUSTOM_FIELD_MAX) }] } : {}),
    ...noteField(current.PrivateNote, change.note ?? `Dunning stage: ${change.stage}`, now, 'after-change'),
  }), requestKey);
}
