/**
 * MJML validation with lines. mjml's own strict validation names the line of an unknown element or
 * attribute, but its parser silently closes an unclosed tag; the balance check here catches that
 * first, so that a broken template is refused with the line instead of rendering half a layout.
 */
import mjml2html from 'mjml';
import path from 'node:path';
import { TemplateError } from './template-error.ts';

const TAG = /<(\/?)(mjml|mj-[a-z-]+)\b((?:"[^"]*"|'[^']*'|[^'">])*?)(\/?)>/g;

/** Throws `TemplateError` at the line of the first unclosed or mismatched MJML tag. */
export function checkTagBalance(source: string, file: string): void {
  // Comments may hold anything; blank them but keep their newlines so lines still count right.
  const text = source.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
  const stack: { name: string; line: number }[] = [];
  let line = 1;
  let last = 0;
  for (const m of text.matchAll(TAG)) {
    line += countNewlines(text.slice(last, m.index));
    last = m.index;
    const [, closing, name, , selfClosing] = m as unknown as [string, string, string, string, string];
    if (selfClosing) continue;
    if (!closing) {
      stack.push({ name, line });
      continue;
    }
    const open = stack.pop();
    if (!open) throw new TemplateError(file, line, `</${name}> closes nothing`);
    if (open.name !== name) {
      throw new TemplateError(file, open.line, `<${open.name}> is not closed (found </${name}> at line ${line})`);
    }
  }
  const open = stack.pop();
  if (open) throw new TemplateError(file, open.line, `<${open.name}> is not closed`);
}

interface MjmlIssue {
  line: number;
  message: string;
  formattedMessage?: string;
}

/**
 * Compiles MJML with strict validation; `mj-include` paths resolve from the file's folder.
 * Errors carry the file and line mjml reports (an included layout file names itself).
 */
export async function compileMjml(source: string, file: string, untrusted?: { origin: (line: number) => { file: string; line: number } }): Promise<string> {
  let result: { html: string; errors: MjmlIssue[] };
  // An organization's source (layout-includes.ts): includes already expanded, mjml reads no file.
  const at = (issue: MjmlIssue) => (untrusted ? untrusted.origin(issue.line) : { file: fileOf(issue, file), line: issue.line });
  try {
    // mjml 4 answers synchronously, its typings (and mjml 5) a promise: awaiting serves both.
    result = (await mjml2html(source, { validationLevel: 'strict', filePath: file, keepComments: false, ignoreIncludes: Boolean(untrusted) })) as unknown as typeof result;
  } catch (e) {
    const issues = (e as { errors?: MjmlIssue[] }).errors;
    const first = issues?.[0];
    if (first) throw new TemplateError(at(first).file, at(first).line, first.message, issues.length - 1);
    throw new TemplateError(file, 1, `not MJML: ${(e as Error).message}`);
  }
  const first = result.errors[0];
  if (first) throw new TemplateError(at(first).file, at(first).line, first.message, result.errors.length - 1);
  return result.html;
}

/** mjml names an included file in its formatted message only: "Line 3 of /x/footer.mjml, included at …". */
function fileOf(issue: MjmlIssue, file: string): string {
  const m = /^Line \d+ of (.+?), included at/.exec(issue.formattedMessage ?? '');
  return m ? path.resolve(m[1]!) : file;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
