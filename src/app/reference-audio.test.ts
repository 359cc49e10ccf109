import { describe, expect, it } from 'vitest';
import { planarChannels, referenceDuration, unreadableAudioMessage } from './reference-audio';

describe('planarChannels', () => {
  it('returns one array per channel, in order', () => {
    const data = [new Float32Array([1, 2]), new Float32Array([3, 4])];
    const channels = planarChannels({ sampleRate: 8000, numberOfChannels: 2, getChannelData: (channel) => data[channel]! });
    expect(channels).toEqual(data);
  });
});

describe('referenceDuration', () => {
  it('is in seconds below a minute and in minutes from one minute on', () => {
    expect(referenceDuration({ fileName: 'rain.wav', sampleRate: 1000, channels: [new Float32Array(1500)] })).toBe('1.5 s');
    expect(referenceDuration({ fileName: 'long.flac', sampleRate: 100, channels: [new Float32Array(12_550)] })).toBe('2:05');
  });
});

describe('unreadableAudioMessage', () => {
  it('is one sentence naming the file and the formats that work', () => {
    expect(unreadableAudioMessage('notes.txt')).toBe('notes.txt could not be read as audio; choose a WAV, FLAC, OGG, MP3 or M4A recording.');
    expect(unreadableAudioMessage('')).toMatch(/^The file could not be read as audio;/);
  });
});
