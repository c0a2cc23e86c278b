/**
 * `callProvider`: the one path of a provider call — through the account's limiter, failures
 * classified, retried per `decideRetry`, the token refreshed once on a rejection. No provider code.
 */
import { AuthExpired, RateLimited, isRelanceError } from '../errors.ts';
import { classifyError, type ClassifyOptions } from './classify.ts';
import { DailyAllowanceExhausted } from './errors.ts';
import { toHttpFailure } from './http-failure.ts';
import { systemClock, type AccountLimiter, type Clock } from './limiter.ts';
import { decideRetry, type RetryDecision, type RetryPolicy } from './retry.ts';

/** Where a call gets its bearer token; `TokenRefresher.forConnection` gives one. */
export interface TokenSource {
  /** A token valid for a while yet (refreshed early when near expiry). */
  accessToken(): Promise<string>;
  /** After the provider rejected `staleToken`: a new one, refreshed unless another call already did. */
  refreshAfterRejection(staleToken: string): Promise<string>;
}

export interface AttemptRecord {
  operation: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  /** `ok`, or the error code of the failure. */
  outcome: string;
  /** What happened next, for a failure. */
  decision?: RetryDecision;
}

export interface CallContext {
  limiter: AccountLimiter;
  classify: ClassifyOptions;
  policy: RetryPolicy;
  /** Absent for static credentials (a HubSpot private-app token). */
  tokens?: TokenSource;
  clock?: Clock;
  /** Each attempt, for the sync log and metrics. */
  onAttempt?: (record: AttemptRecord) => void;
}

export interface OperationCall {
  accessToken: string | null;
  attempt: number;
  /** Hand the response headers over so limit headers (`X-MinLimit-Remaining`, …) can tighten the limiter. */
  observe(headers: Record<string, string>): void;
}

export type ProviderOperation<T> = (call: OperationCall) => Promise<T>;

const REFRESHED: RetryDecision = { retry: true, delayMs: 0, reason: 'token_refreshed' };

/** Runs one provider call under the account's discipline; returns its result or throws a classified error. */
export async function callProvider<T>(ctx: CallContext, name: string, operation: ProviderOperation<T>): Promise<T> {
  const clock = ctx.clock ?? systemClock;
  const observe = (headers: Record<string, string>) => ctx.limiter.observe(headers);
  let token = ctx.tokens ? await ctx.tokens.accessToken() : null;
  let refreshed = false;
  for (let attempt = 1; ; attempt++) {
    const started = clock.now();
    const record = (outcome: string, decision?: RetryDecision) =>
      ctx.onAttempt?.({ operation: name, attempt, startedAt: new Date(started), durationMs: clock.now() - started, outcome, decision });
    try {
      // The answer's headers mark when the provider had counted the call: its window hold starts there.
      const result = await ctx.limiter.schedule(async (slot) => {
        try {
          return await operation({ accessToken: token, attempt, observe: (headers) => {
            slot.answered();
            observe(headers);
          } });
        } catch (raw) {
          // Refused requests do not count against the window at the provider: nor here.
          if (toHttpFailure(raw)?.status === 429) slot.refused();
          throw raw;
        }
      });
      record('ok');
      return result;
    } catch (raw) {
      const failure = toHttpFailure(raw);
      if (failure) ctx.limiter.observe(failure.headers);
      const error = classifyError(raw, ctx.classify);
      const code = isRelanceError(error) ? error.code : 'unclassified';
      if (error instanceof DailyAllowanceExhausted) ctx.limiter.markExhausted(error.resetAt);
      // A 429 means our count and the provider's disagree (another process, a lower tier): slow down.
      else if (error instanceof RateLimited) ctx.limiter.rateLimited();
      // One refresh per call: a second rejection means the grant itself is gone, not the token.
      if (error instanceof AuthExpired && ctx.tokens && token !== null && !refreshed) {
        refreshed = true;
        record(code, REFRESHED);
        token = await ctx.tokens.refreshAfterRejection(token);
        continue;
      }
      // The refresh retry is not a failure of the provider: it does not count towards back-off.
      const decision = decideRetry(error, refreshed ? attempt - 1 : attempt, ctx.policy);
      record(code, decision);
      if (!decision.retry) throw error;
      // Everyone on this account waits, not just this call: the window is shared.
      if (error instanceof RateLimited) ctx.limiter.pauseFor(decision.delayMs);
      await clock.sleep(decision.delayMs);
    }
  }
}
