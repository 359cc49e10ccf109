/**
 * More sampler steps than the pack's `sampler.maxSteps` (the most it samples correctly with) are refused where the
 * user asks for them: the CLI with one line and a non-zero exit, the app before it starts a job. The engine's own
 * refusal is src/engine/sampling/generate.test.ts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foley, ROOT } from './cli-runner';
import { makeVideo } from './fixtures';
import { openVideo, withBrowser } from './app-driver';
import { fileFromDisk, startServer, type AppServer } from './harness';

const TEST_PACK = path.join(ROOT, 'public/models/foley-test');
let scratch: string;
let clip: string;
let maxSteps: number;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'foley-steps-'));
  clip = await makeVideo({ path: path.join(scratch, 'clip.mp4'), durationSec: 1, width: 128, height: 96, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' });
  maxSteps = (JSON.parse(await readFile(path.join(TEST_PACK, 'manifest.json'), 'utf8')) as { sampler: { maxSteps: number } }).sampler.maxSteps;
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('foley generate --steps', () => {
  it("refuses more than the pack's maxSteps in one line, writing nothing", async () => {
    const out = path.join(scratch, 'too-many.wav');
    const result = await foley('generate', clip, '-o', out, '--pack', TEST_PACK, '--steps', String(maxSteps + 1));
    expect(result.code).not.toBe(0);
    const lines = result.stderr.split('\n').filter((l) => l.length > 0 && !l.startsWith('note:'));
    expect(lines).toEqual([`foley: steps must be a whole number from 1 to ${maxSteps} for this pack (it samples correctly with at most ${maxSteps}), got ${maxSteps + 1}`]);
    expect(existsSync(out)).toBe(false);
  });
});

describe('the app steps input', () => {
  let server: AppServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("takes its max from the pack and will not start a job beyond it", async () => {
    await withBrowser(async (browser) => {
      const { page } = browser;
      await openVideo(browser, server, await fileFromDisk(clip), 'wasm');
      const steps = page.getByTestId('steps');
      expect(await steps.getAttribute('max')).toBe(String(maxSteps));
      await steps.fill(String(maxSteps + 1));
      await expect.poll(() => page.getByTestId('steps-too-many').textContent()).toBe(`This pack samples correctly with at most ${maxSteps} steps.`);
      expect(await page.getByTestId('generate').isDisabled()).toBe(true);
      await steps.fill(String(maxSteps));
      await page.getByTestId('steps-too-many').waitFor({ state: 'detached' });
      expect(await page.getByTestId('generate').isEnabled()).toBe(true);
      expect(browser.errors).toEqual([]);
    });
  });
});
