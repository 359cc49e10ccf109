/**
 * Bad input in the real app: every case ends in a clear message, nothing hangs, the open project survives and
 * can still be generated for.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBadInputs, makeVideo, type BadInputs } from './fixtures';
import { dropFiles, fileFromDisk, generateAndWait, launchBrowser, startServer, waitForEngine, waitForOpenOutcome, type AppServer, type BrowserSession, type DropFile } from './harness';

let server: AppServer;
let browser: BrowserSession;
let workDir: string;
let bad: BadInputs;
let good: DropFile;
const GOOD_META = /good\.mp4 · 96×64 · .* · 1\.00 s/;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'foley-bad-input-'));
  bad = await makeBadInputs(join(workDir, 'bad'));
  good = await fileFromDisk(
    await makeVideo({ path: join(workDir, 'good.mp4'), durationSec: 1, width: 96, height: 64, fps: 12, codec: 'h264', container: 'mp4', faststart: true }),
  );
  server = await startServer();
  browser = await launchBrowser();
  await browser.page.goto(`${server.url}?backend=wasm&pack=foley-test`);
  await waitForEngine(browser.page);
  await dropFiles(browser.page, [good]);
  expect(await waitForOpenOutcome(browser.page)).toEqual({ opened: true, message: expect.stringMatching(GOOD_META) });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(workDir, { recursive: true, force: true });
});

/** Drops the files and expects an error notice matching `pattern` while the previous video stays open. */
async function expectRefused(files: DropFile[], pattern: RegExp): Promise<void> {
  const { page } = browser;
  await dropFiles(page, files);
  const outcome = await waitForOpenOutcome(page);
  expect(outcome.opened).toBe(false);
  expect(outcome.message).toMatch(pattern);
  expect(await page.getByTestId('video-meta').textContent()).toMatch(GOOD_META);
  await page.getByRole('button', { name: 'Dismiss message' }).click();
}

describe('bad input', () => {
  it('refuses a text file named .mp4', async () => {
    await expectRefused([await fileFromDisk(bad.notAVideo)], /not-a-video\.mp4: This file (is not a video|could not be read)/);
  });

  it('refuses a truncated MP4', async () => {
    await expectRefused([await fileFromDisk(bad.truncated)], /truncated\.mp4: .*(incomplete|damaged)/);
  });

  it('refuses an MP4 without a video track', async () => {
    await expectRefused([await fileFromDisk(bad.audioOnly)], /audio-only\.mp4: .*(no video track|audio file)/i);
  });

  it('refuses HEVC, which Debian Chromium cannot decode', async () => {
    await expectRefused([await fileFromDisk(bad.hevc)], /hevc\.mp4: .*(codec|not supported)/i);
  });

  it('refuses a zero-length file chosen with the file picker', async () => {
    const { page } = browser;
    await page.getByTestId('file-input').setInputFiles(bad.empty);
    const outcome = await waitForOpenOutcome(page);
    expect(outcome).toEqual({ opened: false, message: expect.stringMatching(/empty\.mp4: The file is empty \(0 bytes\)/) });
    expect(await page.getByTestId('video-meta').textContent()).toMatch(GOOD_META);
  });

  it('refuses a 0-byte drop', async () => {
    await expectRefused([{ name: 'nothing.mov', type: 'video/quicktime', bytes: new Uint8Array(0) }], /nothing\.mov: The file is empty/);
  });

  it('refuses two files at once without touching the project', async () => {
    await expectRefused([good, await fileFromDisk(bad.truncated)], /one video at a time — you dropped 2 files/);
  });

  it('still generates for the open video afterwards, and opens a good file again', async () => {
    const { page } = browser;
    await generateAndWait(page);
    // The clip is 1 s long: exactly one second of samples (the float duration may carry rounding).
    const lane = page.getByTestId('audio-lane');
    expect(Number(await lane.getAttribute('data-samples'))).toBe(Number(await lane.getAttribute('data-sample-rate')));
    await dropFiles(page, [good]);
    expect((await waitForOpenOutcome(page)).opened).toBe(true);
    expect(browser.errors.filter((line) => !line.includes('onnxruntime'))).toEqual([]);
  });
});
