/** Notes, logged calls (a promise or dispute outcome records the real one) and tasks for colleagues. */
export { addNote, logCall, createTask, listTasks, completeTask, CALL_OUTCOMES, noteInputSchema, callInputSchema, taskInputSchema, type CallOutcome, type CallInput, type TaskInput, type NoteContext, type TaskRow } from './notes.ts';
