/**
 * shaders/stft-spectrogram.wgsl in real headless Chromium on WebGPU (SwiftShader) against its CPU reference
 * src/dsp/spectrogram.ts, computed in the same page on the same signal; plus the automatic CPU fallback when the
 * browser has no WebGPU. Values are dB mapped to [0, 1] over minDb..maxDb (100 dB by default), so an error of
 * 1e-3 is 0.1 dB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSpectrogramPage, type SpectrogramPage } from '../bench/spectrogram';
import type * as Host from '../shaders/stft-spectrogram';
import type * as Reference from '../src/dsp/spectrogram';

type Harness = typeof Host & typeof Reference;

let harness: SpectrogramPage;
beforeAll(async () => {
  harness = await openSpectrogramPage();
});
afterAll(async () => harness?.close());

interface Comparison {
  backend: string;
  frames: number;
  maxAbsError: number;
  meanAbsError: number;
  /** Fraction of cells above 0.1 (where the picture has content), so a blank image cannot pass. */
  litFraction: number;
}

/** Chirp + tone + noise bursts + silence, 3 s at 44.1 kHz, then GPU vs CPU in the page. */
async function compare(params: Partial<Reference.SpectrogramParams>, backend: 'webgpu' | 'auto' = 'webgpu'): Promise<Comparison> {
  return harness.page.evaluate(
    async ({ params, backend }) => {
      const h = (window as unknown as { spectrogramHarness: Harness }).spectrogramHarness;
      const p = { ...h.DEFAULT_SPECTROGRAM, ...params };
      const n = 3 * p.sampleRate;
      let seed = 12345;
      const noise = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const t = i / p.sampleRate;
        const chirp = 0.5 * Math.sin(2 * Math.PI * (100 * t + 1500 * t * t));
        const burst = t % 0.5 < 0.05 ? 0.8 * noise() * Math.exp(-(t % 0.5) / 0.01) : 0;
        x[i] = t > 2.5 ? 0 : chirp + burst + 0.001 * Math.sin(2 * Math.PI * 9000 * t);
      }
      const gpu = await h.computeSpectrogram(x, p, { backend });
      const cpu = h.spectrogram(x, p);
      let maxAbsError = 0;
      let sum = 0;
      let lit = 0;
      for (let i = 0; i < cpu.data.length; i++) {
        const e = Math.abs(gpu.data[i]! - cpu.data[i]!);
        maxAbsError = Math.max(maxAbsError, e);
        sum += e;
        if (cpu.data[i]! > 0.1) lit++;
      }
      return { backend: gpu.backend, frames: gpu.frames === cpu.frames ? gpu.frames : -1, maxAbsError, meanAbsError: sum / cpu.data.length, litFraction: lit / cpu.data.length };
    },
    { params, backend },
  );
}

describe('stft-spectrogram shader vs CPU reference', () => {
  for (const params of [{}, { nFft: 2048, hop: 256, bands: 256 }, { nFft: 256, hop: 100, bands: 64, fminHz: 100 }]) {
    it(`matches on WebGPU for ${JSON.stringify(params)}`, async () => {
      const result = await compare(params);
      console.info(`spectrogram GPU vs CPU ${JSON.stringify(params)}: ${JSON.stringify(result)}`);
      expect(result.backend).toBe('webgpu');
      expect(result.frames).toBeGreaterThan(0);
      expect(result.litFraction).toBeGreaterThan(0.05);
      expect(result.maxAbsError).toBeLessThan(2e-3);
    });
  }

  it('computes a two-channel take read a part at a time (monoMixReader) as the whole mono mix, on the CPU worker and on WebGPU, pooled into columns when asked', async () => {
    const r = await harness.page.evaluate(async () => {
      const h = (window as unknown as { spectrogramHarness: Harness }).spectrogramHarness;
      const p = h.DEFAULT_SPECTROGRAM;
      const signal = (seconds: number) => {
        const n = seconds * p.sampleRate;
        const left = new Float32Array(n);
        const right = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const t = i / p.sampleRate;
          left[i] = 0.5 * Math.sin(2 * Math.PI * (200 + 50 * (t % 7)) * t);
          right[i] = t % 1 < 0.1 ? 0.8 * Math.sin(2 * Math.PI * 3000 * t) : 0.01 * Math.sin(2 * Math.PI * 90 * t);
        }
        // The lane's mono mix before it was read in parts: the mean, summed in channel order.
        const mix = new Float32Array(n);
        for (const channel of [left, right]) for (let i = 0; i < n; i++) mix[i]! += channel[i]! / 2;
        const reads: number[] = [];
        const mixed = h.monoMixReader([left, right]);
        const reader = { lengthSamples: mixed.lengthSamples, read: (start: number, end: number) => (reads.push(end - start), mixed.read(start, end)) };
        return { n, mix, reader, reads };
      };
      const compare = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), a.length === b.length ? 0 : Infinity);
      const long = signal(60);
      const whole = h.spectrogram(long.mix, p);
      const cpu = await h.computeSpectrogram(long.reader, p, { backend: 'cpu' });
      const short = signal(3);
      const gpu = await h.computeSpectrogram(short.reader, p, { backend: 'webgpu' });
      // The lane's picture: frames max-pooled into fewer columns, in the worker and on the GPU alike.
      const pooled = (image: { frames: number; data: Float32Array }, columns: number) => {
        const out = new h.PooledSpectrogram(image.frames, p.bands, columns);
        out.add(image.data, 0, image.frames);
        return out.image();
      };
      const cpuPooled = await h.computeSpectrogram(long.reader, p, { backend: 'cpu', columns: 1000 });
      const gpuPooled = await h.computeSpectrogram(short.reader, p, { backend: 'webgpu', columns: 100 });
      return {
        pooled: {
          cpu: { frames: cpuPooled.frames, maxAbsError: compare(cpuPooled.data, pooled(whole, 1000).data) },
          gpu: { frames: gpuPooled.frames, maxAbsError: compare(gpuPooled.data, pooled(h.spectrogram(short.mix, p), 100).data) },
        },
        samples: long.n,
        cpu: { backend: cpu.backend, maxAbsError: compare(cpu.data, whole.data), reads: long.reads.length, largestRead: Math.max(...long.reads) },
        gpu: { backend: gpu.backend, maxAbsError: compare(gpu.data, h.spectrogram(short.mix, p).data), reads: short.reads.length },
        litFraction: whole.data.filter((v) => v > 0.1).length / whole.data.length,
      };
    });
    console.info(`spectrogram read in parts: ${JSON.stringify(r)}`);
    expect(r.litFraction).toBeGreaterThan(0.05);
    expect(r.cpu).toMatchObject({ backend: 'cpu', maxAbsError: 0 });
    // 60 s = 2.6 M samples went in parts of about 1 M (2^20 samples + the nFft overlap), never the whole.
    expect(r.cpu.reads).toBeGreaterThanOrEqual(3);
    expect(r.cpu.largestRead).toBeLessThanOrEqual(2 ** 20 + 1024);
    expect(r.gpu.backend).toBe('webgpu');
    expect(r.gpu.reads).toBeGreaterThanOrEqual(1);
    expect(r.gpu.maxAbsError).toBeLessThan(2e-3);
    expect(r.pooled.cpu).toEqual({ frames: 1000, maxAbsError: 0 });
    expect(r.pooled.gpu.frames).toBe(100);
    expect(r.pooled.gpu.maxAbsError).toBeLessThan(2e-3);
  });

  it('falls back to the CPU when the browser has no WebGPU', async () => {
    await harness.page.evaluate(() => Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true }));
    const result = await compare({}, 'auto');
    expect(result.backend).toBe('cpu');
    expect(result.maxAbsError).toBe(0);
    // The CPU path ran in the module worker (its script was fetched), not on the main thread.
    const workerScripts = await harness.page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => e.name).filter((name) => /stft-spectrogram.*\.js/.test(name)),
    );
    expect(workerScripts.length).toBeGreaterThan(0);
    const refused = await harness.page.evaluate(async () => {
      const h = (window as unknown as { spectrogramHarness: Harness }).spectrogramHarness;
      return h.computeSpectrogram(new Float32Array(100), h.DEFAULT_SPECTROGRAM, { backend: 'webgpu' }).then(
        () => 'resolved',
        (error: Error) => error.message,
      );
    });
    expect(refused).toMatch(/WebGPU is not available/);
  });
});
