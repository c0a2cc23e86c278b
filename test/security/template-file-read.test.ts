/**
 * The file-read hole through organization templates, attacked over HTTP: every include form mjml
 * knows (`type` mjml, css, html), absolute and relative paths, through the layout folder, upper-case, single
 * quotes, through preview and through save. A secret file is planted outside the templates folder
 * with a marker; no answer may carry the marker, each is a 4xx JSON naming `source`, and nothing is
 * saved. Previewing a custom source needs the right to edit templates.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATES_ROOT } from '../../core/messages/index.ts';
import { http, isJsonRefusal, rowCounts, serveWorld, type Served } from './support.ts';

const MARKER = 'SECRET-MARKER-7f3a9c';
// Made when the file is collected: the attack list below is built from these paths.
const dir = mkdtempSync(path.join(tmpdir(), 'relance-secret-'));
// Each shaped so that the old code would have pasted it into the preview.
const files = { mjml: path.join(dir, 'part.mjml'), css: path.join(dir, 'style.css'), html: path.join(dir, 'page.html') };
let s: Served;
beforeAll(async () => {
  s = await serveWorld();
  writeFileSync(files.mjml, `<mj-section><mj-column><mj-text>${MARKER}</mj-text></mj-column></mj-section>`);
  writeFileSync(files.css, `.${MARKER} { color: red; }`);
  writeFileSync(files.html, `<p>${MARKER}</p>`);
}, 60_000);
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const shipped = readFileSync(path.join(TEMPLATES_ROOT, 'email/reminder-1/en.mjml'), 'utf8');
const url = () => `${s.url}/api/organizations/${s.w.orgA}/templates/email/reminder-1/en`;
const relative = (file: string) => path.relative(path.join(TEMPLATES_ROOT, 'email/reminder-1'), file);

function attacks(): [string, string][] {
  const out: [string, string][] = [];
  for (const type of ['mjml', 'css', 'html'] as const) {
    const file = files[type];
    const attr = type === 'mjml' ? '' : ` type="${type}"`;
    out.push([`${type}, absolute`, `<mj-include path="${file}"${attr} />`]);
    out.push([`${type}, relative`, `<mj-include path="${relative(file)}"${attr} />`]);
    out.push([`${type}, through the layout folder`, `<mj-include path="../_layout/${path.relative(path.join(TEMPLATES_ROOT, 'email/_layout'), file)}"${attr} />`]);
    out.push([`${type}, single quotes, type first`, `<mj-include${attr.replaceAll('"', "'")} path='${file}'/>`]);
    out.push([`${type}, upper case`, `<MJ-INCLUDE path="${file}"${attr} />`]);
  }
  out.push(['a system file', '<mj-include path="/etc/passwd" type="html" />']);
  out.push(['the process environment', '<mj-include path="/proc/self/environ" type="css" />']);
  return out;
}

/** The shipped source with one more include in its body (the head part is for mj-head, so the body is where mjml reads it). */
const withInclude = (include: string) => shipped.replace('<mj-include path="../_layout/footer.mjml" />', `<mj-include path="../_layout/footer.mjml" />\n    ${include}`);

describe('includes in an organization source', () => {
  it.each(attacks())('reads no file through preview or save: %s', async (_name, include) => {
    const before = await rowCounts(s.w, ['template_overrides', 'activities']);
    const source = withInclude(include);
    const preview = await http(`${url()}/preview`, { body: { source }, headers: s.w.as('adminA') });
    const save = await http(url(), { method: 'PUT', body: { source }, headers: s.w.as('adminA') });
    for (const answer of [preview, save]) {
      expect(answer.body).not.toContain(MARKER);
      expect(answer.body).not.toContain('root:x:0:0');
      expect(answer.status, answer.body).toBe(400);
      expect(isJsonRefusal(answer)).toBe(true);
      expect(answer.json().error!.field).toBe('source');
    }
    expect(await rowCounts(s.w, ['template_overrides', 'activities'])).toEqual(before);
  });

  it('still accepts the shipped layout parts, written as the shipped templates write them', async () => {
    const source = shipped.replace('<mj-title>Reminder:', '<mj-title>Please note:');
    const preview = await http(`${url()}/preview`, { body: { source }, headers: s.w.as('adminA') });
    expect(preview.status, preview.body).toBe(200);
    expect(String(preview.json().html)).toContain('F-2026-014');
    const missing = await http(`${url()}/preview`, { body: { source: withInclude('<mj-include path="../_layout/nope.mjml" />') }, headers: s.w.as('adminA') });
    expect(missing.status).toBe(400);
    expect(missing.json().error!.message).toMatch(/^source: line \d+: included layout part nope\.mjml does not exist/);
  });

  it('lets only a member who may edit templates preview a source', async () => {
    for (const who of ['viewerA', 'collectorA'] as const) {
      const res = await http(`${url()}/preview`, { body: { source: shipped }, headers: s.w.as(who) });
      expect(res.status).toBe(403);
      expect(isJsonRefusal(res)).toBe(true);
    }
    // Another organization's admin: the organization does not exist for them.
    expect((await http(`${url()}/preview`, { body: { source: shipped }, headers: s.w.as('adminB') })).status).toBe(404);
  });
});
