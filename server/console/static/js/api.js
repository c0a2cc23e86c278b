/* global window */
/**
 * The admin API client: same-origin fetch with the session cookie, the CSRF token (from login or
 * `GET /api/auth/me`) in `X-CSRF-Token` on every write, and the API's one error shape
 * `{error:{code,message,field}}` turned into an ApiError. A 401 tells the app to show the login page.
 */
let csrfToken = null;

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field ?? null;
  }
}

export function setCsrfToken(token) {
  csrfToken = token ?? null;
}

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Calls the API; resolves with the parsed JSON body (null for 204), rejects with an ApiError. */
export async function api(path, { method = 'GET', body, query } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(withQuery(path, query), {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const e = data?.error ?? {};
    if (response.status === 401 && !path.endsWith('/auth/login')) window.dispatchEvent(new CustomEvent('relance:unauthorized'));
    throw new ApiError(response.status, e.code ?? 'error', e.message ?? `HTTP ${response.status}`, e.field);
  }
  return data;
}

/** Every item of a paged list, following `nextCursor`, up to `maxItems`; `partial` when cut. */
export async function allPages(path, query = {}, maxItems = 5000) {
  const items = [];
  let cursor;
  for (;;) {
    const page = await api(path, { query: { ...query, limit: 200, cursor } });
    items.push(...page.items);
    if (!page.nextCursor) return { items, partial: false };
    if (items.length >= maxItems) return { items, partial: true };
    cursor = page.nextCursor;
  }
}
