/**
 * Xero's reading of its own error answers, as the `core/http` classification hook: which limit a
 * 429 names, and the validation messages a 400 carries. Everything else reads generically.
 */
import { InvalidInput, RateLimited } from '../../core/errors.ts';
import { DailyAllowanceExhausted, type HttpFailure, type ProviderErrorHook } from '../../core/http/index.ts';
import { xeroErrorBodySchema } from './schemas.ts';

// https://developer.xero.com/documentation/guides/oauth2/limits/#what-happens-if-i-exceed-a-rate-limit
// A 429 names the limit it hit in `X-Rate-Limit-Problem`: `minute`, `appminute`, `concurrent` or `day`,
// and `Retry-After` says in seconds when the limit lets calls through again.
const DAY_MS = 86_400_000;

/** The messages of a Xero 400 (`Elements[].ValidationErrors[].Message`), or its `Message`. */
export function validationMessages(body: unknown): string[] {
  const parsed = xeroErrorBodySchema.safeParse(body);
  if (!parsed.success) return [];
  const nested = (parsed.data.Elements ?? []).flatMap((e) => (e.ValidationErrors ?? []).map((v) => v.Message));
  const messages = nested.filter((m): m is string => typeof m === 'string' && m.trim() !== '');
  if (messages.length) return messages;
  return parsed.data.Message ? [parsed.data.Message] : [];
}

function rateLimitError(failure: HttpFailure, retryAfterMs: number | null, now: number) {
  const problem = failure.headers['x-rate-limit-problem']?.trim().toLowerCase() ?? 'unknown';
  const details = { provider: 'xero', status: 429, problem };
  if (problem === 'day') {
    // Waiting for a daily reset inside a call would hold a worker for hours: stop, resume after it.
    const resetAt = new Date(now + (retryAfterMs ?? DAY_MS));
    return new DailyAllowanceExhausted(`xero: the tenant's daily call allowance is spent until ${resetAt.toISOString()}`, resetAt, details);
  }
  return new RateLimited(`xero: ${problem} rate limit hit`, retryAfterMs, details);
}

/** The classification hook of the Xero connector; `now` is the clock a daily reset is counted from. */
export function xeroErrorHook(now: () => number = Date.now): ProviderErrorHook {
  return (failure, context) => {
    if (failure.status === 429) return rateLimitError(failure, context.retryAfterMs, now());
    if (failure.status === 400) {
      // https://developer.xero.com/documentation/api/accounting/responsecodes — ValidationException
      // (ErrorNumber 10), QueryParseException (16): the request or the record is wrong, never retried.
      const messages = validationMessages(failure.body);
      if (messages.length === 0) return undefined;
      const type = (failure.body as { Type?: unknown }).Type;
      return new InvalidInput(`xero answered 400: ${messages.join('; ')}`, { provider: 'xero', status: 400, type: typeof type === 'string' ? type : null, messages });
    }
    return undefined;
  };
}
