#!/usr/bin/env node
// The `foley` CLI runs the TypeScript sources directly through tsx, so the CLI and the app share one engine
// without a separate build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
