/**
 * The one token refresher: refresh before expiry with an early margin, one refresh at a time per
 * connection (in-process: shared promise; across processes: the store's advisory lock), re-read
 * under the lock, and the new pair persisted before anyone uses it.
 */
import { AuthExpired } from '../errors.ts';
import type { TokenSource } from './request.ts';

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

export interface StoredTokens {
  tokens: TokenSet | null;
  /** Set once a refresh failed for good: the message to show until the user reconnects. */
  needsReauth: string | null;
}

/** The tokens of one connection, inside the transaction that holds its lock. */
export interface LockedTokens {
  load(): Promise<StoredTokens>;
  save(tokens: TokenSet): Promise<void>;
  markNeedsReauth(message: string): Promise<void>;
}

/**
 * Where tokens live (encrypted, on the connection row). `withLock` runs `fn` in one transaction
 * holding the connection's advisory lock (see `withConnectionLock`) and commits when `fn` returns.
 */
export interface TokenStore {
  load(connectionId: string): Promise<StoredTokens>;
  withLock<T>(connectionId: string, fn: (locked: LockedTokens) => Promise<T>): Promise<T>;
}

/**
 * The provider's refresh call. It returns the full new pair (when the provider sends no new refresh
 * token, the old one) and throws `AuthExpired` only when the grant is refused for good
 * (`invalid_grant`); any other error is taken as passing and changes nothing.
 */
export type RefreshGrant = (refreshToken: string) => Promise<TokenSet>;

export interface RefresherOptions {
  /** Refresh this long before expiry, so a token never dies mid-sync. */
  marginMs?: number;
  now?: () => number;
}

type Outcome = { ok: true; tokens: TokenSet } | { ok: false; message: string; cause?: unknown };

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** Refreshes connections' OAuth tokens safely across calls and processes. */
export class TokenRefresher {
  private readonly inFlight = new Map<string, Promise<TokenSet>>();
  private readonly marginMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: TokenStore,
    options: RefresherOptions = {},
  ) {
    this.marginMs = options.marginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.now = options.now ?? Date.now;
  }

  private isFresh(tokens: TokenSet): boolean {
    return tokens.expiresAt.getTime() - this.marginMs > this.now();
  }

  /** A valid access token for the connection, refreshed first when it is within the margin of expiry. */
  async accessToken(connectionId: string, grant: RefreshGrant): Promise<string> {
    const stored = await this.store.load(connectionId);
    if (stored.needsReauth !== null) throw reauthError(connectionId, stored.needsReauth);
    if (stored.tokens && this.isFresh(stored.tokens)) return stored.tokens.accessToken;
    return (await this.refresh(connectionId, grant)).accessToken;
  }

  /** After the provider rejected `staleToken`: refresh, unless another call or process already has. */
  async refreshAfterRejection(connectionId: string, grant: RefreshGrant, staleToken: string): Promise<string> {
    return (await this.refresh(connectionId, grant, staleToken)).accessToken;
  }

  /** The `TokenSource` of one connection, for `callProvider`. */
  forConnection(connectionId: string, grant: RefreshGrant): TokenSource {
    return {
      accessToken: () => this.accessToken(connectionId, grant),
      refreshAfterRejection: (stale) => this.refreshAfterRejection(connectionId, grant, stale),
    };
  }

  private async refresh(connectionId: string, grant: RefreshGrant, staleToken?: string): Promise<TokenSet> {
    const pending = this.inFlight.get(connectionId);
    if (pending) {
      const tokens = await pending;
      if (tokens.accessToken !== staleToken) return tokens;
    }
    const run = this.refreshUnderLock(connectionId, grant, staleToken).finally(() => {
      if (this.inFlight.get(connectionId) === run) this.inFlight.delete(connectionId);
    });
    this.inFlight.set(connectionId, run);
    return run;
  }

  private async refreshUnderLock(connectionId: string, grant: RefreshGrant, staleToken?: string): Promise<TokenSet> {
    const outcome = await this.store.withLock<Outcome>(connectionId, async (locked) => {
      // Re-read under the lock: another process may have refreshed while we waited for it.
      const stored = await locked.load();
      if (stored.needsReauth !== null) return { ok: false, message: stored.needsReauth };
      if (!stored.tokens) return { ok: false, message: 'no tokens stored: connect the account again' };
      const current = stored.tokens;
      if (this.isFresh(current) && current.accessToken !== staleToken) return { ok: true, tokens: current };
      let next: TokenSet;
      try {
        next = await grant(current.refreshToken);
      } catch (error) {
        if (!(error instanceof AuthExpired)) throw error;
        const message = `the provider refused the refresh token (${error.message}): reconnect the account`;
        await locked.markNeedsReauth(message);
        return { ok: false, message, cause: error };
      }
      // Saved inside the transaction, which commits before anyone gets the token: a rotated
      // refresh token is never held only in memory.
      await locked.save(next);
      return { ok: true, tokens: next };
    });
    if (!outcome.ok) throw reauthError(connectionId, outcome.message, outcome.cause);
    return outcome.tokens;
  }
}

function reauthError(connectionId: string, message: string, cause?: unknown): AuthExpired {
  return new AuthExpired(`connection ${connectionId} needs re-authorization: ${message}`, { connectionId, needsReauth: true }, { cause });
}
