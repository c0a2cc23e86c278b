/**
 * Who may call: a private-app token (a static bearer that does not expire) or OAuth access tokens
 * issued by `POST /oauth/v1/token`, valid 30 minutes. HubSpot's refresh tokens are long-lived and do
 * not rotate: a refresh returns the same refresh token with a new access token.
 *
 * https://developers.hubspot.com/docs/api/oauth-quickstart-guide
 * https://developers.hubspot.com/docs/api/oauth/tokens
 */
import { DEFAULT_PRIVATE_APP_SCOPES } from './scopes.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorBody, HubspotHttpError, oauthError } from './errors.ts';
import type { OauthFailure } from './errors.ts';

// "Access tokens expire after 30 minutes" (expires_in: 1800).
// https://developers.hubspot.com/docs/api/oauth/tokens
export const ACCESS_TOKEN_SECONDS = 1800;
/** HubSpot does not publish the code lifetime; codes are single-use here and die after 10 minutes. */
const AUTH_CODE_MS = 10 * 60 * 1000;

interface AccessToken {
  expiresAtMs: number;
  refreshToken: string;
  scopes: string[];
}

export interface AuthCredentials {
  privateAppToken: string;
  clientId: string;
  clientSecret: string;
  appId: string;
  /** Issued at start, so tests and the demo can refresh without a browser. */
  refreshToken: string;
}

export class TokenRegistry {
  readonly credentials: AuthCredentials;
  private readonly codes = new Map<string, { redirectUri: string; expiresAtMs: number; scopes: string[] }>();
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, string[]>();

  constructor(private readonly now: () => number) {
    this.credentials = {
      privateAppToken: `pat-na1-${randomUUID()}`,
      clientId: randomUUID(),
      clientSecret: randomUUID(),
      appId: String(1_000_000 + (randomBytes(3).readUIntBE(0, 3) % 8_000_000)),
      refreshToken: newToken('na1'),
    };
    // The start-up grant stands for an app installed with every scope Relance asks for.
    this.refresh.set(this.credentials.refreshToken, [...DEFAULT_PRIVATE_APP_SCOPES]);
  }

  issueCode(redirectUri: string, scopes: string[]): string {
    const code = randomUUID();
    this.codes.set(code, { redirectUri, expiresAtMs: this.now() + AUTH_CODE_MS, scopes });
    return code;
  }

  /** The scopes the private-app token was set up with (a test narrows them to see a 403). */
  privateAppScopes: string[] = [...DEFAULT_PRIVATE_APP_SCOPES];

  /** Checks a bearer and says what kind it is; throws HubSpot's 401 when it is missing, unknown or expired. */
  check(authorization: string | undefined): 'private-app' | 'oauth' {
    return this.grant(authorization).kind;
  }

  /** The bearer's kind and granted scopes; HubSpot's 401 when it is missing, unknown or expired. */
  grant(authorization: string | undefined): { kind: 'private-app' | 'oauth'; scopes: readonly string[] } {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw unauthenticated();
    if (token === this.credentials.privateAppToken) return { kind: 'private-app', scopes: this.privateAppScopes };
    const t = this.access.get(token);
    if (!t) throw unauthenticated();
    const now = this.now();
    if (now >= t.expiresAtMs) throw expired(now, t.expiresAtMs);
    return { kind: 'oauth', scopes: t.scopes };
  }

  /** Token metadata, as `GET /oauth/v1/access-tokens/{token}` gives it (null when unknown or expired). */
  describe(token: string): { expiresInSeconds: number; scopes: string[] } | null {
    const t = this.access.get(token);
    if (!t || this.now() >= t.expiresAtMs) return null;
    return { expiresInSeconds: Math.floor((t.expiresAtMs - this.now()) / 1000), scopes: t.scopes };
  }

  exchange(
    form: TokenForm,
  ): { status: 200; body: TokenResponse } | { status: 400; body: ReturnType<typeof oauthError> } {
    const fail = (status: OauthFailure, message: string) => ({
      status: 400 as const,
      body: oauthError(status, message),
    });
    if (form.grant_type !== 'authorization_code' && form.grant_type !== 'refresh_token') {
      return fail('BAD_GRANT_TYPE', 'grant_type must be authorization_code or refresh_token');
    }
    if (form.client_id !== this.credentials.clientId)
      return fail('BAD_CLIENT_ID', 'missing or invalid client_id');
    if (form.client_secret !== this.credentials.clientSecret)
      return fail('BAD_CLIENT_SECRET', 'missing or invalid client secret');
    if (form.grant_type === 'refresh_token') {
      const scopes = form.refresh_token ? this.refresh.get(form.refresh_token) : undefined;
      if (!scopes || !form.refresh_token)
        return fail('BAD_REFRESH_TOKEN', 'missing or unknown refresh token');
      return { status: 200, body: this.issue(form.refresh_token, scopes) };
    }
    const code = form.code ? this.codes.get(form.code) : undefined;
    if (!code || !form.code || this.now() >= code.expiresAtMs)
      return fail('BAD_AUTH_CODE', 'missing or unknown auth code');
    if (form.redirect_uri !== code.redirectUri)
      return fail('BAD_REDIRECT_URI', 'redirect_uri does not match the one used to authorize');
    this.codes.delete(form.code);
    const refreshToken = newToken('na1');
    this.refresh.set(refreshToken, code.scopes);
    return { status: 200, body: this.issue(refreshToken, code.scopes) };
  }

  private issue(refreshToken: string, scopes: string[]): TokenResponse {
    const accessToken = newToken('na1');
    this.access.set(accessToken, {
      expiresAtMs: this.now() + ACCESS_TOKEN_SECONDS * 1000,
      refreshToken,
      scopes,
    });
    return {
      token_type: 'bearer',
      refresh_token: refreshToken,
      access_token: accessToken,
      expires_in: ACCESS_TOKEN_SECONDS,
    };
  }
}

export interface TokenResponse {
  token_type: 'bearer';
  refresh_token: string;
  access_token: string;
  expires_in: number;
}

const tokenFormSchema = z.object({
  grant_type: z.string().optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  redirect_uri: z.string().optional(),
  code: z.string().optional(),
  refresh_token: z.string().optional(),
});
type TokenForm = z.infer<typeof tokenFormSchema>;

function newToken(region: string): string {
  return `C${region.toUpperCase()}${randomBytes(36).toString('base64url')}`;
}

// https://developers.hubspot.com/docs/api/error-handling (401 bodies)
export function unauthenticated(): HubspotHttpError {
  return new HubspotHttpError(
    401,
    errorBody(
      'INVALID_AUTHENTICATION',
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    ),
  );
}

export function expired(nowMs: number, expiredAtMs: number): HubspotHttpError {
  const minutes = Math.max(1, Math.round((nowMs - expiredAtMs) / 60_000));
  return new HubspotHttpError(
    401,
    errorBody(
      'EXPIRED_AUTHENTICATION',
      `The OAuth token used to make this call expired ${minutes} minute(s) ago.`,
      {
        context: { expiredAt: [new Date(expiredAtMs).toISOString()] },
      },
    ),
  );
}

export function registerOauthRoutes(app: FastifyInstance, tokens: TokenRegistry, portalId: string): void {
  // The token endpoint takes a form body; Fastify parses only JSON unless told.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.post('/oauth/v1/token', async (request, reply) => {
    const form = tokenFormSchema.safeParse(request.body ?? {});
    const result = form.success
      ? tokens.exchange(form.data)
      : { status: 400 as const, body: oauthError('BAD_GRANT_TYPE', 'malformed form') };
    return reply.code(result.status).send(result.body);
  });

  // Stand-in for https://app.hubspot.com/oauth/authorize: consent is implied, the code comes back at once.
  app.get(
    '/oauth/authorize',
    async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
      const { client_id: clientId, redirect_uri: redirectUri, scope, state } = request.query;
      if (clientId !== tokens.credentials.clientId || !redirectUri) {
        return reply.code(400).send(oauthError('BAD_CLIENT_ID', 'unknown client_id or missing redirect_uri'));
      }
      const target = new URL(redirectUri);
      target.searchParams.set(
        'code',
        tokens.issueCode(redirectUri, (scope ?? '').split(/[ +]/).filter(Boolean)),
      );
      if (state !== undefined) target.searchParams.set('state', state);
      return reply.redirect(target.toString(), 302);
    },
  );

  // https://developers.hubspot.com/docs/api/oauth/tokens (access token metadata: hub_id is the portal)
  app.get(
    '/oauth/v1/access-tokens/:token',
    async (request: FastifyRequest<{ Params: { token: string } }>, reply) => {
      const info = tokens.describe(request.params.token);
      if (!info)
        return reply.code(404).send(errorBody('OBJECT_NOT_FOUND', 'missing or unknown access token'));
      return {
        token: request.params.token,
        user: 'sandbox-user@example.com',
        hub_domain: `portal-${portalId}.sandbox.hubspot.local`,
        scopes: info.scopes,
        hub_id: Number(portalId),
        app_id: Number(tokens.credentials.appId),
        expires_in: info.expiresInSeconds,
        user_id: 8_000_000,
        token_type: 'access',
      };
    },
  );
}
