/**
 * The one error shape of the admin API, `{error:{code,message,field}}`, and how the core's error
 * taxonomy and zod issues map onto HTTP statuses.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isRelanceError } from '../../core/errors.ts';
import { redactUrl, type Logger } from '../../core/logging.ts';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

export const unauthorized = () => new HttpError(401, 'unauthorized', 'log in or send an API key');
export const forbidden = (what: string) => new HttpError(403, 'forbidden', `your role does not allow ${what}`);
/** Also what a user of another organization gets: existence is not revealed. */
export const notFound = (what: string, field: string | null = null) => new HttpError(404, 'not_found', `${what} not found`, field);

export interface ErrorBody {
  error: { code: string; message: string; field: string | null };
}

/** The first zod issue, as the field path it names (`body.steps.0.offsetDays` → `steps.0.offsetDays`). */
export function fromZod(error: z.ZodError, where: string): HttpError {
  const issue = error.issues[0]!;
  // An unknown key is reported on its parent object: name the key itself.
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = path.length ? path.map(String).join('.') : where;
  return new HttpError(400, 'invalid', `${field}: ${issue.message}`, field);
}

const STATUS_BY_CATEGORY: Record<string, number> = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  config: 400,
  rate_limit: 429,
  auth: 401,
};

/** Drizzle wraps PostgreSQL errors: the SQLSTATE is on the error or its cause. */
function pgErrorCode(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

function toHttp(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof z.ZodError) return fromZod(error, 'body');
  if (isRelanceError(error)) {
    const field = typeof error.details.field === 'string' ? error.details.field : null;
    return new HttpError(STATUS_BY_CATEGORY[error.category] ?? 500, error.code, error.message, field);
  }
  const pgCode = pgErrorCode(error);
  // A unique key said no (a name taken meanwhile): the caller's conflict, not a server fault.
  if (pgCode === '23505') return new HttpError(409, 'conflict', 'a record with the same key already exists');
  // 22003: a number out of its column's range (an amount too large for bigint minor units).
  if (pgCode === '23514' || pgCode === '22P02' || pgCode === '22003') return new HttpError(400, 'invalid', 'a value was refused by the store');
  const e = error as FastifyError;
  const status = e.statusCode ?? 500;
  if (status < 500) return new HttpError(status, status === 400 ? 'invalid' : (e.code ?? 'error'), e.message);
  return new HttpError(500, 'internal', 'internal error');
}

/** The API scope's error handler: the error shape, no stack, a log line for 5xx only. */
export function apiErrorHandler(logger: Logger) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const http = toHttp(error);
    if (http.statusCode >= 500) logger.error('api request failed', { url: redactUrl(request.url), method: request.method, error });
    const body: ErrorBody = { error: { code: http.code, message: http.message, field: http.field } };
    return reply.status(http.statusCode).send(body);
  };
}
