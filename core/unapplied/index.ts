/** Unapplied money: ranked, explained suggestions; acceptance records allocations and queues the provider's application. */
export { suggestApplications, type Money, type OpenItem, type MatchOptions, type Suggestion } from './match.ts';
export { refreshSuggestions, acceptSuggestion, type WriteBack } from './store.ts';
export { listUnapplied, allocateManually, allocationInputSchema, WEAK_SCORE, type UnappliedItem, type AllocationInput } from './manual.ts';
