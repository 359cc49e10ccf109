/** Reading a reference recording the user picked: browser decoding to planar samples, and how it is labelled. */

import type { ReferenceSound } from './store/state';

export const ACCEPTED_AUDIO_TYPES = 'audio/*,.wav,.flac,.ogg,.mp3,.m4a,.webm';

/** Decoding rate before a pack has loaded and told its own. */
const FALLBACK_SAMPLE_RATE = 48_000;

/** The part of an AudioBuffer that planarChannels reads; lets tests build one without Web Audio. */
export interface DecodedBuffer {
  sampleRate: number;
  numberOfChannels: number;
  getChannelData(channel: number): Float32Array;
}

export function planarChannels(buffer: DecodedBuffer): Float32Array[] {
  return Array.from({ length: buffer.numberOfChannels }, (_, channel) => buffer.getChannelData(channel));
}

export function unreadableAudioMessage(fileName: string): string {
  return `${fileName || 'The file'} could not be read as audio; choose a WAV, FLAC, OGG, MP3 or M4A recording.`;
}

/**
 * Decodes on the main thread with Web Audio. An OfflineAudioContext needs no audio device or user gesture and holds
 * nothing to close; its decodeAudioData resamples to the context's rate, so decoding at the pack's rate spares the
 * engine its cruder linear resampling.
 */
export async function decodeReferenceFile(file: File, packSampleRate: number | undefined): Promise<ReferenceSound> {
  const sampleRate = packSampleRate ?? FALLBACK_SAMPLE_RATE;
  let buffer: AudioBuffer;
  try {
    buffer = await new OfflineAudioContext(1, 1, sampleRate).decodeAudioData(await file.arrayBuffer());
  } catch {
    // Chromium's reason is a bare "Unable to decode audio data"; the user needs the file name and what would work.
    throw new Error(unreadableAudioMessage(file.name));
  }
  return { fileName: file.name, sampleRate: buffer.sampleRate, channels: planarChannels(buffer) };
}

function formatDuration(seconds: number): string {
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${Math.floor(seconds - minutes * 60).toString().padStart(2, '0')}`;
}

/** "1.5 s", or "2:05" from a minute on. */
export function referenceDuration(reference: ReferenceSound): string {
  const samples = reference.channels[0]?.length ?? 0;
  return formatDuration(samples / reference.sampleRate);
}
