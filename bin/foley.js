#!/usr/bin/env node
// The `foley` CLI runs built JavaScript (scripts/build-cli.js, .cache/cli/), so a command starts without transpiling
// TypeScript. The build is checked against its sources at every start and rebuilt when any is newer, so an edited
// source is never run stale; tsx runs the sources only when no build can be made (esbuild missing, folder read-only).
import { buildCli, CLI_ENTRY, isCliBuildFresh } from '../scripts/build-cli.js';

async function loadMain() {
  try {
    if (!isCliBuildFresh()) await buildCli();
    return (await import(CLI_ENTRY)).main;
  } catch {
    const { register } = await import('tsx/esm/api');
    register();
    return (await import('../src/cli/main.ts')).main;
  }
}

const main = await loadMain();
process.exitCode = await main(process.argv.slice(2));
