/**
 * A throw-away dovecot for the inbox tests: its own configuration in a temp folder, local users
 * with plain passwords, Maildirs under that folder, IMAP and LMTP on free loopback ports,
 * plus-addressing (`relances+token@…` is delivered to `relances`). Mail goes in over LMTP, the
 * way a mail server hands it over. Stopped (and its folder removed) by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface Dovecot {
  imapPort: number;
  lmtpPort: number;
  dir: string;
  /** Delivers a raw message to `to` over LMTP. */
  deliver(raw: string | Buffer, to: string, from?: string): Promise<void>;
  stop(): Promise<void>;
}

export const DOVECOT_BIN = '/usr/sbin/dovecot';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
      s.connect(port, '127.0.0.1');
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`dovecot did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts dovecot with the users given (name → password); `extraConfig` is appended to its configuration (e.g. a narrower imap_capability). */
export async function startDovecot(users: Record<string, string>, options: { extraConfig?: string } = {}): Promise<Dovecot> {
  const dir = mkdtempSync(path.join(tmpdir(), 'relance-dovecot-'));
  chmodSync(dir, 0o755);
  for (const d of ['run', 'state', 'home']) mkdirSync(path.join(dir, d));
  // Mail is stored as nobody: dovecot refuses root as a mail user.
  chownSync(path.join(dir, 'home'), 65534, 65534);
  const [imapPort, lmtpPort] = [await freePort(), await freePort()];
  writeFileSync(path.join(dir, 'passwd'), Object.entries(users).map(([u, p]) => `${u}:{PLAIN}${p}`).join('\n') + '\n');
  writeFileSync(path.join(dir, 'dovecot.conf'), `
protocols = imap lmtp
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = relance-test-${path.basename(dir)}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
auth_username_format = %Ln
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${dir}/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=${dir}/home/%n
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
  unix_listener lmtp {
    mode = 0600
  }
}
service auth {
  unix_listener auth-userdb {
    mode = 0600
  }
}
${options.extraConfig ?? ''}
`);
  const child: ChildProcess = spawn(DOVECOT_BIN, ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  await Promise.all([waitForPort(imapPort, 10_000), waitForPort(lmtpPort, 10_000)]);
  const lmtp = nodemailer.createTransport({ host: '127.0.0.1', port: lmtpPort, lmtp: true, secure: false, ignoreTLS: true, pool: true, maxConnections: 4 });
  return {
    imapPort, lmtpPort, dir,
    async deliver(raw, to, from = 'mailer-daemon@relance.test') {
      await lmtp.sendMail({ envelope: { from, to: [to] }, raw });
    },
    async stop() {
      lmtp.close();
      const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
