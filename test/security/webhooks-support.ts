/** Shared by the webhook security tests: a key ring that counts every key lookup a decryption makes. */
import type { KeyRing } from '../../core/crypto.ts';

export class CountingKeys extends Map<string, Buffer> {
  lookups = 0;
  override get(kid: string): Buffer | undefined {
    this.lookups += 1;
    return super.get(kid);
  }
}

/** `ring` with its keys counted: `counting.lookups` grows by one per secret opened. */
export function countingRing(ring: KeyRing): { counting: CountingKeys; ring: KeyRing } {
  const counting = new CountingKeys(ring.keys);
  return { counting, ring: { currentId: ring.currentId, keys: counting } };
}
