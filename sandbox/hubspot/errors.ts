/**
 * HubSpot's error bodies. Every CRM v3/v4 error is one JSON object with `status: "error"`, a
 * human `message`, a `correlationId` (a UUID support asks for) and a `category`; some add `errors`
 * or `context`. The OAuth token endpoint uses another shape, with the failure in `status`.
 *
 * https://developers.hubspot.com/docs/api/error-handling
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';

export type HubspotErrorCategory =
  | 'VALIDATION_ERROR'
  | 'OBJECT_NOT_FOUND'
  | 'OBJECT_ALREADY_EXISTS'
  | 'INVALID_AUTHENTICATION'
  | 'EXPIRED_AUTHENTICATION'
  | 'RATE_LIMITS'
  | 'MISSING_SCOPES'
  | 'INTERNAL_ERROR';

export interface HubspotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: HubspotErrorCategory;
  [extra: string]: unknown;
}

export function errorBody(
  category: HubspotErrorCategory,
  message: string,
  extra: Record<string, unknown> = {},
): HubspotErrorBody {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

/** Raised inside route handlers; the app's error handler turns it into HubSpot's body. */
export class HubspotHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: HubspotErrorBody,
  ) {
    super(body.message);
  }
}

export function validationError(message: string, extra: Record<string, unknown> = {}): HubspotHttpError {
  return new HubspotHttpError(400, errorBody('VALIDATION_ERROR', message, extra));
}

export function notFoundError(message: string): HubspotHttpError {
  return new HubspotHttpError(404, errorBody('OBJECT_NOT_FOUND', message));
}

export function conflictError(message: string): HubspotHttpError {
  return new HubspotHttpError(409, errorBody('OBJECT_ALREADY_EXISTS', message));
}

export function sendError(reply: FastifyReply, err: HubspotHttpError): FastifyReply {
  return reply.code(err.statusCode).header('content-type', 'application/json;charset=utf-8').send(err.body);
}

/**
 * The token endpoint's failures: `{status: "BAD_REFRESH_TOKEN", message, correlationId}` with 400.
 * https://developers.hubspot.com/docs/api/oauth/tokens
 */
export type OauthFailure =
  | 'BAD_GRANT_TYPE'
  | 'BAD_CLIENT_ID'
  | 'BAD_CLIENT_SECRET'
  | 'BAD_REDIRECT_URI'
  | 'BAD_AUTH_CODE'
  | 'BAD_REFRESH_TOKEN'
  | 'BAD_ACCESS_TOKEN';

export function oauthError(
  status: OauthFailure,
  message: string,
): { status: OauthFailure; message: string; correlationId: string } {
  return { status, message, correlationId: randomUUID() };
}
