/**
 * Takes in the real app: Generate with Takes = N lists N takes best first with their scores; Solo plays one from
 * the playhead and A/B switches back to the chosen take; Use makes a take the result (the lane, the meters and the
 * WAV export follow it); Delete removes one, and deleting the chosen take chooses the best one left.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appErrors, openVideo, useAppFixture, withBrowser, type Backend } from './app-driver';
import type { BrowserSession } from './harness';

const app = useAppFixture('drops.mp4', { durationSec: 1.5, width: 128, height: 96, fps: 24, codec: 'h264', container: 'mp4', motion: 'drops' });

interface TakeRow {
  id: string;
  seed: number;
  total: number;
  chosen: boolean;
  sounding: boolean;
}

async function takeRows(page: Page): Promise<TakeRow[]> {
  return page.getByTestId('take').evaluateAll((rows) =>
    rows.map((row) => ({
      id: row.getAttribute('data-take-id')!,
      seed: Number(row.getAttribute('data-seed')),
      total: Number(row.getAttribute('data-total')),
      chosen: row.getAttribute('data-chosen') === 'true',
      sounding: row.getAttribute('data-sounding') === 'true',
    })),
  );
}

const row = (page: Page, id: string) => page.locator(`[data-testid="take"][data-take-id="${id}"]`);

async function generateTakes(browser: BrowserSession, backend: Backend, takes: number): Promise<TakeRow[]> {
  const { page } = browser;
  await openVideo(browser, app.server, app.clip, backend);
  await page.getByTestId('steps').fill('1');
  await page.getByTestId('seed').fill('20');
  await page.getByTestId('take-count').fill(String(takes));
  await page.getByTestId('generate').click();
  await page.waitForFunction(() => /Take search \d+\/\d+/.test(document.querySelector('[data-testid="progress-label"]')?.textContent ?? ''));
  await page.getByTestId('job').waitFor({ state: 'detached', timeout: 230_000 });
  expect(await page.locator('[data-testid="notice"]').allTextContents()).toEqual([]);
  const rows = await takeRows(page);
  expect(rows).toHaveLength(takes);
  const totals = rows.map((r) => r.total);
  expect(totals).toEqual([...totals].sort((a, b) => b - a));
  expect(rows.map((r) => r.chosen)).toEqual(rows.map((_, k) => k === 0));
  expect(rows.map((r) => r.seed).sort()).toEqual(Array.from({ length: takes }, (_, k) => 20 + k));
  // The best take is the result: the lane shows its seed.
  await expect(page.getByTestId('audio-lane').textContent()).resolves.toContain(`seed ${rows[0]!.seed}`);
  return rows;
}

describe('takes on WASM', () => {
  it('lists ranked takes with scores; solo, A/B, use and delete', async () => {
    await withBrowser(async (browser) => {
      const { page } = browser;
      const rows = await generateTakes(browser, 'wasm', 3);
      const [best, second, third] = rows as [TakeRow, TakeRow, TakeRow];
      expect(await page.getByTestId('take-score').allTextContents()).toEqual(rows.map((r) => String(Math.round(r.total * 100))));

      // Solo the third take: it sounds, the chosen one stays the result; A/B goes back and forth.
      await row(page, third.id).getByTestId('take-solo').click();
      expect((await takeRows(page)).map((r) => r.sounding)).toEqual([false, false, true]);
      await expect(page.getByTestId('audio-lane').textContent()).resolves.toContain(`seed ${best.seed}`);
      await page.getByTestId('take-ab').click();
      expect((await takeRows(page)).map((r) => r.sounding)).toEqual([true, false, false]);
      await page.getByTestId('take-ab').click();
      expect((await takeRows(page)).map((r) => r.sounding)).toEqual([false, false, true]);

      // Use the second: it becomes the result, and the WAV export is that take.
      await row(page, second.id).getByTestId('take-choose').click();
      expect((await takeRows(page)).map((r) => r.chosen)).toEqual([false, true, false]);
      await expect(page.getByTestId('audio-lane').textContent()).resolves.toContain(`seed ${second.seed}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-wav').click()]);
      expect(download.suggestedFilename()).toContain(`seed${second.seed}`);

      // Delete the best (not chosen), then the chosen one: the take left is chosen.
      await row(page, best.id).getByTestId('take-delete').click();
      expect((await takeRows(page)).map((r) => r.id)).toEqual([second.id, third.id]);
      await row(page, second.id).getByTestId('take-delete').click();
      const left = await takeRows(page);
      expect(left.map((r) => [r.id, r.chosen])).toEqual([[third.id, true]]);
      await expect(page.getByTestId('audio-lane').textContent()).resolves.toContain(`seed ${third.seed}`);
      expect(appErrors(browser)).toEqual([]);
    });
  });
});

describe('takes on WebGPU', () => {
  it('lists two ranked takes and uses the second', async () => {
    await withBrowser(async (browser) => {
      const { page } = browser;
      const [, second] = (await generateTakes(browser, 'webgpu', 2)) as [TakeRow, TakeRow];
      await row(page, second.id).getByTestId('take-choose').click();
      await expect(page.getByTestId('audio-lane').textContent()).resolves.toContain(`seed ${second.seed}`);
      expect(appErrors(browser)).toEqual([]);
    });
  });
});
