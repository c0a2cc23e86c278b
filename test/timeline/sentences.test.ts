/** The timeline in words, pure: names for actors, reasons for cancellations and failures, both languages; the workspace catalogs agree. */
import { describe, expect, it } from 'vitest';
import { describeActivity, type SentenceContext } from '../../core/timeline/index.ts';
// @ts-expect-error browser module without types
import { WORKSPACE } from '../../server/console/static/js/messages/workspace.js';

const USER = '11111111-1111-4111-8111-111111111111';
const ACTION = '22222222-2222-4222-8222-222222222222';
function context(language: 'en' | 'fr'): SentenceContext {
  return {
    language,
    users: new Map([[USER, 'Claire Martin']]),
    actions: new Map([[ACTION, { step: 3, channel: 'email', template: 'reminder-2', invoices: ['1092', '1093'] }]]),
    disputes: new Map([['d1', { invoices: ['1092'], openedVia: 'portal', openedAt: '2026-03-10T09:00:00.000Z' }]]),
    disputesNewestFirst: [{ invoices: ['1092'], openedVia: 'portal', openedAt: '2026-03-10T09:00:00.000Z' }],
  };
}
const at = '2026-03-12T10:00:00.000Z';
const say = (kind: string, actor: string, payload: Record<string, unknown>, language: 'en' | 'fr' = 'en') => describeActivity({ id: 'a', kind, actor, payload, occurredAt: at }, context(language));

describe('the timeline in words', () => {
  it('names the actor and the reminder', () => {
    expect(say('reminder.approved', `user:${USER}`, { actionId: ACTION }).text).toBe('Claire Martin approved reminder 3');
    expect(say('reminder.approved', `user:${USER}`, { actionId: ACTION }, 'fr').text).toBe('Claire Martin a approuvé la relance 3');
    expect(say('reminder.sent', 'job:dunning.send', { actionId: ACTION, step: 3, channel: 'email', to: 'ap@x.example', invoices: ['1092'] }).text)
      .toBe('Relance sent reminder 3 by email to ap@x.example (invoice 1092)');
  });

  it('says why a reminder was cancelled, naming the disputed invoice', () => {
    const s = say('reminder.cancelled', 'job:dunning.send', { actionId: ACTION, reason: 'disputed' });
    expect(s).toEqual({ text: 'Reminder 3 cancelled: the customer disputed invoice 1092', tone: 'cancelled', actionId: ACTION });
    expect(say('reminder.cancelled', 'job:dunning.send', { actionId: ACTION, reason: 'paid' }).text).toBe('Reminder 3 cancelled: invoices 1092 and 1093 paid');
    expect(say('reminder.cancelled', 'job:dunning.send', { actionId: ACTION, reason: 'disputed' }, 'fr').text).toBe('La relance 3 annulée : le client a contesté la facture 1092');
  });

  it('tells a portal dispute, a failure and an unknown user apart', () => {
    expect(say('dispute.opened', 'system', { disputeId: 'd1', reason: 'not delivered', openedVia: 'portal' }).text).toBe('The customer disputed invoice 1092 from the portal: not delivered');
    const failed = say('reminder.failed', 'job:dunning.send', { actionId: ACTION, error: 'mailbox full' });
    expect(failed).toMatchObject({ text: 'Reminder 3 failed: mailbox full', tone: 'failure' });
    expect(say('note.added', 'user:33333333-3333-4333-8333-333333333333', { body: 'called twice' }).text).toBe('Someone wrote: “called twice”');
  });

  it('writes dates and amounts as a person reads them', () => {
    expect(say('promise.recorded', `user:${USER}`, { amount: '1250.00', currency: 'EUR', date: '2026-03-12' }).text).toBe('Claire Martin recorded a promise to pay €1,250.00 by 12 March 2026');
    expect(say('hold.placed', `user:${USER}`, { reason: 'PO pending', until: '2026-04-01' }, 'fr').text).toBe('Claire Martin a suspendu les relances jusqu’au 1 avril 2026 : PO pending');
  });
});

describe('the workspace catalogs', () => {
  it('have the same keys in English and French', () => {
    expect(Object.keys(WORKSPACE.fr).sort()).toEqual(Object.keys(WORKSPACE.en).sort());
  });
});
