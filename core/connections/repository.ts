/**
 * The connection store: connections of an organization to provider accounts, their encrypted
 * credentials, status and last error. Plain `pg` so that the token store can run the same
 * statements inside the transaction that holds a connection's advisory lock.
 */
import type pg from 'pg';
import type { KeyRing } from '../crypto.ts';
import { InvalidInput, NotFound, isRelanceError } from '../errors.ts';
import type { TokenSet } from '../http/index.ts';
import { openCredentials, sealCredentials, type ConnectionCredentials, type ConnectionSettings } from './credentials.ts';

export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;
export type ConnectionStatus = 'active' | 'needs_reauth' | 'disconnected';
export const PROVIDERS = ['quickbooks', 'xero', 'hubspot'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface ConnectionRecord {
  id: string;
  organizationId: string;
  provider: Provider;
  accountId: string;
  displayName: string | null;
  status: ConnectionStatus;
  lastError: Record<string, unknown> | null;
  mappingOverrides: Record<string, unknown>;
  tokenExpiresAt: Date | null;
}

interface Row {
  id: string;
  organization_id: string;
  provider: Provider;
  external_account_id: string;
  display_name: string | null;
  status: ConnectionStatus;
  last_error: Record<string, unknown> | null;
  mapping_overrides: Record<string, unknown>;
  token_expires_at: Date | null;
}

const COLUMNS = 'id, organization_id, provider, external_account_id, display_name, status, last_error, mapping_overrides, token_expires_at';

function toRecord(row: Row): ConnectionRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    provider: row.provider,
    accountId: row.external_account_id,
    displayName: row.display_name,
    status: row.status,
    lastError: row.last_error,
    mappingOverrides: row.mapping_overrides,
    tokenExpiresAt: row.token_expires_at,
  };
}

export interface NewConnection {
  organizationId: string;
  provider: Provider;
  displayName?: string | null;
  settings: ConnectionSettings;
  tokens: TokenSet | null;
}

/**
 * Creates the organization's connection to a provider account, or reconnects it (same account):
 * new credentials, status back to active, last error cleared. Cursors are kept.
 */
export async function createConnection(db: Queryable, ring: KeyRing, input: NewConnection): Promise<ConnectionRecord> {
  const { rows } = await db.query<Row>(
    `INSERT INTO connections (organization_id, provider, external_account_id, display_name, status)
     VALUES ($1, $2, $3, $4, 'active')
     ON CONFLICT (organization_id, provider, external_account_id)
     DO UPDATE SET display_name = COALESCE(EXCLUDED.display_name, connections.display_name), status = 'active', last_error = NULL, updated_at = now()
     RETURNING ${COLUMNS}`,
    [input.organizationId, input.provider, input.settings.accountId, input.displayName ?? null],
  );
  const row = rows[0]!;
  // The ciphertext is bound to the row id, so it can only be made once the id exists.
  await saveCredentials(db, ring, row.id, { settings: input.settings, tokens: input.tokens });
  return getConnection(db, row.id);
}

/** Re-encrypts and stores a connection's settings and tokens. */
export async function saveCredentials(db: Queryable, ring: KeyRing, connectionId: string, credentials: ConnectionCredentials): Promise<void> {
  const ciphertext = sealCredentials(ring, connectionId, credentials);
  await db.query(
    `UPDATE connections SET token_ciphertext = $2, token_key_id = $3, token_expires_at = $4, updated_at = now() WHERE id = $1`,
    [connectionId, ciphertext, ring.currentId, credentials.tokens?.expiresAt ?? null],
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getConnection(db: Queryable, connectionId: string): Promise<ConnectionRecord> {
  if (!UUID.test(connectionId)) throw new InvalidInput(`connection: "${connectionId}" is not a connection id`, { field: 'connection' });
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM connections WHERE id = $1`, [connectionId]);
  if (!rows[0]) throw new NotFound(`connection ${connectionId} does not exist`, { field: 'connection' });
  return toRecord(rows[0]);
}

/** The connections of one provider account (a webhook names the account only). */
export async function findConnectionsByAccount(db: Queryable, provider: Provider, accountId: string): Promise<ConnectionRecord[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM connections WHERE provider = $1 AND external_account_id = $2 ORDER BY created_at`,
    [provider, accountId],
  );
  return rows.map(toRecord);
}

export async function loadCredentials(db: Queryable, ring: KeyRing, connectionId: string): Promise<ConnectionCredentials> {
  const { rows } = await db.query<{ token_ciphertext: string | null }>('SELECT token_ciphertext FROM connections WHERE id = $1', [connectionId]);
  if (!rows[0]) throw new NotFound(`connection ${connectionId} does not exist`, { field: 'connection' });
  if (!rows[0].token_ciphertext) throw new InvalidInput(`connection ${connectionId} has no credentials: connect it again`, { field: 'connection' });
  return openCredentials(ring, connectionId, rows[0].token_ciphertext);
}

export async function setStatus(db: Queryable, connectionId: string, status: ConnectionStatus, lastError?: Record<string, unknown> | null): Promise<void> {
  await db.query(
    `UPDATE connections SET status = $2, last_error = CASE WHEN $3::boolean THEN $4::jsonb ELSE last_error END, updated_at = now() WHERE id = $1`,
    [connectionId, status, lastError !== undefined, lastError === undefined ? null : JSON.stringify(lastError)],
  );
}

/** Records the outcome of a sync: the error as its `toJSON()` (never a token), or null once it worked. */
export async function recordLastError(db: Queryable, connectionId: string, error: unknown): Promise<void> {
  const json = error === null ? null : describeError(error);
  await db.query('UPDATE connections SET last_error = $2::jsonb, updated_at = now() WHERE id = $1', [connectionId, json === null ? null : JSON.stringify(json)]);
}

function describeError(error: unknown): Record<string, unknown> {
  const at = new Date().toISOString();
  if (isRelanceError(error)) return { ...error.toJSON(), at };
  return { code: 'unexpected', message: error instanceof Error ? error.message : String(error), at };
}
