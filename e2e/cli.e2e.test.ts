/**
 * The `foley` CLI as a user runs it: `node bin/foley.js …` in a child process on real ffmpeg-made media.
 * Checks the WAV it writes is exactly as long as the video and that bad input ends with one line and a non-zero exit.
 */
import { existsSync } from 'node:fs';
import { cp, link, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foley, ROOT, run, type CliResult } from './cli-runner';
import { decodeWav, encodeWav } from '../src/media/wav';
import { makeBadInputs, makeVideo, type BadInputs } from './fixtures';

const TEST_PACK = path.join(ROOT, 'public/models/foley-test');

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

  it('regenerates --region of a --take: unchanged outside it but for the 50 ms crossfades, new inside', async () => {
    const take = path.join(scratch, 'take.wav');
    const redo = path.join(scratch, 'redo.wav');
    expect((await foley('generate', clip, '-o', take, '--pack', TEST_PACK, '--steps', '1', '--format', 'float32')).code).toBe(0);
    const result = await foley('generate', clip, '-o', redo, '--pack', TEST_PACK, '--steps', '1', '--format', 'float32', '--seed', '9', '--take', take, '--region', '0.5:0.8');
    expect(result.code).toBe(0);
    const [before, after] = [decodeWav(new Uint8Array(await readFile(take))), decodeWav(new Uint8Array(await readFile(redo)))];
    const fade = Math.round(0.05 * 44100);
    const [start, end] = [Math.round(0.5 * 44100), Math.round(0.8 * 44100)];
    after.channels.forEach((channel, c) => {
      expect(channel.subarray(0, start - fade)).toEqual(before.channels[c]!.subarray(0, start - fade));
      expect(channel.subarray(end + fade)).toEqual(before.channels[c]!.subarray(end + fade));
      expect(channel.subarray(start, end)).not.toEqual(before.channels[c]!.subarray(start, end));
    });
    expectOneLineFailure(await foley('generate', clip, '-o', redo, '--pack', TEST_PACK, '--take', take, '--region', '0.5:0.505'), /at least one latent frame/);
    const report = path.join(scratch, 'redo.json');
    expect((await foley('generate', clip, '-o', redo, '--pack', TEST_PACK, '--steps', '1', '--take', take, '--region', '0.5:0.8', '--report', report)).code).toBe(0);
    const written = JSON.parse(await readFile(report, 'utf8')) as { windows: { startSec: number; endSec: number }[]; timings: { totalMs: number } };
    // Only the windows around the region (1 s of context each side) were generated.
    expect(written.windows.length).toBeGreaterThan(0);
    expect(written.windows[0]!.startSec).toBeGreaterThanOrEqual(0);
    expect(written.windows.at(-1)!.endSec).toBeLessThanOrEqual(1.3 + 1e-6);
    expect(written.timings.totalMs).toBeGreaterThan(0);
    expectOneLineFailure(await foley('generate', clip, '-o', redo, '--pack', TEST_PACK, '--report', clip), /refusing to write --report .*it is the video/);
    expectOneLineFailure(await foley('generate', clip, '-o', redo, '--pack', TEST_PACK, '--report', redo), /--report and -o name the same file/);
    expectOneLineFailure(await foley('generate', clip, '-o', redo, '--pack', TEST_PACK, '--region', '0.5:0.8'), /--region and --take go together/);
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
      [['generate', clip, '-o', 'x.wav', '--level', 'loud'], /--level must be an integrated loudness from -70 to 0 LUFS, or "model"; got "loud"/],
      [['generate', clip, '-o', 'x.wav', '--level', '6'], /--level must be an integrated loudness from -70 to 0 LUFS/],
      [['generate', clip, '-o', 'x.wav', '--reference-init', '0.5'], /--reference-init starts from the --audio-prompt recording; give one/],
      [['generate', clip, '-o', 'x.wav', '--audio-prompt', 'p.wav', '--reference-init', '1'], /--reference-init must be from 0 to 0.95, got 1/],
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

describe('issue 11: hostile command lines and outputs', () => {
  it('refuses a 40 KB --prompt with one line instead of crashing (onnxruntime-node segfaulted, exit 139)', async () => {
    const out = path.join(scratch, 'long-prompt.wav');
    const result = await foley('generate', clip, '-o', out, '--pack', TEST_PACK, '--steps', '1', '--prompt', 'footsteps gravel '.repeat(2500));
    expectOneLineFailure(result, /--prompt is 42500 characters long; at most 1000 are accepted/);
    expect(result.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses any command line over 16 KB, whatever carries it', async () => {
    const result = await foley('generate', clip, '-o', path.join(scratch, 'x.wav'), '--pack', TEST_PACK, '--prompt', 'glass', '--', ...Array(20).fill('v'.repeat(1000)));
    expectOneLineFailure(result, /the command line is \d+ bytes long; at most 16384 are accepted/);
  });

  it('refuses seeds outside 0..4294967295 (4294967296 used to equal seed 0)', async () => {
    for (const seed of ['4294967296', '-1']) {
      const result = await foley('generate', clip, '-o', path.join(scratch, 'x.wav'), '--pack', TEST_PACK, '--seed', seed);
      expectOneLineFailure(result, /--seed must be from 0 to 4294967295/);
      expect(result.code).toBe(2);
    }
  });

  it('refuses target curves with one point or values outside −70..0 LUFS', async () => {
    const curve = path.join(scratch, 'odd-curve.json');
    const cases: [number[][], RegExp][] = [
      [[[-20], [-20]], /--target-curve channel 0 has 1 point; a curve needs at least 2/],
      [[Array(8).fill(-30), [...Array(7).fill(-30), 12]], /--target-curve channel 1 point 7 is 12 LUFS; values must lie from -70 to 0 LUFS/],
      [[Array(8).fill(-95), Array(8).fill(-30)], /channel 0 point 0 is -95 LUFS/],
    ];
    for (const [channels, reason] of cases) {
      await writeFile(curve, JSON.stringify({ rate: 6, windowSec: 0.4, unit: 'LUFS', channels }));
      expectOneLineFailure(await foley('generate', clip, '-o', path.join(scratch, 'x.wav'), '--pack', TEST_PACK, '--steps', '1', '--target-curve', curve), reason);
    }
  });

  it('never writes the output onto an input: same path, symlink, hard link, the reference, a pack file or the curve', async () => {
    const dir = await mkdtemp(path.join(scratch, 'inputs-'));
    const video = path.join(dir, 'v.mp4');
    await writeFile(video, await readFile(clip));
    await symlink(video, path.join(dir, 'v-link.wav'));
    await link(video, path.join(dir, 'v-hard.wav'));
    const prompt = path.join(dir, 'ref.wav');
    await writeFile(prompt, encodeWav({ sampleRate: 48000, channels: [Float32Array.from({ length: 48000 }, (_, i) => 0.3 * Math.sin(i / 7))] }, 'pcm16'));
    const before = await readFile(video);
    const promptBefore = await readFile(prompt);
    for (const out of [video, path.join(dir, 'v-link.wav'), path.join(dir, 'v-hard.wav')]) {
      expectOneLineFailure(await foley('generate', video, '-o', out, '--pack', TEST_PACK, '--steps', '1'), /refusing to write -o .*: it is the video/);
    }
    expectOneLineFailure(await foley('generate', video, '-o', prompt, '--pack', TEST_PACK, '--audio-prompt', prompt), /refusing to write -o .*ref\.wav: it is the --audio-prompt file/);
    const pack = path.join(dir, 'pack');
    await cp(TEST_PACK, pack, { recursive: true });
    const weights = await readFile(path.join(pack, 'dit.onnx'));
    expectOneLineFailure(await foley('generate', video, '-o', path.join(pack, 'dit.onnx'), '--pack', pack), /refusing to write -o .*dit\.onnx: it is a file of the model pack/);
    expect((await readFile(path.join(pack, 'dit.onnx'))).equals(weights)).toBe(true);
    expect((await readFile(video)).equals(before)).toBe(true);
    expect((await readFile(prompt)).equals(promptBefore)).toBe(true);
    const measured = await foley('measure', prompt, '--curve', prompt);
    expectOneLineFailure({ ...measured, stderr: measured.stderr.replace(/^foley measure: /, 'foley: ') }, /refusing to write --curve/);
    expect((await readFile(prompt)).equals(promptBefore)).toBe(true);
  });

  it('estimates and asks before hours of work: a video over an hour needs --yes when there is no terminal', async () => {
    const hour = path.join(scratch, 'hour.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=gray:s=16x16:r=1:d=3700', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '600', hour]);
    const out = path.join(scratch, 'hour.wav');
    const result = await foley('generate', hour, '-o', out, '--pack', TEST_PACK);
    expectOneLineFailure(result, /this 1 h 1 min video would take about 30 min to generate on 2 CPU cores; pass --yes to start/);
    expect(result.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('uses a clipped reference (1.5 % of samples at full scale) with one warning line, and writes atomically', async () => {
    const dir = await mkdtemp(path.join(scratch, 'clipped-'));
    const prompt = path.join(dir, 'clipped.wav');
    const samples = Float32Array.from({ length: 96000 }, (_, i) => (i % 66 === 0 ? (i % 132 === 0 ? 1 : -1) : 0.4 * Math.sin(i / 9)));
    await writeFile(prompt, encodeWav({ sampleRate: 48000, channels: [samples] }, 'float32'));
    const out = path.join(dir, 'out.wav');
    await writeFile(out, 'an older take');
    const result = await foley('generate', clip, '-o', out, '--pack', TEST_PACK, '--steps', '1', '--audio-prompt', prompt);
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([expect.stringMatching(/^warning: the audio prompt is clipped \(1\.5 % of samples at full scale\); using it anyway/)]);
    expect(decodeWav(new Uint8Array(await readFile(out))).sampleRate).toBe(44100);
    expect((await readdir(dir)).sort()).toEqual(['clipped.wav', 'out.wav']);
  });
});
