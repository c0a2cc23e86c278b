/** The collector's worklist: customers with what to act on, read from per-customer summaries kept exact by triggers and passing dates (summary.ts), filtered, sorted and paged; saved views. */
export { listWorklist, recomputeWorklist, liveWorklistSql, worklistStatements, WORKLIST_SORTS, WORKLIST_FLAGS, type WorklistQuery, type WorklistFilter, type WorklistItem, type WorklistSort, type WorklistFlag } from './query.ts';
export { refreshAllWorklists, refreshWorklist } from './summary.ts';
export { loadWorklistView, saveWorklistView, worklistViewSchema, type WorklistView } from './views.ts';
