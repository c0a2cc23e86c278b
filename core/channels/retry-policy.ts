/**
 * What a failed send does next. Transient failures (SMTP 4xx, network, provider 5xx) are retried
 * with exponential back-off and full jitter; a rate limit waits at least what the provider asked;
 * a refusal (5xx, bad number, bad credentials) is not retried: it is recorded, and a hard bounce
 * marks the address invalid.
 */
import { exponentialFullJitter, type BackoffStrategy } from '../http/backoff.ts';
import { systemRandom, type Random } from '../http/random.ts';
import { isRelanceError, RateLimited } from '../errors.ts';
import { isHardBounce } from './errors.ts';

/** Greylisting servers typically accept a retry after 5 to 15 minutes; six hours is the last wait. */
const SEND_RETRIES = 8;
export const SEND_BACKOFF: BackoffStrategy = exponentialFullJitter({ baseMs: 10 * 60_000, capMs: 6 * 3600_000, maxRetries: SEND_RETRIES });
/**
 * A send fails for good at this failed attempt (the first try and SEND_RETRIES retries). The send
 * job counts failures only: a worker that dies mid-send is not an attempt (core/sending/failure.ts).
 */
export const SEND_MAX_ATTEMPTS = SEND_RETRIES + 1;

export type SendFailureOutcome =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly markAddressInvalid: boolean; readonly reason: string };

/** Decides the fate of a failed send; `attempt` is 1 after the first failure. */
export function decideSendRetry(error: unknown, attempt: number, random: Random = systemRandom, backoff = SEND_BACKOFF): SendFailureOutcome {
  const reason = error instanceof Error ? error.message : String(error);
  if (isHardBounce(error)) return { retry: false, markAddressInvalid: true, reason };
  if (!isRelanceError(error) || !error.retryable) return { retry: false, markAddressInvalid: false, reason };
  const delay = backoff({ attempt, random });
  if (delay === null) return { retry: false, markAddressInvalid: false, reason: `gave up after ${attempt} attempts: ${reason}` };
  const floor = error instanceof RateLimited && error.retryAfterMs !== null ? error.retryAfterMs : 0;
  return { retry: true, delayMs: Math.max(delay, floor) };
}
