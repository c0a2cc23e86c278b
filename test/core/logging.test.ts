import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redact, redactText } from '../../core/logging.ts';

function capture(format: 'json' | 'pretty') {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { logger: createLogger({ format, stream, level: 'debug' }), text: () => chunks.join('') };
}

describe('logging', () => {
  it('writes JSON lines with secrets redacted at any depth', async () => {
    const { logger, text } = capture('json');
    logger.info('token refreshed', {
      connection: 7,
      accessToken: 'at-123',
      nested: { headers: { Authorization: 'Bearer abc.def', 'x-other': 'fine' }, client_secret: 'cs' },
    });
    await new Promise((r) => setImmediate(r));
    const line = JSON.parse(text().trim());
    expect(line.message).toBe('token refreshed');
    expect(line.connection).toBe(7);
    expect(line.accessToken).toBe('[redacted]');
    expect(line.nested.headers.Authorization).toBe('[redacted]');
    expect(line.nested.headers['x-other']).toBe('fine');
    expect(line.nested.client_secret).toBe('[redacted]');
    expect(text()).not.toContain('at-123');
    expect(text()).not.toContain('abc.def');
  });

  it('masks credentials inside free text and error messages', async () => {
    const { logger, text } = capture('pretty');
    logger.error('call failed: Authorization: Bearer sk_live_123 to postgres://relance:hunter2@db/x', {
      error: new Error('refresh_token=rt-999 rejected'),
    });
    await new Promise((r) => setImmediate(r));
    const out = text();
    expect(out).toContain('failed');
    for (const secret of ['sk_live_123', 'hunter2', 'rt-999']) expect(out).not.toContain(secret);
  });

  it('redacts without mutating its input and survives cycles', () => {
    const input: Record<string, unknown> = { password: 'p', ok: 1 };
    input.self = input;
    const out = redact(input) as Record<string, unknown>;
    expect(out.password).toBe('[redacted]');
    expect(out.self).toBe('[circular]');
    expect(input.password).toBe('p');
    // The OAuth state is sealed but single-use and browser-bound: a logged callback URL keeps neither it nor the code.
    expect(redactText('code=abc&state=xyz&realmId=1')).toBe('code=[redacted]&state=[redacted]&realmId=1');
  });
});
