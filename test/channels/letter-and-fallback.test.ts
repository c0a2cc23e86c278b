import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LetterChannel, chooseRecipient, type RecipientContact } from '../../core/channels/index.ts';
import { InvalidInput } from '../../core/errors.ts';

describe('LetterChannel', () => {
  it('returns the PDF for storage and writes it once per action when given a folder', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'relance-letters-'));
    try {
      const pdf = new TextEncoder().encode('%PDF-1.7\n%fake but PDF-headed\n');
      const channel = new LetterChannel({ directory: dir });
      const first = await channel.send({ channel: 'letter', idempotencyKey: 'action-7', pdf });
      const again = await channel.send({ channel: 'letter', idempotencyKey: 'action-7', pdf });
      expect(first.document).toBe(pdf);
      expect(again.providerMessageId).toBe(first.providerMessageId);
      expect(new Uint8Array(await readFile(path.join(dir, `${first.providerMessageId}.pdf`)))).toEqual(pdf);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses bytes that are not a PDF', async () => {
    await expect(new LetterChannel().send({ channel: 'letter', idempotencyKey: 'k', pdf: new Uint8Array([1, 2, 3]) })).rejects.toBeInstanceOf(InvalidInput);
  });
});

describe('chooseRecipient after hard bounces', () => {
  const billing: RecipientContact = { id: 'b', role: 'billing', email: 'ap@client.example', phone: '+33611111111' };
  const main: RecipientContact = { id: 'm', role: 'main', email: 'boss@client.example', phone: '+33622222222' };
  const other: RecipientContact = { id: 'o', email: 'someone@client.example' };

  it('prefers the billing contact, then main, whatever the order given', () => {
    expect(chooseRecipient({ channel: 'email', contacts: [other, main, billing], hasPostalAddress: true })).toEqual({
      channel: 'email', contact: billing, address: 'ap@client.example', fellBack: false,
    });
  });

  it('falls back to another contact when an address bounced', () => {
    const choice = chooseRecipient({ channel: 'email', contacts: [{ ...billing, emailInvalid: true }, main], hasPostalAddress: true });
    expect(choice).toMatchObject({ channel: 'email', contact: { id: 'm' }, fellBack: false });
  });

  it('falls back to SMS, then to a letter, when no email reaches anyone', () => {
    const noEmail = [{ ...billing, emailInvalid: true }, { ...main, email: null }];
    expect(chooseRecipient({ channel: 'email', contacts: noEmail, hasPostalAddress: true })).toMatchObject({
      channel: 'sms', address: '+33611111111', fellBack: true,
    });
    const nothing = [{ ...billing, emailInvalid: true, phoneInvalid: true }];
    expect(chooseRecipient({ channel: 'email', contacts: nothing, hasPostalAddress: true })).toEqual({
      channel: 'letter', contact: null, address: null, fellBack: true,
    });
    expect(chooseRecipient({ channel: 'email', contacts: nothing, hasPostalAddress: false })).toBeNull();
  });

  it('keeps to the channels the caller allows', () => {
    const noEmail = [{ ...billing, emailInvalid: true }];
    expect(chooseRecipient({ channel: 'email', contacts: noEmail, hasPostalAddress: true, fallbackChannels: ['letter'] })).toMatchObject({ channel: 'letter' });
  });
});
