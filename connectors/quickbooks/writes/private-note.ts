/**
 * Relance's block in an invoice's private note (QuickBooks' internal memo, 4000 characters). The memo
 * is the accountant's: Relance owns only the block after its marker line, rewrites only that block,
 * and trims only its own oldest lines when the memo is full — the accountant's text is never pushed
 * out. A line already in the block (the same promise recorded again) is not written twice.
 */
import { PRIVATE_NOTE_MAX } from '../profile.ts';

export const NOTE_MARKER = '— Relance —';
const STAMP = /^\[Relance \d{4}-\d{2}-\d{2}\] /;

/** The accountant's text and Relance's lines of a private note. */
export function splitPrivateNote(note: string | undefined): { own: string; lines: string[] } {
  const text = note ?? '';
  const at = text.lastIndexOf(NOTE_MARKER);
  if (at < 0) return { own: text, lines: [] };
  const own = text.slice(0, at).replace(/\n+$/, '');
  const lines = text.slice(at + NOTE_MARKER.length).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return { own, lines };
}

/**
 * `never`: an event's line (a reminder, a promise) is written once whatever came after it; `after-change`:
 * a state's line (dispute opened, stage 2) is written again once another line followed it.
 */
export type Repeat = 'never' | 'after-change';

/**
 * The note with `line` added to Relance's block, or null when the block already says it (nothing to
 * write). Relance's oldest lines go first when the memo would pass its limit; when the accountant's
 * text alone leaves no room, the block holds only the newest line, cut to what fits (or nothing).
 */
export function withNoteLine(note: string | undefined, line: string, now: Date, repeat: Repeat = 'never'): string | null {
  const { own, lines } = splitPrivateNote(note);
  const said = repeat === 'never' ? lines : lines.slice(-1);
  if (said.some((l) => l.replace(STAMP, '') === line)) return null;
  const kept = [...lines, `[Relance ${now.toISOString().slice(0, 10)}] ${line}`];
  const head = own === '' ? `${NOTE_MARKER}\n` : `${own}\n${NOTE_MARKER}\n`;
  const room = PRIVATE_NOTE_MAX - head.length;
  if (room <= 0) return null;
  while (kept.length > 1 && kept.join('\n').length > room) kept.shift();
  const block = kept.join('\n').slice(0, room);
  return head + block;
}

/** The `PrivateNote` field of a sparse update adding `line`, or nothing when the block already says it. */
export function noteField(note: string | undefined, line: string, now: Date, repeat: Repeat = 'never'): { PrivateNote?: string } {
  const next = withNoteLine(note, line, now, repeat);
  return next === null ? {} : { PrivateNote: next };
}

/** A sparse update's fields, or null when there is nothing left to change. */
export function changedOrNull(fields: Record<string, unknown>): Record<string, unknown> | null {
  return Object.keys(fields).length === 0 ? null : fields;
}
