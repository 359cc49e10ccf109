/**
 * The corpus's inputs besides the video: WAV files for `foley measure` and `--audio-prompt` (NaN, no channels,
 * headers that lie), long and odd prompts, bad `--target-curve` JSON and damaged model-pack folders. See
 * hostile-corpus.ts for the case format. WAV fields follow the RIFF MCI spec (fmt: tag +8, channels +10, rate +12,
 * byte rate +16, block align +20, bits +22 from the chunk's start).
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { encodeWav, type WavFormat } from '../src/media/wav';
import type { CorpusBuilder } from './hostile-corpus';
import { pseudoRandomBytes } from './hostile-fixtures';

const TEST_PACK = resolve(import.meta.dirname, '../public/models/foley-test');

/** `seconds` of a 330 Hz sine at 0.3 in each of `channelCount` channels. */
function sineWav(channelCount: number, seconds: number, format: WavFormat = 'pcm16', sampleRate = 48000): Uint8Array {
  const tone = Float32Array.from({ length: Math.round(seconds * sampleRate) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 330 * i) / sampleRate));
  return encodeWav({ sampleRate, channels: Array.from({ length: channelCount }, () => tone) }, format);
}

function chunkAt(bytes: Uint8Array, id: string): number {
  for (let at = 12; at + 8 <= bytes.length; at += 8 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(at + 4, true)) {
    if (String.fromCharCode(...bytes.subarray(at, at + 4)) === id) return at;
  }
  throw new Error(`no ${id} chunk`);
}

/** A copy of `wav` with little-endian fields of its fmt chunk changed: offset from the chunk start → [bytes, value]. */
function withFmt(wav: Uint8Array, fields: Record<number, [2 | 4, number]>): Uint8Array {
  const out = wav.slice();
  const view = new DataView(out.buffer);
  const fmt = chunkAt(out, 'fmt ');
  for (const [offset, [size, value]] of Object.entries(fields)) {
    if (size === 2) view.setUint16(fmt + Number(offset), value, true);
    else view.setUint32(fmt + Number(offset), value, true);
  }
  return out;
}

/** A float32 WAV whose samples from `from` on are all `value` (NaN, Infinity). */
function withFloatSamples(value: number, from = 0): Uint8Array {
  const out = sineWav(2, 1, 'float32');
  const data = chunkAt(out, 'data') + 8;
  const view = new DataView(out.buffer);
  for (let at = data + from * 4; at + 4 <= out.length; at += 4) view.setFloat32(at, value, true);
  return out;
}

function withDataSize(wav: Uint8Array, size: number): Uint8Array {
  const out = wav.slice();
  new DataView(out.buffer).setUint32(chunkAt(out, 'data') + 4, size, true);
  return out;
}

/** A mono 16-bit WAV whose samples sit at full scale for 1.5 % of the time: a clipped field recording. */
function clippedWav(): Uint8Array {
  const sampleRate = 48000;
  const tone = Float32Array.from({ length: sampleRate }, (_, i) => Math.max(-1, Math.min(1, 1.02 * Math.sin((2 * Math.PI * 50 * i) / sampleRate))));
  return encodeWav({ sampleRate, channels: [tone] }, 'pcm16');
}

async function addWavCases(b: CorpusBuilder, video: string, avWithAudio: string | undefined): Promise<void> {
  const file = (name: string, content: Uint8Array | string) => async () => {
    await writeFile(b.path(name), content);
    return b.path(name);
  };
  const measureOk = (name: string, channels: number, content: Uint8Array) => b.add({ name, command: 'measure', expect: 'ok', channels, args: ['--json'] }, file(`${name}.wav`, content));
  const measureBad = (name: string, content: Uint8Array | string, ext = 'wav') => b.add({ name, command: 'measure', expect: 'clear-error' }, file(`${name}.${ext}`, content));
  await measureOk('wav-pcm16-stereo', 2, sineWav(2, 1));
  await measureOk('wav-pcm24-mono', 1, sineWav(1, 1, 'pcm24'));
  await measureOk('wav-float32-6ch', 6, sineWav(6, 0.5, 'float32'));
  await measureOk('wav-zero-frames', 2, sineWav(2, 0));
  await measureOk('wav-data-size-past-eof', 2, withDataSize(sineWav(2, 1), 0xffffffff));
  await measureOk('wav-8khz-mono-short', 1, sineWav(1, 0.05, 'pcm16', 8000));
  if (avWithAudio) await b.add({ name: 'measure-mp4-with-aac', command: 'measure', expect: 'ok', channels: 2, args: ['--json'] }, async () => avWithAudio);
  await measureBad('wav-float-nan', withFloatSamples(NaN));
  await measureBad('wav-float-inf-tail', withFloatSamples(Infinity, 40000));
  await measureBad('wav-zero-channels', withFmt(sineWav(2, 1), { 10: [2, 0] }));
  await measureBad('wav-sample-rate-zero', withFmt(sineWav(2, 1), { 12: [4, 0] }));
  await measureBad('wav-sample-rate-4ghz', withFmt(sineWav(2, 1), { 12: [4, 0xffffffff] }));
  await measureBad('wav-13-bit', withFmt(sineWav(2, 1), { 22: [2, 13] }));
  await measureBad('wav-block-align-zero', withFmt(sineWav(2, 1), { 20: [2, 0] }));
  await measureBad('wav-mp3-format-tag', withFmt(sineWav(2, 1), { 8: [2, 0x55] }));
  await measureBad('wav-9-channels', sineWav(9, 0.2));
  await measureBad('wav-65535-channels-no-data', withDataSize(withFmt(sineWav(1, 0), { 10: [2, 0xffff], 20: [2, 0xfffe] }), 0));
  await measureBad('wav-riff-header-only', 'RIFF\x04\x00\x00\x00WAVE');
  await measureBad('wav-fmt-size-huge', withFmt(sineWav(2, 1), { 4: [4, 0x7ffffff0] }));
  await measureBad('wav-random-bytes', pseudoRandomBytes(2048, 21));
  await b.add({ name: 'measure-video-without-audio', command: 'measure', expect: 'clear-error' }, async () => video);

  const ref = (name: string, expect: 'ok' | 'clear-error', content: Uint8Array | string, ext = 'wav') =>
    b.add({ name, command: 'generate', expect, args: ['--audio-prompt', b.path(`${name}.${ext}`)] }, async () => {
      await writeFile(b.path(`${name}.${ext}`), content);
      return video;
    });
  await ref('ref-mono-1s', 'ok', sineWav(1, 1));
  await ref('ref-clipped-1.5pct', 'ok', clippedWav());
  await ref('ref-8khz-float-6ch', 'ok', sineWav(6, 1, 'float32', 8000));
  await ref('ref-nan', 'clear-error', withFloatSamples(NaN));
  await ref('ref-zero-channels', 'clear-error', withFmt(sineWav(1, 1), { 10: [2, 0] }));
  await ref('ref-sample-rate-zero', 'clear-error', withFmt(sineWav(1, 1), { 12: [4, 0] }));
  await ref('ref-zero-frames', 'clear-error', sineWav(1, 0));
  await ref('ref-too-short-0.1s', 'clear-error', sineWav(1, 0.1));
  await ref('ref-mp3-extension', 'clear-error', sineWav(1, 1), 'mp3');
  await ref('ref-random-bytes', 'clear-error', pseudoRandomBytes(4096, 22));
}

async function addPromptAndCurveCases(b: CorpusBuilder, video: string): Promise<void> {
  const prompt = (name: string, expect: 'ok' | 'clear-error', text: string) =>
    b.add({ name, command: 'generate', expect, args: ['--prompt', text] }, async () => video);
  await prompt('prompt-empty', 'ok', '');
  await prompt('prompt-1000-chars', 'ok', 'footsteps gravel door creak '.repeat(40).slice(0, 1000));
  await prompt('prompt-1001-chars', 'clear-error', 'x'.repeat(1001));
  await prompt('prompt-unicode-and-control-characters', 'ok', 'pas sur le gravier 👣 خطوات 足音 Z̷͈a̶l̴g̵o\u200b\u202e door\tcreak\r\nglass\u0007\u001b[31m !!! ---');

  const curve = (name: string, expect: 'ok' | 'clear-error', content: unknown) =>
    b.add({ name, command: 'generate', expect, args: ['--target-curve', b.path(`${name}.json`)] }, async () => {
      await writeFile(b.path(`${name}.json`), typeof content === 'string' ? content : JSON.stringify(content));
      return video;
    });
  const shape = { rate: 6, windowSec: 0.4, unit: 'LUFS' };
  const flat = (points: number, lufs = -30) => Array<number>(points).fill(lufs);
  await curve('curve-matching', 'ok', { ...shape, channels: [flat(6), flat(6)] });
  await curve('curve-longer-than-video', 'ok', { ...shape, channels: [flat(600), flat(600)] });
  await curve('curve-empty-file', 'clear-error', '');
  await curve('curve-not-json', 'clear-error', '{"rate": 6, "channels": [[-30, -30');
  await curve('curve-nan-literal', 'clear-error', '{"rate": 6, "windowSec": 0.4, "unit": "LUFS", "channels": [[NaN, -30], [-30, -30]]}');
  await curve('curve-array', 'clear-error', [[-30, -30], [-30, -30]]);
  await curve('curve-no-channels', 'clear-error', { ...shape, channels: [] });
  await curve('curve-null-values', 'clear-error', { ...shape, channels: [[null, null], [null, null]] });
  await curve('curve-string-values', 'clear-error', { ...shape, channels: [flat(6).map(String), flat(6).map(String)] });
  await curve('curve-rate-zero', 'clear-error', { ...shape, rate: 0, channels: [flat(6), flat(6)] });
  await curve('curve-three-channels', 'clear-error', { ...shape, channels: [flat(6), flat(6), flat(6)] });
  await curve('curve-million-points', 'clear-error', { ...shape, channels: [flat(1_000_000, 12), flat(2)] });
}

/** The parts of manifest.json the pack cases change (src/engine/pack/manifest.ts has the whole schema). */
interface Manifest {
  schemaVersion: number;
  components: Record<string, { file: string; bytes: number; sha256: string }>;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Copies the test pack to `name`, then lets `change` edit its files (the manifest is parsed JSON, saved after). */
async function packVariant(b: CorpusBuilder, name: string, change: (dir: string, manifest: Manifest) => Promise<void>): Promise<string> {
  const dir = b.path(name);
  await rm(dir, { recursive: true, force: true });
  await cp(TEST_PACK, dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  await change(dir, manifest);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

async function addPackCases(b: CorpusBuilder, video: string): Promise<void> {
  const pack = async (name: string, expect: 'ok' | 'clear-error', make: () => Promise<string>) => {
    let dir = '';
    await b.add({ name, command: 'generate', expect }, async () => {
      dir = await make();
      return video;
    });
    const added = b.cases.find((c) => c.name === name);
    if (added) added.pack = dir;
  };
  const raw = (name: string, manifest: string) => async () => {
    await mkdir(b.path(name), { recursive: true });
    await writeFile(join(b.path(name), 'manifest.json'), manifest);
    return b.path(name);
  };
  await pack('pack-copy', 'ok', () => packVariant(b, 'pack-copy', async () => {}));
  await pack('pack-missing-folder', 'clear-error', async () => b.path('no-such-pack'));
  await pack('pack-empty-folder', 'clear-error', async () => {
    await mkdir(b.path('pack-empty-folder'), { recursive: true });
    return b.path('pack-empty-folder');
  });
  await pack('pack-is-a-file', 'clear-error', async () => video);
  await pack('pack-manifest-not-json', 'clear-error', raw('pack-manifest-not-json', '{"schemaVersion": 1,'));
  await pack('pack-manifest-empty-object', 'clear-error', raw('pack-manifest-empty-object', '{}'));
  await pack('pack-schema-version-99', 'clear-error', () => packVariant(b, 'pack-schema-version-99', async (_, m) => void (m.schemaVersion = 99)));
  await pack('pack-onnx-missing', 'clear-error', () => packVariant(b, 'pack-onnx-missing', async (dir) => rm(join(dir, 'dit.onnx'))));
  await pack('pack-onnx-random-with-right-hash', 'clear-error', () => packVariant(b, 'pack-onnx-random-with-right-hash', async (dir, m) => {
    const junk = pseudoRandomBytes(4096, 31);
    await writeFile(join(dir, 'dit.onnx'), junk);
    Object.assign(m.components.dit!, { bytes: junk.length, sha256: sha256(junk) });
  }));
  await pack('pack-file-escapes-folder', 'clear-error', () => packVariant(b, 'pack-file-escapes-folder', async (_, m) => void (m.components.dit!.file = '../pack-copy/dit.onnx')));
  await pack('pack-symlink-outside', 'clear-error', () => packVariant(b, 'pack-symlink-outside', async (dir) => {
    await rm(join(dir, 'dit.onnx'));
    await symlink(join(TEST_PACK, 'dit.onnx'), join(dir, 'dit.onnx'));
  }));
}

/** The non-video cases; `video` is a good 1 s clip they all generate for. */
export async function addInputCases(b: CorpusBuilder, video: string, avWithAudio?: string): Promise<void> {
  await addWavCases(b, video, avWithAudio);
  await addPromptAndCurveCases(b, video);
  await addPackCases(b, video);
}
