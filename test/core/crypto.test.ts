import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptSecret,
  encryptSecret,
  keyIdOf,
  parseKeyRing,
  reencryptSecret,
  resolveKeyRing,
} from '../../core/crypto.ts';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('hex');

describe('secrets at rest', () => {
  it('round-trips and hides the plaintext', () => {
    const ring = parseKeyRing(`one:${k1}`);
    const token = 'eyJhbGciOi.refresh-token-value';
    const sealed = encryptSecret(ring, token, 'connection:7');
    expect(sealed).not.toContain(token);
    expect(sealed).not.toContain(Buffer.from(token).toString('base64'));
    expect(keyIdOf(sealed)).toBe('one');
    expect(decryptSecret(ring, sealed, 'connection:7')).toBe(token);
  });

  it('uses a fresh IV every time', () => {
    const ring = parseKeyRing(`one:${k1}`);
    expect(encryptSecret(ring, 'same', 'c')).not.toBe(encryptSecret(ring, 'same', 'c'));
  });

  it('keeps old secrets readable after a key rotation, and re-encrypts them under the new key', () => {
    const before = parseKeyRing(`one:${k1}`);
    const sealed = encryptSecret(before, 'tok', 'connection:1');
    const after = parseKeyRing(`two:${k2},one:${k1}`);
    expect(after.currentId).toBe('two');
    expect(decryptSecret(after, sealed, 'connection:1')).toBe('tok');
    const moved = reencryptSecret(after, sealed, 'connection:1');
    expect(keyIdOf(moved)).toBe('two');
    expect(decryptSecret(parseKeyRing(`two:${k2}`), moved, 'connection:1')).toBe('tok');
  });

  it('refuses a tampered ciphertext, one moved to another record, and a retired key', () => {
    const ring = parseKeyRing(`one:${k1}`);
    const sealed = encryptSecret(ring, 'tok', 'connection:1');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[4] = body.toString('base64url');
    expect(() => decryptSecret(ring, parts.join('.'), 'connection:1')).toThrow(/does not decrypt/);
    expect(() => decryptSecret(ring, sealed, 'connection:2')).toThrow(/does not decrypt/);
    expect(() => decryptSecret(parseKeyRing(`two:${k2}`), sealed, 'connection:1')).toThrow(/key "one"/);
  });

  it('rejects malformed key specifications with the reason', () => {
    expect(() => parseKeyRing('short:abc')).toThrow(/32 bytes/);
    expect(() => parseKeyRing(`a:${k1},a:${k1}`)).toThrow(/appears twice/);
    expect(() => parseKeyRing(`bad id!:${k1}`)).toThrow(/key id/);
    expect(parseKeyRing(k1).currentId).toMatch(/^[0-9a-f]{8}$/);
  });

  it('refuses to run in production without a key', () => {
    expect(() => resolveKeyRing({ secretKey: null, env: 'production', dataDir: '/nonexistent' })).toThrow(
      /RELANCE_SECRET_KEY is required/,
    );
  });

  it('generates a key file with 0600 permissions in the data directory, and reuses it', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'relance-key-')), 'data');
    const first = resolveKeyRing({ secretKey: null, env: 'development', dataDir: dir });
    const file = path.join(dir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^k\d{8}:/);
    const second = resolveKeyRing({ secretKey: null, env: 'development', dataDir: dir });
    const sealed = encryptSecret(first, 'x', 'c');
    expect(decryptSecret(second, sealed, 'c')).toBe('x');
  });
});
