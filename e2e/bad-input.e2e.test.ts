/**
 * Bad input in the real app: every case ends in a clear message, nothing hangs, the open project survives and
 * can still be generated for.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBadInputs, makeVideo, type BadInputs } from './fixtures';
import { dropFiles, fileFromDisk, generateAndWait, launchBrowser, startServer, waitForEngine, waitForOpenOutcome, type AppServer, type BrowserSession, type DropFile } from './harness';
import { webmWithJunkAfterHeader, withDeclaredDuration, withTwoByteNalLengths } from './hostile-fixtures';
import { decodeWav } from '../src/media/wav';

let server: AppServer;
let browser: BrowserSession;
let workDir: string;
let bad: BadInputs;
let good: DropFile;
/** Hostile files (issue 11), made by byte surgery on ffmpeg output. */
let hostile: { junkWebm: string; oneFrame: string; twoByteNal: string; declaresAnHour: string };
const GOOD_META = /good\.mp4 · 96×64 · .* · 1\.00 s/;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'foley-bad-input-'));
  bad = await makeBadInputs(join(workDir, 'bad'));
  const webm = await makeVideo({ path: join(workDir, 'good.webm'), durationSec: 1, width: 96, height: 64, fps: 12, codec: 'vp9', container: 'webm' });
  const clip = (name: string, durationSec: number, fps: number) =>
    makeVideo({ path: join(workDir, name), durationSec, width: 96, height: 64, fps, codec: 'h264', container: 'mp4' });
  hostile = {
    junkWebm: await webmWithJunkAfterHeader(webm, join(workDir, 'junk-after-header.webm')),
    oneFrame: await clip('one-frame.mp4', 1 / 24, 24),
    twoByteNal: await withTwoByteNalLengths(await clip('nal4.mp4', 1, 12), join(workDir, 'nal2.mp4')),
    declaresAnHour: await withDeclaredDuration(await clip('two-seconds.mp4', 2, 24), join(workDir, 'declares-an-hour.mp4'), 3600),
  };
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('bad input through the CLI', () => {
  const root = resolve(__dirname, '..');
  const run = promisify(execFile);

  /** `foley generate` with the test pack; a run past `timeoutMs` is killed and counts as a hang. */
  async function generate(video: string, timeoutMs = 60_000): Promise<{ code: number | string; stderr: string }> {
    const args = ['bin/foley.js', 'generate', video, '-o', join(workDir, 'out.wav'), '--pack', 'public/models/foley-test', '--steps', '1'];
    try {
      const { stderr } = await run('node', args, { cwd: root, timeout: timeoutMs, killSignal: 'SIGKILL' });
      return { code: 0, stderr };
    } catch (error) {
      const e = error as { code?: number | string; signal?: string; stderr?: string };
      return { code: e.signal ?? e.code ?? -1, stderr: e.stderr ?? '' };
    }
  }

  /** One line "foley: <reason>", exit 1, no stack trace and no internal error text. */
  function expectPlainFailure(result: { code: number | string; stderr: string }, reason: RegExp): void {
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((l) => l.length > 0 && !l.startsWith('note:'));
    expect(lines).toEqual([expect.stringMatching(reason)]);
    expect(lines[0]).toMatch(/^foley: /);
    expect(result.stderr).not.toMatch(/\n\s+at |DataView|typed array|call stack|undefined/);
  }

  /** Seconds of audio in the WAV a successful run wrote. */
  async function writtenSec(): Promise<number> {
    const wav = decodeWav(new Uint8Array(await readFile(join(workDir, 'out.wav'))));
    return wav.channels[0]!.length / wav.sampleRate;
  }

  it.each([
    ['a single-frame clip', () => hostile.oneFrame, 1 / 24],
    ['H.264 with 2-byte NAL unit lengths', () => hostile.twoByteNal, 1],
    ['48 frames whose header declares an hour (work follows the frames)', () => hostile.declaresAnHour, 2],
  ])('generates for %s', async (_, file, seconds) => {
    const result = await generate(file());
    expect(result.stderr).not.toMatch(/^foley: /m);
    expect(result.code).toBe(0);
    expect(await writtenSec()).toBeCloseTo(seconds, 3);
  });

  it('stops on a WebM with random bytes after its header (a demuxer loop), naming the time limit', async () => {
    const result = await generate(hostile.junkWebm);
    expectPlainFailure(result, /damaged.*no progress for \d+ s/);
  });
});

describe('bad input in the app', () => {
  beforeAll(async () => {
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

  it('refuses a WebM with random bytes after its header instead of hanging the worker', async () => {
    await expectRefused([await fileFromDisk(hostile.junkWebm)], /junk-after-header\.webm: .*damaged.*no progress for \d+ s/);
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
