/**
 * Lane spectrogram speed in headless Chromium: 10 minutes of mono 44.1 kHz audio through shaders/stft-spectrogram.ts
 * as the lane calls it ('auto'), on the CPU worker, in main-thread time slices, and forced onto WebGPU (over --gpu-minutes, default 1:
 * on a software adapter such as SwiftShader the kernel is emulated and ~60× slower, which is why 'auto' skips those). Reports wall time (goal ≤ 1 s) and main-thread
 * blocking while it runs: the longest 'longtask' PerformanceObserver entry (tasks over 50 ms; goal: none) and the
 * longest gap seen by a 1 ms ticker. Reference in the same run: the synchronous CPU reference src/dsp/spectrogram.ts
 * on the main thread, which is what the lane would cost without the shader or chunking.
 * Also exports `openSpectrogramPage`, the harness e2e/stft-spectrogram.e2e.test.ts uses.
 * Usage: npx tsx bench/spectrogram.ts [--minutes 10] [--gpu-minutes 1]. Prints JSON.
 */

import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM_ARGS = ['--no-sandbox', '--headless=new', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface SpectrogramPage {
  page: Page;
  close(): Promise<void>;
}

/** Builds a page exposing the spectrogram modules as `window.spectrogramHarness`, serves it cross-origin isolated on 127.0.0.1, opens it in Chromium. */
export async function openSpectrogramPage(): Promise<SpectrogramPage> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spectrogram-page-'));
  const source = (file: string) => JSON.stringify(path.join(ROOT, file));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>spectrogram</title><script type="module" src="./main.ts"></script>');
  await writeFile(
    path.join(dir, 'main.ts'),
    `import * as host from ${source('shaders/stft-spectrogram.ts')};
import * as reference from ${source('src/dsp/spectrogram.ts')};
Object.assign(window, { spectrogramHarness: { ...host, ...reference } });
document.title = 'ready';
`,
  );
  const outDir = path.join(dir, 'dist');
  await build({ root: dir, configFile: false, logLevel: 'silent', build: { outDir, emptyOutDir: true, target: 'es2022' } });
  const server = createServer((req, res) => {
    const file = path.join(outDir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const target = existsSync(file) && statSync(file).isFile() ? file : path.join(outDir, 'index.html');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Content-Type', target.endsWith('.js') ? 'text/javascript' : 'text/html');
    createReadStream(target).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const profile = await mkdtemp(path.join(tmpdir(), 'spectrogram-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => document.title === 'ready');
  return {
    page,
    close: async () => {
      await context.close();
      await new Promise((resolve) => server.close(resolve));
      await Promise.all([rm(dir, { recursive: true, force: true }), rm(profile, { recursive: true, force: true })]);
    },
  };
}

interface RunReport {
  minutes: number;
  backend: string;
  seconds: number;
  frames: number;
  longTasks: number;
  longestLongTaskMs: number;
  longestTickerGapMs: number;
}

/** Runs in the page: one spectrogram of `minutes` of audio through `mode`, watching the main thread meanwhile. */
type Mode = 'auto' | 'webgpu' | 'cpu' | 'sliced-main-thread' | 'sync-reference';

async function measureInPage(page: Page, minutes: number, mode: Mode): Promise<RunReport> {
  return page.evaluate(
    async ({ minutes, mode }) => {
      const h = (window as unknown as { spectrogramHarness: typeof import('../shaders/stft-spectrogram') & typeof import('../src/dsp/spectrogram') }).spectrogramHarness;
      const n = Math.round(minutes * 60 * 44_100);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = 0.3 * Math.sin(i * 0.0627) * (((i / 22_050) | 0) % 2) + 0.01 * Math.sin(i * 1.3);
      const params = { ...h.DEFAULT_SPECTROGRAM };
      // Let the generation task finish before the measured window opens.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const longTasks: number[] = [];
      const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
      observer.observe({ type: 'longtask' });
      let lastTick = performance.now();
      let longestGap = 0;
      const ticker = setInterval(() => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - lastTick);
        lastTick = now;
      }, 1);
      const start = performance.now();
      let backend: string = mode;
      let frames = 0;
      if (mode === 'sync-reference') frames = h.spectrogram(samples, params).frames;
      else if (mode === 'sliced-main-thread') frames = (await h.spectrogramOnCpu(samples, params)).frames;
      else {
        const result = await h.computeSpectrogram(samples, params, { backend: mode });
        backend = result.backend;
        frames = result.frames;
      }
      const seconds = (performance.now() - start) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 100));
      clearInterval(ticker);
      observer.disconnect();
      return { minutes, backend, seconds, frames, longTasks: longTasks.length, longestLongTaskMs: Math.max(0, ...longTasks), longestTickerGapMs: longestGap };
    },
    { minutes, mode },
  );
}

function numberArgument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const minutes = numberArgument('minutes', 10);
  const gpuMinutes = numberArgument('gpu-minutes', 1);
  const harness = await openSpectrogramPage();
  try {
    const adapter = await harness.page.evaluate(async () => {
      const a = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
      return a ? `${a.info.vendor} ${a.info.architecture} ${a.info.description}`.trim() : null;
    });
    const runs: Record<string, RunReport | { error: string }> = {};
    const plan: [Mode, number][] = [['auto', minutes], ['cpu', minutes], ['sliced-main-thread', minutes], ['sync-reference', minutes], ['webgpu', gpuMinutes]];
    for (const [mode, length] of plan) {
      runs[mode] = await measureInPage(harness.page, length, mode).catch((error: Error) => ({ error: error.message.split('\n')[0]! }));
    }
    const lane = runs.auto;
    const reference = runs['sync-reference'];
    const speedup = lane && 'seconds' in lane && reference && 'seconds' in reference ? reference.seconds / lane.seconds : null;
    console.log(
      JSON.stringify(
        { bench: 'spectrogram', audio: { minutes, sampleRate: 44_100, channels: 1 }, params: { nFft: 1024, hop: 512, bands: 128 }, adapter, goals: { seconds: 1, longestTaskMs: 50 }, runs, laneSpeedupOverSyncReference: speedup },
        null,
        2,
      ),
    );
  } finally {
    await harness.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
