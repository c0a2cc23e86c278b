/**
 * Turns the plain message input into what templates see (`VARIABLES`): every amount and date
 * formatted for the locale, absent values as empty strings so that `{{#if}}` can test them.
 */
import { InvalidInput } from '../errors.ts';
import { daysBetween, isIsoDate, todayIn } from '../calendar/index.ts';
import { legalMention } from './legal-mentions.ts';
import { baseLanguage, formatAmount, formatDate } from './locale-format.ts';
import { BLOCKS_KEY, type Scope } from './placeholders.ts';
import type { MessageAmount, RenderMessageInput } from './types.ts';

/** Builds the template scope for one message in one locale. */
export function buildScope(input: RenderMessageInput, locale: string): Scope {
  const date = input.date ?? todayIn('UTC');
  if (!isIsoDate(date)) throw new InvalidInput(`date: "${date}" is not a date (YYYY-MM-DD)`, { field: 'date' });
  const links = input.paymentLinks ?? {};
  const items = input.items.map((item) => {
    const overdue = daysBetween(item.dueDate, date);
    return {
      number: item.number,
      issueDate: formatDate(item.issueDate, locale),
      dueDate: formatDate(item.dueDate, locale),
      total: formatAmount(item.total, item.currency, locale),
      balance: formatAmount(item.balance, item.currency, locale),
      currency: item.currency,
      daysOverdue: overdue > 0 ? String(overdue) : '',
      paymentLink: links[item.externalId] ?? '',
      paid: item.total > item.balance ? formatAmount(item.total - item.balance, item.currency, locale) : '',
      interest: item.fees && item.fees.interest > 0n ? formatAmount(item.fees.interest, item.currency, locale) : '',
      fixed: item.fees && item.fees.fixed > 0n ? formatAmount(item.fees.fixed, item.currency, locale) : '',
    };
  });
  const language = baseLanguage(locale);
  const history = (input.history ?? []).map((h) => formatDate(h.date, locale));
  const totals = (input.totals ?? totalsOf(input.items)).map((t) => ({
    currency: t.currency,
    amount: formatAmount(t.amount, t.currency, locale),
  }));
  const distinctLinks = [...new Set(items.map((i) => i.paymentLink).filter((l) => l !== ''))];
  const org = input.organization;
  return {
    organization: {
      name: org.name,
      email: org.email ?? '',
      phone: org.phone ?? '',
      address: (org.address ?? []).join(', '),
      city: org.postalAddress?.city?.trim() ?? '',
    },
    customer: { name: input.customer.name, reference: input.customer.reference ?? '' },
    contact: {
      name: input.contact?.name ?? '',
      email: input.contact?.email ?? '',
      phone: input.contact?.phone ?? '',
    },
    collector: {
      name: input.collector?.name ?? '',
      email: input.collector?.email ?? '',
      phone: input.collector?.phone ?? '',
    },
    date: formatDate(date, locale, 'long'),
    items,
    itemCount: String(items.length),
    invoiceNumbers: joinList(items.map((i) => i.number).filter((n) => n !== ''), language),
    history: {
      count: history.length ? String(history.length) : '',
      first: history[0] ?? '',
      last: history[history.length - 1] ?? '',
      dates: joinList(history, language),
    },
    legal: { mention: legalMention(org.latePaymentPolicy, language) },
    totals,
    total: totals.map((t) => t.amount).join(' + '),
    fees: feesScope(input, locale, date),
    portalUrl: input.portalUrl ?? '',
    paymentLink: distinctLinks.length === 1 ? distinctLinks[0]! : '',
    [BLOCKS_KEY]: input.blocks ?? null,
  };
}

/** "a, b and c" in the reader's language. */
function joinList(parts: readonly string[], language: string): string {
  if (parts.length === 0) return '';
  try {
    return new Intl.ListFormat(language, { style: 'long', type: 'conjunction' }).format(parts);
  } catch {
    return parts.join(', ');
  }
}

function feesScope(input: RenderMessageInput, locale: string, date: string): Scope | null {
  const fees = input.fees;
  if (!fees || (fees.interest === 0n && fees.fixed === 0n)) return null;
  return {
    interest: formatAmount(fees.interest, fees.currency, locale),
    fixed: formatAmount(fees.fixed, fees.currency, locale),
    total: formatAmount(fees.interest + fees.fixed, fees.currency, locale),
    asOf: formatDate(fees.asOf && isIsoDate(fees.asOf) ? fees.asOf : date, locale, 'long'),
    posted: fees.posted && fees.posted > 0n ? formatAmount(fees.posted, fees.currency, locale) : '',
  };
}

/** Open balance per currency, in the order currencies first appear. */
export function totalsOf(items: RenderMessageInput['items']): MessageAmount[] {
  const sums = new Map<string, bigint>();
  for (const item of items) sums.set(item.currency, (sums.get(item.currency) ?? 0n) + item.balance);
  return [...sums].map(([currency, amount]) => ({ currency, amount }));
}
