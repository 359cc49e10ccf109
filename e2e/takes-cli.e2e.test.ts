/**
 * `foley generate --takes N` as a user runs it, on a real ffmpeg-made video of falling boxes: N take files beside
 * -o, ranked best first, -o = take 1, the scores in --report; bad --takes values and take files that would land on
 * an input end with one line and exit 2 / 1, nothing written.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../src/media/wav';
import { foley, ROOT, type CliResult } from './cli-runner';
import { makeVideo } from './fixtures';

const TEST_PACK = path.join(ROOT, 'public/models/foley-test');

let scratch: string;
let clip: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'foley-takes-'));
  clip = await makeVideo({ path: path.join(scratch, 'drops.mp4'), durationSec: 2, width: 160, height: 120, fps: 24, codec: 'h264', container: 'mp4', motion: 'drops' });
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function expectOneLine(result: CliResult, code: number, reason: RegExp): void {
  expect(result.code).toBe(code);
  const lines = result.stderr.split('\n').filter((l) => l.length > 0);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^foley: /);
  expect(lines[0]).toMatch(reason);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('foley generate --takes', () => {
  it('writes 3 ranked takes, -o as take 1, and their scores in the report', async () => {
    const out = path.join(scratch, 'out.wav');
    const reportFile = path.join(scratch, 'report.json');
    const result = await foley('generate', clip, '-o', out, '--pack', TEST_PACK, '--steps', '1', '--seed', '3', '--takes', '3', '--report', reportFile);
    expect(result.stderr).toMatch(/searching 3 takes: 9 generations/);
    expect(result.code).toBe(0);
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as { takes: { file: string; seed: number; scores: Record<string, number | null>; total: number }[] };
    expect(report.takes.map((t) => path.basename(t.file))).toEqual(['out.take1.wav', 'out.take2.wav', 'out.take3.wav']);
    const totals = report.takes.map((t) => t.total);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    expect(report.takes.map((t) => t.seed).sort()).toEqual([3, 4, 5]);
    for (const take of report.takes) {
      expect(take.scores.avSync).toBeGreaterThanOrEqual(0);
      expect(take.scores.avSync).toBeLessThanOrEqual(1);
      // Only AV sync is present without a curve or a reference, so it is the total.
      expect(take.total).toBeCloseTo(take.scores.avSync!, 12);
      const wav = decodeWav(new Uint8Array(await readFile(take.file)));
      expect(wav.channels[0]!.length).toBe(88200);
    }
    expect(await readFile(out)).toEqual(await readFile(report.takes[0]!.file));
    expect(await readFile(report.takes[1]!.file)).not.toEqual(await readFile(report.takes[0]!.file));
  });

  it.each([
    ['0', /--takes must be from 1 to 16, got 0/],
    ['abc', /--takes needs a number, got "abc"/],
    ['1000', /--takes must be from 1 to 16, got 1000/],
    ['2.5', /--takes needs a whole number/],
  ])('refuses --takes %s with one line and exit 2', async (value, reason) => {
    const out = path.join(scratch, `bad-${value}.wav`);
    expectOneLine(await foley('generate', clip, '-o', out, '--pack', TEST_PACK, '--takes', value), 2, reason);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses --search-iterations without --takes', async () => {
    expectOneLine(await foley('generate', clip, '-o', path.join(scratch, 'x.wav'), '--pack', TEST_PACK, '--search-iterations', '2'), 2, /--search-iterations goes with --takes/);
  });

  it('never writes a take over an input: a video named like take 2 of -o stays as it was', async () => {
    const video = path.join(scratch, 'scene.take2.mp4');
    await makeVideo({ path: video, durationSec: 1, width: 96, height: 64, fps: 24, codec: 'h264', container: 'mp4', motion: 'drops' });
    const before = await stat(video);
    const result = await foley('generate', video, '-o', path.join(scratch, 'scene.mp4'), '--pack', TEST_PACK, '--takes', '2');
    expectOneLine(result, 1, /refusing to write --takes .*scene\.take2\.mp4: it is the video/);
    const after = await stat(video);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
    expect(existsSync(path.join(scratch, 'scene.take1.mp4'))).toBe(false);
    expect(existsSync(path.join(scratch, 'scene.mp4'))).toBe(false);
  });
});
