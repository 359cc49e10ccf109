/**
 * Region regenerate in the real app: Regenerate selection without a take is refused; generate a take, drag a
 * selection on the waveform, regenerate it (R while it runs is refused, the job goes on); the region take appears as
 * B against the take, both downloaded as float32 WAVs are the same samples outside the region's crossfades, and the
 * region take can be chosen. A selection shorter than one latent frame is refused; a click seeks, Shift+→ selects from
 * the playhead; the selection and the takes survive a reload.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav, type PlanarAudio } from '../src/media/wav';
import { makeVideo } from './fixtures';
import { dropFiles, fileFromDisk, generateAndWait, launchBrowser, startServer, waitForEngine, waitForOpenOutcome, type AppServer, type DropFile } from './harness';

/** src/engine/sampling/region.ts REGION_FADE_SEC. */
const FADE_SEC = 0.05;

let server: AppServer;
let workDir: string;
let clip: DropFile;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'foley-region-app-'));
  clip = await fileFromDisk(await makeVideo({ path: join(workDir, 'drops.mp4'), durationSec: 1.5, width: 128, height: 96, fps: 24, codec: 'h264', container: 'mp4', motion: 'drops' }));
  server = await startServer();
});

afterAll(async () => {
  await server?.close();
  await rm(workDir, { recursive: true, force: true });
});

async function notices(page: Page): Promise<string[]> {
  return page.locator('[data-testid="notice"]').allTextContents();
}

async function dismissNotice(page: Page): Promise<void> {
  await page.getByTestId('notice').getByRole('button', { name: 'Dismiss message' }).click();
}

/** Drags across the waveform lane from one time to another, as a mouse does. */
async function dragSelection(page: Page, fromSec: number, toSec: number, durationSec: number): Promise<void> {
  const box = (await page.getByTestId('region-overlay').boundingBox())!;
  const x = (timeSec: number) => box.x + (timeSec / durationSec) * box.width;
  const y = box.y + box.height / 2;
  await page.mouse.move(x(fromSec), y);
  await page.mouse.down();
  await page.mouse.move((x(fromSec) + x(toSec)) / 2, y, { steps: 4 });
  await page.mouse.move(x(toSec), y, { steps: 4 });
  await page.mouse.up();
}

async function selection(page: Page): Promise<{ startSec: number; endSec: number } | null> {
  const shade = page.getByTestId('region-selection');
  if ((await shade.count()) === 0) return null;
  return { startSec: Number(await shade.getAttribute('data-start-sec')), endSec: Number(await shade.getAttribute('data-end-sec')) };
}

/** The result (the chosen take) as the app exports it, float32 so no dither touches a sample. */
async function downloadTake(page: Page): Promise<PlanarAudio> {
  await page.getByTestId('export-format').selectOption('float32');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-wav').click()]);
  return decodeWav(new Uint8Array(await readFile((await download.path())!)));
}

async function waitForJob(page: Page): Promise<void> {
  await page.getByTestId('job').waitFor({ state: 'detached', timeout: 230_000 });
}

async function regenerateAndCompare(page: Page, backend: string): Promise<void> {
  await page.goto(`${server.url}?backend=${backend}&pack=foley-test`);
  await waitForEngine(page);
  await dropFiles(page, [clip]);
  expect((await waitForOpenOutcome(page)).opened).toBe(true);
  const durationSec = 1.5;

  // No take yet: refused with a reason, nothing else changes.
  await page.getByTestId('regenerate-selection').click();
  // The notice is rendered after the click's state update; read it once it is there (a CI run read [] right away).
  await expect.poll(() => notices(page)).toEqual([expect.stringContaining('Generate a take first')]);
  expect(await page.getByTestId('job').count()).toBe(0);
  await dismissNotice(page);

  await page.getByTestId('seed').fill('5');
  await generateAndWait(page, 2);
  const before = await downloadTake(page);

  await dragSelection(page, 0.5, 1.0, durationSec);
  const selected = (await selection(page))!;
  expect(selected.startSec).toBeCloseTo(0.5, 1);
  expect(selected.endSec).toBeCloseTo(1.0, 1);
  expect(await page.getByTestId('selection-label').textContent()).toMatch(/^Selection 0\.\d\d–(0\.9\d|1\.0\d) s/);

  // Regenerate, and R in the same task (so the job cannot have ended yet): refused with a reason, the job goes on.
  await page.evaluate(() => {
    document.querySelector<HTMLButtonElement>('[data-testid="regenerate-selection"]')!.click();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'r', code: 'KeyR', bubbles: true, cancelable: true }));
  });
  await expect.poll(() => notices(page)).toEqual([expect.stringContaining('Wait for the current generation')]);
  await waitForJob(page);
  await dismissNotice(page);

  // The whole take (A, chosen) and the region take (B, sounding) are listed.
  const rows = page.getByTestId('take');
  expect(await rows.count()).toBe(2);
  expect(await rows.evaluateAll((items) => items.map((r) => [r.getAttribute('data-chosen'), r.getAttribute('data-sounding')]))).toEqual([
    ['true', 'false'],
    ['false', 'true'],
  ]);
  const region = rows.nth(1).getByTestId('take-region');
  expect(Number(await region.getAttribute('data-start-sec'))).toBe(selected.startSec);
  expect(Number(await region.getAttribute('data-end-sec'))).toBe(selected.endSec);
  expect(await region.getAttribute('data-from-id')).toBe(await rows.nth(0).getAttribute('data-take-id'));

  // Choose the region take: it is what exports now.
  await rows.nth(1).getByTestId('take-choose').click();
  expect(await rows.nth(1).getAttribute('data-chosen')).toBe('true');
  const after = await downloadTake(page);
  expect(after.sampleRate).toBe(before.sampleRate);
  expect(after.channels.map((c) => c.length)).toEqual(before.channels.map((c) => c.length));

  // Bit-exact outside [start − fade, end + fade); different inside.
  const rate = before.sampleRate;
  const fadeStart = Math.round(selected.startSec * rate) - Math.round(FADE_SEC * rate);
  const fadeEnd = Math.round(selected.endSec * rate) + Math.round(FADE_SEC * rate);
  let changedOutside = 0;
  let changedInside = 0;
  before.channels.forEach((channel, c) => {
    const other = after.channels[c]!;
    for (let i = 0; i < channel.length; i++) {
      if (Object.is(channel[i], other[i])) continue;
      if (i < fadeStart || i >= fadeEnd) changedOutside++;
      else changedInside++;
    }
  });
  expect(changedOutside).toBe(0);
  expect(changedInside).toBeGreaterThan(0.5 * (fadeEnd - fadeStart) * before.channels.length);
}

describe('region regenerate on WASM', () => {
  it('selects by dragging, regenerates, keeps every sample outside the crossfades, chooses the region take; refuses bad input; keeps the selection over a reload', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      await regenerateAndCompare(page, 'wasm');

      // Shorter than one latent frame (11.6 ms at foley-test's hop 512, 44.1 kHz): zoomed in to 800 px/s, a 5 px drag.
      for (let k = 0; k < 4; k++) await page.locator('body').press('+');
      const box = (await page.getByTestId('region-overlay').boundingBox())!;
      await page.mouse.move(box.x + 100, box.y + 20);
      await page.mouse.down();
      await page.mouse.move(box.x + 105, box.y + 20, { steps: 3 });
      await page.mouse.up();
      const short = (await selection(page))!;
      expect((short.endSec - short.startSec) * 1000).toBeLessThan(11.6);
      await page.locator('body').press('r');
      await expect.poll(() => notices(page)).toEqual([expect.stringMatching(/The selection is \d+\.\d ms long; the model regenerates at least one latent frame \(11\.6 ms\)/)]);
      expect(await page.getByTestId('take').count()).toBe(2);
      await dismissNotice(page);

      // Keyboard: Esc clears. A click on the lane still seeks; Shift+→ then selects 0.1 s per press from the playhead.
      await page.locator('body').press('Escape');
      expect(await selection(page)).toBeNull();
      const lane = (await page.getByTestId('region-overlay').boundingBox())!;
      await page.mouse.click(lane.x + lane.width / 2, lane.y + 20);
      await page.waitForFunction(() => document.querySelector('[data-testid="clock"]')?.textContent === '0:00.75');
      expect(await selection(page)).toBeNull();
      await page.locator('body').press('Shift+ArrowRight');
      await page.locator('body').press('Shift+ArrowRight');
      const keyed = (await selection(page))!;
      expect(keyed.startSec).toBeCloseTo(0.75, 6);
      expect(keyed.endSec).toBeCloseTo(0.95, 6);

      // The selection is part of the saved project: a reload brings it back with the takes.
      await page.waitForTimeout(1000);
      await page.reload();
      await waitForEngine(page);
      await page.getByTestId('waveform').waitFor({ timeout: 60_000 });
      expect(await selection(page)).toEqual(keyed);
      expect(await page.getByTestId('take').count()).toBe(2);
      expect(browser.errors.filter((line) => !line.includes('onnxruntime'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('region regenerate on WebGPU', () => {
  it('regenerates a dragged selection, the rest bit-exact', async () => {
    const browser = await launchBrowser();
    try {
      await regenerateAndCompare(browser.page, 'webgpu');
      expect(browser.errors.filter((line) => !line.includes('onnxruntime'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
