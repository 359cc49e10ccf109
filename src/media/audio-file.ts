/**
 * Reading the audio of any file a user may hand the CLI as sound: WAV, a video's own audio track, or an audio-only
 * container (M4A / audio-only MP4, WebM/Matroska audio, MP3, Ogg, FLAC, ADTS AAC). Videos go through the same
 * demuxers as everywhere else (so A/V timing matches `generate`); files without a picture, which those refuse,
 * are demuxed with mediabunny's audio track instead. In Node call installNodeWebCodecs() first.
 */
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input } from 'mediabunny';
import type { InputAudioTrack } from 'mediabunny';
import { decodeAudioTrack, type AudioTrackSource, type DecodedAudio } from './audio-decode';
import type { EncodedPacket } from './demuxer';
import { MediaError } from './media-error';
import { openVideo } from './video-source';
import { decodeWav } from './wav';

/** Audio packets on the track's own timeline shifted so the first packet is at 0 (how players start audio files). */
async function* audioPacketsFrom(track: InputAudioTrack, startSec: number): AsyncGenerator<EncodedPacket> {
  const offsetUs = -Math.round(startSec * 1e6);
  for await (const p of new EncodedPacketSink(track).packets()) {
    yield { key: p.type === 'key', timestampUs: p.microsecondTimestamp + offsetUs, durationUs: p.microsecondDuration, data: p.data };
  }
}

async function decodeAudioOnly(input: Blob, signal?: AbortSignal): Promise<DecodedAudio | null> {
  const demuxer = new Input({ source: new BlobSource(input), formats: ALL_FORMATS });
  try {
    const track = await demuxer.getPrimaryAudioTrack().catch((e: unknown) => {
      throw new MediaError('not-a-video', `This file could not be read as audio (${e instanceof Error ? e.message : String(e)}).`);
    });
    const config = track ? await track.getDecoderConfig() : null;
    if (!track) return null;
    if (!config) throw new MediaError('unsupported-codec', `The audio track uses a codec (${track.codec ?? 'unknown'}) that cannot be decoded here.`);
    // Encoder priming carries negative timestamps (AAC's first 1024 samples after the edit list); keep time 0 at 0.
    const startSec = Math.max(0, await track.getFirstTimestamp());
    const source: AudioTrackSource = {
      audio: { codec: config.codec, sampleRate: config.sampleRate, numberOfChannels: config.numberOfChannels, config },
      audioPackets: () => audioPacketsFrom(track, startSec),
    };
    return await decodeAudioTrack(source, signal);
  } finally {
    demuxer.dispose();
  }
}

function isWav(head: Uint8Array): boolean {
  const ascii = (from: number, to: number): string => String.fromCharCode(...head.subarray(from, to));
  return ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE';
}

/**
 * The file's audio as planar float32 at its own rate and channel count. Throws MediaError (or WavError) with a
 * sentence for the user: empty, unreadable, no audio track, undecodable codec.
 */
export async function decodeAudioFile(input: Blob, signal?: AbortSignal): Promise<DecodedAudio> {
  if (input.size === 0) throw new MediaError('empty-file', 'The file is empty (0 bytes).');
  if (isWav(new Uint8Array(await input.slice(0, 12).arrayBuffer()))) return decodeWav(new Uint8Array(await input.arrayBuffer()));
  let audio: DecodedAudio | null;
  try {
    const video = await openVideo(input);
    try {
      audio = await video.decodeAudio(signal);
    } finally {
      video.close();
    }
  } catch (error) {
    if (!(error instanceof MediaError && error.code === 'no-video-track')) throw error;
    audio = await decodeAudioOnly(input, signal);
  }
  if (!audio || audio.channels.length === 0 || audio.channels[0]!.length === 0) {
    throw new MediaError('decode-failed', 'The file has no audio track (or its audio track holds no samples).');
  }
  return audio;
}
