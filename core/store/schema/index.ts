/** The whole canonical model (ARCHITECTURE §4) as Drizzle tables; drizzle-kit generates from here. */
export * from './enums.ts';
export * from './organizations.ts';
export * from './connections.ts';
export * from './customers.ts';
export * from './ledger.ts';
export * from './collections.ts';
export * from './dunning.ts';
export * from './dunning-engine.ts';
export * from './activities.ts';
export * from './outbox.ts';
export * from './ledger-truth.ts';
export * from './access.ts';
export * from './portal.ts';
export * from './crm.ts';
export * from './console.ts';
export * from './sync-state.ts';
