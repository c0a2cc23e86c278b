/**
 * Intuit's OAuth 2.0 grants for the simulated company: authorization codes, access tokens and
 * rotating refresh tokens, with their lifetimes measured on the simulator's clock.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
 */
import { randomBytes } from 'node:crypto';

// Access tokens live one hour.
export const ACCESS_TOKEN_TTL_S = 3600;
// Refresh tokens have a rolling lifetime of about 100 days: Intuit answers 8726400 s (101 days).
export const REFRESH_TOKEN_TTL_S = 8_726_400;
// https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/faq
// A refresh returns a new refresh token; Intuit's FAQ says to always keep the latest one, the
// previous one being honoured only for a while after it was replaced (24 hours here).
export const SUPERSEDED_REFRESH_GRACE_MS = 24 * 3600 * 1000;
// Authorization codes are single-use and short-lived.
export const AUTH_CODE_TTL_MS = 5 * 60 * 1000;

export type TokenStatus = 'ok' | 'unknown' | 'expired' | 'revoked';

export interface TokenSet {
  token_type: 'bearer';
  access_token: string;
  expires_in: number;
  refresh_token: string;
  x_refresh_token_expires_in: number;
}

interface RefreshGrant {
  expiresAt: number;
  supersededAt: number | null;
  revoked: boolean;
}

export class TokenBook {
  private readonly access = new Map<string, { expiresAt: number; revoked: boolean }>();
  private readonly refresh = new Map<string, RefreshGrant>();
  private readonly codes = new Map<string, { redirectUri: string; expiresAt: number }>();

  constructor(private readonly now: () => number) {}

  /** A new access token and refresh token pair. */
  issue(): TokenSet {
    const now = this.now();
    const accessToken = `eyJ${randomBytes(48).toString('base64url')}`;
    const refreshToken = `RT1-${randomBytes(24).toString('hex')}`;
    this.access.set(accessToken, { expiresAt: now + ACCESS_TOKEN_TTL_S * 1000, revoked: false });
    this.refresh.set(refreshToken, { expiresAt: now + REFRESH_TOKEN_TTL_S * 1000, supersededAt: null, revoked: false });
    return {
      token_type: 'bearer',
      access_token: accessToken,
      expires_in: ACCESS_TOKEN_TTL_S,
      refresh_token: refreshToken,
      x_refresh_token_expires_in: REFRESH_TOKEN_TTL_S,
    };
  }

  checkAccess(token: string): TokenStatus {
    const t = this.access.get(token);
    if (!t) return 'unknown';
    if (t.revoked) return 'revoked';
    return this.now() >= t.expiresAt ? 'expired' : 'ok';
  }

  /** Exchanges a refresh token for a new pair; the old refresh token is superseded, not killed. */
  useRefresh(token: string): TokenSet | TokenStatus {
    const grant = this.refresh.get(token);
    if (!grant) return 'unknown';
    if (grant.revoked) return 'revoked';
    const now = this.now();
    if (now >= grant.expiresAt) return 'expired';
    if (grant.supersededAt !== null && now >= grant.supersededAt + SUPERSEDED_REFRESH_GRACE_MS) return 'expired';
    grant.supersededAt ??= now;
    return this.issue();
  }

  newCode(redirectUri: string): string {
    const code = `AB${randomBytes(20).toString('hex')}`;
    this.codes.set(code, { redirectUri, expiresAt: this.now() + AUTH_CODE_TTL_MS });
    return code;
  }

  /** Redeems a code once; null when unknown, used, expired or issued for another redirect URI. */
  redeemCode(code: string, redirectUri: string): TokenSet | null {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (!entry || entry.redirectUri !== redirectUri || this.now() >= entry.expiresAt) return null;
    return this.issue();
  }

  /** Revokes a token; revoking a refresh token ends the whole connection, as disconnecting the app does. */
  revoke(token: string): boolean {
    const access = this.access.get(token);
    if (access) {
      access.revoked = true;
      return true;
    }
    const grant = this.refresh.get(token);
    if (!grant) return false;
    for (const g of this.refresh.values()) g.revoked = true;
    for (const a of this.access.values()) a.revoked = true;
    return true;
  }
}
