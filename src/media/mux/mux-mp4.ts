/**
 * MP4 export: the source video's stream copied packet for packet (read with mediabunny's EncodedPacketSink, the
 * project's container reader) and the soundtrack encoded with WebCodecs (audio-encode.ts), muxed by mediabunny's
 * Output. Time is the source container's: a video whose first frame is at 0.167 s keeps it there (mediabunny writes
 * an edit list for it), and soundtrack sample 0 is at time 0, as generate() made it.
 *
 * The result is built in memory (fast start: moov before mdat, so a browser can play it while it downloads); the
 * video is read in bounded pieces.
 */
import { ALL_FORMATS, BlobSource, BufferTarget, EncodedAudioPacketSource, EncodedPacket, EncodedPacketSink, EncodedVideoPacketSource, Input, Mp4OutputFormat, Output } from 'mediabunny';
import type { InputVideoTrack } from 'mediabunny';
import { MediaError, throwIfAborted } from '../media-error';
import { openVideo } from '../video-source';
import { chooseSoundtrackEncoding, encodeSoundtrack, type EncodedSoundtrack } from './audio-encode';
import { mixOriginal, type PlanarAudio } from './mix-original';
import { videoCopyProblem } from './video-copy';

export type Mp4ExportStage = 'original-audio' | 'encode-audio' | 'copy-video' | 'finish';

export interface Mp4ExportProgress {
  stage: Mp4ExportStage;
  /** Of the whole export, 0–1. */
  fraction: number;
}

export interface Mp4ExportOptions {
  /** Level of the video's own audio under the take, dB; null leaves it out. */
  originalGainDb: number | null;
  signal?: AbortSignal;
  onProgress?: (progress: Mp4ExportProgress) => void;
}

/** Share of the progress bar each stage fills (copying is the long one: it reads the whole file). */
const STAGE_SPAN: Record<Mp4ExportStage, [number, number]> = {
  'original-audio': [0, 0.15],
  'encode-audio': [0.15, 0.35],
  'copy-video': [0.35, 0.98],
  finish: [0.98, 1],
};

function reporter(onProgress: Mp4ExportOptions['onProgress']) {
  return (stage: Mp4ExportStage, within: number) => {
    const [from, to] = STAGE_SPAN[stage];
    onProgress?.({ stage, fraction: from + (to - from) * Math.min(1, Math.max(0, within)) });
  };
}

async function openVideoTrack(input: Input): Promise<InputVideoTrack> {
  const track = await input.getPrimaryVideoTrack().catch((error: unknown) => {
    throw new MediaError('not-a-video', `This file could not be read as a video (${error instanceof Error ? error.message : String(error)}).`);
  });
  if (!track) throw new MediaError('no-video-track', 'This file has no video track, so there is nothing to put the sound under.');
  const problem = videoCopyProblem(track.codec);
  if (problem) throw new MediaError('unsupported-codec', problem);
  return track;
}

/** Refuses a video the export cannot take, before any work is spent on it (the CLI asks before generating). */
export async function checkMp4Exportable(video: Blob, mixOriginalAudio: boolean): Promise<void> {
  const input = new Input({ source: new BlobSource(video), formats: ALL_FORMATS });
  try {
    await openVideoTrack(input);
    if (mixOriginalAudio && !(await input.getPrimaryAudioTrack())) throw new MediaError('unsupported-codec', 'This video has no audio track of its own to mix in.');
  } finally {
    input.dispose();
  }
}

async function soundtrack(video: Blob, take: PlanarAudio, options: Mp4ExportOptions, progress: ReturnType<typeof reporter>): Promise<EncodedSoundtrack> {
  let audio = take;
  if (options.originalGainDb !== null) {
    progress('original-audio', 0);
    const source = await openVideo(video);
    try {
      const original = await source.decodeAudio(options.signal);
      if (!original) throw new MediaError('unsupported-codec', 'This video has no audio track of its own to mix in.');
      audio = mixOriginal(take, original, options.originalGainDb);
    } finally {
      source.close();
    }
  }
  throwIfAborted(options.signal);
  const encoding = await chooseSoundtrackEncoding(audio.sampleRate, audio.channels.length);
  return encodeSoundtrack(audio, encoding, { signal: options.signal, onProgress: (f) => progress('encode-audio', f) });
}

/** The video with `take` (and optionally its own audio) as its only audio track, as MP4 bytes. */
export async function exportMp4(video: Blob, take: PlanarAudio, options: Mp4ExportOptions): Promise<Uint8Array<ArrayBuffer>> {
  const progress = reporter(options.onProgress);
  const input = new Input({ source: new BlobSource(video), formats: ALL_FORMATS });
  const target = new BufferTarget();
  const output = new Output({ format: new Mp4OutputFormat({ fastStart: 'in-memory' }), target });
  try {
    const track = await openVideoTrack(input);
    const audio = await soundtrack(video, take, options, progress);
    const videoSource = new EncodedVideoPacketSource(track.codec!);
    const audioSource = new EncodedAudioPacketSource(audio.codec);
    output.addVideoTrack(videoSource, { rotation: await track.getRotation() });
    output.addAudioTrack(audioSource);
    await output.start();
    await copyInterleaved(track, videoSource, audio, audioSource, options.signal, progress);
    progress('finish', 0);
    await output.finalize();
    progress('finish', 1);
    return new Uint8Array(target.buffer!);
  } catch (error) {
    if (output.state !== 'finalized' && output.state !== 'canceled') await output.cancel();
    throw error;
  } finally {
    input.dispose();
  }
}

/**
 * Video packets in decode order as the source has them, with each audio packet added once the video has reached its
 * time, so the file interleaves the two tracks (players read both from one region of the file).
 */
async function copyInterleaved(
  track: InputVideoTrack,
  videoSource: EncodedVideoPacketSource,
  audio: EncodedSoundtrack,
  audioSource: EncodedAudioPacketSource,
  signal: AbortSignal | undefined,
  progress: ReturnType<typeof reporter>,
): Promise<void> {
  const decoderConfig = await track.getDecoderConfig();
  if (!decoderConfig) throw new MediaError('unsupported-codec', `The video stream (${track.codec}) carries no decoder configuration to copy.`);
  const durationSec = await track.computeDuration();
  let nextAudio = 0;
  const addAudioUpTo = async (timeSec: number) => {
    for (; nextAudio < audio.packets.length && audio.packets[nextAudio]!.timestampSec <= timeSec; nextAudio++) {
      const { data, timestampSec, durationSec: packetSec } = audio.packets[nextAudio]!;
      await audioSource.add(new EncodedPacket(data, 'key', timestampSec, packetSec), nextAudio === 0 ? { decoderConfig: audio.decoderConfig } : undefined);
    }
  };
  let first = true;
  // Decode order runs ahead and back in presentation time (B-frames); progress follows the furthest point reached.
  let reachedSec = 0;
  for await (const packet of new EncodedPacketSink(track).packets()) {
    throwIfAborted(signal);
    await addAudioUpTo(packet.timestamp);
    await videoSource.add(packet, first ? { decoderConfig } : undefined);
    first = false;
    reachedSec = Math.max(reachedSec, packet.timestamp);
    if (durationSec > 0) progress('copy-video', reachedSec / durationSec);
  }
  await addAudioUpTo(Infinity);
}
