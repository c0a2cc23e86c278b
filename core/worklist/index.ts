/** The collector's worklist: customers with what to act on, filtered, sorted and paged in one query; saved views. */
export { listWorklist, recomputeWorklist, liveWorklistSql, worklistStatements, WORKLIST_SORTS, WORKLIST_FLAGS, type WorklistQuery, type WorklistFilter, type WorklistItem, type WorklistSort, type WorklistFlag } from './query.ts';
export { refreshWorklist } from './summary.ts';
export { loadWorklistView, saveWorklistView, worklistViewSchema, type WorklistView } from './views.ts';
