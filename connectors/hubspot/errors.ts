/**
 * HubSpot's reading of its own error bodies, for core/http's classifier. Every CRM error is
 * `{status: "error", message, correlationId, category, …}`; a 429 names its `policyName`.
 * https://developers.hubspot.com/docs/api/error-handling
 * https://developers.hubspot.com/docs/api/usage-details#rate-limit-exceptions
 */
import { AuthExpired, ConfigError, RateLimited, type RelanceError } from '../../core/errors.ts';
import { DailyAllowanceExhausted, type ProviderErrorHook } from '../../core/http/index.ts';
import { errorBodySchema } from './schemas.ts';

/** The next UTC midnight: HubSpot resets the daily allowance at midnight (the account's zone; UTC is the safe reading for zones west of it). */
function nextMidnight(nowMs: number): Date {
  const d = new Date(nowMs);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

export function hubspotErrorHook(now: () => number = Date.now): ProviderErrorHook {
  return (failure, context): RelanceError | undefined => {
    const parsed = errorBodySchema.safeParse(failure.body);
    if (!parsed.success) return undefined;
    const body = parsed.data;
    const details = { provider: 'hubspot', status: failure.status, category: body.category ?? null, correlationId: body.correlationId ?? null };
    const text = `hubspot answered ${failure.status ?? 'no status'}${body.category ? ` (${body.category})` : ''}: ${body.message}`;
    // DAILY: the whole day's allowance is spent; retrying before midnight cannot succeed.
    if (body.policyName === 'DAILY') return new DailyAllowanceExhausted(text, nextMidnight(now()), { ...details, policyName: 'DAILY' });
    // TEN_SECONDLY_ROLLING, SECONDLY (search): a short window; Retry-After says when it reopens.
    if (failure.status === 429 || body.category === 'RATE_LIMITS') {
      return new RateLimited(text, context.retryAfterMs, { ...details, policyName: body.policyName ?? null });
    }
    // A token without a scope the call needs (a private app set up with too few): retrying cannot
    // help; the connection's error names the scope to grant.
    if (failure.status === 403 && body.category === 'MISSING_SCOPES') {
      const missing = missingScopes(failure.body);
      return new ConfigError(`hubspot: the token lacks the scope${missing.length === 1 ? '' : 's'} ${missing.join(', ') || '(unnamed)'}: grant ${missing.length === 1 ? 'it' : 'them'} to the app and connect again`, { ...details, missingScopes: missing });
    }
    if (failure.status === 401 || body.category === 'EXPIRED_AUTHENTICATION' || body.category === 'INVALID_AUTHENTICATION') {
      return new AuthExpired(text, details);
    }
    return undefined;
  };
}

/** The scopes a 403 MISSING_SCOPES body names (`errors[].context.requiredGranularScopes`). */
function missingScopes(body: unknown): string[] {
  const errors = (body as { errors?: { context?: { requiredGranularScopes?: unknown; requiredScopes?: unknown } }[] } | null)?.errors ?? [];
  const scopes = errors.flatMap((e) => {
    const listed = e.context?.requiredGranularScopes ?? e.context?.requiredScopes;
    return Array.isArray(listed) ? listed.filter((s): s is string => typeof s === 'string') : [];
  });
  return [...new Set(scopes)];
}
