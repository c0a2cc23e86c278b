/**
 * Machine-sent answers: RFC 3834 `Auto-Submitted` (anything but "no"), the vendor headers
 * (`X-Autoreply`, `X-Autorespond`, Exchange's `X-Auto-Response-Suppress` on its own auto replies,
 * `Precedence: auto_reply`), and the out-of-office subjects of common clients in French and English.
 * https://www.rfc-editor.org/rfc/rfc3834#section-5
 */
import type { IsoDate } from '../calendar/index.ts';
import { findDates } from './dates.ts';
import type { InboundMessage } from './parse.ts';

const OUT_OF_OFFICE_SUBJECT = /^\s*(?:(?:auto(?:matic)?[ -]?reply|autoreply|auto[ -]?response|out of (?:the )?office|absence|absent|away from (?:the|my) office|on (?:holiday|vacation|leave)|réponse automatique|reponse automatique|message d'absence|absent\(e\)|absente?|en congés?|congés|hors du bureau)\b|.*\b(?:out of (?:the )?office|absence du bureau|message d'absence)\b)/i;

/** Why the message counts as automatic (the header or subject that said so), or null for a person's reply. */
export function autoReplyReason(m: Pick<InboundMessage, 'headers' | 'subject'>): string | null {
  const h = m.headers;
  const submitted = h.get('auto-submitted')?.trim().toLowerCase();
  if (submitted && !submitted.startsWith('no')) return `Auto-Submitted: ${submitted}`;
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) {
    if (h.has(name)) return `${name.replace(/(^|-)x/, 'X').replace(/-(\w)/g, (_s, c: string) => `-${c.toUpperCase()}`)}: ${h.get(name)}`;
  }
  const suppress = h.get('x-auto-response-suppress');
  if (suppress && /\b(all|oof|autoreply)\b/i.test(suppress) && h.has('thread-topic')) return `X-Auto-Response-Suppress: ${suppress}`;
  const precedence = h.get('precedence')?.trim().toLowerCase();
  if (precedence === 'auto_reply') return `Precedence: ${precedence}`;
  if (OUT_OF_OFFICE_SUBJECT.test(m.subject)) return `subject: ${m.subject.trim().slice(0, 120)}`;
  return null;
}

const BACK_ON = /\b(?:back|return(?:ing)?|returns|de retour|retour(?:ne)?|serai là|reviens|rentre|until|jusqu'au|jusqu’au|absent(?:e)? du .{0,30}? au)\b/i;

/**
 * The day the sender is back, from an out-of-office text: the date after words such as "back on",
 * "until", "de retour le", "jusqu'au"; else the last date in the text. Only dates after `ref`.
 */
export function returnDate(text: string, ref: IsoDate): { date: IsoDate; words: string } | null {
  const sentences = text.split(/(?<=[.!?\n])\s+/);
  for (const s of sentences) {
    if (!BACK_ON.test(s)) continue;
    const dates = findDates(s, ref).filter((d) => d.date > ref);
    if (dates.length) return dates[dates.length - 1]!;
  }
  return null;
}
