/** The QuickBooks Online connector: a description of QuickBooks; core/ does the rest. */
import { InvalidInput } from '../../core/errors.ts';
import { z } from 'zod';
import { systemClock } from '../../core/http/index.ts';
import type { AccountInfo, Connector, ConnectionContext, ConnectorSession, PushChange, PushOptions } from '../contract.ts';
import { quickbooksAuth } from './auth.ts';
import { QuickBooksClient } from './client.ts';
import { quickbooksProfile } from './profile.ts';
import { readPaymentLink } from './payment-link.ts';
import { QuickBooksPull } from './pull.ts';
import { unwrapEntity } from './schemas.ts';
import { ENTITY_SYNCS, syncForStream } from './syncs/index.ts';
import { parseWebhook, verifyWebhook } from './webhooks.ts';
import { pushChange } from './writes/push-change.ts';

export { signWebhook, SIGNATURE_HEADER } from './webhooks.ts';
export { quickbooksProfile } from './profile.ts';

const companyInfoSchema = z.looseObject({ CompanyName: z.string().optional(), Country: z.string().optional() });
const preferencesSchema = z.looseObject({ CurrencyPrefs: z.looseObject({ HomeCurrency: z.looseObject({ value: z.string() }).optional() }).optional() });

function session(context: ConnectionContext): ConnectorSession {
  const client = new QuickBooksClient(context);
  const clock = context.clock ?? systemClock;
  const puller = new QuickBooksPull(client, clock);
  return {
    // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo
    // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/preferences
    async accountInfo(): Promise<AccountInfo> {
      const info = companyInfoSchema.safeParse(unwrapEntity(await client.invoke('read CompanyInfo', 'getCompanyInfo', [context.settings.accountId]), 'CompanyInfo'));
      const prefs = preferencesSchema.safeParse(unwrapEntity(await client.invoke('read Preferences', 'getPreferences', []), 'Preferences'));
      const country = info.success ? (info.data.Country ?? null) : null;
      return {
        displayName: info.success ? (info.data.CompanyName ?? null) : null,
        homeCurrency: prefs.success ? (prefs.data.CurrencyPrefs?.HomeCurrency?.value ?? null) : null,
        country: country && /^[A-Z]{2}$/.test(country) ? country : null,
      };
    },
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
