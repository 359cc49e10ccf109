import { describe, expect, it } from 'vitest';
import { channelsFromAudioSpecificConfig } from './audio-specific-config';

describe('channelsFromAudioSpecificConfig', () => {
  it('reads the channel configuration ffmpeg writes for mono and stereo AAC-LC', () => {
    // 0x1188: object type 2 (LC), 48 kHz (index 3), channel configuration 1; 0x1190: configuration 2.
    expect(channelsFromAudioSpecificConfig(Uint8Array.from([0x11, 0x88]))).toBe(1);
    expect(channelsFromAudioSpecificConfig(Uint8Array.from([0x11, 0x90]))).toBe(2);
  });

  it('follows the escapes, maps 7 to 7.1, turns parametric stereo into 2, and says null when it cannot tell', () => {
    // Object type 2, frequency index 15 + 24-bit rate 16000, configuration 1.
    expect(channelsFromAudioSpecificConfig(Uint8Array.from([0x17, 0x80, 0x1f, 0x40, 0x08]))).toBe(1);
    // Configuration 7 (0x13b8: type 2, index 7, configuration 7).
    expect(channelsFromAudioSpecificConfig(Uint8Array.from([0x13, 0xb8]))).toBe(8);
    // Object type 29 (0xe9 0x88…: 11101 0011 0001 …) with a mono core.
    expect(channelsFromAudioSpecificConfig(Uint8Array.from([0xe9, 0x88]))).toBe(2);
    expect(channelsFromAudioSpecificConfig(Uint8Array.from([0x11, 0x80]))).toBeNull();
    expect(channelsFromAudioSpecificConfig(Uint8Array.from([0x11]))).toBeNull();
  });
});
