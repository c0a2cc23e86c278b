/** Store-backed reports: organizations' and groups' ledgers read from the store, and the figures only the store knows. */
export { loadOrganization, loadOrganizationLedgers, type StoreOrganization } from './load-ledgers.ts';
export { convertMinor, convertLedgers, groupRates, parseRates, loadGroupLedgers, type FxRates, type GroupLedgers } from './consolidate.ts';
export { activityFigures, type ActivityFigures } from './activity-figures.ts';
