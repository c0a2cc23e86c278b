/**
 * `relance template validate FILE` checks a template as saving it would (placeholders against the
 * variable model, MJML strict validation), naming the line of the first problem.
 * `relance template preview` renders a shipped template with sample data.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidInput } from '../../core/errors.ts';
import {
  CHANNELS,
  TEMPLATES_ROOT,
  compileFile,
  languagesOf,
  refOfFile,
  renderMessage,
  sampleMessageInput,
  type MessageChannel,
  type RenderedMessage,
} from '../../core/messages/index.ts';

interface ValidateOptions {
  channel?: string;
}

interface PreviewOptions {
  name: string;
  language: string;
  channel: string;
  output?: string;
  templates?: string;
}

const HELP = `
Templates live in templates/email/<name>/<language>.mjml (MJML; the subject is <mj-title>),
templates/sms/<name>/<language>.txt and templates/letter/<name>/<language>.txt (first line "Subject: …").
Placeholders: {{customer.name}}, {{#each items as item}}…{{/each}}, {{#if fees}}…{{else}}…{{/if}}.

validate prints {"file","valid":true,"channel","name","language","variables"}; a refused template
exits 1 with one line naming the file and the line.
preview prints {"name","channel","language","locale","subject","text","html"} (html for email);
with --output it writes the HTML, the SMS text or the letter PDF there and prints "output" instead.`;

export function registerTemplate(program: Command): void {
  const template = program.command('template').description('validate and preview message templates').addHelpText('after', HELP);
  template
    .command('validate')
    .description('check a template file: variables, placeholders and MJML, with the line of the first problem')
    .argument('<file>', 'the template file')
    .option('--channel <channel>', `the channel (${CHANNELS.join(', ')}) when the path does not say it`)
    .action(async (file: string, options: ValidateOptions) => {
      process.stdout.write(`${JSON.stringify(await validate(file, options), null, 2)}\n`);
    });
  template
    .command('preview')
    .description('render a template with sample data')
    .requiredOption('--name <name>', 'template name (courtesy, reminder-1, …)')
    .requiredOption('--language <language>', 'language (fr, en, …)')
    .option('--channel <channel>', `channel (${CHANNELS.join(', ')})`, 'email')
    .option('--output <file>', 'write the HTML, SMS text or letter PDF to this file')
    .option('--templates <dir>', 'another templates folder')
    .action(async (options: PreviewOptions) => {
      process.stdout.write(`${JSON.stringify(await preview(options), null, 2)}\n`);
    });
}

function channelOf(text: string, field: string): MessageChannel {
  if (!(CHANNELS as readonly string[]).includes(text)) {
    throw new InvalidInput(`${field}: "${text}" is not a channel (${CHANNELS.join(', ')})`, { field });
  }
  return text as MessageChannel;
}

async function validate(file: string, options: ValidateOptions): Promise<Record<string, unknown>> {
  const ref = options.channel ? null : refOfFile(file);
  const channel = options.channel ? channelOf(options.channel, '--channel') : ref!.channel;
  const compiled = await compileFile(channel, file);
  return {
    file,
    valid: true,
    channel,
    name: ref?.name ?? null,
    language: ref?.language ?? null,
    variables: compiled.variables,
  };
}

async function preview(options: PreviewOptions): Promise<Record<string, unknown>> {
  const channel = channelOf(options.channel, '--channel');
  const root = options.templates ? path.resolve(options.templates) : TEMPLATES_ROOT;
  const available = await languagesOf(channel, options.name, root);
  if (available.length === 0) throw new InvalidInput(`--name: no ${channel} template "${options.name}"`, { field: 'name' });
  if (!available.includes(options.language)) {
    throw new InvalidInput(`--language: ${channel} template "${options.name}" has no "${options.language}" (has: ${available.join(', ')})`, {
      field: 'language',
    });
  }
  const message = await renderMessage(sampleMessageInput(options.name, channel, options.language), { root });
  const shown = describe(message);
  if (!options.output) {
    if (message.channel === 'email') return { ...shown, html: message.html };
    if (message.channel === 'letter') return { ...shown, pdfBytes: message.pdf.length };
    return shown;
  }
  const content = message.channel === 'email' ? message.html : message.channel === 'letter' ? message.pdf : message.text;
  try {
    await writeFile(options.output, content);
  } catch (e) {
    throw new InvalidInput(`--output ${options.output}: cannot write: ${(e as Error).message}`, { field: 'output' });
  }
  return { ...shown, output: options.output };
}

function describe(message: RenderedMessage): Record<string, unknown> {
  return {
    name: message.templateName,
    channel: message.channel,
    language: message.language,
    locale: message.locale,
    subject: message.channel === 'sms' ? null : message.subject,
    text: message.text,
  };
}
