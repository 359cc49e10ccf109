/**
 * The `foley` CLI as a user runs it: `node bin/foley.js …` in a child process on real ffmpeg-made media.
 * Checks the WAV it writes is exactly as long as the video and that bad input ends with one line and a non-zero exit.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav, encodeWav } from '../src/media/wav';
import { makeBadInputs, makeVideo, type BadInputs } from './fixtures';

const ROOT = path.resolve(__dirname, '..');
const FOLEY = path.join(ROOT, 'bin/foley.js');
const TEST_PACK = path.join(ROOT, 'public/models/foley-test');
const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function foley(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run('node', [FOLEY, ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function probeDurationSec(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

/** A failed run: non-zero exit and exactly one line on stderr, "foley: <reason>", no stack trace. */
function expectOneLineFailure(result: CliResult, reason: RegExp): void {
  expect(result.code).not.toBe(0);
  const lines = result.stderr.split('\n').filter((l) => l.length > 0 && !l.startsWith('note:'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^foley: /);
  expect(lines[0]).toMatch(reason);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

let scratch: string;
let clip: string;
let bad: BadInputs;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'foley-cli-'));
  clip = await makeVideo({ path: path.join(scratch, 'clip.mp4'), durationSec: 1.3, width: 160, height: 120, fps: 30, codec: 'h264', container: 'mp4', motion: 'moving-box' });
  bad = await makeBadInputs(path.join(scratch, 'bad'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('foley generate', () => {
  it('writes a WAV exactly as long as the video and lists unknown prompt words', async () => {
    const out = path.join(scratch, 'out.wav');
    const result = await foley('generate', clip, '-o', out, '--pack', TEST_PACK, '--steps', '1', '--prompt', 'glass and dragon', '--format', 'float32');
    expect(result.stderr).toMatch(/no tags for: dragon/);
    expect(result.code).toBe(0);
    const wav = decodeWav(new Uint8Array(await readFile(out)));
    expect(wav.sampleRate).toBe(44100);
    expect(wav.channels).toHaveLength(2);
    const durationSec = await probeDurationSec(clip);
    expect(Math.abs(wav.channels[0]!.length / wav.sampleRate - durationSec)).toBeLessThanOrEqual(0.001);
    expect(wav.channels[0]!.some((v) => v !== 0)).toBe(true);
  });

  it('follows --target-curve and --audio-prompt, and notes the test pack only when it is the default', async () => {
    const out = path.join(scratch, 'shaped.wav');
    const curve = path.join(scratch, 'curve.json');
    await writeFile(curve, JSON.stringify({ rate: 6, windowSec: 0.4, unit: 'LUFS', channels: [Array(8).fill(-30), Array(8).fill(-30)] }));
    const prompt = path.join(scratch, 'prompt.wav');
    const tone = Float32Array.from({ length: 48000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 330 * i) / 48000));
    await writeFile(prompt, encodeWav({ sampleRate: 48000, channels: [tone] }, 'pcm16'));
    const result = await foley('generate', clip, '-o', out, '--steps', '1', '--target-curve', curve, '--audio-prompt', prompt, '--seed', '3');
    expect(result.code).toBe(0);
    const testPackNote = /using the foley-test pack \(random weights/;
    if (existsSync(path.join(ROOT, 'public/models/foley-tiny/manifest.json'))) expect(result.stderr).not.toMatch(testPackNote);
    else expect(result.stderr).toMatch(testPackNote);
    const wav = decodeWav(new Uint8Array(await readFile(out)));
    expect(Math.abs(wav.channels[1]!.length / 44100 - (await probeDurationSec(clip)))).toBeLessThanOrEqual(0.001);
  });
});

describe('foley --help', () => {
  it('documents both commands and every generate option', async () => {
    const result = await foley('--help');
    expect(result.code).toBe(0);
    for (const word of ['foley generate', 'foley measure', '--output', '--pack', '--prompt', '--audio-prompt', '--no-anchor', '--seed', '--steps', '--cfg', '--target-curve', '--format']) {
      expect(result.stdout).toContain(word);
    }
  });
});

describe('bad input: one line, non-zero exit', () => {
  it('refuses a missing video file', async () => {
    expectOneLineFailure(await foley('generate', path.join(scratch, 'nope.mp4'), '-o', path.join(scratch, 'x.wav')), /video file not found/);
  });

  it('refuses files that are not videos, truncated, audio-only or empty', async () => {
    for (const file of [bad.notAVideo, bad.truncated, bad.audioOnly, bad.empty]) {
      expectOneLineFailure(await foley('generate', file, '-o', path.join(scratch, 'x.wav'), '--pack', TEST_PACK), /./);
    }
  });

  it('refuses usage errors with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['generate', clip], /-o <out.wav> is required/],
      [['generate', clip, '-o', 'x.wav', '--sed', '1'], /unknown option --sed; valid: --output/],
      [['generate', clip, '-o', 'x.wav', '--format', 'mp3'], /--format must be one of pcm16, pcm24, float32/],
      [['generate', clip, '-o', 'x.wav', '--steps', 'many'], /--steps needs a number/],
      [['make-noise'], /unknown command "make-noise"; valid: generate, measure/],
      [[], /no command given/],
    ];
    for (const [args, reason] of cases) {
      const result = await foley(...args);
      expectOneLineFailure(result, reason);
      expect(result.code).toBe(2);
    }
  });

  it('refuses a bad pack, target curve and output folder', async () => {
    const out = path.join(scratch, 'x.wav');
    expectOneLineFailure(await foley('generate', clip, '-o', out, '--pack', scratch), /manifest\.json is missing/);
    const curve = path.join(scratch, 'bad-curve.json');
    await writeFile(curve, JSON.stringify({ rate: 10, windowSec: 0.4, unit: 'LUFS', channels: [[-20]] }));
    expectOneLineFailure(await foley('generate', clip, '-o', out, '--pack', TEST_PACK, '--target-curve', curve), /has 10 points per second; this pack uses 6/);
    await writeFile(curve, '{"rate": 6');
    expectOneLineFailure(await foley('generate', clip, '-o', out, '--pack', TEST_PACK, '--target-curve', curve), /--target-curve .*JSON/);
    expectOneLineFailure(await foley('generate', clip, '-o', path.join(scratch, 'no/such/dir/x.wav')), /its folder does not exist/);
  });
});
