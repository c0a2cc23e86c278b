/**
 * `renderMessage`: one message for one customer, in the language of the contact (else the
 * customer's, else the organization's), from the cached compiled template of its channel.
 */
import { z } from 'zod';
import { InvalidInput } from '../errors.ts';
import { isCurrency } from '../money.ts';
import { isIsoDate } from '../calendar/index.ts';
import { createLogger } from '../logging.ts';
import { chooseLanguage } from './language.ts';
import { addressLines } from './postal-address.ts';
import { renderLetterPdf } from './letter-pdf.ts';
import { formattingLocale } from './locale-format.ts';
import { blocksOf, escapeHtml, renderNodes, type Scope } from './placeholders.ts';
import type { CompiledEmail, CompiledTemplate, CompiledText } from './template-compile.ts';
import { languagesOf, loadTemplate, TEMPLATES_ROOT } from './template-store.ts';
import type { RenderedMessage, RenderMessageInput } from './types.ts';
import { buildScope } from './view-model.ts';

let fallbackLogger: ((message: string, meta: Record<string, unknown>) => void) | null = null;

/** Where language fallbacks are reported (the process's logger); stderr through a default logger until set. */
export function setLanguageFallbackLogger(log: (message: string, meta: Record<string, unknown>) => void): void {
  fallbackLogger = log;
}

function logFallback(meta: Record<string, unknown>): void {
  if (!fallbackLogger) {
    const logger = createLogger();
    fallbackLogger = (message, m) => logger.warn(message, m);
  }
  fallbackLogger('message written in another language than the customer’s: no template in that language', meta);
}

export interface RenderOptions {
  /** Another templates folder (tests, an organization's customized set). */
  readonly root?: string;
  /** The template to use instead of the file in the language chosen, or null for the file (an organization's copy). */
  readonly override?: (language: string) => Promise<CompiledTemplate> | null;
}

const isoDate = z.string().refine(isIsoDate, 'not a date (YYYY-MM-DD)');
const currency = z.string().refine(isCurrency, 'unknown ISO 4217 currency');
/** The parts of the input a caller can get wrong in ways the types do not catch. */
const inputChecks = z.object({
  templateName: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'kebab-case name'),
  channel: z.enum(['email', 'sms', 'letter']),
  organization: z.object({ name: z.string().min(1) }),
  customer: z.object({ name: z.string().min(1) }),
  items: z.array(z.object({ number: z.string(), issueDate: isoDate, dueDate: isoDate, currency, total: z.bigint(), balance: z.bigint() })),
  fees: z.object({ currency, interest: z.bigint(), fixed: z.bigint() }).nullish(),
  portalUrl: z.url().nullish(),
  date: isoDate.nullish(),
});

/** Renders one message; throws `InvalidInput` naming the field for bad input, `NotFound` for a missing template. */
export async function renderMessage(input: RenderMessageInput, options: RenderOptions = {}): Promise<RenderedMessage> {
  const checked = inputChecks.safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const field = issue.path.join('.');
    throw new InvalidInput(`message ${field}: ${issue.message}`, { field });
  }
  const root = options.root ?? TEMPLATES_ROOT;
  const available = await languagesOf(input.channel, input.templateName, root);
  const choice = chooseLanguage(
    {
      forced: input.language,
      override: input.customer.languageOverride,
      contact: input.contact?.language,
      customer: input.customer.language,
      country: input.customer.postalAddress?.country ?? input.customer.country,
      browser: input.acceptLanguage,
      organization: input.organization.language,
    },
    available,
    `${input.channel} template "${input.templateName}"`,
  );
  const languageFallback = choice.fallbackFrom ? { wanted: choice.fallbackFrom, used: choice.language } : null;
  if (languageFallback) {
    logFallback({ channel: input.channel, template: input.templateName, customer: input.customer.name, ...languageFallback });
  }
  const locale = formattingLocale(choice.language, choice.requested, input.organization.country);
  const compiled =
    (await options.override?.(choice.language)) ?? (await loadTemplate({ channel: input.channel, name: input.templateName, language: choice.language }, root));
  const scope = buildScope(input, locale);
  const base = { templateName: input.templateName, language: choice.language, locale, languageFallback, blocks: blockTexts(compiled, scope) };
  if (compiled.channel === 'email') return { ...base, channel: 'email', ...renderEmail(compiled, scope) };
  if (compiled.channel === 'sms') return { ...base, channel: 'sms', text: renderText(compiled, scope).body.trimEnd() };
  const { subject, body } = renderText(compiled, scope);
  const oneLineSubject = subject.replace(/\s+/g, ' ').trim();
  const pdf = await renderLetterPdf({ ...letterBlocks(input, choice.language, scope), subject: oneLineSubject, body, title: `${oneLineSubject} (${input.customer.name})`, author: input.organization.name, language: locale });
  const to = input.customer.postalAddress ? { name: input.customer.name, address: input.customer.postalAddress } : null;
  const from = input.organization.postalAddress ? { name: input.organization.name, address: input.organization.postalAddress } : null;
  return { ...base, channel: 'letter', subject: oneLineSubject, text: body, pdf, to, from };
}

/** The fixed words of a letter around its text, per language: the contact line and the place-and-date line. */
const LETTER_WORDS: Readonly<Record<string, { attention: string; placeAndDate: (city: string, date: string) => string }>> = {
  en: { attention: 'For the attention of', placeAndDate: (city, date) => `${city}, ${date}` },
  fr: { attention: 'À l’attention de', placeAndDate: (city, date) => `${city}, le ${date}` },
  es: { attention: 'A la atención de', placeAndDate: (city, date) => `${city}, a ${date}` },
  // DIN 5008: "z. Hd." before the contact's name; the date after the place, without "den".
  de: { attention: 'z. Hd.', placeAndDate: (city, date) => `${city}, ${date}` },
};

/** The sender's and the recipient's blocks, the place and date, and the footer of a letter. */
function letterBlocks(input: RenderMessageInput, language: string, scope: Scope): { sender: string[]; recipient: string[]; placeAndDate: string; footer: string } {
  const org = input.organization;
  const customer = input.customer;
  const recipientCountry = customer.postalAddress?.country ?? customer.country ?? null;
  const senderAddress = org.postalAddress ? addressLines(org.postalAddress, recipientCountry, language) : [...(org.address ?? [])];
  const sender = [org.name, ...senderAddress, org.phone ?? '', org.email ?? ''].filter((l) => l.trim() !== '');
  const contact = input.contact?.name?.trim();
  const recipientAddress = customer.postalAddress ? addressLines(customer.postalAddress, org.country, language) : [...(customer.address ?? [])];
  const words = LETTER_WORDS[language] ?? LETTER_WORDS.en!;
  const recipient = [customer.name, ...(contact ? [`${words.attention} ${contact}`] : []), ...recipientAddress];
  const date = typeof scope.date === 'string' ? scope.date : '';
  const city = org.postalAddress?.city?.trim();
  const placeAndDate = city ? words.placeAndDate(city, date) : date;
  const footer = [org.name, senderAddress.join(', '), org.email ?? ''].filter((p) => p.trim() !== '').join(' · ');
  return { sender, recipient, placeAndDate, footer };
}

const identity = (text: string): string => text;

/** Each block's text as the reader sees it, placeholders filled: what an approver starts editing from. */
function blockTexts(compiled: CompiledTemplate, scope: Scope): Record<string, string> {
  const nodes = compiled.channel === 'email' ? compiled.text : [...(compiled.subject ?? []), ...compiled.body];
  const out: Record<string, string> = {};
  for (const block of blocksOf(nodes)) out[block.name] = renderNodes([block], scope, identity).replace(/[ \t]+\n/g, '\n').trim();
  return out;
}
/** An approver's block in HTML: escaped, its line breaks kept. */
const editedHtml = (text: string): string => escapeHtml(text).replace(/\r?\n/g, '<br />');

function renderEmail(compiled: CompiledEmail, scope: Scope): { subject: string; html: string; text: string } {
  // A subject is one line: a value with a newline in it must not start a header.
  const subject = renderNodes(compiled.subject, scope, identity).replace(/\s+/g, ' ').trim();
  return {
    subject,
    html: renderNodes(compiled.html, scope, escapeHtml, editedHtml),
    text: tidy(renderNodes(compiled.text, scope, identity)),
  };
}

function renderText(compiled: CompiledText, scope: Scope): { subject: string; body: string } {
  return {
    subject: compiled.subject ? renderNodes(compiled.subject, scope, identity).trim() : '',
    body: tidy(renderNodes(compiled.body, scope, identity)),
  };
}

/** Sections left empty by `{{#if}}` leave blank lines behind: at most one blank line in a row. */
function tidy(text: string): string {
  return text.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';
}
