/**
 * The error taxonomy of Relance. Code matches on `code`, never on message text. `retryable` and
 * `category` decide a job's fate; `toJSON()` is what the API and the logs show.
 */
export type ErrorCategory = 'auth' | 'config' | 'rate_limit' | 'transient' | 'validation' | 'not_found' | 'conflict';

export interface ErrorDetails {
  /** The field, path or line the error is about. */
  field?: string;
  [key: string]: unknown;
}

export abstract class RelanceError extends Error {
  abstract readonly code: string;
  abstract readonly category: ErrorCategory;
  abstract readonly retryable: boolean;
  readonly details: ErrorDetails;

  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, category: this.category, retryable: this.retryable, message: this.message, ...this.details };
  }
}

/** Bad input from a user, a file, an API body or a provider record: never retried. */
export class InvalidInput extends RelanceError {
  readonly code = 'invalid';
  readonly category = 'validation';
  readonly retryable = false;
}

/** A setting that is missing or malformed. */
export class ConfigError extends RelanceError {
  readonly code = 'config';
  readonly category = 'config';
  readonly retryable = false;
}

/** The provider said slow down; `retryAfterMs` is its word when it gave one. */
export class RateLimited extends RelanceError {
  readonly code = 'rate_limited';
  readonly category = 'rate_limit';
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterMs: number | null,
    details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, { ...details, retryAfterMs }, options);
  }
}

/** The credentials no longer work: refresh once, then the connection needs re-authorization. */
export class AuthExpired extends RelanceError {
  readonly code = 'auth_expired';
  readonly category = 'auth';
  readonly retryable = false;
}

export class NotFound extends RelanceError {
  readonly code = 'not_found';
  readonly category = 'not_found';
  readonly retryable = false;
}

/** Optimistic concurrency lost (QuickBooks stale SyncToken): re-read and try again. */
export class Conflict extends RelanceError {
  readonly code = 'conflict';
  readonly category = 'conflict';
  readonly retryable = true;
}

/** Network failure, timeout or 5xx: retried with back-off. */
export class Transient extends RelanceError {
  readonly code = 'transient';
  readonly category = 'transient';
  readonly retryable = true;
}

export function isRelanceError(e: unknown): e is RelanceError {
  return e instanceof RelanceError;
}
