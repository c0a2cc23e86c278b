/**
 * Turns a failed provider call into the error taxonomy of `core/errors.ts`. The generic part reads
 * the status and `Retry-After`; each connector adds a hook for the codes its provider puts in bodies
 * (QuickBooks `Fault` codes, Xero `X-Rate-Limit-Problem`, HubSpot `policyName`).
 */
import {
  AuthExpired, ConfigError, Conflict, InvalidInput, NotFound, RateLimited, Transient, isRelanceError,
  type RelanceError,
} from '../errors.ts';
import { toHttpFailure, type HttpFailure } from './http-failure.ts';

export interface ClassifyContext {
  provider: string;
  /** `Retry-After` already parsed to milliseconds, null when absent or unreadable. */
  retryAfterMs: number | null;
  /** A short message drawn from the body, for the error text. */
  message: string;
}

/**
 * A provider's reading of its own error bodies: return an error to override the generic reading,
 * or undefined to let it stand.
 */
export type ProviderErrorHook = (failure: HttpFailure, context: ClassifyContext) => RelanceError | undefined;

export interface ClassifyOptions {
  provider: string;
  hook?: ProviderErrorHook;
  /** The clock, for `Retry-After` given as an HTTP date. */
  now?: () => number;
}

/**
 * `Retry-After` as milliseconds from now: delta-seconds or an HTTP date
 * (https://www.rfc-editor.org/rfc/rfc9110#field.retry-after); null when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  // Only a date-looking value (with a letter) is read as a date: "-5" or "soon" is garbage.
  if (!/[a-z]/i.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v.trim() !== '') return v.trim();
  return undefined;
}

/** The human part of an error body, whatever its shape; capped so a HTML page never floods a log. */
export function bodyMessage(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 200);
  if (!body || typeof body !== 'object') return '';
  const b = body as Record<string, unknown>;
  return (firstString(b.message, b.Message, b.error_description, b.detail, b.Detail, b.error, b.title) ?? '').slice(0, 200);
}

function genericError(failure: HttpFailure, context: ClassifyContext): RelanceError {
  const { provider, retryAfterMs } = context;
  const status = failure.status;
  const suffix = context.message ? `: ${context.message}` : '';
  const details = { provider, status };
  if (status === null) {
    return new Transient(`${provider} unreachable (${failure.networkCode ?? 'network error'})`, details);
  }
  const text = `${provider} answered ${status}${suffix}`;
  if (status === 429) return new RateLimited(text, retryAfterMs, details);
  if (status === 401) return new AuthExpired(text, details);
  // 403 is a missing scope or a revoked app permission: a refresh does not give it back.
  if (status === 403) return new ConfigError(text, details);
  if (status === 404 || status === 410) return new NotFound(text, details);
  if (status === 409 || status === 412) return new Conflict(text, details);
  if (status === 408 || status === 425 || status >= 500) {
    return new Transient(text, retryAfterMs === null ? details : { ...details, retryAfterMs });
  }
  return new InvalidInput(text, details);
}

/** Classifies one failed provider call. */
export function classifyHttpFailure(failure: HttpFailure, options: ClassifyOptions): RelanceError {
  const now = options.now ?? Date.now;
  const context: ClassifyContext = {
    provider: options.provider,
    retryAfterMs: parseRetryAfter(failure.headers['retry-after'], now()),
    message: bodyMessage(failure.body) || (failure.message ?? ''),
  };
  return options.hook?.(failure, context) ?? genericError(failure, context);
}

/**
 * Classifies whatever a provider call threw: taxonomy errors pass through, HTTP and network
 * failures are classified, anything else (a bug) is returned unchanged so it is never retried.
 */
export function classifyError(error: unknown, options: ClassifyOptions): unknown {
  if (isRelanceError(error)) return error;
  const failure = toHttpFailure(error);
  if (failure === null) return error;
  const classified = classifyHttpFailure(failure, options);
  // Keep the client's error as the cause: its stack says where the call was made.
  return Object.assign(classified, { cause: error });
}
