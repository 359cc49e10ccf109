/**
 * Offline: after one online visit the service worker holds the app shell, ORT's runtime and the default pack, so a
 * reload with the network cut still loads the app cross-origin isolated and still generates.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeVideo } from './fixtures';
import { dropFiles, fileFromDisk, generateAndWait, launchBrowser, startServer, waitForEngine, waitForOpenOutcome, type AppServer, type BrowserSession } from './harness';

let server: AppServer;
let browser: BrowserSession;
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'foley-offline-'));
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(workDir, { recursive: true, force: true });
});

it('reloads and generates with the network off', async () => {
  const { page, context } = browser;
  const video = await fileFromDisk(
    await makeVideo({ path: join(workDir, 'offline.mp4'), durationSec: 1, width: 96, height: 64, fps: 12, codec: 'h264', container: 'mp4', motion: 'moving-box' }),
  );
  await page.goto(`${server.url}?backend=wasm`);
  await waitForEngine(page);
  // `ready` resolves once the worker is active, i.e. after install finished precaching everything.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await waitForEngine(page);

  await context.setOffline(true);
  await page.reload();
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await waitForEngine(page)).toBe('WASM');
  // The default pack is the trained foley-tiny, so no "random weights" label.
  expect(await page.getByTestId('test-pack-label').count()).toBe(0);

  await dropFiles(page, [video]);
  expect((await waitForOpenOutcome(page)).opened).toBe(true);
  await generateAndWait(page);
  const lane = page.getByTestId('audio-lane');
  expect(Number(await lane.getAttribute('data-samples'))).toBe(Number(await lane.getAttribute('data-sample-rate')));
});
