/**
 * An inbox reader as its own process, for the kill test: reads the organization's mailbox
 * (core/inbox readMailbox, the body of `inbox.read`) again and again until killed. Prints
 * "reader ready" once. Run with `node --import tsx`; DATABASE_URL, RELANCE_SECRET_KEY, ORGANIZATION_ID.
 */
import { parseKeyRing } from '../../core/crypto.ts';
import { readMailbox } from '../../core/inbox/index.ts';
import { openStore } from '../../core/store/db.ts';

const store = openStore(process.env.DATABASE_URL!, { max: 2 });
const keys = parseKeyRing(process.env.RELANCE_SECRET_KEY!);
const organizationId = process.env.ORGANIZATION_ID!;
process.stdout.write('reader ready\n');
for (;;) {
  await readMailbox({ db: store.db, keys }, organizationId);
  await new Promise((r) => setTimeout(r, 50));
}
