/**
 * The app's Level field (GenerateOptions.programLufs, src/engine/conditioning/program-level.ts): the generated take's
 * integrated loudness follows the chosen programme level when no curve or reference sets it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openVideo, useAppFixture, withBrowser } from './app-driver';

const fixture = useAppFixture('level.mp4', { durationSec: 3, width: 128, height: 96, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' });

/** Generates with the Level field at `choice` and reads the take's integrated loudness from the meters. */
async function integratedAt(page: Page, choice: string): Promise<number> {
  await page.getByTestId('level').selectOption(choice);
  await page.getByTestId('generate').click();
  await page.getByTestId('job').waitFor({ state: 'attached' });
  await page.getByTestId('job').waitFor({ state: 'detached', timeout: 120_000 });
  const text = (await page.getByTestId('meter-I').textContent()) ?? '';
  const value = Number.parseFloat(text.replace('−', '-'));
  if (!Number.isFinite(value)) throw new Error(`the integrated meter reads "${text}"`);
  return value;
}

describe('the app Level field', () => {
  it('sets the take\'s integrated loudness: −23 LUFS by default (EBU R 128), −14 when chosen', async () => {
    await withBrowser(async (browser) => {
      const { page } = browser;
      await openVideo(browser, fixture.server, fixture.clip, 'wasm');
      expect(await page.getByTestId('level').inputValue()).toBe('default');
      const broadcast = await integratedAt(page, 'default');
      const streaming = await integratedAt(page, '-14');
      // The curve's 1/6 s points stand in for the meter's 100 ms blocks: within 2 LU of the target.
      expect(Math.abs(broadcast - -23), `default: ${broadcast} LUFS`).toBeLessThan(2);
      expect(Math.abs(streaming - -14), `−14: ${streaming} LUFS`).toBeLessThan(2);
      expect(browser.errors).toEqual([]);
    });
  }, 240_000);
});
