/**
 * What a connection keeps encrypted on its row (`token_ciphertext`, context `connection:<id>`): the
 * provider account's settings, resolved once at connect time, and the current OAuth token pair.
 */
import { z } from 'zod';
import { decryptSecret, encryptSecret, type KeyRing } from '../crypto.ts';
import { InvalidInput } from '../errors.ts';
import type { TokenSet } from '../http/index.ts';

export const connectionSettingsSchema = z.object({
  /** QuickBooks realm, Xero tenant, HubSpot portal. */
  accountId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** The API's base URL (the provider's, or the sandbox's). */
  baseUrl: z.url(),
  tokenUrl: z.url(),
  /** The key webhooks are signed with (QuickBooks verifier token, Xero webhook key). */
  webhookKey: z.string().min(1).nullable().optional(),
  /** The company's home currency: QuickBooks omits `CurrencyRef` in a single-currency company. */
  homeCurrency: z.string().regex(/^[A-Z]{3}$/).nullable().optional(),
  /** Provider-specific extras (QuickBooks custom field definition ids for write-back). */
  extra: z.record(z.string(), z.string()).optional(),
});

export type ConnectionSettings = z.infer<typeof connectionSettingsSchema>;

const tokensSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAt: z.iso.datetime({ offset: true }),
});

const credentialsSchema = z.object({ settings: connectionSettingsSchema, tokens: tokensSchema.nullable() });

export interface ConnectionCredentials {
  settings: ConnectionSettings;
  tokens: TokenSet | null;
}

/** The associated data that binds a ciphertext to its connection row. */
export function credentialContext(connectionId: string): string {
  return `connection:${connectionId}`;
}

export function sealCredentials(ring: KeyRing, connectionId: string, credentials: ConnectionCredentials): string {
  const tokens = credentials.tokens ? { ...credentials.tokens, expiresAt: credentials.tokens.expiresAt.toISOString() } : null;
  return encryptSecret(ring, JSON.stringify({ settings: credentials.settings, tokens }), credentialContext(connectionId));
}

export function openCredentials(ring: KeyRing, connectionId: string, ciphertext: string): ConnectionCredentials {
  const text = decryptSecret(ring, ciphertext, credentialContext(connectionId));
  const parsed = credentialsSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`connection ${connectionId}: stored credentials: ${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const { settings, tokens } = parsed.data;
  return { settings, tokens: tokens ? { ...tokens, expiresAt: new Date(tokens.expiresAt) } : null };
}
