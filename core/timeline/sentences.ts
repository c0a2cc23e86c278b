/**
 * A timeline in words: each activity as one sentence in the reader's language, with the actor's
 * name ("Claire Martin approved reminder 2", "the customer disputed invoice 1092 from the portal",
 * "reminder 3 cancelled: the customer disputed invoice 1092"), failures and cancellations with
 * their reasons. Pure: what the sentences need beyond the activity (names, actions, disputes) is
 * looked up once per page by ./context.ts.
 */

export type Language = 'en' | 'fr';

export interface ActivityIn {
  id: string;
  kind: string;
  actor: string;
  payload: Record<string, unknown>;
  occurredAt: string;
}

export interface ActionFacts { step: number; channel: string; template: string | null; invoices: string[] }
export interface DisputeFacts { invoices: string[]; openedVia: string; openedAt: string }

export interface SentenceContext {
  language: Language;
  /** `user:<id>` → the user's name. */
  users: ReadonlyMap<string, string>;
  actions: ReadonlyMap<string, ActionFacts>;
  disputes: ReadonlyMap<string, DisputeFacts>;
  /** The customer's disputes, newest first: a cancellation "disputed" names the invoices of the last one opened before it. */
  disputesNewestFirst: readonly DisputeFacts[];
}

export interface Sentence {
  text: string;
  tone: 'normal' | 'failure' | 'cancelled';
  /** The reminder this activity is about: the console links to its message. */
  actionId: string | null;
}

const WORDS = {
  en: {
    relance: 'Relance', customer: 'the customer', someone: 'someone', hubspot: 'HubSpot', invoice: 'invoice', invoices: 'invoices', reminder: 'reminder',
    channel: { email: 'by email', sms: 'by text message', letter: 'by post', task: 'as a task', call: 'as a call', escalate: 'as an escalation' } as Record<string, string>,
    cancel: {
      paid: 'the invoices were paid', disputed: 'the customer disputed', promise: 'a promise to pay is pending', paused: 'reminders are paused', hold: 'the customer is on hold',
    } as Record<string, string>,
    outcome: { reached: 'reached the customer', voicemail: 'left a voicemail', promise: 'got a promise to pay', dispute: 'heard a dispute', wrong_number: 'reached a wrong number' } as Record<string, string>,
    until: 'until', untilReleased: 'until resumed', from: 'from the portal', by: 'by',
  },
  fr: {
    relance: 'Relance', customer: 'le client', someone: 'quelqu’un', hubspot: 'HubSpot', invoice: 'la facture', invoices: 'les factures', reminder: 'la relance',
    channel: { email: 'par e-mail', sms: 'par SMS', letter: 'par courrier', task: 'en tâche', call: 'en appel', escalate: 'en escalade' } as Record<string, string>,
    cancel: {
      paid: 'les factures ont été payées', disputed: 'le client a contesté', promise: 'une promesse de paiement est en cours', paused: 'les relances sont suspendues', hold: 'le client est en attente',
    } as Record<string, string>,
    outcome: { reached: 'a joint le client', voicemail: 'a laissé un message vocal', promise: 'a obtenu une promesse de paiement', dispute: 'a recueilli une contestation', wrong_number: 'est tombé sur un mauvais numéro' } as Record<string, string>,
    until: 'jusqu’au', untilReleased: 'jusqu’à reprise', from: 'depuis le portail', by: 'par',
  },
};

const str = (v: unknown): string | null => (typeof v === 'string' && v.length ? v : v === null || v === undefined ? null : typeof v === 'number' ? String(v) : null);

function day(iso: string | null, lang: Language): string {
  if (!iso) return '';
  const d = new Date(`${iso.slice(0, 10)}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return iso;
  // "12 March 2026" in English as in French: the day first reads the same to every collector.
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
}

function money(amount: unknown, currency: unknown, lang: Language): string {
  const a = str(amount);
  const c = str(currency);
  if (!a) return '';
  if (!c) return a;
  try {
    // A decimal string is formatted exactly (Intl.NumberFormat v3), never through a float.
    return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en', { style: 'currency', currency: c }).format(a as unknown as number);
  } catch {
    return `${a} ${c}`;
  }
}

/** Who did it, by name: a user, the customer (portal), a provider, or Relance itself. */
export function actorName(actor: string, ctx: SentenceContext): string {
  const w = WORDS[ctx.language];
  if (actor.startsWith('user:')) return ctx.users.get(actor.slice(5)) ?? w.someone;
  if (actor.startsWith('portal:')) return w.customer;
  if (actor === 'connector:hubspot') return w.hubspot;
  if (actor.startsWith('connector:')) return actor.slice(10);
  return w.relance;
}

function list(items: readonly string[], lang: Language): string {
  const w = WORDS[lang];
  if (items.length === 0) return '';
  return `${items.length === 1 ? w.invoice : w.invoices} ${new Intl.ListFormat(lang, { type: 'conjunction' }).format(items)}`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** One activity as a sentence in the reader's language. */
export function describeActivity(a: ActivityIn, ctx: SentenceContext): Sentence {
  const lang = ctx.language;
  const w = WORDS[lang];
  const fr = lang === 'fr';
  const p = a.payload ?? {};
  const who = actorName(a.actor, ctx);
  const actionId = str(p.actionId);
  const action = actionId ? ctx.actions.get(actionId) ?? null : null;
  const step = str(p.step) ?? (action ? String(action.step) : null);
  const reminder = step ? `${w.reminder} ${step}` : w.reminder;
  const invoicesOf = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : action?.invoices ?? []);
  // A sentence opens with a capital, unless it opens with a person's name as they wrote it.
  const named = a.actor.startsWith('user:') && ctx.users.has(a.actor.slice(5));
  const s = (text: string, tone: Sentence['tone'] = 'normal'): Sentence => ({ text: named && text.startsWith(who) ? text : cap(text), tone, actionId });

  switch (a.kind) {
    case 'reminder.sent': {
      const channel = w.channel[str(p.channel) ?? action?.channel ?? ''] ?? '';
      const to = str(p.to);
      const items = list(invoicesOf(p.invoices), lang);
      return s(fr
        ? `${who} a envoyé ${reminder} ${channel}${to ? ` à ${to}` : ''}${items ? ` (${items})` : ''}`
        : `${who} sent ${reminder} ${channel}${to ? ` to ${to}` : ''}${items ? ` (${items})` : ''}`);
    }
    case 'reminder.approved':
      return s(fr ? `${who} a approuvé ${reminder}` : `${who} approved ${reminder}`);
    case 'reminder.rejected':
      return s(fr ? `${who} a rejeté ${reminder}${str(p.reason) ? ` : ${str(p.reason)}` : ''}` : `${who} rejected ${reminder}${str(p.reason) ? `: ${str(p.reason)}` : ''}`, 'cancelled');
    case 'reminder.cancelled': {
      const reason = str(p.reason) ?? '';
      let why = w.cancel[reason] ?? reason;
      if (reason === 'disputed') {
        const before = ctx.disputesNewestFirst.find((d) => d.openedAt <= a.occurredAt) ?? ctx.disputesNewestFirst[ctx.disputesNewestFirst.length - 1];
        const disputed = before?.invoices ?? [];
        why = disputed.length ? `${why} ${list(disputed, lang)}` : why;
      }
      if (reason === 'paid' && action?.invoices.length) why = fr ? `${list(action.invoices, lang)} ont été payées` : `${list(action.invoices, lang)} paid`;
      return s(fr ? `${reminder} annulée : ${why}` : `${reminder} cancelled: ${why}`, 'cancelled');
    }
    case 'reminder.failed':
      return s(fr ? `${reminder} n’a pas pu partir : ${str(p.error) ?? str(p.code) ?? 'erreur'}` : `${reminder} failed: ${str(p.error) ?? str(p.code) ?? 'error'}`, 'failure');
    case 'reminder.bounced':
      return s(fr ? `${reminder} est revenue de ${str(p.to) ?? '?'} : ${str(p.error) ?? ''}` : `${reminder} bounced from ${str(p.to) ?? '?'}: ${str(p.error) ?? ''}`, 'failure');
    case 'promise.recorded':
      return s(fr ? `${who} a enregistré une promesse de paiement de ${money(p.amount, p.currency, lang)} pour le ${day(str(p.date), lang)}` : `${who} recorded a promise to pay ${money(p.amount, p.currency, lang)} by ${day(str(p.date), lang)}`);
    case 'promise.kept':
      return s(fr ? `promesse du ${day(str(p.date), lang)} tenue : ${money(p.paid, p.currency, lang)} reçus` : `the promise of ${day(str(p.date), lang)} was kept: ${money(p.paid, p.currency, lang)} received`);
    case 'promise.broken':
      return s(fr ? `promesse du ${day(str(p.date), lang)} non tenue : ${money(p.paid, p.currency, lang)} reçus sur ${money(p.expected, p.currency, lang)}` : `the promise of ${day(str(p.date), lang)} was broken: ${money(p.paid, p.currency, lang)} of ${money(p.expected, p.currency, lang)} received`, 'failure');
    case 'dispute.opened': {
      const d = str(p.disputeId) ? ctx.disputes.get(str(p.disputeId)!) : undefined;
      const items = list(d?.invoices ?? [], lang);
      const portal = str(p.openedVia) === 'portal';
      const subject = portal ? w.customer : who;
      return s(fr
        ? `${subject} a contesté ${items || 'des factures'}${portal ? ` ${w.from}` : ''}${str(p.reason) ? ` : ${str(p.reason)}` : ''}`
        : `${subject} disputed ${items || 'invoices'}${portal ? ` ${w.from}` : ''}${str(p.reason) ? `: ${str(p.reason)}` : ''}`);
    }
    case 'dispute.resolved':
    case 'dispute.rejected':
    case 'dispute.closed':
      return s(fr ? `${who} a clos la contestation${str(p.resolution) ? ` : ${str(p.resolution)}` : ''}` : `${who} closed the dispute${str(p.resolution) ? `: ${str(p.resolution)}` : ''}`);
    case 'payment.applied': {
      const apps = Array.isArray(p.applications) ? (p.applications as { invoiceExternalId?: string; invoice?: string; amount?: string }[]) : [];
      const parts = apps.map((x) => `${x.invoice ?? x.invoiceExternalId ?? '?'} (${money(x.amount, p.currency, lang)})`);
      return s(fr ? `${who} a imputé ${str(p.externalId) ?? 'un paiement'} sur ${parts.join(', ')}` : `${who} applied ${str(p.externalId) ?? 'a payment'} to ${parts.join(', ')}`);
    }
    case 'hold.placed': {
      const until = str(p.until) ? `${w.until} ${day(str(p.until), lang)}` : w.untilReleased;
      const what = str(p.invoice) ? `${w.invoice} ${str(p.invoice)}` : fr ? 'les relances' : 'reminders';
      return s(fr ? `${who} a suspendu ${what} ${until} : ${str(p.reason) ?? ''}` : `${who} paused ${what} ${until}: ${str(p.reason) ?? ''}`);
    }
    case 'hold.released':
      return s(fr ? `${who} a repris les relances (suspension : ${str(p.reason) ?? ''})` : `${who} resumed reminders (paused for: ${str(p.reason) ?? ''})`);
    case 'hold.expired':
      return s(fr ? `les relances ont repris d’elles-mêmes après le ${day(str(p.until), lang)}` : `reminders resumed by themselves after ${day(str(p.until), lang)}`);
    case 'crm.paused':
      return s(fr ? 'relances suspendues depuis HubSpot' : 'reminders paused from HubSpot');
    case 'crm.resumed':
      return s(fr ? 'relances reprises depuis HubSpot' : 'reminders resumed from HubSpot');
    case 'crm.disputed':
      return s(fr ? 'marqué contesté dans HubSpot' : 'marked disputed in HubSpot');
    case 'crm.dispute_cleared':
      return s(fr ? 'contestation levée dans HubSpot' : 'dispute cleared in HubSpot');
    case 'note.added':
      return s(fr ? `${who} a noté : « ${str(p.body) ?? ''} »` : `${who} wrote: “${str(p.body) ?? ''}”`);
    case 'call.logged': {
      const outcome = w.outcome[str(p.outcome) ?? ''] ?? str(p.outcome) ?? '';
      const note = str(p.note);
      return s(fr ? `${who} a appelé et ${outcome}${note ? ` : ${note}` : ''}` : `${who} called and ${outcome}${note ? `: ${note}` : ''}`, str(p.outcome) === 'wrong_number' ? 'failure' : 'normal');
    }
    case 'task.assigned':
      return s(fr ? `${who} a confié à ${str(p.assignee) ?? '?'} : « ${str(p.title) ?? ''} » pour le ${day(str(p.dueDate), lang)}` : `${who} asked ${str(p.assignee) ?? '?'} to “${str(p.title) ?? ''}” by ${day(str(p.dueDate), lang)}`);
    case 'task.done':
      return s(fr ? `${who} a terminé « ${str(p.title) ?? ''} »` : `${who} did “${str(p.title) ?? ''}”`);
    case 'task.created':
      return s(fr ? `${reminder} : tâche créée` : `${reminder}: a task was created`);
    case 'portal.payment_plan_requested':
      return s(fr ? `${w.customer} a demandé un échéancier en ${str(p.installments) ?? '?'} fois ${w.from}` : `${w.customer} asked for a payment plan in ${str(p.installments) ?? '?'} instalments ${w.from}`);
    default: {
      const words = a.kind.replace(/^audit\./, '').replace(/[._]/g, ' ');
      return s(`${who}: ${words}`);
    }
  }
}
