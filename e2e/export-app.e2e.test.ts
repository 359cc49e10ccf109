/**
 * Export MP4 in the real app on WASM and WebGPU (the random-weight test pack): generate, export with the video's own
 * sound mixed in, download, check the file with ffprobe/ffmpeg (video packets byte-identical to the dropped file, both
 * streams as long as each other within one audio frame), and play it in Chromium with its audio track decoding.
 * Also (WASM): Export while a generation runs is refused with a notice, and Cancel stops an export with no download.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { run } from './cli-runner';
import { appErrors, openVideo, useAppFixture, withBrowser, type Backend } from './app-driver';
import { generateAndWait, type BrowserSession } from './harness';

const DURATION_SEC = 1.5;
/** Opus frames are 20 ms (Chromium's default); Debian's Chromium encodes no AAC. */
const OPUS_FRAME_SEC = 0.02;
const app = useAppFixture('box.mp4', { durationSec: DURATION_SEC, width: 128, height: 96, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box', audio: true });

async function ffprobeStreams(file: string): Promise<{ codec_type: string; codec_name: string; start_time: string; duration: string }[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,start_time,duration', '-of', 'json', file]);
  return JSON.parse(stdout).streams;
}

async function videoMd5(file: string): Promise<string> {
  return (await run('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v', '-c', 'copy', '-f', 'md5', '-'])).stdout.trim();
}

/** Records every stage the export job shows, however briefly. */
async function recordExportStages(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen = new Set<string>();
    (window as unknown as { exportStages: Set<string> }).exportStages = seen;
    new MutationObserver(() => {
      const stage = document.querySelector('[data-testid="export-job"]')?.getAttribute('data-stage');
      if (stage) seen.add(stage);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

/** The files in the app's OPFS export folder (src/app/export-store.ts) with their sizes; [] when there is none. */
function opfsExports(): Promise<{ name: string; size: number }[]> {
  return (async () => {
    const root = await navigator.storage.getDirectory();
    const folder = await root.getDirectoryHandle('mp4-exports').catch(() => null);
    if (!folder) return [];
    const found: { name: string; size: number }[] = [];
    for await (const [name, entry] of folder as unknown as AsyncIterable<[string, FileSystemFileHandle]>) found.push({ name, size: (await entry.getFile()).size });
    return found;
  })();
}

/** Plays the file in a <video> on the page; resolves with what Chromium saw. */
async function playInChromium(page: Page, bytes: Uint8Array): Promise<{ ended: boolean; width: number; audioBytes: number; currentTime: number }> {
  return page.evaluate(async (base64) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const video = document.createElement('video');
    video.muted = true;
    video.src = URL.createObjectURL(new Blob([data], { type: 'video/mp4' }));
    document.body.append(video);
    const ended = new Promise<boolean>((resolve) => {
      video.onended = () => resolve(true);
      video.onerror = () => resolve(false);
      setTimeout(() => resolve(false), 20_000);
    });
    await video.play();
    const result = await ended;
    const decoded = video as HTMLVideoElement & { webkitAudioDecodedByteCount: number };
    const seen = { ended: result, width: video.videoWidth, audioBytes: decoded.webkitAudioDecodedByteCount, currentTime: video.currentTime };
    video.remove();
    return seen;
  }, Buffer.from(bytes).toString('base64'));
}

/**
 * With a take made: mixes the original sound in at −6 dB, exports, and checks the download with ffprobe/ffmpeg and by
 * playing it in Chromium.
 */
async function exportAndCheck(browser: BrowserSession, backend: Backend): Promise<void> {
  const { page } = browser;
  await page.getByTestId('export-mix-original').check();
  await page.getByTestId('export-original-db').fill('-6');
  await recordExportStages(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-mp4').click()]);
  expect(download.suggestedFilename()).toBe('box-foley-seed1.mp4');
  const file = join(app.workDir, `exported-${backend}.mp4`);
  await download.saveAs(file);
  await expect(page.locator('[data-testid="notice"]').textContent()).resolves.toContain('Exported box-foley-seed1.mp4.');
  // The MP4 was streamed to a file in browser storage and downloaded from there, not built in memory.
  expect(await page.evaluate(opfsExports)).toEqual([{ name: expect.stringMatching(/\.mp4$/), size: (await readFile(file)).length }]);
  expect(await page.evaluate(() => [...(window as unknown as { exportStages: Set<string> }).exportStages])).toEqual(expect.arrayContaining(['copy-video']));

  const streams = await ffprobeStreams(file);
  expect(streams.map((s) => [s.codec_type, s.codec_name])).toEqual([['video', 'h264'], ['audio', 'opus']]);
  expect(await videoMd5(file)).toBe(await videoMd5(app.clipPath));
  const [videoEnd, audioEnd] = streams.map((s) => Number(s.start_time) + Number(s.duration));
  expect(Math.abs(audioEnd! - videoEnd!)).toBeLessThanOrEqual(OPUS_FRAME_SEC);

  const played = await playInChromium(page, new Uint8Array(await readFile(file)));
  expect(played).toMatchObject({ ended: true, width: 128 });
  expect(played.audioBytes).toBeGreaterThan(0);
  expect(played.currentTime).toBeGreaterThan(DURATION_SEC - 0.1);
  expect(appErrors(browser)).toEqual([]);
}

describe('Export MP4 on WASM', () => {
  it('refuses while generating, exports the take over the original sound, and Chromium plays the file', async () => {
    await withBrowser(async (browser) => {
      const { page } = browser;
      await openVideo(browser, app.server, app.clip, 'wasm');
      await generateAndWait(page, 2);

      // While a generation runs the export is refused with a notice, and the take already made stays.
      await page.getByTestId('steps').fill('20');
      await page.getByTestId('generate').click();
      await page.getByTestId('export-mp4').click();
      await expect(page.locator('[data-testid="notice"][data-kind="error"]').textContent()).resolves.toMatch(/cannot be exported while a generation is running.*Wait for it to finish or cancel it/);
      await page.getByTestId('cancel').click();
      await page.getByTestId('job').waitFor({ state: 'detached' });

      await exportAndCheck(browser, 'wasm');
    });
  });

  it('cancels an export: no download, a notice, and Export MP4 is offered again', async () => {
    await withBrowser(async (browser) => {
      const { page } = browser;
      await openVideo(browser, app.server, app.clip, 'wasm');
      await generateAndWait(page, 2);
      let downloads = 0;
      page.on('download', () => downloads++);
      // Both clicks in one task and the next frame: the worker has not even loaded its module by then.
      await page.evaluate(async () => {
        document.querySelector<HTMLButtonElement>('[data-testid="export-mp4"]')!.click();
        await new Promise((resolve) => requestAnimationFrame(resolve));
        document.querySelector<HTMLButtonElement>('[data-testid="export-cancel"]')!.click();
      });
      await expect(page.locator('[data-testid="notice"]').textContent()).resolves.toContain('MP4 export cancelled.');
      await page.getByTestId('export-mp4').waitFor();
      await page.waitForTimeout(1000);
      expect(downloads).toBe(0);
    });
  });
});

describe('Export MP4 on WebGPU', () => {
  // SwiftShader runs WebGPU on the CPU: one sampler step on the 1.5 s clip keeps the generation short.
  it('exports a take generated on WebGPU over the original sound, and Chromium plays the file', async () => {
    await withBrowser(async (browser) => {
      const { page } = browser;
      expect((await openVideo(browser, app.server, app.clip, 'webgpu')).badge).toBe('WebGPU');
      await generateAndWait(page, 1);
      await exportAndCheck(browser, 'webgpu');
    });
  });
});
