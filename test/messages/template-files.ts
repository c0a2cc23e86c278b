/** A scratch templates folder for validation tests. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function scratchTemplates(): Promise<{ root: string; write: (rel: string, text: string) => Promise<string>; drop: () => Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'relance-templates-'));
  return {
    root,
    async write(rel, text) {
      const file = path.join(root, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      return file;
    },
    drop: () => rm(root, { recursive: true, force: true }),
  };
}

/** A minimal valid email template; `body` goes inside the one column. */
export function emailSource(body: string, title = 'Reminder for {{customer.name}}'): string {
  return ['<mjml>', '  <mj-head>', `    <mj-title>${title}</mj-title>`, '  </mj-head>', '  <mj-body>', '    <mj-section>', '      <mj-column>', body, '      </mj-column>', '    </mj-section>', '  </mj-body>', '</mjml>', ''].join('\n');
}
