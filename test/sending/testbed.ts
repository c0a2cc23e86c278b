/** The send tests' world: a fresh database, the in-process SMTP sink, and an SMTP channel to it. */
import { SmtpChannel } from '../../core/channels/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

export interface SendTestbed {
  t: TestDatabase;
  sink: SmtpSink;
  smtp: SmtpChannel;
}

export async function openSendTestbed(): Promise<SendTestbed> {
  const t = await createTestDatabase();
  const sink = await startSmtpSink();
  const smtp = new SmtpChannel({ host: '127.0.0.1', port: sink.port, from: { address: 'relances@atelier-dupont.example' }, timeoutMs: 5000 });
  return { t, sink, smtp };
}

/** Closes what `openSendTestbed` opened, whatever part of it a failed start left. */
export async function closeSendTestbed(bed: Partial<SendTestbed>): Promise<void> {
  await bed.smtp?.close();
  await bed.sink?.close();
  await bed.t?.drop();
}
