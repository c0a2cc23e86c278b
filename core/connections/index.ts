/** The connection store: connections, their encrypted credentials, status, and the token store. */
export * from './credentials.ts';
export * from './repository.ts';
export * from './organizations.ts';
export * from './token-store.ts';
