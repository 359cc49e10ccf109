import { execFileSync } from 'node:child_process';
import { linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeWav } from '../media/wav';
import { runMeasure } from './measure';

vi.setConfig({ testTimeout: 180_000 });

const dir = mkdtempSync(path.join(tmpdir(), 'foley-measure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

/**
 * 25 s of programme-like audio: noise bursts with decays at changing levels over a quiet bed, plus a tone. The
 * noise is low-passed (one pole at ~8 kHz) like recorded sound, which has little energy near Nyquist.
 */
function programme(sampleRate: number, seed: number): Float32Array {
  const random = lcg(seed);
  const pole = Math.exp((-2 * Math.PI * 8000) / sampleRate);
  let lowPassed = 0;
  return Float32Array.from({ length: 25 * sampleRate }, (_, n) => {
    const t = n / sampleRate;
    const level = 0.04 + 0.6 * (0.5 + 0.5 * Math.sin(t / 2)) * Math.exp(-(t % 0.7) * 6);
    lowPassed = pole * lowPassed + (1 - pole) * random();
    return lowPassed * level + 0.05 * Math.sin(2 * Math.PI * 220 * t) * (t > 12 ? 1 : 0.2);
  });
}

function writeWav(name: string, sampleRate: number, channels: Float32Array[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, encodeWav({ sampleRate, channels }, 'float32'));
  return file;
}

async function measure(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runMeasure(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** ffmpeg's ebur128 log: summary values and the maxima of its 10 Hz M and S readings. */
function parseEbur128(log: string): { integrated: number; lra: number; truePeak: number; momentaryMax: number; shortTermMax: number } {
  const summary = log.slice(log.lastIndexOf('Summary:'));
  const number = (pattern: RegExp): number => Number(pattern.exec(summary)![1]);
  const readings = [...log.matchAll(/M:\s*(-?[\d.]+)\s+S:\s*(-?[\d.]+)/g)];
  return {
    integrated: number(/I:\s+(-?[\d.]+) LUFS/),
    lra: number(/LRA:\s+(-?[\d.]+) LU/),
    truePeak: number(/Peak:\s+(-?[\d.]+) dBFS/),
    momentaryMax: Math.max(...readings.map((r) => Number(r[1]))),
    shortTermMax: Math.max(...readings.map((r) => Number(r[2]))),
  };
}

/** ffmpeg's ebur128 filter on the same file (it logs to stderr). */
function ffmpegEbur128(file: string): ReturnType<typeof parseEbur128> {
  return parseEbur128(execFileSync('sh', ['-c', `ffmpeg -nostats -hide_banner -i "${file}" -af ebur128=peak=true -f null - 2>&1`], { encoding: 'utf8' }));
}

describe('foley measure agrees with ffmpeg ebur128=peak=true', () => {
  const random = lcg(99);
  const files = {
    'stereo 48 kHz': writeWav('stereo48.wav', 48000, [programme(48000, 1), programme(48000, 2)]),
    'mono 44.1 kHz': writeWav('mono44.wav', 44100, [programme(44100, 3)]),
    '5.1 48 kHz': writeWav('surround.wav', 48000, Array.from({ length: 6 }, (_, c) => programme(48000, 10 + c).map((v) => v * (c === 3 ? 0.2 : 1) + random() * 1e-4))),
  };

  it.each(Object.entries(files))('%s', async (_name, file) => {
    const { code, stdout } = await measure([file, '--json']);
    expect(code).toBe(0);
    const ours = JSON.parse(stdout);
    const reference = ffmpegEbur128(file);
    // ffmpeg prints one decimal; its M/S are read every 100 ms, ours at every sample (so ≥ theirs).
    expect(Math.abs(ours.integrated - reference.integrated)).toBeLessThanOrEqual(0.15);
    expect(Math.abs(ours.truePeak - reference.truePeak)).toBeLessThanOrEqual(0.2);
    expect(Math.abs(ours.lra - reference.lra)).toBeLessThanOrEqual(0.5);
    expect(ours.momentaryMax - reference.momentaryMax).toBeGreaterThanOrEqual(-0.06);
    expect(ours.momentaryMax - reference.momentaryMax).toBeLessThanOrEqual(0.5);
    expect(ours.shortTermMax - reference.shortTermMax).toBeGreaterThanOrEqual(-0.06);
    expect(ours.shortTermMax - reference.shortTermMax).toBeLessThanOrEqual(0.2);
    expect(Object.keys(ours)).toEqual(['integrated', 'lra', 'momentaryMax', 'shortTermMax', 'truePeak', 'sampleRate', 'channels']);
  });

  it('reads the audio track of an MP4 made by ffmpeg', async () => {
    const file = path.join(dir, 'clip.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=d=6:s=64x64:r=10', '-f', 'lavfi', '-i', 'sine=f=1000:d=6', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file]);
    const { code, stdout } = await measure([file, '--json']);
    expect(code).toBe(0);
    const ours = JSON.parse(stdout);
    expect(Math.abs(ours.integrated - ffmpegEbur128(file).integrated)).toBeLessThanOrEqual(0.2);
  });
});

describe('foley measure output', () => {
  it('prints a table and writes the curve JSON that generate --target-curve reads', async () => {
    const file = writeWav('curve.wav', 48000, [programme(48000, 5).subarray(0, 48000 * 5), programme(48000, 6).subarray(0, 48000 * 5)]);
    const curveFile = path.join(dir, 'curve.json');
    const { code, stdout } = await measure([file, '--curve', curveFile]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Integrated\s+-\d+\.\d LUFS/);
    expect(stdout).toMatch(/True peak\s+-\d+\.\d dBTP/);
    const curve = JSON.parse(readFileSync(curveFile, 'utf8'));
    expect(curve).toMatchObject({ rate: 6, windowSec: 0.4, unit: 'LUFS' });
    expect(curve.channels.map((c: number[]) => c.length)).toEqual([30, 30]);
    for (const v of curve.channels.flat()) expect(v >= -70 && v <= 0).toBe(true);
  });

  it('prints null for −∞ in --json (silence, one sample, a WAV with no samples)', async () => {
    for (const [name, length] of [['silence.wav', 48000], ['one.wav', 1], ['no-samples.wav', 0]] as const) {
      const { code, stdout } = await measure([writeWav(name, 48000, [new Float32Array(length), new Float32Array(length)]), '--json']);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({ integrated: null, lra: null, momentaryMax: null, shortTermMax: null, truePeak: null, sampleRate: 48000, channels: 2 });
    }
  });

  it.each([
    ['a missing file', ['/nonexistent/x.wav'], 1, /no such file/],
    ['a directory', [tmpdir()], 1, /not a regular file/],
    ['an empty file', ['EMPTY'], 1, /empty/],
    ['a text file', ['TEXT'], 1, /not a WAV file/],
    ['a truncated WAV', ['TRUNCATED'], 1, /./],
    ['no file', [], 2, /expected one input file/],
    ['an unknown option', ['x.wav', '--loud'], 2, /unknown option --loud/],
  ])('%s: one-line reason, non-zero exit', async (_name, args, expectedCode, reason) => {
    const files: Record<string, () => string> = {
      EMPTY: () => (writeFileSync(path.join(dir, 'empty.wav'), ''), path.join(dir, 'empty.wav')),
      TEXT: () => (writeFileSync(path.join(dir, 'notes.txt'), 'hello, not audio\n'), path.join(dir, 'notes.txt')),
      TRUNCATED: () => (writeFileSync(path.join(dir, 'cut.wav'), encodeWav({ sampleRate: 48000, channels: [new Float32Array(100)] }, 'pcm16').subarray(0, 30)), path.join(dir, 'cut.wav')),
    };
    const { code, stdout, stderr } = await measure(args.map((a) => files[a]?.() ?? a));
    expect(code).toBe(expectedCode);
    expect(stdout).toBe('');
    expect(stderr).toMatch(reason);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\s+at\s/);
  });
});

describe('foley measure refuses garbage instead of measuring it (issue 11)', () => {
  const tone = (frames: number, amplitude: number): Float32Array => Float32Array.from({ length: frames }, (_, i) => amplitude * Math.sin((2 * Math.PI * 997 * i) / 48000));

  it('refuses NaN and infinite samples, naming how many (ffmpeg says peak inf; zeroing them gave −16.3 LUFS)', async () => {
    const left = tone(48000 * 4, 0.5);
    const right = tone(48000 * 4, 0.5);
    left[1000] = Number.NaN;
    right[2000] = Number.POSITIVE_INFINITY;
    right[3000] = Number.NEGATIVE_INFINITY;
    const { code, stdout, stderr } = await measure([writeWav('nan.wav', 48000, [left, right]), '--json']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^foley measure: .*nan\.wav: 3 samples are not a number \(NaN or infinite\)/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses an all-NaN file instead of reporting it like silence', async () => {
    const nan = new Float32Array(48000).fill(Number.NaN);
    const { code, stderr } = await measure([writeWav('all-nan.wav', 48000, [nan, nan]), '--json']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/96000 samples are not a number/);
  });

  it('flags absurd levels (3e38-valued floats read +772.7 LUFS) with a warning line', async () => {
    const huge = tone(48000 * 2, 3e38);
    const { code, stdout, stderr } = await measure([writeWav('huge.wav', 48000, [huge]), '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).integrated).toBeGreaterThan(700);
    expect(stderr).toMatch(/^foley measure: warning: .*huge\.wav peaks at \+\d+\.\d dBTP, far above full scale/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    const normal = await measure([writeWav('loud.wav', 48000, [tone(48000 * 2, 4)]), '--json']);
    expect(normal.stderr).toBe('');
  });

  it('explains more than 8 channels in plain words (no "pass channelLayout")', async () => {
    const { code, stderr } = await measure([writeWav('nine.wav', 48000, Array.from({ length: 9 }, () => tone(4800, 0.1))), '--json']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/has 9 channels; loudness can be measured for 1–8/);
    expect(stderr).not.toMatch(/channelLayout/);
  });
});

describe('foley measure --curve never overwrites the input (issue 11)', () => {
  it.each([
    ['the same path', (input: string) => input],
    ['a symlink to it', (input: string) => (symlinkSync(input, `${input}.link.json`), `${input}.link.json`)],
    ['a hard link to it', (input: string) => (linkSync(input, `${input}.hard.json`), `${input}.hard.json`)],
  ])('refuses --curve onto %s and leaves the audio untouched', async (_name, target) => {
    const input = writeWav(`victim-${_name.replace(/\W/g, '')}.wav`, 48000, [new Float32Array(48000).fill(0.25)]);
    const before = readFileSync(input);
    const { code, stdout, stderr } = await measure([input, '--curve', target(input)]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/refusing to write --curve .*: it is the file being measured/);
    expect(readFileSync(input).equals(before)).toBe(true);
  });

  it('replaces an existing curve file whole and leaves no temporary file behind', async () => {
    const sub = mkdtempSync(path.join(dir, 'atomic-'));
    const input = path.join(sub, 'in.wav');
    writeFileSync(input, encodeWav({ sampleRate: 48000, channels: [new Float32Array(48000).fill(0.25)] }, 'float32'));
    const curveFile = path.join(sub, 'curve.json');
    writeFileSync(curveFile, 'old');
    expect((await measure([input, '--curve', curveFile])).code).toBe(0);
    expect(JSON.parse(readFileSync(curveFile, 'utf8')).channels).toHaveLength(1);
    expect(readdirSync(sub).sort()).toEqual(['curve.json', 'in.wav']);
  });
});
