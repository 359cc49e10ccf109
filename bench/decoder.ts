/**
 * Decoder speed: seconds to turn the latent of 60 s of stereo 44.1 kHz audio back into audio with Griffin-Lim
 * (pack settings nFft 2048, hop 512, 64 mels) at 16 and 32 iterations, in TypeScript (src/dsp) and, as the
 * reference in the same run, the same algorithm in numpy (pocketfft in C, vectorised over frames) — the fastest
 * plain-CPU Griffin-Lim a Python evaluation would use, so the ratio says what our JS costs over native code.
 * Usage: npx tsx bench/decoder.ts [--seconds 60] [--python /path/to/python]. Prints JSON.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioToLatent, latentToAudio, latentToMagnitude, type LogMelParams } from '../src/dsp/log-mel';
import { griffinLim } from '../src/dsp/griffin-lim';
import { Prng } from '../src/dsp/prng';

const PARAMS: LogMelParams = { sampleRate: 44_100, nFft: 2048, hop: 512, nMels: 64, fminHz: 0, fmaxHz: 22_050, logFloor: 1e-5, mean: -6, std: 4 };
const ITERATIONS = [16, 32];

const NUMPY_GRIFFIN_LIM = `
import json, sys, time
import numpy as np
path, channels, frames, n_fft, hop, length, iterations = sys.argv[1], *map(int, sys.argv[2:])
bins = n_fft // 2 + 1
magnitude = np.fromfile(path, dtype=np.float32).reshape(channels, frames, bins).astype(np.float64)
window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
index = np.arange(n_fft)[None, :] + hop * np.arange(frames)[:, None]
envelope = np.zeros((frames - 1) * hop + n_fft)
for t in range(frames):
    envelope[t * hop:t * hop + n_fft] += window ** 2
def stft(x):
    return np.fft.rfft(np.pad(x, n_fft // 2, mode='reflect')[index] * window, axis=1)
def istft(spec):
    pieces = np.fft.irfft(spec, n=n_fft, axis=1) * window
    ola = np.zeros_like(envelope)
    for t in range(frames):
        ola[t * hop:t * hop + n_fft] += pieces[t]
    ola = ola / np.maximum(envelope, 1e-11)
    return ola[n_fft // 2:n_fft // 2 + length]
rng = np.random.default_rng(0)
start = time.perf_counter()
for c in range(channels):
    spec = magnitude[c] * np.exp(2j * np.pi * rng.random(magnitude[c].shape))
    for _ in range(iterations):
        rebuilt = stft(istft(spec))
        spec = magnitude[c] * rebuilt / np.maximum(np.abs(rebuilt), 1e-12)
    istft(spec)
print(json.dumps({'seconds': time.perf_counter() - start, 'numpy': np.__version__}))
`;

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}

/** 440 Hz + 1.1 kHz tones, a −60 dBFS noise floor and a decaying noise burst every 0.37 s (L) / 0.53 s (R). */
function testSignal(durationSec: number): Float32Array[] {
  const n = Math.round(durationSec * PARAMS.sampleRate);
  const prng = new Prng(1);
  return [0.37, 0.53].map((periodSec, c) =>
    Float32Array.from({ length: n }, (_, i) => {
      const t = i / PARAMS.sampleRate;
      const sinceBurst = t % periodSec;
      const tone = 0.05 * Math.sin(2 * Math.PI * (440 + 660 * c) * t);
      return tone + (0.001 + 0.4 * Math.exp(-sinceBurst / 0.03)) * prng.nextGaussian();
    }),
  );
}

function seconds(run: () => void): number {
  const start = performance.now();
  run();
  return (performance.now() - start) / 1000;
}

function numpyReference(python: string, channels: Float32Array[], iterations: number): { seconds: number; numpy: string } | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-decoder-'));
  try {
    const latent = audioToLatent(channels, PARAMS);
    const magnitudes = channels.map((_, c) => latentToMagnitude(latent.data, latent.frames, c, channels.length, PARAMS));
    const packed = new Float32Array(magnitudes.reduce((sum, m) => sum + m.length, 0));
    magnitudes.forEach((m, c) => packed.set(m, c * m.length));
    writeFileSync(join(dir, 'magnitude.f32'), packed);
    writeFileSync(join(dir, 'gl.py'), NUMPY_GRIFFIN_LIM);
    const args = [channels.length, latent.frames, PARAMS.nFft, PARAMS.hop, channels[0]!.length, iterations].map(String);
    const out = execFileSync(python, [join(dir, 'gl.py'), join(dir, 'magnitude.f32'), ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
    return JSON.parse(out) as { seconds: number; numpy: string };
  } catch (error) {
    return { error: `numpy reference unavailable: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const durationSec = Number(argument('seconds', '60'));
  const python = argument('python', 'python3');
  const channels = testSignal(durationSec);
  let latent = audioToLatent(channels, PARAMS);
  const encodeSec = seconds(() => (latent = audioToLatent(channels, PARAMS)));
  const magnitudeSec = seconds(() => channels.forEach((_, c) => latentToMagnitude(latent.data, latent.frames, c, 2, PARAMS)));
  const results = ITERATIONS.map((iterations) => {
    const tsSec = seconds(() => latentToAudio(latent.data, latent.frames, 2, PARAMS, iterations, channels[0]!.length, 1));
    const reference = numpyReference(python, channels, iterations);
    const ratio = 'seconds' in reference ? tsSec / reference.seconds : null;
    return { iterations, typescriptSec: tsSec, numpyGriffinLimSec: 'seconds' in reference ? reference.seconds : null, typescriptOverNumpy: ratio, reference };
  });
  const oneMagnitude = latentToMagnitude(latent.data, latent.frames, 0, 2, PARAMS);
  const glOnlyPerIterationSec = seconds(() => griffinLim(oneMagnitude, latent.frames, { nFft: 2048, hop: 512, iterations: 4, lengthSamples: channels[0]!.length, seed: 1 })) / 4;
  console.log(
    JSON.stringify(
      {
        bench: 'decoder',
        audio: { durationSec, channels: 2, sampleRate: PARAMS.sampleRate, latentFrames: latent.frames },
        params: { nFft: PARAMS.nFft, hop: PARAMS.hop, nMels: PARAMS.nMels },
        encodeSec,
        melPseudoInverseSec: magnitudeSec,
        griffinLimPerIterationPerChannelSec: glOnlyPerIterationSec,
        results,
      },
      null,
      2,
    ),
  );
}

main();
