/** Runs the `foley` CLI as a user does (`node bin/foley.js …`, a child process) and keeps exit code and output. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.resolve(__dirname, '..');
export const FOLEY = path.join(ROOT, 'bin/foley.js');
export const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function foley(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run('node', [FOLEY, ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
