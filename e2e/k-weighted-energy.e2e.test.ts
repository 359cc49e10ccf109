/**
 * shaders/k-weighted-energy.wgsl in real headless Chromium on WebGPU (SwiftShader) against its float64 CPU
 * reference kWeightedBlockEnergies (src/dsp/k-weighting.ts), computed in the same page on the same signal; plus
 * the automatic CPU fallback when the browser has no WebGPU. Runs with e2e/vitest.config.ts.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Host from '../shaders/k-weighted-energy';
import type * as KWeighting from '../src/dsp/k-weighting';
import type * as Meter from '../src/dsp/loudness-meter';

type Harness = typeof Host & typeof KWeighting & typeof Meter;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM_ARGS = ['--no-sandbox', '--headless=new', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let page: Page;
let context: BrowserContext;
let server: Server;
const tempDirs: string[] = [];

/** Builds a page exposing the host and its references as `window.energyHarness`, served cross-origin isolated on 127.0.0.1. */
beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'k-energy-page-'));
  const profile = await mkdtemp(path.join(tmpdir(), 'k-energy-profile-'));
  tempDirs.push(dir, profile);
  const source = (file: string): string => JSON.stringify(path.join(ROOT, file));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>k-energy</title><script type="module" src="./main.ts"></script>');
  await writeFile(
    path.join(dir, 'main.ts'),
    `import * as host from ${source('shaders/k-weighted-energy.ts')};
import * as kWeighting from ${source('src/dsp/k-weighting.ts')};
import * as meter from ${source('src/dsp/loudness-meter.ts')};
Object.assign(window, { energyHarness: { ...host, ...kWeighting, ...meter } });
document.title = 'ready';
`,
  );
  const outDir = path.join(dir, 'dist');
  await build({ root: dir, configFile: false, logLevel: 'silent', build: { outDir, emptyOutDir: true, target: 'es2022' } });
  server = createServer((req, res) => {
    const file = path.join(outDir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const target = existsSync(file) && statSync(file).isFile() ? file : path.join(outDir, 'index.html');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Content-Type', target.endsWith('.js') ? 'text/javascript' : 'text/html');
    createReadStream(target).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => document.title === 'ready');
});

afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => server?.close(resolve));
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

interface Comparison {
  backend: string;
  blocks: number;
  /** Largest |10·log10(gpu / cpu)| over blocks louder than −70 LUFS. */
  maxErrorDb: number;
  /** Blocks louder than −70 LUFS, so an all-silent result cannot pass. */
  loudBlocks: number;
  integratedGpu: number;
  integratedMeter: number;
  allFinite: boolean;
}

/** Programme-like signal in the page (LF tone, bursts, noise, a silent gap, a NaN), GPU vs float64 CPU reference. */
async function compare(sampleRate: number, channelCount: number, backend: 'webgpu' | 'auto'): Promise<Comparison> {
  return page.evaluate(
    async ({ sampleRate, channelCount, backend }) => {
      const h = (window as unknown as { energyHarness: Harness }).energyHarness;
      const length = 12 * sampleRate;
      let seed = 777;
      const noise = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
      const channels = Array.from({ length: channelCount }, (_, c) => {
        const x = new Float32Array(length);
        for (let n = 0; n < length; n++) {
          const t = n / sampleRate;
          const burst = Math.exp(-((t + c * 0.13) % 0.6) * 9);
          x[n] = t > 7 && t < 8.5 ? 0 : 0.3 * Math.sin(2 * Math.PI * 45 * t) * (0.2 + 0.8 * burst) + 0.2 * noise() * burst + 0.01 * noise();
        }
        x[Math.floor(length / 3)] = Number.NaN;
        return x;
      });
      const gpu = await h.computeKWeightedBlockEnergies(channels, sampleRate, { backend });
      const cpu = h.kWeightedBlockEnergies(channels, sampleRate);
      const floor = h.lufsToEnergy(-70);
      let maxErrorDb = 0;
      let loudBlocks = 0;
      let allFinite = true;
      gpu.energies.forEach((energies, c) =>
        energies.forEach((e, b) => {
          allFinite &&= Number.isFinite(e);
          if (cpu[c][b] < floor) return;
          loudBlocks++;
          maxErrorDb = Math.max(maxErrorDb, Math.abs(10 * Math.log10(e / cpu[c][b])));
        }),
      );
      const weights = channelCount === 1 ? [1] : Array.from({ length: channelCount }, () => 1);
      return {
        backend: gpu.backend,
        blocks: gpu.energies[0].length === cpu[0].length ? cpu[0].length : -1,
        maxErrorDb,
        loudBlocks,
        integratedGpu: h.integratedFromBlockEnergies(gpu.energies, weights),
        integratedMeter: h.measureLoudness(channels, sampleRate).integrated,
        allFinite,
      };
    },
    { sampleRate, channelCount, backend },
  );
}

describe('k-weighted-energy shader vs float64 CPU reference', () => {
  for (const [sampleRate, channelCount] of [[48000, 2], [44100, 1], [192000, 2]]) {
    it(`matches on WebGPU at ${sampleRate} Hz, ${channelCount} channel(s)`, async () => {
      const result = await compare(sampleRate, channelCount, 'webgpu');
      console.info(`k-weighted energy GPU vs CPU at ${sampleRate} Hz: ${JSON.stringify(result)}`);
      expect(result.backend).toBe('webgpu');
      expect(result.blocks).toBe(120);
      expect(result.allFinite).toBe(true);
      expect(result.loudBlocks).toBeGreaterThan(90 * channelCount);
      expect(result.maxErrorDb).toBeLessThan(0.01);
      expect(Math.abs(result.integratedGpu - result.integratedMeter)).toBeLessThan(0.01);
    });
  }

  it('falls back to the CPU when the browser has no WebGPU', async () => {
    await page.evaluate(() => Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true }));
    const result = await compare(48000, 2, 'auto');
    expect(result.backend).toBe('cpu');
    expect(result.maxErrorDb).toBe(0);
    const refused = await page.evaluate(async () => {
      const h = (window as unknown as { energyHarness: Harness }).energyHarness;
      return h.computeKWeightedBlockEnergies([new Float32Array(4800)], 48000, { backend: 'webgpu' }).then(
        () => 'resolved',
        (error: Error) => error.message,
      );
    });
    expect(refused).toMatch(/WebGPU is not available/);
  });
});
