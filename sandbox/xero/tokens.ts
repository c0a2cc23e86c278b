/**
 * The tokens a Xero app holds: authorization codes, 30-minute access tokens, and single-use refresh
 * tokens that stay usable for a grace period after their first use (so a client that lost the
 * answer can retry), then fail with `invalid_grant`.
 * https://developer.xero.com/documentation/guides/oauth2/auth-flow
 * https://developer.xero.com/documentation/guides/oauth2/token-types
 */
import { createHash, randomBytes } from 'node:crypto';

// https://developer.xero.com/documentation/guides/oauth2/token-types#access-token
export const ACCESS_TOKEN_SECONDS = 30 * 60;
// https://developer.xero.com/documentation/guides/oauth2/token-types#refresh-token
export const REFRESH_TOKEN_MS = 60 * 86_400_000;
/** After a refresh token is used once, Xero honours it again for 30 minutes, then never. */
export const REFRESH_GRACE_MS = 30 * 60_000;
/** Authorization codes are short-lived (5 minutes) and single-use. */
export const CODE_MS = 5 * 60_000;

export interface TokenSet {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  refresh_token?: string;
  scope: string;
}

interface RefreshState {
  expiresMs: number;
  scope: string;
  /** When it was first exchanged; null while unused. */
  usedAtMs: number | null;
}

export type AccessCheck = { ok: true } | { ok: false; expiredAtMs: number | null };

export class TokenIssuer {
  private readonly access = new Map<string, number>();
  private readonly refresh = new Map<string, RefreshState>();
  private readonly codes = new Map<string, { redirectUri: string; scope: string; expiresMs: number }>();
  private readonly revoked = new Set<string>();
  private serial = 0;

  constructor(
    private readonly seed: number,
    private readonly now: () => number,
  ) {}

  /** A token that is stable for a seed (the sandbox prints it) but not guessable across seeds. */
  private mint(kind: string): string {
    this.serial++;
    const salt = this.serial <= 2 ? '' : randomBytes(8).toString('hex');
    return createHash('sha256').update(`${this.seed}:${kind}:${this.serial}:${salt}`).digest('base64url');
  }

  issue(scope: string): TokenSet {
    const access_token = this.mint('access');
    this.access.set(access_token, this.now() + ACCESS_TOKEN_SECONDS * 1000);
    const set: TokenSet = { access_token, expires_in: ACCESS_TOKEN_SECONDS, token_type: 'Bearer', scope };
    // Without offline_access Xero issues no refresh token.
    if (scope.split(/\s+/).includes('offline_access')) {
      const refresh_token = this.mint('refresh');
      this.refresh.set(refresh_token, { expiresMs: this.now() + REFRESH_TOKEN_MS, scope, usedAtMs: null });
      set.refresh_token = refresh_token;
    }
    return set;
  }

  newCode(redirectUri: string, scope: string): string {
    const code = this.mint('code');
    this.codes.set(code, { redirectUri, scope, expiresMs: this.now() + CODE_MS });
    return code;
  }

  /** Exchanges a code once; null when it is unknown, used, expired or for another redirect URI. */
  redeemCode(code: string, redirectUri: string): TokenSet | null {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (!entry || entry.expiresMs <= this.now() || entry.redirectUri !== redirectUri) return null;
    return this.issue(entry.scope);
  }

  /** A new token set for a refresh token; null (invalid_grant) once its grace period has passed. */
  redeemRefresh(token: string): TokenSet | null {
    const state = this.refresh.get(token);
    const now = this.now();
    if (!state || state.expiresMs <= now || this.revoked.has(token)) return null;
    if (state.usedAtMs !== null && now > state.usedAtMs + REFRESH_GRACE_MS) return null;
    state.usedAtMs ??= now;
    return this.issue(state.scope);
  }

  checkAccess(token: string): AccessCheck {
    const expiresMs = this.access.get(token);
    if (expiresMs === undefined || this.revoked.has(token)) return { ok: false, expiredAtMs: null };
    if (expiresMs <= this.now()) return { ok: false, expiredAtMs: expiresMs };
    return { ok: true };
  }

  /** As a user disconnecting the app: both kinds of token stop working. */
  revoke(token: string): void {
    this.revoked.add(token);
  }
}
