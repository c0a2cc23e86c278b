/**
 * `renderMessage`: one message for one customer, in the language of the contact (else the
 * customer's, else the organization's), from the cached compiled template of its channel.
 */
import { z } from 'zod';
import { InvalidInput } from '../errors.ts';
import { isCurrency } from '../money.ts';
import { isIsoDate } from '../calendar/index.ts';
import { chooseLanguage } from './language.ts';
import { renderLetterPdf } from './letter-pdf.ts';
import { formattingLocale } from './locale-format.ts';
import { escapeHtml, renderNodes, type Scope } from './placeholders.ts';
import type { CompiledEmail, CompiledTemplate, CompiledText } from './template-compile.ts';
import { languagesOf, loadTemplate, TEMPLATES_ROOT } from './template-store.ts';
import type { RenderedMessage, RenderMessageInput } from './types.ts';
import { buildScope } from './view-model.ts';

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
      contact: input.contact?.language,
      customer: input.customer.language,
      organization: input.organization.language,
    },
    available,
    `${input.channel} template "${input.templateName}"`,
  );
  const locale = formattingLocale(choice.language, choice.requested, input.organization.country);
  const compiled =
    (await options.override?.(choice.language)) ?? (await loadTemplate({ channel: input.channel, name: input.templateName, language: choice.language }, root));
  const scope = buildScope(input, locale);
  const base = { templateName: input.templateName, language: choice.language, locale };
  if (compiled.channel === 'email') return { ...base, channel: 'email', ...renderEmail(compiled, scope) };
  if (compiled.channel === 'sms') return { ...base, channel: 'sms', text: renderText(compiled, scope).body.trimEnd() };
  const { subject, body } = renderText(compiled, scope);
  const pdf = await renderLetterPdf({
    sender: [input.organization.name, ...(input.organization.address ?? []), input.organization.email ?? '', input.organization.phone ?? ''].filter(
      (l) => l !== '',
    ),
    recipient: [input.customer.name, input.contact?.name ?? '', ...(input.customer.address ?? [])].filter((l) => l !== ''),
    subject,
    body,
    title: `${subject} (${input.customer.name})`,
    author: input.organization.name,
    language: locale,
  });
  return { ...base, channel: 'letter', subject, text: body, pdf };
}

const identity = (text: string): string => text;

function renderEmail(compiled: CompiledEmail, scope: Scope): { subject: string; html: string; text: string } {
  // A subject is one line: a value with a newline in it must not start a header.
  const subject = renderNodes(compiled.subject, scope, identity).replace(/\s+/g, ' ').trim();
  return {
    subject,
    html: renderNodes(compiled.html, scope, escapeHtml),
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
