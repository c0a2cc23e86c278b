/**
 * The OAuth `state`: everything the callback needs to finish a connection (the app's settings, the
 * organization, the redirect URI), encrypted and bound to its purpose, with an expiry. The server
 * keeps nothing between `relance connect` (or the console's connect) and the callback, so any instance can take the callback.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { decryptSecret, encryptSecret, type KeyRing } from '../../core/crypto.ts';
import { InvalidInput } from '../../core/errors.ts';

const CONTEXT = 'oauth-state';
export const STATE_LIFETIME_MS = 15 * 60 * 1000;

export const statePayloadSchema = z.object({
  provider: z.enum(['quickbooks', 'xero', 'hubspot']),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  baseUrl: z.url(),
  tokenUrl: z.url(),
  redirectUri: z.url(),
  webhookKey: z.string().min(1).nullable(),
  organization: z.string().min(1).nullable(),
  /** From the console: the existing organization to connect, who asked, and the connection a reconnect renews. */
  organizationId: z.uuid().optional(),
  actor: z.string().min(1).optional(),
  connectionId: z.uuid().optional(),
  extra: z.record(z.string(), z.string()),
  /** SHA-256 of the starting browser's `relance_oauth` cookie (binding.ts); absent for `relance connect`. */
  binding: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  expiresAt: z.number().int(),
  nonce: z.string().min(1),
});
export type StatePayload = z.infer<typeof statePayloadSchema>;

export function sealState(ring: KeyRing, payload: Omit<StatePayload, 'expiresAt' | 'nonce'>, now = Date.now()): string {
  const full: StatePayload = { ...payload, expiresAt: now + STATE_LIFETIME_MS, nonce: randomBytes(12).toString('base64url') };
  return encryptSecret(ring, JSON.stringify(full), CONTEXT);
}

/** The payload of a state this server made and that has not expired; InvalidInput naming `state` otherwise. */
export function openState(ring: KeyRing, state: string, now = Date.now()): StatePayload {
  let text: string;
  try {
    text = decryptSecret(ring, state, CONTEXT);
  } catch {
    throw new InvalidInput('state: not a state this server issued (tampered, or from another installation)', { field: 'state' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidInput('state: unreadable', { field: 'state' });
  }
  const parsed = statePayloadSchema.safeParse(json);
  if (!parsed.success) throw new InvalidInput('state: unreadable', { field: 'state' });
  if (parsed.data.expiresAt < now) throw new InvalidInput('state: expired; run relance connect again', { field: 'state' });
  return parsed.data;
}
