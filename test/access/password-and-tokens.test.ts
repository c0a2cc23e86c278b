/** The access primitives apart from HTTP: password hashes, the failure window, portal link tokens. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, generatePassword, hashPassword, needsRehash, passwordProblem, verifyPassword } from '../../core/access/index.ts';
import { generateKeySpec, parseKeyRing } from '../../core/crypto.ts';
import { signPortalToken, verifyPortalToken } from '../../core/portal/index.ts';

const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashes', () => {
  it('verify the right password only, salted (two hashes of one password differ)', async () => {
    const a = await hashPassword('correct horse battery', CHEAP);
    const b = await hashPassword('correct horse battery', CHEAP);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  });

  it('use the memory-hard default: at least 32 MiB per hash', async () => {
    expect(128 * DEFAULT_SCRYPT.N * DEFAULT_SCRYPT.r).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    const stored = await hashPassword('a default-cost password');
    expect(stored.startsWith(`scrypt$${DEFAULT_SCRYPT.N}$${DEFAULT_SCRYPT.r}$${DEFAULT_SCRYPT.p}$`)).toBe(true);
    expect(needsRehash(stored)).toBe(false);
    expect(needsRehash(await hashPassword('x', CHEAP))).toBe(true);
  }, 20_000);

  it('refuse a hash with absurd or malformed parameters instead of allocating for it', async () => {
    const good = await hashPassword('pw-pw-pw-pw-pw', CHEAP);
    const parts = good.split('$');
    expect(await verifyPassword('pw-pw-pw-pw-pw', ['scrypt', 2 ** 30, ...parts.slice(2)].join('$'))).toBe(false);
    expect(await verifyPassword('pw-pw-pw-pw-pw', ['scrypt', 1000, ...parts.slice(2)].join('$'))).toBe(false);
    expect(await verifyPassword('pw-pw-pw-pw-pw', 'bcrypt$whatever')).toBe(false);
  });

  it('compare against a decoy when the account is unknown, and never accept', async () => {
    expect(await verifyPassword('anything', null)).toBe(false);
  }, 20_000);

  it('ask for 12 characters or more; generated ones have 20', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('long enough password')).toBeNull();
    expect(generatePassword()).toMatch(/^[\w-]{20}$/);
  });
});

describe('portal link tokens', () => {
  const ring = parseKeyRing(generateKeySpec());
  const claims = { tokenId: '3f0c1a52-8d7e-4b6a-9c1d-2e3f4a5b6c7d', expiresAt: new Date('2030-01-01T00:00:00Z') };

  it('round-trip, and stay short enough for a route parameter and an SMS', () => {
    const token = signPortalToken(ring, claims);
    expect(token.length).toBeLessThanOrEqual(100);
    expect(verifyPortalToken(ring, token, new Date('2029-12-31T23:59:59Z'))).toEqual({ ok: true, claims });
  });

  it('say why they fail: expired, bad signature, unknown key, malformed', () => {
    const token = signPortalToken(ring, claims);
    expect(verifyPortalToken(ring, token, new Date('2030-01-01T00:00:00Z'))).toEqual({ ok: false, problem: 'expired' });
    // Flip a character well inside the signature: the last base64url character also carries padding
    // bits, and changing only those leaves the decoded signature the same.
    const at = token.length - 5;
    const flipped = token.slice(0, at) + (token[at] === 'A' ? 'Q' : 'A') + token.slice(at + 1);
    expect(verifyPortalToken(ring, flipped)).toEqual({ ok: false, problem: 'bad_signature' });
    expect(verifyPortalToken(parseKeyRing(generateKeySpec().replace(/^k\d+/, 'other')), token)).toEqual({ ok: false, problem: 'unknown_key' });
    expect(verifyPortalToken(ring, 'v1.a.b')).toEqual({ ok: false, problem: 'malformed' });
  });

  it('still open after the key ring rotates, as long as the old key stays in it', () => {
    const token = signPortalToken(ring, claims);
    const [kid, key] = [...ring.keys.entries()][0]!;
    const rotated = parseKeyRing(`${generateKeySpec().replace(/^k\d+/, 'new')},${kid}:${key.toString('base64')}`);
    expect(rotated.currentId).toBe('new');
    expect(verifyPortalToken(rotated, token, new Date('2029-01-01T00:00:00Z')).ok).toBe(true);
  });
});
