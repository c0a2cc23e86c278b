/**
 * A push worker in its own process, for the kill test: pushes due outbox rows to PROVIDER_URL until
 * none is left pending or in flight, then exits 0. Run with `node --import tsx`.
 */
import { sql } from 'drizzle-orm';
import { openStore } from '../../../core/store/index.ts';
import { pushDueChanges } from '../../../core/outbox/index.ts';
import { httpPusher } from './http-pusher.ts';

const store = openStore(process.env.DATABASE_URL!, { max: 2 });
const pusher = httpPusher(process.env.PROVIDER_URL!);
const leaseMs = Number(process.env.LEASE_MS ?? 2000);
process.stdout.write('worker ready\n');
for (;;) {
  await pushDueChanges(store.db, { resolvePusher: () => pusher, leaseMs, batchSize: 2 });
  const { rows } = await store.db.execute<{ n: string }>(
    sql`SELECT count(*)::text AS n FROM outbox WHERE status IN ('pending', 'in_flight')`,
  );
  if (rows[0]!.n === '0') break;
  await new Promise((r) => setTimeout(r, 100));
}
await store.close();
process.exit(0);
