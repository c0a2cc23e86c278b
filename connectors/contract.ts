/**
 * The connector contract (ARCHITECTURE §5): what every provider folder exports. A connector only
 * describes its provider — streams, paging, auth, webhooks, writes; `core/sync` does the cursor,
 * transaction and rejected-record work once, and `core/http` the limits, retries and tokens.
 */
import type { HttpProfile, RefreshGrant, TokenSet } from '../core/http/index.ts';
import type { ConnectionContext, PulledPage, StreamSpec } from '../core/sync/index.ts';
import type { JsonValue } from '../core/store/index.ts';
import type { ConnectionSettings } from '../core/connections/index.ts';
import type { PostalAddress } from '../core/store/schema/columns.ts';

export type { ConnectionContext, ConnectionSettings, PulledPage, StreamSpec };

export type ProviderName = 'quickbooks' | 'xero' | 'hubspot';

export interface ConnectorDescription {
  provider: ProviderName;
  /** In sync order: customers before the documents that name them. */
  streams: readonly StreamSpec[];
  profile: HttpProfile;
}

export { pushChangeSchema, PUSH_CHANGE_KINDS, type PushChange, type PushChangeKind } from '../core/outbox/push-change.ts';
import type { PushChange } from '../core/outbox/push-change.ts';


export interface PushResult {
  externalId: string;
  /** What the provider has now (QuickBooks: the new SyncToken). */
  version: string | null;
  /** Attempts made, conflicts included. */
  attempts: number;
}

/** What connect time resolves once about the provider account (STYLE principle 4). */
export interface AccountInfo {
  displayName: string | null;
  homeCurrency: string | null;
  country: string | null;
  /** Optional: the company's own postal address (the letters' sender block), when the source gives one. */
  senderAddress?: PostalAddress | null;
  /** Optional: the company's IANA time zone, when the source gives one. */
  timezone?: string | null;
}

/** A connector bound to one connection. */
export interface ConnectorSession {
  /** Optional: connect time reads the account's name and home currency when the connector can. */
  accountInfo?(): Promise<AccountInfo>;
  /** Full when `cursor` is null, incremental otherwise; resumes a full pull from its own cursor. */
  pull(stream: string, cursor: JsonValue): AsyncIterable<PulledPage>;
  /**
   * Writes one change. `requestKey` is the same on every attempt of the same outbox row with the
   * same content: a connector hands it to the provider's own idempotency (QuickBooks `requestid`,
   * Xero `Idempotency-Key`) or looks for its earlier write (HubSpot), so a retry after a lost answer
   * or a killed worker does not write twice.
   */
  push(change: PushChange, options?: PushOptions): Promise<PushResult>;
  /**
   * Optional: the provider's online page where the customer sees and pays this invoice (QuickBooks
   * `InvoiceLink`, Xero online invoice), or null when the provider has none for it.
   */
  paymentLink?(invoiceExternalId: string): Promise<string | null>;
}

export interface PushOptions {
  /** At most 40 characters of [0-9a-f]: fits QuickBooks' 50-character `requestid` with a suffix. */
  requestKey?: string;
}

/** One change a webhook announces. */
export interface WebhookChange {
  accountId: string;
  stream: string;
  externalId: string;
  operation: string;
}

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  /** Override of the provider's authorization page (the sandbox's). */
  authorizeUrl?: string;
}

export interface CodeExchange {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  redirectUri: string;
  code: string;
}

export interface ConnectorAuth {
  authorizationUrl(request: AuthorizationRequest): string;
  exchangeCode(exchange: CodeExchange): Promise<TokenSet>;
  refreshGrant(settings: ConnectionSettings): RefreshGrant;
}

export interface Connector {
  describe(): ConnectorDescription;
  connect(context: ConnectionContext): ConnectorSession;
  /** Checks a webhook's signature against the raw body, before anything else is read. */
  verifyWebhook(headers: Record<string, string | string[] | undefined>, rawBody: string, key: string): boolean;
  /** The changes a verified webhook names; throws `InvalidInput` naming the field on a bad body. */
  parseWebhook(body: unknown): WebhookChange[];
  auth: ConnectorAuth;
}
