/**
 * Backend choice in the real app, in Debian Chromium whose only WebGPU adapter is SwiftShader (a CPU rasteriser):
 * by default the app runs on WASM and says why; the top bar's switch moves it to WebGPU and back (the address
 * follows); `?backend=webgpu` forces WebGPU.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideo } from './fixtures';
import { dropFiles, fileFromDisk, generateAndWait, launchBrowser, startServer, waitForEngine, waitForOpenOutcome, type AppServer, type DropFile } from './harness';

let server: AppServer;
let workDir: string;
let clip: DropFile;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'foley-backend-'));
  clip = await fileFromDisk(await makeVideo({ path: join(workDir, 'box.mp4'), durationSec: 1, width: 96, height: 64, fps: 12, codec: 'h264', container: 'mp4', motion: 'moving-box' }));
  server = await startServer();
});

afterAll(async () => {
  await server?.close();
  await rm(workDir, { recursive: true, force: true });
});

async function engineShows(page: Page): Promise<{ badge: string; reason: string; select: string; address: string }> {
  const badge = await waitForEngine(page);
  return {
    badge,
    reason: (await page.getByTestId('backend-reason').textContent()) ?? '',
    select: await page.getByTestId('backend-select').inputValue(),
    address: new URL(page.url()).search,
  };
}

describe('backend choice', () => {
  it('picks WASM over SwiftShader WebGPU and says why; the switch moves to WebGPU, generates there, and back', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      await page.goto(`${server.url}?pack=foley-test`);
      expect(await engineShows(page)).toEqual({
        badge: 'WASM',
        reason: expect.stringMatching(/^Automatic: WebGPU here is SwiftShader, a software renderer, much slower than WASM/),
        select: 'auto',
        address: '?pack=foley-test',
      });

      await dropFiles(page, [clip]);
      expect((await waitForOpenOutcome(page)).opened).toBe(true);
      await page.getByTestId('backend-select').selectOption('webgpu');
      expect(await engineShows(page)).toEqual({
        badge: 'WebGPU',
        reason: expect.stringMatching(/^WebGPU as requested; WebGPU here is SwiftShader/),
        select: 'webgpu',
        address: '?pack=foley-test&backend=webgpu',
      });
      // The open video survives the switch and generates on the new backend.
      await generateAndWait(page, 1);
      expect(Number(await page.getByTestId('audio-lane').getAttribute('data-samples'))).toBeGreaterThan(0);

      await page.getByTestId('backend-select').selectOption('auto');
      expect(await engineShows(page)).toMatchObject({ badge: 'WASM', select: 'auto', address: '?pack=foley-test' });
      expect(browser.errors.filter((line) => !line.includes('onnxruntime'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('?backend=webgpu forces WebGPU and names the address as the reason', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      await page.goto(`${server.url}?backend=webgpu&pack=foley-test`);
      expect(await engineShows(page)).toEqual({
        badge: 'WebGPU',
        reason: expect.stringMatching(/^WebGPU as requested; .*SwiftShader.* \(\?backend=webgpu in the address\)$/),
        select: 'webgpu',
        address: '?backend=webgpu&pack=foley-test',
      });
    } finally {
      await browser.close();
    }
  });
});
