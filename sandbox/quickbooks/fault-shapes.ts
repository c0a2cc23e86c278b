/**
 * QuickBooks' error answers: a `Fault` with a list of `Error`s and a `type`, and the HTTP status the
 * API pairs with each. Route handlers throw a `QboFault`; the app's error handler prints it.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
 */
import { formatResponseTime } from './time-format.ts';

export interface QboErrorItem {
  Message: string;
  Detail: string;
  code: string;
  element?: string;
}

export type FaultType = 'ValidationFault' | 'AUTHENTICATION' | 'AuthorizationFault' | 'SERVICE' | 'SystemFault';

export class QboFault extends Error {
  constructor(
    readonly status: number,
    readonly type: FaultType,
    readonly errors: QboErrorItem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors[0]?.Message ?? type);
  }

  body(nowMs: number): { Fault: { Error: QboErrorItem[]; type: FaultType }; time: string } {
    return { Fault: { Error: this.errors, type: this.type }, time: formatResponseTime(nowMs) };
  }
}

/** 400 `QueryParserError`: the text is not a query. */
export function queryParseFault(detail: string): QboFault {
  return new QboFault(400, 'ValidationFault', [{ Message: 'Error parsing query', Detail: `QueryParserError: ${detail}`, code: '4000' }]);
}

/** 400 `QueryValidationError`: a query that parses but names what does not exist or asks too much. */
export function queryValidationFault(detail: string): QboFault {
  return new QboFault(400, 'ValidationFault', [{ Message: 'Invalid query', Detail: `QueryValidationError: ${detail}`, code: '4001' }]);
}

/** 400 code 610: QuickBooks answers an unknown or deleted Id with a validation fault, not a 404. */
export function objectNotFoundFault(entity: string, id: string): QboFault {
  return new QboFault(400, 'ValidationFault', [
    {
      Message: 'Object Not Found',
      Detail: `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. (${entity} ${id})`,
      code: '610',
      element: '',
    },
  ]);
}

/** 400 code 5010: the `SyncToken` sent is not the record's current one. */
export function staleObjectFault(id: string): QboFault {
  return new QboFault(400, 'ValidationFault', [
    {
      Message: 'Stale Object Error',
      Detail: `Stale Object Error : You and root were working on this at the same time. root finished before you did, so your work was not saved. (Id ${id})`,
      code: '5010',
      element: '',
    },
  ]);
}

/** 400 code 2020 (required parameter missing) or 2010 (invalid property). */
export function requestValidationFault(code: '2010' | '2020' | '2500', message: string, detail: string, element = ''): QboFault {
  return new QboFault(400, 'ValidationFault', [{ Message: message, Detail: detail, code, element }]);
}

/** 400 code 6000: a business rule refused the write (an amount over what is open). */
export function businessValidationFault(message: string, detail: string, element = ''): QboFault {
  return new QboFault(400, 'ValidationFault', [{ Message: message, Detail: detail, code: '6000', element }]);
}

/** 401 code 3200: a missing, unknown, expired or revoked bearer token. */
export function authenticationFault(detail: string): QboFault {
  return new QboFault(
    401,
    'AUTHENTICATION',
    [{ Message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', Detail: detail, code: '3200' }],
    { 'WWW-Authenticate': 'Bearer realm="Intuit", error="invalid_token"' },
  );
}

/** 403 code 3100: a valid token used for another company. */
export function authorizationFault(realmId: string): QboFault {
  return new QboFault(403, 'AuthorizationFault', [
    {
      Message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403',
      Detail: `The token is not authorized for company ${realmId}`,
      code: '3100',
    },
  ]);
}

// https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles
// "You'll see HTTP Status Code 429 when throttling occurs ... wait 60 seconds before retrying".
export function throttledFault(retryAfterSeconds: number): QboFault {
  return new QboFault(
    429,
    'SERVICE',
    [{ Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', Detail: 'The request limit was reached.', code: '003001' }],
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

/** 500 code 10000: QuickBooks' generic server-side failure. */
export function systemFault(): QboFault {
  return new QboFault(500, 'SystemFault', [
    {
      Message: 'An application error has occurred while processing your request',
      Detail: 'System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again.',
      code: '10000',
    },
  ]);
}

/** 504 after a held request: what a gateway in front of QuickBooks answers when the backend hangs. */
export function timeoutFault(): QboFault {
  return new QboFault(504, 'SystemFault', [{ Message: 'Gateway Timeout', Detail: 'The request timed out.', code: '10000' }]);
}
