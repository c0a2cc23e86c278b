/** The mail catcher's pages for a person: the caught messages listed (escaped), each one's text and HTML part. */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailCatcher, type MailCatcher } from '../../sandbox/mail-catcher.ts';

let mail: MailCatcher;
beforeAll(async () => {
  mail = await startMailCatcher(0, { web: true });
});
afterAll(() => mail.close());

describe('the mail catcher root page', () => {
  it('lists the caught messages, newest first, and serves each one’s parts', async () => {
    const root = mail.webUrl!.replace(/\/messages$/, '/');
    expect(await (await fetch(root)).text()).toContain('No message caught yet');
    const transport = nodemailer.createTransport({ host: mail.host, port: mail.port, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'relances@relance.example', to: 'ap@acme.example', subject: 'Rappel <facture> 1092 — échue', text: 'Bonjour,\nvotre facture est échue.', html: '<p>Bonjour</p><script>alert(1)</script>' });
    await transport.sendMail({ from: 'relances@relance.example', to: 'billing@beta.example', subject: 'Second', text: 'second' });
    transport.close();
    const page = await (await fetch(root)).text();
    expect(page).toContain('2 message(s) caught');
    expect(page).toContain('Rappel &lt;facture&gt; 1092 — échue');
    expect(page.indexOf('billing@beta.example')).toBeLessThan(page.indexOf('ap@acme.example'));
    const text = await fetch(new URL('/messages/1.txt', root));
    expect(await text.text()).toContain('votre facture est échue.');
    const html = await fetch(new URL('/messages/1.html', root));
    expect(html.headers.get('content-security-policy')).toContain('sandbox');
    expect((await fetch(new URL('/messages/9.txt', root))).status).toBe(404);
  });
});
