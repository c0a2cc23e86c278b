/**
 * Binding a console connect to the browser that started it, and using each `state` once.
 * Starting a connect sets a random `relance_oauth` cookie (HttpOnly, SameSite=Lax: it rides along
 * the provider's top-level redirect back) and seals its SHA-256 in the state; the callback accepts
 * the state only from a browser holding that cookie. A consent link forwarded to someone else
 * therefore cannot attach their ledger to the sender's organization. The state's nonce is then
 * recorded (table `oauth_state_uses`), so the same callback URL cannot be replayed.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { randomSecret, sha256Hex } from '../../core/access/index.ts';
import { InvalidInput } from '../../core/errors.ts';
import { STATE_LIFETIME_MS, type StatePayload } from './state.ts';

export const BINDING_COOKIE = 'relance_oauth';

function cookieOf(request: FastifyRequest, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** The browser's binding (reused when it has one, else set now); returns the hash the state carries. */
export function bindBrowser(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = cookieOf(request, BINDING_COOKIE);
  const value = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomSecret();
  const attributes = [`${BINDING_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.floor(STATE_LIFETIME_MS / 1000)}`];
  if (secure) attributes.push('Secure');
  void reply.header('set-cookie', attributes.join('; '));
  return sha256Hex(value);
}

/** Refuses a state bound to another browser than the one calling back. */
export function checkBinding(request: FastifyRequest, state: StatePayload): void {
  if (!state.binding) return;
  const value = cookieOf(request, BINDING_COOKIE);
  if (!value || sha256Hex(value) !== state.binding) {
    throw new InvalidInput('state: this connection was started in another browser; start it again from the console in this one', { field: 'state' });
  }
}

/** Marks the state used; a second callback with it is refused. */
export async function useStateOnce(pool: pg.Pool, state: StatePayload): Promise<void> {
  const { rowCount } = await pool.query('INSERT INTO oauth_state_uses (nonce) VALUES ($1) ON CONFLICT (nonce) DO NOTHING', [state.nonce]);
  if (rowCount !== 1) throw new InvalidInput('state: already used; start the connection again', { field: 'state' });
  // States live 15 minutes: a used nonce older than a day can never come back valid.
  if (Math.random() < 0.05) await pool.query("DELETE FROM oauth_state_uses WHERE used_at < now() - interval '1 day'");
}
