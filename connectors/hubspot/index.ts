/** The HubSpot connector: a description of HubSpot; core/ does the rest. */
import { InvalidInput } from '../../core/errors.ts';
import { systemClock, type AccountLimiter } from '../../core/http/index.ts';
import type { AccountInfo, Connector, ConnectionContext, ConnectorSession, PushChange, PushOptions, PushResult } from '../contract.ts';
import { hubspotAuth } from './auth.ts';
import { HubSpotClient } from './client.ts';
import { hubspotProfile } from './profile.ts';
import { HubSpotPull } from './pull.ts';
import { OBJECT_SYNCS, syncForStream } from './syncs/index.ts';
import { parseWebhook, verifyWebhook } from './webhooks.ts';
import { createNote, type CompanyNote } from './writes/create-note.ts';
import { createTask, type CompanyTask } from './writes/create-task.ts';
import { ensureRelanceProperties, type EnsureReport } from './writes/ensure-properties.ts';
import { pushChange } from './writes/push-change.ts';
import { updateCompanies, type BatchItemResult, type CompanyDunningState } from './writes/update-companies.ts';

export { hubspotProfile, hubspotSearchProfile } from './profile.ts';
export { CRM_STREAMS, LEDGER_STREAMS } from './syncs/index.ts';
export { parseEvents, precheckSignatureV3, signWebhookV3, verifySignatureV3, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhooks.ts';
export { searchLimiterFor } from './client.ts';
export type { CompanyDunningState, BatchItemResult, CompanyNote, CompanyTask, EnsureReport };

/** What HubSpot write-back does: company-level, unlike the contract's invoice-level changes. */
export interface HubSpotSession extends ConnectorSession {
  /** Connect time: the "Relance" group and properties, created when missing. */
  ensureProperties(): Promise<EnsureReport>;
  updateCompanies(states: readonly CompanyDunningState[]): Promise<BatchItemResult[]>;
  addNote(note: CompanyNote): Promise<{ noteId: string }>;
  addTask(task: CompanyTask): Promise<{ taskId: string }>;
}

export function connectHubSpot(context: ConnectionContext, options: { searchLimiter?: AccountLimiter } = {}): HubSpotSession {
  const client = new HubSpotClient(context, options);
  const puller = new HubSpotPull(client, context.clock ?? systemClock);
  return {
    /**
     * Connect time, the one hook the contract gives: the "Relance" property group and properties
     * are created when missing (idempotent). HubSpot's portal holds no ledger: no name or currency to read.
     */
    async accountInfo(): Promise<AccountInfo> {
      await ensureRelanceProperties(client);
      return { displayName: null, homeCurrency: null, country: null };
    },
    pull(stream, cursor) {
      const sync = syncForStream(stream);
      if (!sync) throw new InvalidInput(`hubspot has no stream "${stream}"`, { field: 'stream' });
      return puller.pull(sync, cursor);
    },
    push: (change: PushChange, options?: PushOptions): Promise<PushResult> => pushChange(client, change, options),
    ensureProperties: () => ensureRelanceProperties(client),
    updateCompanies: (states) => updateCompanies(client, states),
    addNote: (note) => createNote(client, note),
    addTask: (task) => createTask(client, task),
  };
}

export const hubspotConnector: Connector = {
  // The ledger engine stores contacts only; companies, deals and invoices are CRM records that
  // core/crm-control syncs through `pull` (their paused/disputed flags drive the dunning engine).
  describe: () => ({ provider: 'hubspot', streams: OBJECT_SYNCS.filter((s) => s.stream.produces.length > 0).map((s) => s.stream), profile: hubspotProfile }),
  connect: (context) => connectHubSpot(context),
  verifyWebhook,
  parseWebhook,
  auth: hubspotAuth,
};
