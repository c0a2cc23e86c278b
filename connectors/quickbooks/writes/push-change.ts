/** Which QuickBooks write carries each kind of the write-back vocabulary (connectors/contract.ts). */
import { InvalidInput } from '../../../core/errors.ts';
import type { ConnectionSettings, PushChange, PushResult } from '../../contract.ts';
import type { QuickBooksClient } from '../client.ts';
import { addInvoiceNote } from './add-note.ts';
import { applyPayment } from './apply-payment.ts';
import { createFeeInvoice } from './create-fee-invoice.ts';
import { setDisputeFlag } from './set-dispute-flag.ts';
import { setDunningStage } from './set-dunning-stage.ts';

/** `requestKey`: see ConnectorSession.push; QuickBooks gets it as `requestid` on each write. */
export function pushChange(client: QuickBooksClient, settings: ConnectionSettings, change: PushChange, now: Date, requestKey?: string): Promise<PushResult> {
  switch (change.kind) {
    case 'set_dunning_stage':
      return setDunningStage(client, settings, change, now, requestKey);
    case 'set_disputed':
      return setDisputeFlag(client, settings, change, now, requestKey);
    case 'reminder_sent':
    case 'promise_recorded':
      return addInvoiceNote(client, change, now, requestKey);
    case 'apply_payment':
      return applyPayment(client, change, now, requestKey);
    case 'post_fee_invoice':
      return createFeeInvoice(client, settings, change, requestKey);
    case 'set_company_properties':
    case 'add_company_note':
    case 'create_owner_task':
      // QuickBooks has no CRM company: the change belongs to a HubSpot connection.
      return Promise.reject(new InvalidInput(`quickbooks: ${change.kind} is not possible (no CRM company in QuickBooks)`, { field: 'kind' }));
  }
}
