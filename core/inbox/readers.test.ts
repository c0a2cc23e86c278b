/** The inbox's pure readers: dates in French and English, suggestions and their words, auto-replies, delivery reports, tokens, mentions. */
import { describe, expect, it } from 'vitest';
import { autoReplyReason, returnDate } from './auto-reply.ts';
import { findDates } from './dates.ts';
import { isDeliveryReport, isHardFailure, parseDsn } from './dsn.ts';
import { actionKeyOf } from './match.ts';
import { mentionHandles } from './comments.ts';
import { parseInbound } from './parse.ts';
import { suggestReadings } from './suggestions.ts';
import { replyAddressFor, tokenFromAddress } from './threading.ts';
import { describeEvent } from './webhooks.ts';
import { messageIdFor } from '../channels/index.ts';

const REF = '2026-03-10';

describe('dates in a customer\'s words', () => {
  it.each([
    ['le 20 mars', '2026-03-20'], ['December 20th, 2026', '2026-12-20'], ['20/04/2026', '2026-04-20'], ['25/03', '2026-03-25'],
    ['on the 5th', '2026-04-05'], ['demain', '2026-03-11'], ['fin du mois', '2026-03-31'], ['3 janvier', '2027-01-03'], ['2026-05-02', '2026-05-02'],
  ])('%s → %s', (text, date) => {
    expect(findDates(text, REF)[0]?.date).toBe(date);
  });
  it('reads a past event backwards, and ignores amounts', () => {
    expect(findDates('payé le 5 mars', REF, 'past')[0]?.date).toBe('2026-03-05');
    expect(findDates('le 12 euros', REF)).toEqual([]);
  });
});

describe('suggested readings', () => {
  it('a payment claim with a reference suggests a payment check, with its words', () => {
    expect(suggestReadings('Nous avons déjà payé le 5 mars, virement réf VIR-88231.', REF)).toEqual([
      { kind: 'payment_check', rule: 'paid-with-date-or-reference', date: '2026-03-05', reference: 'VIR-88231', words: ['avons déjà payé', 'réf VIR-88231', '5 mars'] },
    ]);
  });
  it('a payment claim with neither date nor reference suggests nothing', () => {
    expect(suggestReadings('We already paid.', REF)).toEqual([]);
  });
  it('dispute words suggest a dispute; a date suggests a promise', () => {
    expect(suggestReadings('There is an error on the invoice; we will pay the rest on the 20th.', REF)).toEqual([
      { kind: 'dispute', rule: 'dispute-words', words: ['error'] },
      { kind: 'promise', rule: 'a-date', words: ['on the 20th'], date: '2026-03-20' },
    ]);
  });
  it('our own quoted reminder triggers nothing', () => {
    expect(suggestReadings('Merci.\n\nLe 2 mars 2026, Atelier a écrit :\n> litige possible le 20 mars', REF)).toEqual([]);
  });
});

describe('automatic replies (RFC 3834 and common subjects)', () => {
  const h = (o: Record<string, string>) => new Map(Object.entries(o));
  it.each([
    [h({ 'auto-submitted': 'auto-replied' }), 'Re: Rappel', /Auto-Submitted/],
    [h({ 'x-autoreply': 'yes' }), 'Re: Rappel', /X-Autoreply/],
    [h({}), 'Réponse automatique : absent', /subject/],
    [h({}), 'Automatic reply: Reminder', /subject/],
    [h({}), 'Out of Office: Reminder', /subject/],
  ])('%o %s', (headers, subject, reason) => {
    expect(autoReplyReason({ headers, subject })).toMatch(reason);
  });
  it('a person answering is not automatic, even with Auto-Submitted: no', () => {
    expect(autoReplyReason({ headers: h({ 'auto-submitted': 'no' }), subject: 'Re: absence de paiement' })).toBeNull();
  });
  it('finds the day they are back', () => {
    expect(returnDate('Je suis absente, de retour le 20 mars.', REF)).toEqual({ date: '2026-03-20', words: '20 mars' });
    expect(returnDate('I am out of the office until April 2nd.', REF)?.date).toBe('2026-04-02');
    expect(returnDate('Merci pour votre message.', REF)).toBeNull();
  });
});

describe('delivery reports (RFC 3464)', () => {
  const report = (status: string) => [
    'From: MAILER-DAEMON@mx.example', 'Subject: Undelivered', 'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"', '',
    '--b', 'Content-Type: text/plain', '', 'Sorry.', '--b', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.example', '',
    'Final-Recipient: rfc822; Gone@Client.example', 'Action: failed', `Status: ${status}`, '',
    '--b', 'Content-Type: text/rfc822-headers', '', 'Message-ID: <relance.a2V5@relance.example>', 'X-Relance-Action: key', '', '--b--', ''].join('\r\n');
  it('reads the recipient, its status and the reminder it bounces', async () => {
    const m = await parseInbound(report('5.1.1'));
    expect(isDeliveryReport(m)).toBe(true);
    const b = parseDsn(m);
    expect(b).toMatchObject({ originalMessageId: '<relance.a2V5@relance.example>', relanceAction: 'key', recipients: [{ recipient: 'gone@client.example', action: 'failed', status: '5.1.1' }] });
    expect(isHardFailure(b.recipients[0]!)).toBe(true);
  });
  it('a policy refusal (5.7.1) is not the address\'s fault', async () => {
    expect(isHardFailure(parseDsn(await parseInbound(report('5.7.1'))).recipients[0]!)).toBe(false);
  });
});

describe('threading', () => {
  it('a Relance Message-ID gives back its action key', () => {
    expect(actionKeyOf(messageIdFor('dunning:abc:1', 'relance.example'))).toBe('dunning:abc:1');
    expect(actionKeyOf('<other@x>')).toBeNull();
  });
  it('reply addresses carry the token, and only a token-shaped detail counts', () => {
    expect(replyAddressFor('relances@atelier.fr', 'abcdefghijk2')).toBe('relances+abcdefghijk2@atelier.fr');
    expect(tokenFromAddress('relances+abcdefghijk2@atelier.fr')).toBe('abcdefghijk2');
    expect(tokenFromAddress('paul+news@client.fr')).toBeNull();
  });
  it('mentions by login or address', () => {
    expect(mentionHandles('Voir avec @marie et @paul.girard@atelier.fr.')).toEqual(['marie', 'paul.girard@atelier.fr']);
  });
  it('describes a dispute for Slack', () => {
    expect(describeEvent({ event: 'dispute', customer: 'Alpha', reason: 'quantité' })).toBe('Dispute opened by Alpha: quantité');
  });
});
