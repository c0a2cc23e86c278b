#!/usr/bin/env node
// The `relance` command runs the TypeScript sources directly through tsx, so that `npx relance`
// works right after `npm install` with no build step to remember.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
