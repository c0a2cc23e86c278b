/** Writes the dispute flag into the configured invoice custom field (`extra.disputeFieldId`) and a note line. */
import type { ConnectionSettings, PushResult } from '../../contract.ts';
import type { QuickBooksClient } from '../client.ts';
import { changedOrNull, noteField } from './private-note.ts';
import { sparseUpdateInvoice } from './sparse-update-invoice.ts';

export async function setDisputeFlag(
  client: QuickBooksClient,
  settings: ConnectionSettings,
  change: { invoiceExternalId: string; disputed: boolean; note?: string | null },
  now: Date,
  requestKey?: string,
): Promise<PushResult> {
  const fieldId = settings.extra?.disputeFieldId;
  const value = change.disputed ? 'Disputed' : '';
  return sparseUpdateInvoice(client, change.invoiceExternalId, (current) => changedOrNull({
    ...(fieldId ? { CustomField: [{ DefinitionId: fieldId, Type: 'StringType', StringValue: value }] } : {}),
    ...noteField(current.PrivateNote, change.note ?? (change.disputed ? 'Disputed' : 'Dispute closed'), now, 'after-change'),
  }), requestKey);
}
