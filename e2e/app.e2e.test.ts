/**
 * The main path in the real app on both backends: drop an H.264 MP4, generate, see the waveform, play it with the
 * space bar, download the WAV and check what is in it. Then the target curve, cancel, and a reference sound.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../src/dsp/prng';
import { encodeWav } from '../src/media/wav';
import { makeVideo } from './fixtures';
import { dropFiles, fileFromDisk, generateAndWait, launchBrowser, nonBackgroundPixels, startServer, waitForEngine, waitForOpenOutcome, type AppServer, type DropFile } from './harness';

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

async function openClip(page: Page, backend: string): Promise<string> {
  // The random-weight test pack keeps these UI checks fast; offline.e2e covers the default foley-tiny.
  await page.goto(`${server.url}?backend=${backend}&pack=foley-test`);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const badge = await waitForEngine(page);
  await dropFiles(page, [clip]);
  expect((await waitForOpenOutcome(page)).message).toMatch(/box\.mp4 · 128×96 · avc1\.\w+ · 1\.50 s/);
  return badge;
}

/** Space plays the video and the generated audio together; space again pauses both. */
async function checkSpaceBarPlayback(page: Page): Promise<void> {
  await page.locator('body').press('Space');
  // The AudioContext resumes asynchronously after the key press, so wait for the lane to report running audio.
  await page.waitForFunction(() => {
    const video = document.querySelector<HTMLVideoElement>('[data-testid="video"]');
    const audio = document.querySelector('[data-testid="audio-lane"]')?.getAttribute('data-audio');
    return video !== null && !video.paused && video.currentTime > 0.2 && audio === 'running';
  });
  await page.locator('body').press('Space');
  await page.waitForFunction(() => document.querySelector<HTMLVideoElement>('[data-testid="video"]')?.paused === true);
  expect(await page.getByTestId('play').textContent()).toBe('Play');
}

/** Downloads the track in each WAV format and checks header and data length against the generated samples. */
async function checkDownloads(page: Page, samples: number, sampleRate: number): Promise<void> {
  for (const [format, bits, tag] of [['pcm16', 16, 1], ['pcm24', 24, 0xfffe], ['float32', 32, 3]] as const) {
    await page.getByTestId('export-format').selectOption(format);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-wav').click()]);
    expect(download.suggestedFilename()).toBe(`box-foley-seed1-${format}.wav`);
    const wav = readWavHeader(new Uint8Array(await readFile(await download.path())));
    expect(wav).toMatchObject({ formatTag: tag, sampleRate, bitsPerSample: bits });
    expect(wav.dataBytes).toBe(samples * wav.channels * (bits / 8));
  }
}

/** Starts collecting every progress stage the job shows (its data-stage), however briefly; call before Generate. */
async function recordStages(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen = new Set<string>();
    (window as unknown as { stagesSeen: Set<string> }).stagesSeen = seen;
    const note = (element: Element | null | undefined) => {
      const stage = element?.getAttribute('data-stage');
      if (stage) seen.add(stage);
    };
    const jobIn = (node: Node) => (node instanceof Element ? (node.matches('[data-testid="job"]') ? node : node.querySelector('[data-testid="job"]')) : null);
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'attributes') {
          if (record.oldValue) seen.add(record.oldValue);
          note(record.target as Element);
        }
        for (const node of [...Array.from(record.addedNodes), ...Array.from(record.removedNodes)]) note(jobIn(node));
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-stage'], attributeOldValue: true });
  });
}

async function stagesSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { stagesSeen: Set<string> }).stagesSeen]);
}

describe.each([
  { backend: 'webgpu', badge: 'WebGPU' },
  { backend: 'wasm', badge: 'WASM' },
])('generate on $badge', ({ backend, badge }) => {
  it('drops a video, generates sound as long as the video, plays and exports it', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      expect(await openClip(page, backend)).toBe(badge);
      await expect(page.getByTestId('test-pack-label').textContent()).resolves.toBe('test pack — random weights');
      expect(Number(await page.getByTestId('thumbnails').getAttribute('data-count'))).toBeGreaterThan(0);
      expect(await nonBackgroundPixels(page, '[data-testid="thumbnails"]')).toBeGreaterThan(0);

      await page.getByTestId('prompt').fill('footsteps zzzunknownword');
      await recordStages(page);
      await generateAndWait(page);
      // Every phase reports progress, up to loudness shaping at the end.
      expect(await stagesSeen(page)).toEqual(expect.arrayContaining(['decode-video', 'denoise', 'shape']));
      const lane = page.getByTestId('audio-lane');
      const sampleRate = Number(await lane.getAttribute('data-sample-rate'));
      const samples = Number(await lane.getAttribute('data-samples'));
      expect(samples).toBe(Math.round(DURATION_SEC * sampleRate));
      await expect(page.getByTestId('unknown-words').textContent()).resolves.toContain('zzzunknownword');
      await page.waitForFunction(() => document.querySelector('[data-testid="waveform"] > div')?.shadowRoot?.querySelector('canvas') != null);
      expect(await nonBackgroundPixels(page, '[data-testid="waveform"]')).toBeGreaterThan(100);
      // The spectrogram lane reads the take's mono mix a part at a time (monoMixReader) and paints it; SwiftShader is a
      // software adapter, so both runs take the CPU worker.
      await page.waitForFunction(() => document.querySelector('[data-testid="spectrogram-lane"]')?.getAttribute('data-backend') === 'cpu');
      expect(await nonBackgroundPixels(page, '[data-testid="spectrogram-lane"]')).toBeGreaterThan(100);

      await checkSpaceBarPlayback(page);
      await checkDownloads(page, samples, sampleRate);
      expect(browser.errors.filter((line) => !line.includes('onnxruntime'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

function lufsList(text: string | null): number[] {
  return (text ?? '').split(',').map(Number);
}

/** Freehand on the L lane: −20 LUFS over the first half, −45 LUFS over the second; returns the lane's target values. */
async function drawStepCurve(page: Page): Promise<number[]> {
  const editor = page.getByTestId('curve-editor-0');
  await editor.scrollIntoViewIfNeeded();
  const box = await editor.boundingBox();
  if (!box) throw new Error('curve editor not visible');
  // The lane maps 0..−70 LUFS onto its height.
  const y = (lufs: number) => box.y + (-lufs / 70) * box.height;
  await page.mouse.move(box.x + 1, y(-20));
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, y(-20), { steps: 10 });
  await page.mouse.move(box.x + box.width * 0.5 + 1, y(-45));
  await page.mouse.move(box.x + box.width - 1, y(-45), { steps: 10 });
  await page.mouse.up();
  return lufsList(await page.getByTestId('loudness-lane-0').getAttribute('data-target-lufs'));
}

/** Presses on point `index` of the L lane (currently at `fromLufs`), drags it to `toLufs` and a little sideways. */
async function dragPoint(page: Page, index: number, fromLufs: number, toLufs: number): Promise<number[]> {
  const lane = page.getByTestId('loudness-lane-0');
  const pointCount = lufsList(await lane.getAttribute('data-target-lufs')).length;
  const box = await page.getByTestId('curve-editor-0').boundingBox();
  if (!box) throw new Error('curve editor not visible');
  const x = box.x + ((index + 0.5) / pointCount) * box.width;
  const y = (lufs: number) => box.y + (-lufs / 70) * box.height;
  await page.mouse.move(x, y(fromLufs));
  await page.mouse.down();
  await page.mouse.move(x + box.width / pointCount, y(toLufs), { steps: 5 });
  await page.mouse.up();
  return lufsList(await lane.getAttribute('data-target-lufs'));
}

describe('target loudness curve', () => {
  it('draws a curve, refuses levels outside −70..0, undoes, and the generated track follows it', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      await openClip(page, 'wasm');

      await page.getByTestId('curve-flat-lufs').fill('-80');
      await page.getByTestId('curve-flat').click();
      await expect(page.getByTestId('notice').textContent()).resolves.toMatch(/-80 LUFS is outside the curve's range; use a value from -70 to 0 LUFS/);
      await page.getByRole('button', { name: 'Dismiss message' }).click();
      await page.getByTestId('curve-flat-lufs').fill('-30');
      await page.getByTestId('curve-flat').click();
      const lane = page.getByTestId('loudness-lane-0');
      const flat = lufsList(await lane.getAttribute('data-target-lufs'));
      expect(flat.every((lufs) => lufs === -30)).toBe(true);

      const drawn = await drawStepCurve(page);
      expect(drawn).toHaveLength(flat.length);
      const half = Math.floor(drawn.length / 2);
      for (const lufs of drawn.slice(0, half - 1)) expect(lufs).toBeCloseTo(-20, 0);
      for (const lufs of drawn.slice(half + 1)) expect(lufs).toBeCloseTo(-45, 0);
      expect(lufsList(await page.getByTestId('loudness-lane-1').getAttribute('data-target-lufs'))).toEqual(drawn);

      await page.locator('body').press('Control+z');
      expect(lufsList(await lane.getAttribute('data-target-lufs'))).toEqual(flat);
      await page.locator('body').press('Control+Shift+z');
      expect(lufsList(await lane.getAttribute('data-target-lufs'))).toEqual(drawn);

      // Grabbing a point moves that point alone, even when the pointer wanders sideways; undo puts it back.
      expect(await dragPoint(page, 1, drawn[1], -60)).toEqual(drawn.map((lufs, i) => (i === 1 ? expect.closeTo(-60, 0) : lufs)));
      await page.locator('body').press('Control+z');
      expect(lufsList(await lane.getAttribute('data-target-lufs'))).toEqual(drawn);

      await generateAndWait(page);
      for (const channel of [0, 1]) {
        const measured = lufsList(await page.getByTestId(`loudness-lane-${channel}`).getAttribute('data-measured-lufs'));
        expect(measured).toHaveLength(drawn.length);
        const errors = measured.map((lufs, i) => Math.abs(lufs - drawn[i]));
        const meanErrorLu = errors.reduce((sum, e) => sum + e, 0) / errors.length;
        expect(meanErrorLu).toBeLessThan(2);
      }
    } finally {
      await browser.close();
    }
  });
});

describe('cancel', () => {
  it('stops a running generation, says so, and the next generation works', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      await openClip(page, 'wasm');
      // The 1.5 s clip can finish before the cancel arrives on an idle machine; two minutes at the pack's most steps
      // cannot, so the cancel lands mid-run. The next generation then runs on that video.
      const longClip = await fileFromDisk(
        await makeVideo({ path: join(workDir, 'long.mp4'), durationSec: 120, width: 64, height: 48, fps: 8, codec: 'h264', container: 'mp4', motion: 'moving-box' }),
      );
      await dropFiles(page, [longClip]);
      expect((await waitForOpenOutcome(page)).message).toMatch(/long\.mp4 · 64×48 · avc1\.\w+ · 120\.00 s/);
      await page.getByTestId('steps').fill('20');
      await page.getByTestId('generate').click();
      await page.getByTestId('job').waitFor({ state: 'visible' });
      await page.getByTestId('cancel').click();
      await page.getByTestId('job').waitFor({ state: 'detached', timeout: 120_000 });
      const outcome = { notices: await page.locator('[data-testid="notice"]').allTextContents(), waveforms: await page.getByTestId('waveform').count() };
      expect(outcome).toEqual({ notices: [expect.stringMatching(/^Generation cancelled\./)], waveforms: 0 });
      await page.getByTestId('steps').fill('1');
      await generateAndWait(page);
      expect(Number(await page.getByTestId('audio-lane').getAttribute('data-samples'))).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  });
});

describe('hours of work', () => {
  it('asks before generating for a video over an hour, and starts nothing when the user says no', async () => {
    const hourPath = join(workDir, 'hour.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=gray:s=16x16:r=1:d=3700', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '600', hourPath]);
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      await page.goto(`${server.url}?backend=wasm&pack=foley-test`);
      await waitForEngine(page);
      await dropFiles(page, [await fileFromDisk(hourPath)]);
      await waitForOpenOutcome(page);
      const questions: string[] = [];
      page.on('dialog', (dialog) => {
        questions.push(dialog.message());
        void dialog.dismiss();
      });
      await page.getByTestId('generate').click();
      await expect.poll(() => questions.length).toBe(1);
      expect(questions[0]).toMatch(/This video is 1\.0 hours long; generating it may take hours on this machine\. Start anyway\?/);
      expect(await page.getByTestId('job').count()).toBe(0);
    } finally {
      await browser.close();
    }
  });
});

/** A mono 44.1 kHz 16-bit WAV: seeded white noise at `amplitude` peak, or digital silence at 0. */
function referenceWav(name: string, durationSec: number, amplitude: number): { name: string; mimeType: string; buffer: Buffer } {
  const sampleRate = 44100;
  const prng = new Prng(1);
  const samples = Float32Array.from({ length: Math.round(durationSec * sampleRate) }, () => amplitude * (2 * prng.nextFloat() - 1));
  return { name, mimeType: 'audio/wav', buffer: Buffer.from(encodeWav({ sampleRate, channels: [samples] }, 'pcm16')) };
}

describe('reference sound', () => {
  it('generates with a recording, refuses an unreadable file and a silent one, and loses nothing', async () => {
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      await openClip(page, 'wasm');
      const input = page.getByTestId('audio-prompt-input');
      await input.setInputFiles(referenceWav('noise.wav', 1.5, 0.2));
      await expect(page.getByTestId('audio-prompt-name').textContent()).resolves.toBe('noise.wav · 1.5 s');
      expect(await page.getByTestId('audio-prompt-anchor').isChecked()).toBe(true);
      await generateAndWait(page);

      // A file the browser cannot decode: one sentence, and the loaded reference stays.
      await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not audio at all') });
      await expect(page.getByTestId('notice').textContent()).resolves.toMatch(/^notes\.txt could not be read as audio; choose a WAV, FLAC, OGG, MP3 or M4A recording\.×$/);
      await expect(page.getByTestId('audio-prompt-name').textContent()).resolves.toBe('noise.wav · 1.5 s');
      await page.getByRole('button', { name: 'Dismiss message' }).click();

      // The engine refuses a silent recording; the video, the curve and the earlier take are untouched.
      await page.getByTestId('curve-flat').click();
      const lane = page.getByTestId('loudness-lane-0');
      const before = { curve: await lane.getAttribute('data-target-lufs'), take: await lane.getAttribute('data-measured-lufs'), video: await page.getByTestId('video-meta').textContent() };
      await input.setInputFiles(referenceWav('silence.wav', 1, 0));
      await page.getByTestId('audio-prompt-name').filter({ hasText: 'silence.wav · 1.0 s' }).waitFor();
      await page.getByTestId('generate').click();
      await page.getByTestId('job').waitFor({ state: 'detached', timeout: 120_000 });
      await expect(page.getByTestId('notice').textContent()).resolves.toMatch(/^Generation failed: the audio prompt is silent/);
      const after = { curve: await lane.getAttribute('data-target-lufs'), take: await lane.getAttribute('data-measured-lufs'), video: await page.getByTestId('video-meta').textContent() };
      expect(after).toEqual(before);
      expect(await page.getByTestId('waveform').count()).toBe(1);

      // Still working: without the reference the next generation goes through.
      await page.getByTestId('audio-prompt-remove').click();
      expect(await page.getByTestId('audio-prompt-name').count()).toBe(0);
      await generateAndWait(page);
      expect(browser.errors.filter((line) => !line.includes('onnxruntime'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
