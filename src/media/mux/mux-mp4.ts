/**
 * MP4 export: the source video's stream copied packet for packet (read with mediabunny's EncodedPacketSink, the
 * project's container reader) and the soundtrack encoded with WebCodecs (audio-encode.ts), muxed by mediabunny's
 * Output. Time is the source container's: a video whose first frame is at 0.167 s keeps it there (mediabunny writes
 * an edit list for it), and soundtrack sample 0 is at time 0, as generate() made it.
 *
 * Two ways out: exportMp4ToStream writes the file as it is made (the sound encoded block by block between the
 * video's packets, the moov after the mdat), so memory does not grow with the video's length; exportMp4 builds
 * it in memory with fast start (moov first), for where no file can be streamed to.
 */
import { ALL_FORMATS, BlobSource, BufferTarget, EncodedAudioPacketSource, EncodedPacket, EncodedPacketSink, EncodedVideoPacketSource, Input, Mp4OutputFormat, Output, StreamTarget } from 'mediabunny';
import type { InputVideoTrack, StreamTargetChunk } from 'mediabunny';
import { MediaError, throwIfAborted } from '../media-error';
import { openVideo } from '../video-source';
import { chooseSoundtrackEncoding, encodePackets, planarInput, type SoundtrackInput, type SoundtrackPacket } from './audio-encode';
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

/**
 * Share of the progress bar each stage fills. 'encode-audio' is the encoder's start (its delay measured); the
 * sound is then encoded while the video is copied, so 'copy-video' is the long one: it reads the whole file.
 */
const STAGE_SPAN: Record<Mp4ExportStage, [number, number]> = {
  'original-audio': [0, 0.15],
  'encode-audio': [0.15, 0.2],
  'copy-video': [0.2, 0.98],
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

/** The take as the export's input; the whole take is read into memory only to mix the original under it. */
async function takeInput(take: PlanarAudio | SoundtrackInput): Promise<PlanarAudio | SoundtrackInput> {
  if ('channels' in take) return take;
  const channels = Array.from({ length: take.channelCount }, () => new Float32Array(take.frames));
  const read = await take.read(0, take.frames);
  read.forEach((channel, c) => channels[c]!.set(channel));
  return { sampleRate: take.sampleRate, channels };
}

interface Soundtrack {
  codec: 'aac' | 'opus';
  packets: AsyncGenerator<SoundtrackPacket>;
}

async function soundtrack(video: Blob, take: PlanarAudio | SoundtrackInput, options: Mp4ExportOptions, progress: ReturnType<typeof reporter>): Promise<Soundtrack> {
  let input = 'channels' in take ? planarInput(take) : take;
  if (options.originalGainDb !== null) {
    progress('original-audio', 0);
    const source = await openVideo(video);
    try {
      const original = await source.decodeAudio(options.signal);
      if (!original) throw new MediaError('unsupported-codec', 'This video has no audio track of its own to mix in.');
      input = planarInput(mixOriginal((await takeInput(take)) as PlanarAudio, original, options.originalGainDb));
    } finally {
      source.close();
    }
  }
  throwIfAborted(options.signal);
  progress('encode-audio', 0);
  const encoding = await chooseSoundtrackEncoding(input.sampleRate, input.channelCount);
  const packets = encodePackets(input, encoding, { signal: options.signal });
  // The first packet carries the decoder configuration the track needs; asking for it starts the encoder.
  return { codec: encoding.codec, packets };
}

/** The video with `take` (and optionally its own audio) as its only audio track, as MP4 bytes (fast start). */
export async function exportMp4(video: Blob, take: PlanarAudio | SoundtrackInput, options: Mp4ExportOptions): Promise<Uint8Array<ArrayBuffer>> {
  const target = new BufferTarget();
  await writeMp4(video, take, new Output({ format: new Mp4OutputFormat({ fastStart: 'in-memory' }), target }), options);
  return new Uint8Array(target.buffer!);
}

/**
 * exportMp4 written to `writable` as it is made (chunks at byte positions: a file, OPFS or a File System Access
 * writable), holding a block of sound and the sample tables, not the file. The moov comes last (no fast start):
 * placing it first needs either the whole file in memory or each track's packet count before any is written.
 */
export async function exportMp4ToStream(video: Blob, take: PlanarAudio | SoundtrackInput, writable: WritableStream<StreamTargetChunk>, options: Mp4ExportOptions): Promise<void> {
  await writeMp4(video, take, new Output({ format: new Mp4OutputFormat({ fastStart: false }), target: new StreamTarget(writable) }), options);
}

async function writeMp4(video: Blob, take: PlanarAudio | SoundtrackInput, output: Output, options: Mp4ExportOptions): Promise<void> {
  const progress = reporter(options.onProgress);
  const input = new Input({ source: new BlobSource(video), formats: ALL_FORMATS });
  let audio: Soundtrack | null = null;
  try {
    const track = await openVideoTrack(input);
    audio = await soundtrack(video, take, options, progress);
    const videoSource = new EncodedVideoPacketSource(track.codec!);
    const audioSource = new EncodedAudioPacketSource(audio.codec);
    output.addVideoTrack(videoSource, { rotation: await track.getRotation() });
    output.addAudioTrack(audioSource);
    await output.start();
    await copyInterleaved(track, videoSource, audio.packets, audioSource, options.signal, progress);
    progress('finish', 0);
    await output.finalize();
    progress('finish', 1);
  } catch (error) {
    if (output.state !== 'finalized' && output.state !== 'canceled') await output.cancel();
    throw error;
  } finally {
    await audio?.packets.return(undefined);
    input.dispose();
  }
}

/**
 * Video packets in decode order as the source has them, with each audio packet added once the video has reached its
 * time, so the file interleaves the two tracks (players read both from one region of the file) and the sound is
 * encoded only as far as the copy has come.
 */
async function copyInterleaved(
  track: InputVideoTrack,
  videoSource: EncodedVideoPacketSource,
  audio: AsyncGenerator<SoundtrackPacket>,
  audioSource: EncodedAudioPacketSource,
  signal: AbortSignal | undefined,
  progress: ReturnType<typeof reporter>,
): Promise<void> {
  const decoderConfig = await track.getDecoderConfig();
  if (!decoderConfig) throw new MediaError('unsupported-codec', `The video stream (${track.codec}) carries no decoder configuration to copy.`);
  const durationSec = await track.computeDuration();
  let next = await audio.next();
  const addAudioUpTo = async (timeSec: number) => {
    for (; !next.done && next.value.timestampSec <= timeSec; next = await audio.next()) {
      const { data, timestampSec, durationSec: packetSec, decoderConfig: audioConfig } = next.value;
      await audioSource.add(new EncodedPacket(data, 'key', timestampSec, packetSec), audioConfig ? { decoderConfig: audioConfig } : undefined);
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
