/** The line Relance appends to an invoice's private note (its internal memo). */
import { PRIVATE_NOTE_MAX } from '../profile.ts';

/** `note` plus one dated line; the oldest text goes first when the 4000-character memo is full. */
export function appendNoteLine(note: string | undefined, line: string, now: Date): string {
  const dated = `[Relance ${now.toISOString().slice(0, 10)}] ${line}`.slice(0, PRIVATE_NOTE_MAX);
  const text = note ? `${note}\n${dated}` : dated;
  return text.length <= PRIVATE_NOTE_MAX ? text : text.slice(text.length - PRIVATE_NOTE_MAX);
}
