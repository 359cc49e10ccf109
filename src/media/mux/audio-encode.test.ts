/** Packet timing as pure arithmetic, then the real encoder of this platform (@napi-rs/webcodecs in Node). */
import { describe, expect, it } from 'vitest';
import { installNodeWebCodecs } from '../node-webcodecs';
import { chooseSoundtrackEncoding, encodePackets, encodeSoundtrack, opusPreSkip, packetTimings, type SoundtrackInput } from './audio-encode';
import { encoderDelaySamples } from './encoder-delay';

installNodeWebCodecs();

describe('packetTimings', () => {
  it('puts the priming before 0 and ends the last packet where the signal ends', () => {
    // 1 s at 44.1 kHz plus 1024 priming samples needs ceil(45124 / 1024) = 45 AAC frames.
    const timings = packetTimings(45, 1024, 1024, 44100, 1);
    expect(timings[0]!.timestampSec).toBeCloseTo(-1024 / 44100, 12);
    expect(timings[1]!.timestampSec).toBe(0);
    const last = timings.at(-1)!;
    expect(last.timestampSec + last.durationSec).toBeCloseTo(1, 12);
    expect(timings[43]!.durationSec).toBeCloseTo(1024 / 44100, 12);
  });

  it('leaves full frames when the packets end before the signal does', () => {
    const timings = packetTimings(50, 960, 0, 48000, 1.0065);
    expect(timings.at(-1)!.durationSec).toBeCloseTo(0.02, 12);
  });
});

describe('opusPreSkip', () => {
  it('reads PreSkip from an OpusHead (RFC 7845 §5.1) and gives 0 for anything else', () => {
    const head = Uint8Array.from([...new TextEncoder().encode('OpusHead'), 1, 2, 0x38, 0x01, 0x44, 0xac, 0, 0, 0, 0, 0]);
    expect(opusPreSkip(head)).toBe(312);
    expect(opusPreSkip(new Uint8Array([0x12, 0x10]))).toBe(0);
    expect(opusPreSkip(undefined)).toBe(0);
  });
});

describe('encodeSoundtrack', () => {
  it('encodes AAC in Node with packets covering exactly the signal after the priming', async () => {
    const sampleRate = 44100;
    const channels = [new Float32Array(sampleRate), new Float32Array(sampleRate)];
    for (let i = 0; i < sampleRate; i++) channels[0]![i] = channels[1]![i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / sampleRate);
    const encoding = await chooseSoundtrackEncoding(sampleRate, 2);
    expect(encoding.codec).toBe('aac');
    const progress: number[] = [];
    const encoded = await encodeSoundtrack({ sampleRate, channels }, encoding, { onProgress: (f) => progress.push(f) });
    expect(encoded.decoderConfig).toMatchObject({ codec: 'mp4a.40.2', sampleRate, numberOfChannels: 2 });
    expect(encoded.packets.length).toBe(Math.ceil((sampleRate + (await encoderDelaySamples(encoding.config))) / 1024));
    const last = encoded.packets.at(-1)!;
    expect(last.timestampSec + last.durationSec).toBeCloseTo(1, 9);
    expect(progress.at(-1)).toBe(1);
  });

  it('hands packets on while the input is still being read, a block at a time', async () => {
    const sampleRate = 44100;
    const reads: number[] = [];
    const input: SoundtrackInput = {
      sampleRate, channelCount: 1, frames: 30 * sampleRate,
      read: (start, frames) => {
        reads.push(start);
        return Promise.resolve([new Float32Array(frames).fill(0.1)]);
      },
    };
    const readsAtPacket: number[] = [];
    let last = { timestampSec: 0, durationSec: 0 };
    for await (const packet of encodePackets(input, await chooseSoundtrackEncoding(sampleRate, 1))) {
      readsAtPacket.push(reads.length);
      last = packet;
    }
    // Reads stay at most 3 blocks ahead of the encoder's output (encodePackets' back-pressure), whatever the load.
    expect(readsAtPacket[0]).toBeLessThanOrEqual(6);
    expect(reads.length).toBe(30);
    expect(last.timestampSec + last.durationSec).toBeCloseTo(30, 9);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const encoding = await chooseSoundtrackEncoding(44100, 1);
    await expect(encodeSoundtrack({ sampleRate: 44100, channels: [new Float32Array(44100)] }, encoding, { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});
