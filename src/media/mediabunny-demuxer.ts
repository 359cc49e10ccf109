/**
 * WebM / Matroska (and fragmented MP4) demuxing with mediabunny. Its BlobSource reads the Blob in bounded pieces
 * (8 MiB cache), and EncodedPacketSink walks packets in decode order, so memory stays bounded here too.
 *
 * Time is container time, as in mp4-demuxer.ts and the <video> element (Chromium keeps a positive start time): the
 * clip spans 0 … the end of the last video frame, even when the first frame comes later (ffmpeg's WebM muxer shifts
 * every stream so Opus pre-skip is not negative, starting the video at ~7 ms; a fragmented MP4 with B-frames and no
 * edit list starts at its composition delay, 0.167 s at 12 fps). Rebasing to the first frame made the WAV that much
 * shorter and ahead of the picture when muxed back at t = 0. Packets before 0 (Opus pre-skip) keep their negative
 * timestamps; the audio decoder drops the samples before 0, and the frame sampler never asks for a time before 0.
 */
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input } from 'mediabunny';
import type { EncodedPacket as MbPacket, InputAudioTrack, InputVideoTrack } from 'mediabunny';
import type { DemuxedAudioTrack, DemuxedVideoTrack, Demuxer, EncodedPacket } from './demuxer';
import { noPackets } from './demuxer';
import { DEMUX_STALL_LIMIT_SEC, guardReads, withinDeadline } from './demux-watchdog';
import { MediaError } from './media-error';

function toPacket(p: MbPacket): EncodedPacket {
  return { key: p.type === 'key', timestampUs: p.microsecondTimestamp, durationUs: p.microsecondDuration, data: p.data };
}

async function* packetsFrom(track: InputVideoTrack | InputAudioTrack, fromSec: number): AsyncGenerator<EncodedPacket> {
  const sink = new EncodedPacketSink(track);
  // No key packet at or before fromSec (it lies before the first frame): start from the first, as the MP4 path does.
  const start = fromSec > 0 ? (await sink.getKeyPacket(fromSec)) ?? undefined : undefined;
  for await (const packet of sink.packets(start)) yield toPacket(packet);
}

async function describeVideo(track: InputVideoTrack): Promise<DemuxedVideoTrack> {
  const config = await track.getDecoderConfig();
  const codec = config?.codec ?? (await track.getCodecParameterString()) ?? String(track.codec ?? 'unknown');
  if (!config) throw new MediaError('unsupported-codec', `This video uses a codec (${codec}) that cannot be decoded here.`);
  const rotationDeg = await track.getRotation();
  return { codec, width: await track.getCodedWidth(), height: await track.getCodedHeight(), rotationDeg, config };
}

async function describeAudio(track: InputAudioTrack | null): Promise<DemuxedAudioTrack | null> {
  const config = track ? await track.getDecoderConfig() : null;
  if (!config) return null;
  return { codec: config.codec, sampleRate: config.sampleRate, numberOfChannels: config.numberOfChannels, config };
}

async function primaryTracks(input: Input): Promise<{ video: InputVideoTrack; audio: InputAudioTrack | null }> {
  let video: InputVideoTrack | null;
  try {
    video = await input.getPrimaryVideoTrack();
  } catch (e) {
    if (e instanceof MediaError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new MediaError('not-a-video', `This file could not be read as a video (${reason}).`);
  }
  if (!video) throw new MediaError('no-video-track', 'This file has no video track (it may be audio only). Choose a video file.');
  return { video, audio: await input.getPrimaryAudioTrack() };
}

/** Frames may end this much before the duration the file declares (last-frame rounding, a slightly longer audio track). */
const MISSING_TAIL_TOLERANCE_SEC = 0.5;

const TRUNCATED_MESSAGE = 'The video file is incomplete (it ends before all of its data); the download or copy may have been interrupted.';

/**
 * True when the Matroska Segment declares more bytes than the file holds (RFC 8794 §4 sizes; an all-ones size is
 * "unknown", as live recordings write it). Reads only the first few hundred bytes.
 */
async function segmentRunsPastEnd(blob: Blob): Promise<boolean> {
  const head = new Uint8Array(await blob.slice(0, 512).arrayBuffer());
  const vint = (at: number): { length: number; value: number; unknown: boolean } | null => {
    const first = head[at];
    if (first === undefined || first === 0) return null;
    const length = Math.clz32(first) - 23;
    let value = first & (0xff >> length);
    let allOnes = value === 0xff >> length;
    for (let i = 1; i < length; i++) {
      value = value * 256 + (head[at + i] ?? 0);
      allOnes &&= head[at + i] === 0xff;
    }
    return { length, value, unknown: allOnes };
  };
  const ebmlId = 0x1a45dfa3;
  const segmentId = 0x18538067;
  const view = new DataView(head.buffer);
  if (head.length < 8 || view.getUint32(0) !== ebmlId) return false;
  const header = vint(4);
  if (!header) return false;
  const segment = 4 + header.length + header.value;
  if (segment + 5 > head.length || view.getUint32(segment) !== segmentId) return false;
  const size = vint(segment + 4);
  return size !== null && !size.unknown && segment + 4 + size.length + size.value > blob.size;
}

/**
 * Refuses a file whose frames stop well before the duration it declares, instead of giving a clip that silently
 * covers a fraction of the video: truncated (the Segment runs past the end of the file) or damaged in the middle.
 */
async function checkFramesReachDeclaredEnd(blob: Blob, input: Input, endsSec: number[]): Promise<void> {
  const declaredSec = await input.getDurationFromMetadata();
  const lastSec = Math.max(0, ...endsSec.filter(Number.isFinite));
  const missing = declaredSec !== null && declaredSec - lastSec > MISSING_TAIL_TOLERANCE_SEC;
  if (!missing && lastSec > 0) return;
  if (await segmentRunsPastEnd(blob)) throw new MediaError('truncated', TRUNCATED_MESSAGE);
  const extent = lastSec > 0 ? `its readable frames end at ${lastSec.toFixed(2)} s` : 'it has no readable frames';
  const claim = declaredSec === null ? '' : ` although it says it lasts ${declaredSec.toFixed(2)} s`;
  throw new MediaError('damaged', `This video file is damaged: ${extent}${claim}.`);
}

async function readTracks(blob: Blob, input: Input) {
  const tracks = await primaryTracks(input);
  const video = await describeVideo(tracks.video);
  const audio = await describeAudio(tracks.audio);
  const videoEndSec = await tracks.video.computeDuration();
  const audioEndSec = tracks.audio ? await tracks.audio.computeDuration() : 0;
  await checkFramesReachDeclaredEnd(blob, input, [videoEndSec, audioEndSec]);
  return { tracks, video, audio, durationSec: videoEndSec };
}

export async function openWithMediabunny(blob: Blob, container: 'mp4' | 'webm'): Promise<Demuxer> {
  const source = new BlobSource(blob);
  guardReads(source);
  const input = new Input({ source, formats: ALL_FORMATS });
  try {
    const { tracks, video, audio, durationSec } = await withinDeadline(
      readTracks(blob, input), 'reading its tracks', DEMUX_STALL_LIMIT_SEC, (restart) => source.on('read', restart),
    );
    return {
      container,
      durationSec,
      video,
      audio,
      videoPackets: (fromSec = 0) => packetsFrom(tracks.video, fromSec),
      audioPackets: () => (tracks.audio && audio ? packetsFrom(tracks.audio, 0) : noPackets()),
      close: () => input.dispose(),
    };
  } catch (e) {
    input.dispose();
    throw e;
  }
}
