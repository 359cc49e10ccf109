/**
 * A restored project whose video is there but cannot be used (issue 9.4): the notice says what happened — the file
 * on disk replaced by something that is not a video, changed in size, its permission expired, the copy in browser
 * storage damaged — not "could not be found", and the prompt and the take stay while the video is asked for.
 * Real files: the clip is dropped from disk through Chromium's own drag and drop (CDP Input.dispatchDragEvent with a
 * path), so the app holds a real FileSystemFileHandle, and the file is then rewritten on disk.
 */
import { copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appErrors, openVideo, useAppFixture, withBrowser } from './app-driver';
import { makeVideo } from './fixtures';
import { generateAndWait, waitForEngine, waitForOpenOutcome } from './harness';

const fixture = useAppFixture('steps.mp4', { durationSec: 1.5, width: 128, height: 96, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' });

/** Drops a file from disk the way the desktop does: Chromium builds the File and its handle from the path. */
async function dropFromDisk(context: BrowserContext, page: Page, file: string): Promise<void> {
  const box = await page.getByTestId('drop-zone').boundingBox();
  if (!box) throw new Error('drop zone not visible');
  const cdp = await context.newCDPSession(page);
  const data = { items: [], files: [file], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
    await cdp.send('Input.dispatchDragEvent', { type, x: box.x + box.width / 2, y: box.y + box.height / 2, data });
  }
  await cdp.detach();
}

/** Whether the current project's record names a video kept as `source` and the prompt `prompt`, with its take. */
function savedWith([source, prompt]: [string, string]): Promise<boolean> {
  return new Promise((resolve) => {
    const request = indexedDB.open('foley-studio-projects');
    request.onerror = () => resolve(false);
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
        if (typeof id !== 'string') return false;
        const project = (await get('projects', id)) as { doc?: { prompt?: string }; video?: { source?: string } } | undefined;
        return project?.video?.source === source && project.doc?.prompt === prompt && (await get('parts', `${id}/result`)) != null;
      })().then((saved) => {
        db.close();
        resolve(saved);
      });
    };
  });
}

async function waitForSaved(page: Page, source: 'handle' | 'opfs', prompt: string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (await page.evaluate(savedWith, [source, prompt] as [string, string])) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`the project was not saved with its video as ${source} within 20 s`);
}

async function makeTake(page: Page): Promise<string | null> {
  await page.getByTestId('prompt').pressSequentially('footsteps gravel', { delay: 10 });
  await generateAndWait(page);
  return page.getByTestId('meter-I').textContent();
}

/** The awaited-video notice: its problem and text, once it shows a problem. */
async function awaitedProblem(page: Page): Promise<{ problem: string | null; text: string }> {
  const notice = page.getByTestId('video-missing');
  await notice.waitFor({ timeout: 60_000 }).catch(async () => {
    const shown = await page.locator('[role="alert"], [role="status"], [data-testid="notice"]').allTextContents();
    throw new Error(`no awaited-video notice within 60 s; the page shows: ${JSON.stringify(shown)}`);
  });
  return { problem: await notice.getAttribute('data-problem'), text: (await notice.textContent()) ?? '' };
}

/** New project, then the saved one again from the recent list: the restore reads its video again. */
async function reopenFromRecent(page: Page): Promise<void> {
  await page.getByTestId('new-project').click();
  await page.getByTestId('empty-stage').waitFor();
  const recent = page.getByTestId('recent-projects');
  await recent.selectOption(await recent.locator('option', { hasText: 'steps.mp4' }).getAttribute('value'));
}

async function expectKept(page: Page, integrated: string | null): Promise<void> {
  expect(await page.getByTestId('prompt').inputValue()).toBe('footsteps gravel');
  expect(await page.getByTestId('meter-I').textContent()).toBe(integrated);
  expect(await page.getByTestId('waveform').count()).toBe(0);
}

describe('a restored video that cannot be used is named for what happened', () => {
  it('a file on disk replaced, changed in size, gone or no longer permitted; the rest stays and the file can be chosen again', async () => {
    const onDisk = join(fixture.workDir, 'disk', 'steps.mp4');
    await mkdir(join(fixture.workDir, 'disk'), { recursive: true });
    await copyFile(fixture.clipPath, onDisk);
    const { size } = await stat(onDisk);
    await withBrowser(async (browser) => {
      const { page, context } = browser;
      await page.goto(`${fixture.server.url}?backend=wasm&pack=foley-test`);
      await waitForEngine(page);
      await dropFromDisk(context, page, onDisk);
      expect((await waitForOpenOutcome(page)).opened).toBe(true);
      const integrated = await makeTake(page);
      await waitForSaved(page, 'handle', 'footsteps gravel');

      // Same size, not a video any more: it is there, so "not found" would send the user looking for nothing.
      await writeFile(onDisk, Buffer.alloc(size, 'not a video '));
      await reopenFromRecent(page);
      let shown = await awaitedProblem(page);
      expect(shown.problem).toBe('not-video');
      expect(shown.text).toMatch(/steps\.mp4 no longer opens as a video/);
      expect(shown.text).not.toMatch(/could not be found/);
      await expectKept(page, integrated);

      // Another video under the same name: its size gives it away before it replaces the take's video.
      await makeVideo({ path: onDisk, durationSec: 2.5, width: 128, height: 96, fps: 24, codec: 'h264', container: 'mp4' });
      await reopenFromRecent(page);
      shown = await awaitedProblem(page);
      expect(shown.problem).toBe('changed');
      expect(shown.text).toMatch(/steps\.mp4 has changed since the project was saved/);
      await expectKept(page, integrated);

      await rm(onDisk);
      await reopenFromRecent(page);
      shown = await awaitedProblem(page);
      expect(shown.problem).toBe('gone');
      expect(shown.text).toMatch(/steps\.mp4 could not be found/);

      // After a reload Chromium asks again before a kept handle may be read: that is a permission, not a loss.
      await copyFile(fixture.clipPath, onDisk);
      await page.reload();
      await waitForEngine(page);
      shown = await awaitedProblem(page);
      expect(shown.problem).toBe('permission');
      expect(shown.text).toMatch(/permission to read steps\.mp4/);
      await expectKept(page, integrated);

      await page.getByTestId('relink-video-input').setInputFiles(onDisk);
      await page.getByTestId('waveform').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('meter-I').textContent()).toBe(integrated);
      expect(await page.getByTestId('video-missing').count()).toBe(0);
      expect(appErrors(browser)).toEqual([]);
    });
  });

  it('a damaged copy in browser storage is named as such, with the rest kept', async () => {
    await withBrowser(async (browser) => {
      const { page } = browser;
      await openVideo(browser, fixture.server, fixture.clip, 'wasm');
      const integrated = await makeTake(page);
      await waitForSaved(page, 'opfs', 'footsteps gravel');
      // The copy keeps its size but its bytes are no video (a disk error, a browser bug): it opens as nothing.
      await page.evaluate(async () => {
        const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('project-videos');
        for await (const [, entry] of folder as unknown as AsyncIterable<[string, FileSystemFileHandle]>) {
          const size = (await entry.getFile()).size;
          const writable = await entry.createWritable();
          await writable.write(new Uint8Array(size).fill(0x55));
          await writable.close();
        }
      });
      await page.reload();
      await waitForEngine(page);
      const shown = await awaitedProblem(page);
      expect(shown.problem).toBe('copy-damaged');
      expect(shown.text).toMatch(/copy of steps\.mp4 kept in browser storage is damaged/);
      await expectKept(page, integrated);
      await page.getByTestId('relink-video-input').setInputFiles(fixture.clipPath);
      await page.getByTestId('waveform').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('meter-I').textContent()).toBe(integrated);
    });
  });
});
