/**
 * Errors of the HTTP discipline that the shared taxonomy (`core/errors.ts`) does not have yet.
 * `DailyAllowanceExhausted` could move there later; its `code` is stable either way.
 */
import { RelanceError, type ErrorDetails } from '../errors.ts';

/**
 * The account's daily call allowance (Xero 5000/day, HubSpot's daily cap) is spent, or nearly: stop
 * the sync cleanly and resume after `resetAt`. Not retryable within this run — retrying in a loop for
 * hours would hold a worker; the job scheduler reschedules at `resetAt` instead.
 */
export class DailyAllowanceExhausted extends RelanceError {
  readonly code = 'daily_allowance_exhausted';
  readonly category = 'rate_limit';
  readonly retryable = false;
  constructor(
    message: string,
    readonly resetAt: Date,
    details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, { ...details, resetAt: resetAt.toISOString() }, options);
  }
}
