/**
 * A pusher that talks HTTP the way a connector does: one POST per change, the idempotency key in
 * the `Idempotency-Key` header (as Xero takes it), failures classified by core/http. The provider
 * end is a nock scope or a local server in the tests; nothing of Relance is replaced.
 */
import { classifyHttpFailure, failureFromResponse } from '../../../core/http/index.ts';
import { Transient } from '../../../core/errors.ts';
import type { OutboxChange, PushResult, Pusher } from '../../../core/outbox/index.ts';

export function httpPusher(baseUrl: string): Pusher {
  return async (change: OutboxChange): Promise<PushResult> => {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/changes/${encodeURIComponent(change.entity)}/${encodeURIComponent(change.externalId ?? '-')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': change.idempotencyKey },
        body: JSON.stringify({ kind: change.kind, field: change.field, payload: change.payload }),
      });
    } catch (e) {
      return { error: new Transient(`network: ${(e as Error).message}`) };
    }
    if (response.ok) {
      await response.arrayBuffer();
      return { ok: true };
    }
    return { error: classifyHttpFailure(await failureFromResponse(response), { provider: change.provider }) };
  };
}
