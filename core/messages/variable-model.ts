/**
 * The variables a template may use, declared once. A template that names anything else is refused
 * when it is saved (validated), with the line, instead of rendering an empty hole in a reminder.
 */
import type { Node } from './placeholders.ts';
import { TemplateSyntaxError } from './placeholders.ts';

export type VariableSpec =
  | { readonly kind: 'text'; readonly doc: string }
  | { readonly kind: 'object'; readonly doc: string; readonly fields: Readonly<Record<string, VariableSpec>> }
  | { readonly kind: 'list'; readonly doc: string; readonly item: Readonly<Record<string, VariableSpec>> };

const text = (doc: string): VariableSpec => ({ kind: 'text', doc });
const object = (doc: string, fields: Record<string, VariableSpec>): VariableSpec => ({ kind: 'object', doc, fields });

/** Every variable of every template; amounts and dates arrive formatted for the message's locale. */
export const VARIABLES: Readonly<Record<string, VariableSpec>> = {
  organization: object('the creditor company', {
    name: text('its name'),
    email: text('its accounts-receivable address'),
    phone: text('its phone number'),
    address: text('its postal address, one line'),
    city: text('the town letters are dated from'),
  }),
  customer: object('the debtor', { name: text('its name'), reference: text('its account number or id') }),
  contact: object('the person written to (may be empty)', {
    name: text('their name'),
    email: text('their email address'),
    phone: text('their phone number'),
  }),
  collector: object('the person who answers (Reply-To)', {
    name: text('their name'),
    email: text('their email address'),
    phone: text('their phone number'),
  }),
  date: text('the date of the message'),
  items: {
    kind: 'list',
    doc: 'the invoices the message is about, by due date',
    item: {
      number: text('invoice number'),
      issueDate: text('issue date'),
      dueDate: text('due date'),
      total: text('invoice total'),
      balance: text('open balance'),
      currency: text('ISO currency code'),
      daysOverdue: text('days past due (empty when not yet due)'),
      paid: text('already paid or credited on it (empty when nothing)'),
      interest: text('its late interest to the message date (empty when none)'),
      fixed: text('its fixed recovery compensation (empty when none)'),
      paymentLink: text("the provider's online payment link for this invoice (may be empty)"),
    },
  },
  itemCount: text('how many invoices'),
  invoiceNumbers: text('the invoice numbers, joined ("F-1, F-2 and F-3")'),
  history: object('the reminders already sent to this customer for these invoices', {
    count: text('how many (empty when none: a first contact)'),
    first: text('the date of the first one (empty when none)'),
    last: text('the date of the latest one (empty when none)'),
    dates: text('their dates, joined (empty when none)'),
  }),
  legal: object('the legal mentions of the late-payment policy (empty when none)', { mention: text('the mention, one paragraph') }),
  totals: { kind: 'list', doc: 'open balance per currency', item: { currency: text('ISO code'), amount: text('amount') } },
  total: text('the open balance, all currencies joined with " + "'),
  fees: object('late-payment fees (empty when none)', {
    interest: text('late interest'),
    fixed: text('fixed recovery compensation'),
    total: text('interest + compensation'),
    asOf: text('the date interest is computed to'),
    posted: text('the part of these fees already invoiced to the customer and owed (empty when none)'),
  }),
  portalUrl: text('the customer portal link (may be empty)'),
  paymentLink: text('the online payment link when there is exactly one (may be empty)'),
};

type Binding = VariableSpec;

/**
 * Checks every variable of a parsed template against the model; throws with the line of the
 * first unknown variable or misuse (a loop over a value, a value that is a list).
 */
export function checkVariables(nodes: readonly Node[], model: Readonly<Record<string, VariableSpec>> = VARIABLES): void {
  walk(nodes, new Map(Object.entries(model)));
}

/** The dotted names a template uses, for the `template validate` report. */
export function variablesUsed(nodes: readonly Node[]): string[] {
  const seen = new Set<string>();
  const visit = (list: readonly Node[]): void => {
    for (const node of list) {
      if (node.kind === 'text') continue;
      if (node.kind === 'block') {
        visit(node.body);
        continue;
      }
      seen.add(node.path.join('.'));
      if (node.kind === 'each') visit(node.body);
      if (node.kind === 'if') {
        visit(node.then);
        visit(node.otherwise);
      }
    }
  };
  visit(nodes);
  return [...seen].sort();
}

function walk(nodes: readonly Node[], scope: ReadonlyMap<string, Binding>): void {
  for (const node of nodes) {
    if (node.kind === 'text') continue;
    if (node.kind === 'block') {
      walk(node.body, scope);
      continue;
    }
    const spec = resolve(node.path, scope, node.line);
    if (node.kind === 'value' && spec.kind !== 'text') {
      throw new TemplateSyntaxError(node.line, `"${node.path.join('.')}" is ${spec.kind === 'list' ? 'a list: use {{#each}}' : 'a group: name one of its fields'}`);
    }
    if (node.kind === 'each') {
      if (spec.kind !== 'list') throw new TemplateSyntaxError(node.line, `"${node.path.join('.')}" is not a list`);
      const inner = new Map(scope);
      inner.set(node.as, { kind: 'object', doc: spec.doc, fields: spec.item });
      walk(node.body, inner);
    }
    if (node.kind === 'if') {
      walk(node.then, scope);
      walk(node.otherwise, scope);
    }
  }
}

function resolve(path: readonly string[], scope: ReadonlyMap<string, Binding>, line: number): VariableSpec {
  let spec = scope.get(path[0]!);
  for (let i = 1; spec && i < path.length; i++) {
    spec = spec.kind === 'object' ? spec.fields[path[i]!] : undefined;
  }
  if (!spec) {
    const known = [...scope.keys()].join(', ');
    throw new TemplateSyntaxError(line, `unknown variable "${path.join('.')}" (known: ${known})`);
  }
  return spec;
}
