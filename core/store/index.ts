/** The public surface of the store: open it, migrate it, and the repositories over it. */
export { openStore, type Store, type Db, type Schema } from './db.ts';
export { migrate, MIGRATIONS_FOLDER } from './migrate.ts';
export * as schema from './schema/index.ts';
export * from './repositories/index.ts';
