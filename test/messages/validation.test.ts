import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFile, TemplateError } from '../../core/messages/index.ts';
import { emailSource, scratchTemplates } from './template-files.ts';

let scratch: Awaited<ReturnType<typeof scratchTemplates>>;
beforeAll(async () => {
  scratch = await scratchTemplates();
});
afterAll(() => scratch.drop());

async function refusal(channel: 'email' | 'sms' | 'letter', rel: string, text: string): Promise<TemplateError> {
  const file = await scratch.write(rel, text);
  const error = await compileFile(channel, file).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TemplateError)) throw new Error(`expected a TemplateError, got ${String(error)}`);
  return error;
}

describe('templates refused when saved, with the line', () => {
  it('accepts a valid email and lists its variables', async () => {
    const file = await scratch.write('email/ok/en.mjml', emailSource('        <mj-text>Hello {{contact.name}}, {{total}}</mj-text>'));
    const compiled = await compileFile('email', file);
    expect(compiled.variables).toEqual(['contact.name', 'customer.name', 'total']);
  });

  it('refuses an unknown variable in an email with its line', async () => {
    const error = await refusal('email', 'email/unknown/en.mjml', emailSource('        <mj-text>Hello</mj-text>\n        <mj-text>{{customer.nmae}}</mj-text>'));
    expect(error.line).toBe(9);
    expect(error.message).toMatch(/line 9: unknown variable "customer\.nmae"/);
  });

  it('refuses a loop variable used outside its loop, and a field an item does not have', async () => {
    const outside = await refusal('sms', 'sms/outside/en.txt', 'Due:\n{{#each items as item}}{{item.number}}{{/each}}\n{{item.balance}}\n');
    expect(outside.line).toBe(3);
    const field = await refusal('sms', 'sms/field/en.txt', '{{#each items as item}}\n{{item.amount}}\n{{/each}}');
    expect(field.message).toMatch(/line 2: unknown variable "item\.amount"/);
  });

  it('refuses a list used as a value and a loop over a value', async () => {
    expect((await refusal('sms', 'sms/list/en.txt', 'x\n{{items}}')).message).toMatch(/line 2: "items" is a list/);
    expect((await refusal('sms', 'sms/loop/en.txt', '{{#each total as t}}{{/each}}')).message).toMatch(/line 1: "total" is not a list/);
  });

  it('refuses broken placeholder syntax: unclosed braces, unclosed blocks, code', async () => {
    expect((await refusal('sms', 'sms/brace/en.txt', 'a\nb {{customer.name\n')).line).toBe(2);
    expect((await refusal('sms', 'sms/block/en.txt', 'a\n{{#if fees}}\nb')).message).toMatch(/line 2: \{\{#if\}\} is never closed/);
    expect((await refusal('sms', 'sms/code/en.txt', '{{ process.exit(1) }}')).message).toMatch(/line 1: "process\.exit\(1\)" is not a variable name/);
    expect((await refusal('sms', 'sms/close/en.txt', '{{#each items as i}}\n{{/if}}')).message).toMatch(/line 2: .*#each\}\} of line 1 is still open/);
  });

  it('refuses an unknown MJML element or attribute with mjml’s line', async () => {
    const tag = await refusal('email', 'email/tag/en.mjml', emailSource('        <mj-text>ok</mj-text>\n        <mj-txt>typo</mj-txt>'));
    expect(tag.line).toBe(9);
    expect(tag.message).toMatch(/mj-txt/);
    const attribute = await refusal('email', 'email/attr/en.mjml', emailSource('        <mj-text colour="red">x</mj-text>'));
    expect(attribute.line).toBe(8);
    expect(attribute.message).toMatch(/colour/);
  });

  it('refuses an unclosed MJML tag with the line it opens on (mjml itself would let it pass)', async () => {
    const error = await refusal('email', 'email/unclosed/en.mjml', emailSource('        <mj-text>one</mj-text>\n        <mj-text>two\n        <mj-text>three</mj-text>'));
    expect(error.line).toBe(9);
    expect(error.message).toMatch(/<mj-text> is not closed/);
  });

  it('refuses an email without a subject and a letter without a Subject line', async () => {
    const noTitle = emailSource('<mj-text>x</mj-text>').replace(/<mj-title>.*<\/mj-title>/, '');
    expect((await refusal('email', 'email/notitle/en.mjml', noTitle)).message).toMatch(/mj-title/);
    expect((await refusal('letter', 'letter/nosubject/en.txt', 'Dear {{contact.name}}\n')).message).toMatch(/line 1: a letter starts with a "Subject/);
  });

  it('checks the variables of an included layout part, naming that file', async () => {
    await scratch.write('email/_layout/footer.mjml', '<mj-section>\n<mj-column>\n<mj-text>{{organisation.name}}</mj-text>\n</mj-column>\n</mj-section>\n');
    const source = emailSource('        <mj-text>x</mj-text>').replace('  </mj-body>', '    <mj-include path="../_layout/footer.mjml" />\n  </mj-body>');
    const error = await refusal('email', 'email/inc/en.mjml', source);
    expect(error.file).toMatch(/footer\.mjml$/);
    expect(error.line).toBe(3);
  });
});
