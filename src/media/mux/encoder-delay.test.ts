/** The AAC encoder's delay as measured on this platform's real encoder and decoder (@napi-rs/webcodecs in Node). */
import { describe, expect, it } from 'vitest';
import { installNodeWebCodecs } from '../node-webcodecs';
import { encoderDelaySamples } from './encoder-delay';

installNodeWebCodecs();

describe('encoderDelaySamples', () => {
  it.each([
    [44100, 2],
    [48000, 1],
    [16000, 1],
  ])('measures FFmpeg\'s AAC encoder at %i Hz, %i ch as its documented 1024 samples (libavcodec aacenc initial_padding)', async (sampleRate, numberOfChannels) => {
    expect(await encoderDelaySamples({ codec: 'mp4a.40.2', sampleRate, numberOfChannels, bitrate: 96_000 * numberOfChannels })).toBe(1024);
  });

  it('says in a sentence when the encoder cannot be run', async () => {
    await expect(encoderDelaySamples({ codec: 'mp4a.40.2', sampleRate: 44100, numberOfChannels: 0, bitrate: 96_000 })).rejects.toThrow(/^The audio encoder's start-up delay could not be measured \(/);
  });
});
