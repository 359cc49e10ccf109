/**
 * The main path in the real app on both backends: drop an H.264 MP4, generate, see the waveform, play it with the
 * space bar, download the WAV and check what is in it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideo } from './fixtures';
import { dropFiles, fileFromDisk, launchBrowser, nonBackgroundPixels, startServer, waitForEngine, waitForOpenOutcome, type AppServer, type DropFile } from './harness';

const DURATION_SEC = 1.5;
let server: AppServer;
let workDir: string;
let clip: DropFile;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'foley-app-'));
  clip = await fileFromDisk(
    await makeVideo({ path: join(workDir, 'box.mp4'), durationSec: DURATION_SEC, width: 128, height: 96, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' }),
  );
  server = await startServer();
});

afterAll(async () => {
  await server?.close();
  await rm(workDir, { recursive: true, force: true });
});

interface WavSummary {
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataBytes: number;
}

/** Walks the RIFF chunks of a WAV file; throws on anything that is not RIFF/WAVE. */
function readWavHeader(bytes: Uint8Array): WavSummary {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (ascii(0) !== 'RIFF' || ascii(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  expect(view.getUint32(4, true)).toBe(bytes.length - 8);
  let offset = 12;
  let fmt: Omit<WavSummary, 'dataBytes'> | null = null;
  while (offset + 8 <= bytes.length) {
    const id = ascii(offset);
    const size = view.getUint32(offset + 4, true);
    if (id === 'fmt ') {
      fmt = { formatTag: view.getUint16(offset + 8, true), channels: view.getUint16(offset + 10, true), sampleRate: view.getUint32(offset + 12, true), bitsPerSample: view.getUint16(offset + 22, true) };
    }
    if (id === 'data') {
      if (!fmt) throw new Error('data chunk before fmt chunk');
      return { ...fmt, dataBytes: size };
    }
    offset += 8 + size + (size & 1);
  }
  throw new Error('no data chunk');
}

describe.each([
  { backend: 'webgpu', badge: 'WebGPU' },
  { backend: 'wasm', badge: 'WASM' },
])('generate on $badge', ({ backend, badge }) => {
  it('drops a video, generates sound as long as the video, plays and exports it', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      await page.goto(`${server.url}?backend=${backend}`);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      expect(await waitForEngine(page)).toBe(badge);
      await expect(page.getByTestId('test-pack-label').textContent()).resolves.toBe('test pack — random weights');

      await dropFiles(page, [clip]);
      const opened = await waitForOpenOutcome(page);
      expect(opened.message).toMatch(/box\.mp4 · 128×96 · avc1\.\w+ · 1\.50 s/);
      expect(Number(await page.getByTestId('thumbnails').getAttribute('data-count'))).toBeGreaterThan(0);
      expect(await nonBackgroundPixels(page, '[data-testid="thumbnails"]')).toBeGreaterThan(0);

      await page.getByTestId('prompt').fill('footsteps zzzunknownword');
      await page.getByTestId('steps').fill('2');
      await page.getByTestId('generate').click();
      await page.getByTestId('job').waitFor();
      await page.waitForSelector('[data-testid="waveform"], [data-testid="notice"][data-kind="error"]', { timeout: 230_000 });
      expect(await page.locator('[data-testid="notice"]').allTextContents()).toEqual([]);

      const lane = page.getByTestId('audio-lane');
      const sampleRate = Number(await lane.getAttribute('data-sample-rate'));
      const samples = Number(await lane.getAttribute('data-samples'));
      expect(samples).toBe(Math.round(DURATION_SEC * sampleRate));
      await expect(page.getByTestId('unknown-words').textContent()).resolves.toContain('zzzunknownword');
      await page.waitForFunction(() => document.querySelector('[data-testid="waveform"] > div')?.shadowRoot?.querySelector('canvas') != null);
      expect(await nonBackgroundPixels(page, '[data-testid="waveform"]')).toBeGreaterThan(100);

      // Space plays the video and the generated audio together; space again pauses both.
      await page.locator('body').press('Space');
      await page.waitForFunction(() => {
        const video = document.querySelector<HTMLVideoElement>('[data-testid="video"]');
        return video !== null && !video.paused && video.currentTime > 0.2;
      });
      expect(await lane.getAttribute('data-audio')).toBe('running');
      await page.locator('body').press('Space');
      await page.waitForFunction(() => document.querySelector<HTMLVideoElement>('[data-testid="video"]')?.paused === true);
      expect(await page.getByTestId('play').textContent()).toBe('Play');

      for (const [format, bits, tag] of [['pcm16', 16, 1], ['pcm24', 24, 0xfffe], ['float32', 32, 3]] as const) {
        await page.getByTestId('export-format').selectOption(format);
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-wav').click()]);
        expect(download.suggestedFilename()).toBe(`box-foley-seed1-${format}.wav`);
        const wav = readWavHeader(new Uint8Array(await readFile(await download.path())));
        expect(wav).toMatchObject({ formatTag: tag, sampleRate, bitsPerSample: bits });
        expect(wav.dataBytes).toBe(samples * wav.channels * (bits / 8));
      }
      expect(browser.errors.filter((line) => !line.includes('onnxruntime'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
