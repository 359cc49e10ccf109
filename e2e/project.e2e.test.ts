/**
 * A project that survives (issue 9.4) in the built app: the prompt typed, the curve drawn and the generated take
 * come back after a reload; undo after a reload does no harm and typing is one undo step; a video gone from
 * storage is asked for while the rest stays; "New project" and the recent list; a full storage quota is a notice.
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
  workDir = await mkdtemp(join(tmpdir(), 'foley-project-'));
  clip = await fileFromDisk(
    await makeVideo({ path: join(workDir, 'steps.mp4'), durationSec: 1.5, width: 128, height: 96, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' }),
  );
  server = await startServer();
});

afterAll(async () => {
  await server?.close();
  await rm(workDir, { recursive: true, force: true });
});

/** What the page shows of the project; the lanes carry the curve and the take's measured loudness as data. */
async function snapshot(page: Page) {
  const lane = page.getByTestId('loudness-lane-0');
  return {
    prompt: await page.getByTestId('prompt').inputValue(),
    target: await lane.getAttribute('data-target-lufs'),
    measured: await lane.getAttribute('data-measured-lufs'),
    integrated: await page.getByTestId('meter-I').textContent(),
  };
}

/** Whether IndexedDB holds the current project with `prompt`, a curve and a generated track. */
function savedInPage(expected: string): Promise<boolean> {
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
        const project = (await get('projects', id)) as { doc?: { prompt?: string; curve?: unknown } } | undefined;
        const result = await get('parts', `${id}/result`);
        return project?.doc?.prompt === expected && project.doc.curve != null && result != null;
      })().then((saved) => {
        db.close();
        resolve(saved);
      });
    };
  });
}

/** Polls from Node: page.waitForFunction would take the predicate's Promise itself as a truthy answer. */
async function waitForSaved(page: Page, prompt: string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (await page.evaluate(savedInPage, prompt)) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`the project with prompt "${prompt}" was not saved within 20 s`);
}

async function drawCurve(page: Page): Promise<void> {
  await page.getByTestId('curve-flat-lufs').fill('-30');
  await page.getByTestId('curve-flat').click();
  const editor = page.getByTestId('curve-editor-0');
  await editor.scrollIntoViewIfNeeded();
  const box = await editor.boundingBox();
  if (!box) throw new Error('curve editor not visible');
  const y = (lufs: number) => box.y + (-lufs / 70) * box.height;
  await page.mouse.move(box.x + 1, y(-18));
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, y(-18), { steps: 8 });
  await page.mouse.up();
}

describe.each(['wasm', 'webgpu'])('project on %s', (backend) => {
  it('comes back after a reload with its take; undo is sensible; a missing video is asked for; New project and the recent list', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      const url = `${server.url}?backend=${backend}&pack=foley-test`;
      await page.goto(url);
      await waitForEngine(page);
      await dropFiles(page, [clip]);
      expect((await waitForOpenOutcome(page)).opened).toBe(true);
      await page.getByTestId('prompt').pressSequentially('footsteps gravel', { delay: 20 });
      await drawCurve(page);
      await generateAndWait(page);
      const before = await snapshot(page);
      expect(before.prompt).toBe('footsteps gravel');
      expect(before.target).toMatch(/^-18(\.0+)?,/);
      expect(before.measured).not.toBe('');
      // The meters show the take's figures at once, not dashes (issue 9.6).
      expect(before.integrated).toMatch(/^-?\d+\.\d LUFS$/);
      await waitForSaved(page, 'footsteps gravel');

      await page.reload();
      await waitForEngine(page);
      await page.getByTestId('waveform').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('video-meta').textContent()).toMatch(/steps\.mp4/);
      expect(await snapshot(page)).toEqual(before);

      // Undo after a reload: there is no history to undo into, so nothing the user sees changes.
      await page.locator('body').press('Control+z');
      expect(await snapshot(page)).toEqual(before);
      expect(await page.getByTestId('undo').isDisabled()).toBe(true);
      // A typing burst after the reload is one undo step back to the restored prompt.
      await page.getByTestId('prompt').pressSequentially(' slow', { delay: 20 });
      await page.getByTestId('prompt').press('Control+z');
      expect(await snapshot(page)).toEqual(before);
      await page.getByTestId('prompt').press('Control+Shift+z');
      expect(await page.getByTestId('prompt').inputValue()).toBe('footsteps gravel slow');
      await page.getByTestId('prompt').press('Control+z');
      await waitForSaved(page, 'footsteps gravel');

      // The video's copy disappears from OPFS (storage cleared, or an older browser profile): the app asks for it.
      await page.evaluate(async () => {
        const root = await navigator.storage.getDirectory();
        await root.removeEntry('project-videos', { recursive: true });
      });
      await page.reload();
      await waitForEngine(page);
      const missing = page.getByTestId('video-missing');
      await missing.waitFor({ timeout: 30_000 });
      expect(await missing.getAttribute('data-problem')).toBe('gone');
      expect(await missing.textContent()).toMatch(/steps\.mp4 could not be found/);
      expect(await page.getByTestId('prompt').inputValue()).toBe('footsteps gravel');
      expect(await page.getByTestId('meter-I').textContent()).toBe(before.integrated);
      await page.getByTestId('relink-video-input').setInputFiles({ name: clip.name, mimeType: clip.type, buffer: Buffer.from(clip.bytes) });
      await page.getByTestId('waveform').waitFor({ timeout: 60_000 });
      expect(await snapshot(page)).toEqual(before);
      expect(await page.getByTestId('video-missing').count()).toBe(0);

      // New project: an empty app; the old one is in the recent list and opens again whole.
      await waitForSaved(page, 'footsteps gravel');
      await page.getByTestId('new-project').click();
      await page.getByTestId('empty-stage').waitFor();
      expect(await page.getByTestId('prompt').inputValue()).toBe('');
      const recent = page.getByTestId('recent-projects');
      const option = recent.locator('option', { hasText: 'steps.mp4' });
      await recent.selectOption(await option.getAttribute('value'));
      await page.getByTestId('waveform').waitFor({ timeout: 60_000 });
      expect(await snapshot(page)).toEqual(before);
      // onnxruntime-web logs its execution-provider placement on WebGPU as console errors; nothing of the app's.
      expect(browser.errors.filter((error) => !error.includes('onnxruntime'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

it('a full storage quota is a notice and a standing "Not saved" flag, and the video stays open', async () => {
  const browser = await launchBrowser();
  try {
    const { page, context } = browser;
    await page.goto(`${server.url}?backend=wasm&pack=foley-test`);
    await waitForEngine(page);
    const cdp = await context.newCDPSession(page);
    // 4 KB: less than the video's bytes and the project record need, so both writes fail with QuotaExceededError.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(server.url).origin, quotaSize: 4096 });
    await dropFiles(page, [clip]);
    expect((await waitForOpenOutcome(page)).opened).toBe(true);
    const notice = page.locator('[data-testid="notice"][data-kind="error"]');
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).toMatch(/Browser storage is full, so the (video|project) was not saved/);
    expect(await page.getByTestId('save-problem').textContent()).toBe('Not saved');
    expect(await page.getByTestId('video-meta').textContent()).toMatch(/steps\.mp4/);
  } finally {
    await browser.close();
  }
});
