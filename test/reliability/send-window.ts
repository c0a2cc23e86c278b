/**
 * Where each duplicate of a send trial came from, told from the SMTP server's side alone
 * (test/sending/smtp-sink.ts times each copy's final dot and 250 and when its connection ended —
 * a killed sender's connections end at once). For the first copy of every action sent twice:
 * - **server window**: the sender's connection was gone before the 250 (killed between the final
 *   dot and the server's reply): the server's reply delay, which no client can shorten;
 * - **client window**: the 250 went out to a live sender, which died before its acceptance was
 *   recorded: the client's part, from the 250 to the acceptance statement leaving the worker
 *   (`clientWindowMaxMs`: the longest such 250-to-end-of-connection);
 * - **no crash near it**: the connection lived on for longer than `NEAR_MS` after the 250: not a
 *   kill's duplicate (a live claim taken over).
 */
import type { SinkMessage } from '../sending/smtp-sink.ts';

/** A connection ending this long after a copy's 250 is the crash that duplicated it. */
const NEAR_MS = 1000;

export interface DuplicateOrigins {
  duplicates: number;
  serverWindow: number;
  clientWindow: number;
  noCrashNear: number;
  /** The longest time from a client-window duplicate's first 250 to its sender's death, ms. */
  clientWindowMaxMs: number;
}

/**
 * Classifies the duplicates among `accepted` (the copies answered 250, in order), by their
 * X-Relance-Action key. With `killedAt` (when each SIGKILL was sent, same clock), a first copy's
 * kill is the first one at or after its final dot; without, the end of its connection as the sink
 * saw it — later than the kill by the sink's own latency (tens of ms under load), so then a kill
 * just before a 250 can pass for one just after it.
 */
export function duplicateOrigins(accepted: readonly SinkMessage[], killedAt?: readonly number[]): DuplicateOrigins {
  const copies = new Map<string, SinkMessage[]>();
  for (const m of accepted) {
    const key = m.headers.get('x-relance-action');
    if (key) copies.set(key, [...(copies.get(key) ?? []), m]);
  }
  const o: DuplicateOrigins = { duplicates: 0, serverWindow: 0, clientWindow: 0, noCrashNear: 0, clientWindowMaxMs: 0 };
  for (const list of copies.values()) {
    const extra = list.length - 1;
    if (extra <= 0) continue;
    o.duplicates += extra;
    const first = list[0]!;
    const closedAt = killedAt ? (killedAt.find((k) => k >= first.dataAt) ?? null) : first.connection.closedAt;
    const answeredAt = first.answeredAt ?? first.dataAt;
    if (closedAt !== null && closedAt <= answeredAt) o.serverWindow += extra;
    else if (closedAt !== null && closedAt - answeredAt <= NEAR_MS) {
      o.clientWindow += extra;
      o.clientWindowMaxMs = Math.max(o.clientWindowMaxMs, Math.round((closedAt - answeredAt) * 100) / 100);
    } else o.noCrashNear += extra;
  }
  return o;
}

/** Sums trials' origins. */
export function sumOrigins(all: readonly DuplicateOrigins[]): DuplicateOrigins {
  return all.reduce((s, o) => ({
    duplicates: s.duplicates + o.duplicates, serverWindow: s.serverWindow + o.serverWindow, clientWindow: s.clientWindow + o.clientWindow,
    noCrashNear: s.noCrashNear + o.noCrashNear, clientWindowMaxMs: Math.max(s.clientWindowMaxMs, o.clientWindowMaxMs),
  }), { duplicates: 0, serverWindow: 0, clientWindow: 0, noCrashNear: 0, clientWindowMaxMs: 0 });
}
