import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileAtomic } from './output-file';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'foley-output-file-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openFileAtomic', () => {
  it('writes pieces (and a header completed at the end) to a temporary sibling, renamed over the target on commit', async () => {
    const file = path.join(dir, 'out.wav');
    await writeFile(file, 'old take');
    const out = await openFileAtomic(file);
    await out.write(new Uint8Array([0, 0]));
    await out.write(new TextEncoder().encode('body'));
    // The old file stays whole while the new one is written.
    expect(await readFile(file, 'utf8')).toBe('old take');
    await out.write(new TextEncoder().encode('HD'), 0);
    await out.commit();
    await out.abort();
    expect(await readFile(file, 'utf8')).toBe('HDbody');
    expect(await readdir(dir)).toEqual(['out.wav']);
  });

  it('leaves the target untouched and no temporary file when aborted', async () => {
    const file = path.join(dir, 'kept.wav');
    await writeFile(file, 'the user\'s take');
    const out = await openFileAtomic(file);
    await out.write(new TextEncoder().encode('half a generation'));
    await out.abort();
    expect(await readFile(file, 'utf8')).toBe('the user\'s take');
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
