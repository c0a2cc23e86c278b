#!/usr/bin/env node
// The `relance` command runs the TypeScript sources directly through tsx, so that `npx relance`
// works right after `npm install` with no build step to remember.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv);
// Exit explicitly: a library's idle socket or timer must not keep a finished command alive.
// Writes to stdout/stderr are synchronous for files, pipes and terminals on Linux, so nothing is lost.
process.exit(code);
