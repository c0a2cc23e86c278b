/**
 * Xero's error answers, in Xero's shapes.
 * https://developer.xero.com/documentation/api/accounting/responsecodes
 * https://developer.xero.com/documentation/guides/oauth2/troubleshooting
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';

/** 400 for a document that fails validation (ErrorNumber 10). */
export function validationError(reply: FastifyReply, messages: string[]): FastifyReply {
  return reply.code(400).send({
    ErrorNumber: 10,
    Type: 'ValidationException',
    Message: 'A validation exception occurred',
    Elements: [{ ValidationErrors: messages.map((Message) => ({ Message })) }],
  });
}

/** 400 for a `where` or `order` Xero cannot parse (ErrorNumber 16). */
export function queryParseError(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ ErrorNumber: 16, Type: 'QueryParseException', Message: message });
}

/** The problem-details body Xero's gateway answers 401/403/429 with. */
function problem(status: number, title: string, detail: string): Record<string, unknown> {
  return { Type: null, Title: title, Status: status, Detail: detail, Instance: randomUUID(), Extensions: {} };
}

/** 401: an expired token says when it expired; a revoked or unknown one is "AuthenticationUnsuccessful". */
export function unauthorized(reply: FastifyReply, expiredAtMs: number | null): FastifyReply {
  const detail = expiredAtMs === null ? 'AuthenticationUnsuccessful' : `TokenExpired: token expired at ${new Date(expiredAtMs).toISOString()}`;
  const description = expiredAtMs === null ? 'The token is invalid' : `The token expired at '${new Date(expiredAtMs).toISOString()}'`;
  return reply
    .code(401)
    .header('www-authenticate', `Bearer error="invalid_token", error_description="${description}"`)
    .send(problem(401, 'Unauthorized', detail));
}

/** 403: a missing or unknown `xero-tenant-id`, or a tenant this token was not granted. */
export function forbidden(reply: FastifyReply): FastifyReply {
  return reply.code(403).send(problem(403, 'Forbidden', 'AuthenticationUnsuccessful'));
}

/** 404: Xero answers an unknown id or path in plain text. */
export function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send("The resource you're looking for cannot be found");
}

export function tooManyRequests(reply: FastifyReply, problemName: string, retryAfterSeconds: number): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(retryAfterSeconds))
    .header('x-rate-limit-problem', problemName)
    .send(problem(429, 'Too Many Requests', `You have exceeded the ${problemName} rate limit`));
}

export function serverError(reply: FastifyReply): FastifyReply {
  return reply.code(500).send({
    ErrorNumber: 500,
    Type: 'UnknownErrorException',
    Message:
      'An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status. Contact the API support team at api@xero.com for more assistance.',
  });
}
