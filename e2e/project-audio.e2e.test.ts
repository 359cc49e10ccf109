/**
 * A saved project's audio lives in OPFS, a file per track streamed in chunks (src/app/project/track-store.ts), not
 * inside the IndexedDB record (one structured clone of the whole take raised a 10-minute take's page memory by
 * 450 MB): the record names the file, a new take replaces the old take's file, a reload plays the same take, and a
 * take whose file is gone is named while the rest of the project comes back.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appErrors, openVideo, useAppFixture, withBrowser } from './app-driver';

const app = useAppFixture('box.mp4', { durationSec: 2, width: 128, height: 96, fps: 12, codec: 'h264', container: 'mp4', motion: 'moving-box' });

interface SavedAudio {
  /** The result record's fields: its audio reference and whether it still holds samples inline. */
  audioKey: string | null;
  inlineChannels: boolean;
  /** The project's audio folder: file name → bytes. */
  files: Record<string, number>;
}

/** Reads the current project's result record (IndexedDB) and audio folder (OPFS) in the page. */
function savedAudio(): Promise<SavedAudio | null> {
  return new Promise((resolve) => {
    const request = indexedDB.open('foley-studio-projects');
    request.onerror = () => resolve(null);
    request.onsuccess = () => {
      const db = request.result;
      const get = (store: string, key: string) =>
        new Promise<unknown>((done) => {
          const read = db.transaction(store).objectStore(store).get(key);
          read.onsuccess = () => done(read.result);
          read.onerror = () => done(undefined);
        });
      void (async () => {
        const id = await get('meta', 'current');
        const result = typeof id === 'string' ? ((await get('parts', `${id}/result`)) as { audio?: { key: string }; channels?: unknown } | undefined) : undefined;
        if (typeof id !== 'string' || !result) return null;
        const files: Record<string, number> = {};
        try {
          const dir = await (await (await navigator.storage.getDirectory()).getDirectoryHandle('project-audio')).getDirectoryHandle(id);
          for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemFileHandle]> }).entries()) files[name] = (await handle.getFile()).size;
        } catch {
          // No folder: nothing written there.
        }
        return { audioKey: result.audio?.key ?? null, inlineChannels: result.channels !== undefined, files };
      })().then((saved) => {
        db.close();
        resolve(saved);
      });
    };
  });
}

/** Polls until the saved result names a file other than `previousKey` and that file is the folder's only one. */
async function waitForAudioSaved(page: Page, previousKey: string | null): Promise<SavedAudio> {
  let last: SavedAudio | null = null;
  for (let tries = 0; tries < 100; tries++) {
    last = await page.evaluate(savedAudio);
    if (last?.audioKey && last.audioKey !== previousKey && Object.keys(last.files).length === 1 && last.files[last.audioKey] !== undefined) return last;
    await page.waitForTimeout(200);
  }
  throw new Error(`the take's audio was not saved as the folder's one file within 20 s (last seen: ${JSON.stringify(last)})`);
}

async function generate(page: Page, seed: number): Promise<{ samples: string | null; integrated: string | null }> {
  await page.getByTestId('seed').fill(String(seed));
  await page.getByTestId('generate').click();
  await page.getByTestId('job').waitFor({ state: 'attached' });
  await page.getByTestId('job').waitFor({ state: 'detached', timeout: 120_000 });
  return heard(page);
}

async function heard(page: Page): Promise<{ samples: string | null; integrated: string | null }> {
  const lane = page.getByTestId('audio-lane');
  await page.getByTestId('waveform').waitFor();
  return { samples: await lane.getAttribute('data-samples'), integrated: await page.getByTestId('meter-I').textContent() };
}

describe('project audio in OPFS', () => {
  it('saves the take as one file beside a light record, replaces it with a new take, restores it, and names a lost one', async () => {
    await withBrowser(async (browser) => {
      const { page } = browser;
      await openVideo(browser, app.server, app.clip, 'wasm');
      await page.getByTestId('steps').fill('1');
      await page.getByTestId('prompt').fill('door slam');

      await generate(page, 3);
      const first = await waitForAudioSaved(page, null);
      expect(first.inlineChannels).toBe(false);
      const samples = Number(await page.getByTestId('audio-lane').getAttribute('data-samples'));
      const channels = Number((await page.getByTestId('audio-lane').textContent())?.includes('stereo') ? 2 : 1);
      expect(first.files[first.audioKey!]).toBe(samples * channels * 4);

      // A new generation replaces the result: its file is written and the old one removed.
      const take = await generate(page, 4);
      const second = await waitForAudioSaved(page, first.audioKey);
      expect(second.files[first.audioKey!]).toBeUndefined();

      await page.reload();
      await page.getByTestId('waveform').waitFor({ timeout: 60_000 });
      expect(await heard(page)).toEqual(take);

      // The audio folder gone (site data partly cleared): the take is named as lost, the prompt stays.
      await page.evaluate(async () => (await navigator.storage.getDirectory()).removeEntry('project-audio', { recursive: true }));
      await page.reload();
      await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toContain('could not be read back');
      expect(await page.getByTestId('prompt').inputValue()).toBe('door slam');
      expect(await page.getByTestId('waveform').count()).toBe(0);
      expect(appErrors(browser)).toEqual([]);
    });
  }, 300_000);
});
