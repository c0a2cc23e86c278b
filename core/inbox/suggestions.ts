/**
 * Suggested readings of a reply, by rules a collector can read (French and English): each names
 * the words that triggered it and is applied only by a collector's click. No model decides.
 * - "already paid / payé / virement effectué" with a date or a reference → check for a payment;
 * - "dispute / litige / erreur / wrong / not received" → open a dispute;
 * - a date (when no payment is claimed) → record a promise to pay on that date.
 */
import type { IsoDate } from '../calendar/index.ts';
import { findDates } from './dates.ts';

export type Suggestion =
  | { kind: 'payment_check'; rule: string; words: string[]; date: IsoDate | null; reference: string | null }
  | { kind: 'dispute'; rule: string; words: string[] }
  | { kind: 'promise'; rule: string; words: string[]; date: IsoDate };

const PAID = /\b(?:already paid|(?:have|has|had|we've|i've) (?:been )?paid|was paid|been paid|paid (?:it|this|the invoice|in full|yesterday|today|on)|payment (?:was|has been|is) (?:made|sent|done|issued)|(?:sent|made) (?:the|a|our) (?:payment|transfer|wire)|wire transfer (?:was )?(?:sent|made)|déjà (?:payée?s?|réglée?s?)|(?:avons|a|ai|avait|avons déjà) (?:bien )?(?:payé|réglé)|(?:facture|montant) (?:est |a été )?(?:payée?|réglée?)|virement (?:a été |est )?(?:effectué|envoyé|fait|émis|passé)|règlement (?:a été |est )?(?:effectué|envoyé|fait|émis)|paiement (?:a été |est )?(?:effectué|envoyé|fait|émis))/i;
const REFERENCE = /\b(?:ref(?:erence)?|réf(?:érence)?|transaction|virement|transfer|cheque|chèque|check)\s*(?:n°|no\.?|number|numéro|#|:)?\s*:?\s*([A-Z0-9][A-Z0-9/_-]{3,})\b/i;
const DISPUTE = /\b(?:disputes?|disputed|disputing|contest(?:ed|ing)?|litiges?|erreurs?|errors?|erroné(?:e|s)?|incorrect|wrong|mistakes?|réclamation|contest(?:e|ons|ée)|not (?:ordered|received|delivered)|never (?:ordered|received)|pas (?:commandé|reçu|livré)|jamais (?:commandé|reçu)|non (?:reçu|livré|conforme)|défectueu(?:x|se)|damaged|faulty|overcharged|surfactur(?:é|ation)|avoir attendu|credit note expected)\b/i;

/** The readings of one reply's text, written on `ref` (its date). */
export function suggestReadings(text: string, ref: IsoDate): Suggestion[] {
  // Quoted history (our own reminder below the answer) must not trigger anything.
  const own = stripQuoted(text);
  const out: Suggestion[] = [];
  const paid = PAID.exec(own);
  const dates = findDates(own, ref);
  if (paid) {
    const reference = REFERENCE.exec(own);
    const date = findDates(own, ref, 'past')[0] ?? null;
    if (reference || date) {
      out.push({
        kind: 'payment_check', rule: 'paid-with-date-or-reference', date: date?.date ?? null, reference: reference?.[1] ?? null,
        words: [paid[0], ...(reference ? [reference[0]] : []), ...(date ? [date.words] : [])],
      });
    }
  }
  const dispute = DISPUTE.exec(own);
  if (dispute) out.push({ kind: 'dispute', rule: 'dispute-words', words: [dispute[0]] });
  if (!paid) {
    const future = dates.find((d) => d.date >= ref);
    if (future) out.push({ kind: 'promise', rule: 'a-date', words: [future.words], date: future.date });
  }
  return out;
}

/** The text above the quoted history: lines starting with ">" and what follows "On … wrote:" / "Le … a écrit :". */
export function stripQuoted(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (/^\s*(?:On .{0,200}wrote:|Le .{0,200}a écrit\s?:|-----\s*Original Message\s*-----|-----\s*Message d'origine\s*-----|De\s?: .+|From: .+)\s*$/i.test(line)) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n');
}
