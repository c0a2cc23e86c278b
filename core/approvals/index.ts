/** The approval queue: list, preview, edit, approve, reject — one by one or in bulk. */
export {
  listQueue, previewAction, editAction, approveActions, rejectActions, decide,
  type QueueEntry, type Decision, type DecisionResult,
} from './queue.ts';
