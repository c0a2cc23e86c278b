/** The shared HTTP discipline of the connectors: retry, classification, limiter, tokens, paging. */
export * from './backoff.ts';
export * from './classify.ts';
export * from './connection-lock.ts';
export * from './errors.ts';
export * from './http-failure.ts';
export * from './limiter.ts';
export * from './paginate.ts';
export * from './profile.ts';
export * from './random.ts';
export * from './request.ts';
export * from './retry.ts';
export * from './token-refresher.ts';
export * from './oauth-refresh.ts';
