import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { ledgerFileShape } from '../../core/ledger/schema.ts';
import {
  CHANNELS,
  TEMPLATES_ROOT,
  compileFile,
  languagesOf,
  listTemplates,
  renderMessage,
  sampleMessageInput,
  templateFile,
} from '../../core/messages/index.ts';

const STEPS = ['courtesy', 'reminder-1', 'reminder-2', 'formal-notice', 'final-notice'];
const LANGUAGES = ['fr', 'en', 'es', 'de'];

describe('shipped templates', async () => {
  const refs = await listTemplates();

  it('cover every default step by email and SMS, formal and final notices by letter, in French, English, Spanish and German', () => {
    const has = (channel: string, name: string, language: string): boolean =>
      refs.some((r) => r.channel === channel && r.name === name && r.language === language);
    for (const name of STEPS) {
      for (const language of LANGUAGES) {
        expect(has('email', name, language), `email ${name} ${language}`).toBe(true);
        expect(has('sms', name, language), `sms ${name} ${language}`).toBe(true);
      }
    }
    for (const name of ['formal-notice', 'final-notice']) for (const language of LANGUAGES) expect(has('letter', name, language)).toBe(true);
    // Every template exists in every language the set ships: no step silently falls back.
    for (const ref of refs) for (const language of LANGUAGES) expect(has(ref.channel, ref.name, language), `${ref.channel}/${ref.name}/${language}`).toBe(true);
    expect(new Set(refs.map((r) => r.channel))).toEqual(new Set(CHANNELS));
  });

  it.each(refs.map((r) => [`${r.channel}/${r.name}/${r.language}`, r] as const))('%s validates and renders with no placeholder left', async (_label, ref) => {
    await compileFile(ref.channel, templateFile(ref));
    const m = await renderMessage(sampleMessageInput(ref.name, ref.channel, ref.language));
    expect(m.language).toBe(ref.language);
    const text = m.channel === 'email' ? m.subject + m.html + m.text : m.text;
    expect(text).not.toContain('{{');
    expect(text).toContain(m.channel === 'sms' ? 'Atelier Dupont SAS' : 'Boulangerie Martin');
    if (m.channel === 'sms') expect(m.text.length).toBeLessThanOrEqual(320);
    if (m.channel === 'letter') expect(Buffer.from(m.pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
  });
});

describe('default scenarios (templates/scenarios/defaults.json)', async () => {
  const file = JSON.parse(await readFile(`${TEMPLATES_ROOT}/scenarios/defaults.json`, 'utf8')) as { scenarios: unknown };

  it('ship gentle, standard and firm B2B in the ledger file’s scenario shape', () => {
    const scenarios = ledgerFileShape.shape.scenarios.parse(file.scenarios) ?? [];
    expect(scenarios.map((s) => s.name).sort()).toEqual(['firm-b2b', 'gentle', 'standard']);
  });

  it('name, for every message step, a template of that channel in every shipped language', async () => {
    const scenarios = ledgerFileShape.shape.scenarios.parse(file.scenarios) ?? [];
    for (const step of scenarios.flatMap((s) => s.steps)) {
      if (step.action !== 'email' && step.action !== 'sms' && step.action !== 'letter') continue;
      expect(await languagesOf(step.action, step.template), `${step.action}/${step.template}`).toEqual(['de', 'en', 'es', 'fr']);
    }
  });
});
