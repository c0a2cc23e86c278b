/**
 * Example provider hooks, as the connectors will write them, to test the hook interface of
 * `core/http/classify.ts` with the providers' documented error bodies. Test fixtures only: the real
 * hooks belong in `connectors/<provider>/`.
 */
import { AuthExpired, Conflict, RateLimited, type RelanceError } from '../../core/errors.ts';
import type { ProviderErrorHook } from '../../core/http/classify.ts';
import { DailyAllowanceExhausted } from '../../core/http/errors.ts';

interface QboFault {
  Fault?: { Error?: { code?: string; Message?: string; Detail?: string }[]; type?: string };
}

// https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
export const quickbooksHook: ProviderErrorHook = (failure, ctx) => {
  const error = (failure.body as QboFault | null)?.Fault?.Error?.[0];
  if (!error?.code) return undefined;
  const text = `quickbooks ${error.code}: ${error.Message ?? ''} ${error.Detail ?? ''}`.trim();
  const details = { provider: 'quickbooks', status: failure.status, providerCode: error.code };
  const byCode: Record<string, () => RelanceError> = {
    '3200': () => new AuthExpired(text, details),
    '5010': () => new Conflict(text, details),
    '003001': () => new RateLimited(text, ctx.retryAfterMs, details),
  };
  return byCode[error.code]?.();
};

// https://developer.xero.com/documentation/guides/oauth2/limits/
export function xeroHook(now: () => number): ProviderErrorHook {
  return (failure, ctx) => {
    const problem = failure.headers['x-rate-limit-problem'];
    if (failure.status !== 429 || !problem) return undefined;
    const details = { provider: 'xero', status: 429, problem };
    if (problem === 'day') {
      return new DailyAllowanceExhausted('xero daily limit reached', new Date(now() + (ctx.retryAfterMs ?? 86_400_000)), details);
    }
    return new RateLimited(`xero ${problem} limit reached`, ctx.retryAfterMs, details);
  };
}

// https://developers.hubspot.com/docs/api/usage-details
export function hubspotHook(now: () => number): ProviderErrorHook {
  return (failure, ctx) => {
    const policy = (failure.body as { policyName?: string } | null)?.policyName;
    if (failure.status !== 429 || !policy) return undefined;
    const details = { provider: 'hubspot', status: 429, policyName: policy };
    if (policy === 'DAILY') return new DailyAllowanceExhausted('hubspot daily limit reached', new Date(now() + 3_600_000), details);
    // A rolling ten-second window: without Retry-After, one window is the right wait.
    return new RateLimited(`hubspot ${policy}`, ctx.retryAfterMs ?? 10_000, details);
  };
}
