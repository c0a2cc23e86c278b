/** The document a letter action left as (its PDF), kept so that it can be downloaded after sending. */
import { char, customType, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { actions } from './dunning.ts';
import { organizations } from './organizations.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const actionDocuments = pgTable(
  'action_documents',
  {
    actionId: uuid('action_id')
      .primaryKey()
      .references(() => actions.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    contentType: text('content_type').notNull().default('application/pdf'),
    content: bytea('content').notNull(),
    sha256: char('sha256', { length: 64 }).notNull(),
    providerMessageId: text('provider_message_id'),
    createdAt: createdAt(),
  },
  (t) => [index('action_documents_org_idx').on(t.organizationId)],
);
