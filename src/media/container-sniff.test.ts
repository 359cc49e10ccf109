import { describe, expect, it } from 'vitest';
import { sniffContainer } from './container-sniff';

const bytes = (...parts: (string | number[])[]) => {
  const out: number[] = [];
  for (const p of parts) out.push(...(typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : p));
  return Uint8Array.from(out);
};

describe('sniffContainer', () => {
  it.each([
    [bytes([0, 0, 0, 0x20], 'ftypisom'), 'mp4'],
    [bytes([0, 0, 0, 0x14], 'ftypqt  '), 'mp4'],
    [bytes([0, 0, 0, 8], 'wide'), 'mp4'],
    [bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f]), 'webm'],
    [bytes('RIFF', [0, 0, 0, 0], 'WAVE'), 'audio-only'],
    [bytes('RIFF', [0, 0, 0, 0], 'AVI '), 'other-video'],
    [bytes('ID3', [3, 0]), 'audio-only'],
    [bytes('OggS'), 'audio-only'],
    [bytes('FLV', [1]), 'other-video'],
    [bytes('This is a text file'), 'unknown'],
    [bytes('Gee, 188 bytes later there is no sync byte'), 'unknown'],
    [new Uint8Array(0), 'unknown'],
  ])('%#', (input, expected) => {
    expect(sniffContainer(input)).toBe(expected);
  });
});
