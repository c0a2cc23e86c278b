import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main.ts';
import { runCli } from '../support/cli.ts';

// Each test spawns `relance` processes: on a loaded two-core machine a spawn takes seconds.
describe('relance usage', { timeout: 120_000 }, () => {
  it('exits 2 with one line for an unknown command', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/unknown command 'frobnicate'/);
    expect(r.stdout).toBe('');
  });

  it('exits 2 for an unknown option on a command', async () => {
    const r = await runCli(['migrate', '--frob']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--frob'/);
  });

  it('prints help for the program and for a command, exit 0', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of (await buildProgram()).commands) expect(top.stdout).toContain(cmd.name());
    const sub = await runCli(['migrate', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('Usage: relance migrate');
  });

  it('gives every command and subcommand a description and help', async () => {
    const walk = (cmd: Command, prefix: string): string[] =>
      cmd.commands.flatMap((c) => [`${prefix} ${c.name()}`, ...walk(c, `${prefix} ${c.name()}`)]);
    const program = await buildProgram();
    const names = walk(program, 'relance');
    expect(names).toEqual(expect.arrayContaining(['relance migrate', 'relance start']));
    const find = (path: string[]) => path.slice(1).reduce<Command>((c, n) => c.commands.find((x) => x.name() === n)!, program);
    for (const name of names) {
      const cmd = find(name.split(' '));
      expect(cmd.description(), name).not.toBe('');
      expect(cmd.helpInformation(), name).toContain(`Usage: ${name}`);
    }
  });

  it('names a malformed setting in one line and exits non-zero', async () => {
    const r = await runCli(['migrate'], { RELANCE_PORT: 'abc' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^relance: RELANCE_PORT: .*"abc"/);
  });

  it('names a DATABASE_URL that does not connect, without its password', async () => {
    const r = await runCli(['migrate'], { DATABASE_URL: 'postgres://relance:hunter2@127.0.0.1:1/nowhere' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/DATABASE_URL: cannot connect/);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('refuses to start in production without a secret key, before touching the database', async () => {
    const r = await runCli(['migrate'], {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://relance@127.0.0.1:1/nowhere',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/RELANCE_SECRET_KEY is required/);
  });
});
