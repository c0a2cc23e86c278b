/**
 * `relance user add --email E --role R --organization O [--password-stdin]`: makes a console
 * user (or gives an existing one the role) in an organization given by id or name. The password is
 * read from stdin, or generated and printed once in the JSON output; only its scrypt hash is kept.
 */
import type { Command } from 'commander';
import { eq } from 'drizzle-orm';
import {
  createUser, findUserByEmail, generatePassword, grantMembership, loadMemberships, normalizeEmail, parseRole, recordAudit, setPassword, setUserDisabled,
} from '../../core/access/index.ts';
import { InvalidInput } from '../../core/errors.ts';
import type { Db } from '../../core/store/index.ts';
import { organizations } from '../../core/store/schema/index.ts';
import { openRuntime } from '../runtime.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is the shell's (`echo pw |`), not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function findOrganization(db: Db, given: string): Promise<{ id: string; name: string }> {
  const where = UUID.test(given) ? eq(organizations.id, given) : eq(organizations.name, given);
  const rows = await db.select({ id: organizations.id, name: organizations.name }).from(organizations).where(where).limit(2);
  if (rows.length === 0) throw new InvalidInput(`--organization: no organization "${given}"`, { field: 'organization' });
  if (rows.length > 1) throw new InvalidInput(`--organization: several organizations are named "${given}"; give its id`, { field: 'organization' });
  return rows[0]!;
}

interface AddOptions {
  email: string;
  role: string;
  organization: string;
  passwordStdin?: boolean;
  assignedOnly?: boolean;
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('console users and their roles');
  user
    .command('add')
    .description('add a user with a role in an organization (password from stdin, or generated and printed once)')
    .requiredOption('--email <email>', 'the login email')
    .requiredOption('--role <role>', 'admin, collector or viewer')
    .requiredOption('--organization <id|name>', 'the organization')
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .option('--assigned-only', 'see only the customers assigned to this user')
    .action(async (opts: AddOptions) => {
      const email = normalizeEmail(opts.email);
      const role = parseRole(opts.role);
      // Read before touching the store: a bad password fails with nothing written.
      const password = opts.passwordStdin ? await readStdin() : null;
      const rt = await openRuntime({ migrate: true });
      try {
        const db = rt.store.db;
        const org = await findOrganization(db, opts.organization);
        const result = await db.transaction(async (tx) => {
          const existing = await findUserByEmail(tx, email);
          const generated = existing || password !== null ? null : generatePassword();
          const account = existing ?? (await createUser(tx, { email, password: password ?? generated }));
          // An existing user with a password on stdin: this is a reset, by someone with the server's keys.
          if (existing && password !== null) await setPassword(tx, existing.id, password);
          await grantMembership(tx, { userId: account.id, organizationId: org.id, role, assignedOnly: opts.assignedOnly ?? false });
          await recordAudit(tx, { organizationId: org.id, actor: 'cli', kind: 'audit.membership.grant', payload: { userId: account.id, role } });
          return { id: account.id, email, role, organizationId: org.id, created: !existing, password: generated };
        });
        process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      } finally {
        await rt.store.close();
      }
    });

  for (const verb of ['disable', 'enable'] as const) {
    user
      .command(verb)
      .description(verb === 'disable' ? 'disable a user: their sessions end and their API keys are revoked at once' : 'let a disabled user log in again')
      .requiredOption('--email <email>', 'the login email')
      .action(async (opts: { email: string }) => {
        const email = normalizeEmail(opts.email);
        const rt = await openRuntime({ migrate: true });
        try {
          const result = await rt.store.db.transaction(async (tx) => {
            const existing = await findUserByEmail(tx, email);
            if (!existing) throw new InvalidInput(`--email: no user ${email}`, { field: 'email' });
            const updated = await setUserDisabled(tx, existing.id, verb === 'disable');
            for (const m of await loadMemberships(tx, existing.id)) {
              await recordAudit(tx, { organizationId: m.organizationId, actor: 'cli', kind: `audit.user.${verb}`, payload: { userId: existing.id } });
            }
            return { id: updated.id, email: updated.email, disabled: updated.disabled };
          });
          process.stdout.write(JSON.stringify(result, null, 2) + '\n');
        } finally {
          await rt.store.close();
        }
      });
  }
}
