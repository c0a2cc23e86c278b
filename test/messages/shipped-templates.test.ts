import { describe, expect, it } from 'vitest';
import { CHANNELS, compileFile, listTemplates, renderMessage, sampleMessageInput, templateFile } from '../../core/messages/index.ts';

const STEPS = ['courtesy', 'reminder-1', 'reminder-2', 'formal-notice', 'final-notice'];
const LANGUAGES = ['fr', 'en'];

describe('shipped templates', async () => {
  const refs = await listTemplates();

  it('cover every default step by email and SMS, formal and final notices by letter, in French and English', () => {
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
