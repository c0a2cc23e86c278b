/**
 * QuickBooks' reading of its own error bodies, for core/http's classifier: the `Fault` codes that
 * change what a failure means.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
 */
import { AuthExpired, Conflict, InvalidInput, NotFound, RateLimited, type RelanceError } from '../../core/errors.ts';
import type { ProviderErrorHook } from '../../core/http/index.ts';
import { faultSchema } from './schemas.ts';

// 5010: "Stale Object Error" — the SyncToken sent is not the current one.
const STALE_OBJECT = '5010';
// 3200: "AuthenticationFailed" (with a 401); 003001: "ThrottleExceeded" (with a 429).
const AUTH_FAILED = '3200';
const THROTTLED = '003001';
// 610: "Object Not Found".
const NOT_FOUND = '610';

export interface FaultReading {
  code: string | null;
  message: string;
  element: string | null;
}

/** The first error of a `Fault` body, or null when the body is not one. */
export function readFault(body: unknown): FaultReading | null {
  const parsed = faultSchema.safeParse(body);
  if (!parsed.success) return null;
  const first = parsed.data.Fault.Error[0]!;
  const message = [first.Message, first.Detail].filter((s): s is string => typeof s === 'string' && s !== '').join(': ');
  return { code: first.code ?? null, message: message || 'QuickBooks fault', element: first.element ?? null };
}

export const quickbooksErrorHook: ProviderErrorHook = (failure, context): RelanceError | undefined => {
  const fault = readFault(failure.body);
  if (!fault) return undefined;
  const details = { provider: 'quickbooks', status: failure.status, faultCode: fault.code, ...(fault.element ? { field: fault.element } : {}) };
  const text = `quickbooks answered ${failure.status ?? 'no status'} (Fault ${fault.code ?? '?'}): ${fault.message}`;
  if (fault.code === STALE_OBJECT) return new Conflict(text, details);
  if (fault.code === THROTTLED || failure.status === 429) return new RateLimited(text, context.retryAfterMs, details);
  if (fault.code === AUTH_FAILED || failure.status === 401) return new AuthExpired(text, details);
  if (fault.code === NOT_FOUND) return new NotFound(text, details);
  if (failure.status !== null && failure.status >= 400 && failure.status < 500 && failure.status !== 408) return new InvalidInput(text, details);
  return undefined;
};

/**
 * node-quickbooks hands a `Fault` that came with a 200 to the callback as the error itself: read it
 * as the validation error it is, so that it is never mistaken for a bug and never retried.
 */
export function faultWithoutStatus(body: unknown): InvalidInput | null {
  const fault = readFault(body);
  if (!fault) return null;
  return new InvalidInput(`quickbooks fault ${fault.code ?? '?'}: ${fault.message}`, { provider: 'quickbooks', faultCode: fault.code, field: fault.element ?? 'Fault' });
}
