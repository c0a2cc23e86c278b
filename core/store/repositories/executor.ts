/** What repositories run statements on: the store's Drizzle handle or a transaction of it. */
import type { Db } from '../db.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Functions that must be atomic over several statements ask for a `Tx`; others take either. */
export type Executor = Db | Tx;
