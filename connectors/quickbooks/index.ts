/** The QuickBooks Online connector: a description of QuickBooks; core/ does the rest. */
import { InvalidInput } from '../../core/errors.ts';
import { systemClock } from '../../core/http/index.ts';
import type { AccountInfo, Connector, ConnectionContext, ConnectorSession, PushChange, PushOptions } from '../contract.ts';
import { quickbooksAuth } from './auth.ts';
import { QuickBooksClient } from './client.ts';
import { quickbooksProfile } from './profile.ts';
import { readPaymentLink } from './payment-link.ts';
import { QuickBooksPull } from './pull.ts';
import { readAccountInfo } from './company-info.ts';
import { ENTITY_SYNCS, syncForStream } from './syncs/index.ts';
import { parseWebhook, verifyWebhook } from './webhooks.ts';
import { pushChange } from './writes/push-change.ts';

export { signWebhook, SIGNATURE_HEADER } from './webhooks.ts';
export { quickbooksProfile } from './profile.ts';

function session(context: ConnectionContext): ConnectorSession {
  const client = new QuickBooksClient(context);
  const clock = context.clock ?? systemClock;
  const puller = new QuickBooksPull(client, clock);
  return {
    accountInfo: (): Promise<AccountInfo> => readAccountInfo(client, context.settings.accountId),
    pull(stream, cursor) {
      const sync = syncForStream(stream);
      if (!sync) throw new InvalidInput(`quickbooks has no stream "${stream}"`, { field: 'stream' });
      return puller.pull(sync, cursor);
    },
    push(change: PushChange, options?: PushOptions) {
      return pushChange(client, context.settings, change, new Date(clock.now()), options?.requestKey);
    },
    paymentLink: (invoiceExternalId) => readPaymentLink(client, invoiceExternalId),
  };
}

export const quickbooksConnector: Connector = {
  describe: () => ({ provider: 'quickbooks', streams: ENTITY_SYNCS.map((s) => s.stream), profile: quickbooksProfile }),
  connect: session,
  verifyWebhook,
  parseWebhook,
  auth: quickbooksAuth,
};
