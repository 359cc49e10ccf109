import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { audioToLatent } from '../../dsp/log-mel';
import { Prng } from '../../dsp/prng';
import { audioPromptExcerpt, audioPromptLatent, audioPromptSourceFrames, audioPromptWarnings, resampleLinear } from './audio-prompt';
import { parseManifest } from '../pack/manifest';

const manifest = parseManifest(JSON.parse(readFileSync(new URL('../../../public/models/foley-test/manifest.json', import.meta.url), 'utf8')));
const { maxSec } = manifest.conditioning.audioPrompt;

function noise(frames: number, seed: number, amplitude = 0.3): Float32Array {
  const prng = new Prng(seed);
  return Float32Array.from({ length: frames }, () => amplitude * (2 * prng.nextFloat() - 1));
}

/** What the latent was before only the used seconds were read: resample everything, then keep maxSec seconds. */
function latentFromWholeRecording(channels: Float32Array[], sampleRate: number): Float32Array {
  const maxSamples = Math.round(maxSec * manifest.sampleRate);
  const matched = channels.length === 1 ? Array.from({ length: manifest.channels }, () => channels[0]!) : channels;
  const resampled = matched.map((c) => resampleLinear(c, sampleRate, manifest.sampleRate).subarray(0, maxSamples));
  return audioToLatent(resampled, { ...manifest.latent, sampleRate: manifest.sampleRate }).data;
}

describe('audio prompt: only the seconds the pack uses are read and resampled (issue 11 #3)', () => {
  it.each([8000, 22050, 44100, 48000, 96000, 192000])('a 12 s recording at %i Hz gives exactly the latent of resampling all of it', (sampleRate) => {
    const channels = [noise(12 * sampleRate, 1), noise(12 * sampleRate, 2)];
    const mono = [noise(12 * sampleRate, 3)];
    expect(audioPromptLatent({ sampleRate, channels }, manifest).data).toEqual(latentFromWholeRecording(channels, sampleRate));
    expect(audioPromptLatent({ sampleRate, channels: mono }, manifest).data).toEqual(latentFromWholeRecording(mono, sampleRate));
  });

  it('never looks past the used part: a damaged tail after maxSec does not matter', () => {
    const sampleRate = 48000;
    const channel = noise(20 * sampleRate, 4);
    channel.fill(Number.NaN, audioPromptSourceFrames(sampleRate, manifest));
    expect(() => audioPromptLatent({ sampleRate, channels: [channel] }, manifest)).not.toThrow();
    expect(audioPromptExcerpt({ sampleRate, channels: [channel] }, manifest).channels[0]!.length).toBe(audioPromptSourceFrames(sampleRate, manifest));
  });

  it('still refuses NaN inside the used part', () => {
    const channel = noise(48000, 5);
    channel[100] = Number.NaN;
    expect(() => audioPromptLatent({ sampleRate: 48000, channels: [channel] }, manifest)).toThrow(/invalid \(NaN or infinite\) samples/);
  });
});

describe('audio prompt: clipping is a warning, not a refusal (issue 11 #13)', () => {
  /** A field recording with 1.5 % of its samples pinned at full scale. */
  function clippedRecording(): { sampleRate: number; channels: Float32Array[] } {
    const channel = noise(3 * 48000, 6);
    for (let i = 0; i < channel.length; i += 66) channel[i] = i % 132 === 0 ? 1 : -1;
    return { sampleRate: 48000, channels: [channel] };
  }

  it('uses a recording with 1.5 % clipped samples and says so in one sentence', () => {
    const audio = clippedRecording();
    expect(() => audioPromptLatent(audio, manifest)).not.toThrow();
    const warnings = audioPromptWarnings(audio, manifest);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^the audio prompt is clipped \(1\.5 % of samples at full scale\); using it anyway/);
  });

  it('has nothing to say about a clean recording', () => {
    expect(audioPromptWarnings({ sampleRate: 48000, channels: [noise(48000, 7)] }, manifest)).toEqual([]);
  });
});
