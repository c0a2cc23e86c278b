/** The console messages of the letter pages: every English key has its French text, and none is left empty. */
import { describe, expect, it } from 'vitest';
// @ts-expect-error browser module without types
import { LETTERS } from '../../server/console/static/js/messages/letters.js';

describe('letters console messages', () => {
  it('has the same keys in English and French, each with a text', () => {
    expect(Object.keys(LETTERS.fr).sort()).toEqual(Object.keys(LETTERS.en).sort());
    for (const catalog of [LETTERS.en, LETTERS.fr]) for (const text of Object.values(catalog as Record<string, string>)) expect(String(text).trim()).not.toBe('');
  });
});
