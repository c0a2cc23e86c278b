/**
 * One neutral shape for "a provider call failed", whatever client made it (fetch, axios inside an
 * SDK, a raw socket error), so classification is written once.
 */

export interface HttpFailure {
  /** The HTTP status, or null when no response came back (DNS, reset, timeout). */
  status: number | null;
  /** Response headers, names lower-cased. */
  headers: Record<string, string>;
  /** The body parsed as JSON when it was JSON, else its text, else null. */
  body: unknown;
  /** The socket-level code (`ECONNRESET`, `ETIMEDOUT`, …) when there was no response. */
  networkCode?: string;
  message?: string;
}

/** Thrown by fetch-based calls on a non-2xx answer, carrying the failure for classification. */
export class HttpStatusError extends Error {
  constructor(readonly failure: HttpFailure) {
    super(`HTTP ${failure.status ?? 'no response'}`);
    this.name = 'HttpStatusError';
  }
}

/** Headers of any common client, names lower-cased, multi-values joined. */
export function normalizeHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers || typeof headers !== 'object') return out;
  const entries =
    typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function'
      ? collectHeaders(headers as Headers)
      : Object.entries(headers as Record<string, unknown>);
  for (const [name, value] of entries) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function collectHeaders(headers: Headers): [string, string][] {
  const pairs: [string, string][] = [];
  headers.forEach((value, name) => pairs.push([name, value]));
  return pairs;
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Reads a fetch `Response` (consuming its body) into an `HttpFailure`. */
export async function failureFromResponse(response: Response): Promise<HttpFailure> {
  const text = await response.text().catch(() => '');
  return { status: response.status, headers: normalizeHeaders(response.headers), body: parseBody(text) };
}

/** Throws `HttpStatusError` for a non-2xx fetch `Response`; returns it untouched otherwise. */
export async function ensureOk(response: Response): Promise<Response> {
  if (response.ok) return response;
  throw new HttpStatusError(await failureFromResponse(response));
}

interface AxiosLike {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  response?: { status: number; headers?: unknown; data?: unknown };
}

// Codes Node, undici and axios give when the request never got an answer: worth another try.
const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND',
  'EHOSTUNREACH', 'ENETUNREACH', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET', 'ETIMEOUT',
]);

function networkCodeOf(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 3) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  if ((error as { name?: unknown }).name === 'TimeoutError') return 'ETIMEDOUT';
  // fetch wraps the socket error: TypeError('fetch failed', { cause })
  return networkCodeOf((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * Recognises a failed provider call in whatever a client threw; null when `error` is not one
 * (a bug in our code, say), which must then propagate untouched.
 */
export function toHttpFailure(error: unknown): HttpFailure | null {
  if (error instanceof HttpStatusError) return error.failure;
  if (error && typeof error === 'object') {
    const axios = error as AxiosLike;
    if (axios.response && typeof axios.response.status === 'number') {
      const data = typeof axios.response.data === 'string' ? parseBody(axios.response.data) : axios.response.data;
      return { status: axios.response.status, headers: normalizeHeaders(axios.response.headers), body: data ?? null, message: axios.message };
    }
  }
  const networkCode = networkCodeOf(error);
  if (networkCode) return { status: null, headers: {}, body: null, networkCode, message: (error as Error).message };
  return null;
}
