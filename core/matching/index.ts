/** Matching accounting customers to CRM companies: pure matcher, and its runs and admin decisions on the store. */
export * from './normalize.ts';
export * from './match.ts';
export * from './store.ts';
