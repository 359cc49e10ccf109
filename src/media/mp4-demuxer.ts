/**
 * MP4 / MOV / M4V demuxing with mp4box. The index (moov) is found by streaming the Blob through mp4box in
 * READ_CHUNK_BYTES pieces and following the file position it asks for next, which skips over a large mdat when
 * the moov sits at the end. Sample bytes are then read straight from the Blob by the offsets in the index, a few
 * MB at a time, so memory stays bounded whatever the file size.
 */
import { createFile, Log, MP4BoxBuffer } from 'mp4box';
import type { ISOFile, Movie, Sample, Track, VisualSampleEntry, AudioSampleEntry } from 'mp4box';

type TrakBox = ReturnType<ISOFile['getTrackById']>;
import { audioDescription, videoDescription } from './codec-description';
import type { DemuxedAudioTrack, DemuxedVideoTrack, Demuxer, EncodedPacket, RotationDeg } from './demuxer';
import { noPackets, READ_CHUNK_BYTES } from './demuxer';
import { MediaError } from './media-error';

const TRUNCATED_MESSAGE = 'The video file is incomplete (it ends before all of its data); the download or copy may have been interrupted.';

interface IndexedTrack {
  samples: Sample[];
  timescale: number;
  /** Added to cts (converted to µs) to land on the presentation timeline, from the edit list. */
  offsetUs: number;
}

/** Top-level boxes looked at when searching for an open-ended one: real files have a handful; more is junk. */
const MAX_TOP_LEVEL_BOXES = 1000;

/**
 * The start of a last top-level box of size 0 ("extends to the end of the file", ISO 14496-12 §4.2) other than mdat,
 * which mp4box refuses ("Unlimited box size not supported"); null when there is none.
 */
async function openEndedBoxStart(blob: Blob): Promise<number | null> {
  let position = 0;
  for (let n = 0; n < MAX_TOP_LEVEL_BOXES && position + 8 <= blob.size; n++) {
    const header = new DataView(await blob.slice(position, position + 16).arrayBuffer());
    const size = header.getUint32(0);
    const type = String.fromCharCode(header.getUint8(4), header.getUint8(5), header.getUint8(6), header.getUint8(7));
    if (size === 0) return type === 'mdat' ? null : position;
    const boxBytes = size === 1 && header.byteLength >= 16 ? Number(header.getBigUint64(8)) : size;
    if (boxBytes < 8) return null;
    position += boxBytes;
  }
  return null;
}

/** Writes the real size of the open-ended box at `boxStart` into the bytes of [position, …) that cover its size field. */
function closeOpenEndedBox(bytes: ArrayBuffer, position: number, boxStart: number, fileSize: number): void {
  const size = new Uint8Array(4);
  new DataView(size.buffer).setUint32(0, fileSize - boxStart);
  const view = new Uint8Array(bytes);
  for (let k = 0; k < 4; k++) {
    const at = boxStart + k - position;
    if (at >= 0 && at < view.length) view[at] = size[k]!;
  }
}

/**
 * Streams the Blob through mp4box until the moov box is parsed. Only when that fails are the top-level boxes walked
 * for an open-ended last box, so ordinary files cost no extra reads.
 */
async function readIndex(blob: Blob): Promise<{ file: ISOFile; movie: Movie }> {
  try {
    return await parseIndex(blob, null);
  } catch (e) {
    const openEnded = await openEndedBoxStart(blob);
    // A size past 32 bits would need a 64-bit header that does not fit in place; such a moov is not a real file.
    if (openEnded === null || blob.size - openEnded > 0xffffffff) throw e;
    return parseIndex(blob, openEnded);
  }
}

/**
 * mp4box's Log.error prints to console.error ("[0:00:00.014] [BoxParser] Invalid box type: …") unless it is handed
 * the file, and its log levels stop at 'error'. A parse failure reaches the user as one MediaError, so those lines
 * were only noise: a second line on the CLI's stderr, a console error in the app. The route to the file's onError stays.
 */
function quietMp4boxLog(): void {
  Log.error = (module: string, message?: string, isofile?: ISOFile) => isofile?.onError?.(module, message ?? '');
}

async function parseIndex(blob: Blob, patchAt: number | null): Promise<{ file: ISOFile; movie: Movie }> {
  quietMp4boxLog();
  const file = createFile(false);
  let movie: Movie | null = null;
  let parseError: string | null = null;
  file.onReady = (m) => { movie = m; };
  file.onError = (_module, message) => { parseError = message; };
  let position = 0;
  while (movie === null && parseError === null && position < blob.size) {
    const end = Math.min(blob.size, position + READ_CHUNK_BYTES);
    const bytes = await blob.slice(position, end).arrayBuffer();
    if (patchAt !== null) closeOpenEndedBox(bytes, position, patchAt, blob.size);
    const next = file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes, position), end === blob.size);
    // mp4box answers with the next file position it needs; after an mdat header that is the end of the mdat.
    position = typeof next === 'number' && next > position ? next : end;
  }
  if (parseError !== null) throw new MediaError('not-a-video', `This file could not be read as an MP4/MOV video (${parseError}).`);
  if (movie === null) {
    if (file.ftyp || file.mdats.length > 0) {
      throw new MediaError('truncated', `${TRUNCATED_MESSAGE} Its index (moov box) is missing.`);
    }
    throw new MediaError('not-a-video', 'This file is not a video that can be read (no MP4/MOV structure found).');
  }
  return { file, movie };
}

/**
 * Presentation offset from the first edit-list entries (ISO 14496-12 §8.6.6): an empty edit delays, media_time trims.
 * Without an edit list composition time is presentation time (ffprobe's start_time, the <video> element's clock), so a
 * fragmented MP4 whose first frame is at 0.167 s (B-frame delay) keeps it there, like mediabunny-demuxer.ts.
 */
function editOffsetUs(trak: TrakBox, timescale: number, movieTimescale: number): number {
  const entries = trak.edts?.elst?.entries ?? [];
  let delayUs = 0;
  for (const entry of entries) {
    if (entry.media_time === -1) {
      delayUs += (entry.segment_duration / movieTimescale) * 1e6;
      continue;
    }
    return delayUs - (entry.media_time / timescale) * 1e6;
  }
  return delayUs;
}

/**
 * mp4box stretches the last sample to the duration the mdhd header declares, so a 2 s clip whose header claims an hour
 * became an hour of one held frame (and an hour of work). The sample table's own last delta (stts) bounds it, as
 * ffmpeg's stream duration does: the header may trim the last frame, never lengthen it.
 */
function boundLastSampleDuration(trak: TrakBox, samples: Sample[]): void {
  const last = samples.at(-1);
  const tableDelta = trak.mdia?.minf?.stbl?.stts?.sample_deltas?.at(-1);
  if (!last || tableDelta === undefined) return;
  last.duration = last.duration > 0 ? Math.min(last.duration, tableDelta) : tableDelta;
}

function indexTrack(file: ISOFile, track: Track, movie: Movie): IndexedTrack {
  const trak = file.getTrackById(track.id);
  const samples = trak.samples ?? [];
  boundLastSampleDuration(trak, samples);
  return { samples, timescale: track.timescale, offsetUs: editOffsetUs(trak, track.timescale, movie.timescale) };
}

function toPacket(s: Sample, t: IndexedTrack, data: Uint8Array): EncodedPacket {
  return {
    key: s.is_sync,
    timestampUs: Math.round((s.cts / t.timescale) * 1e6 + t.offsetUs),
    durationUs: Math.round((s.duration / t.timescale) * 1e6),
    data,
  };
}

/** Reads samples [start, end) in file order, batching neighbouring samples into one Blob read of ≤ READ_CHUNK_BYTES. */
async function* readSamples(blob: Blob, t: IndexedTrack, start: number): AsyncGenerator<EncodedPacket> {
  const { samples } = t;
  let i = start;
  while (i < samples.length) {
    const first = samples[i];
    let end = first.offset + first.size;
    let j = i + 1;
    while (j < samples.length) {
      const s = samples[j];
      if (s.offset < first.offset || s.offset + s.size - first.offset > READ_CHUNK_BYTES) break;
      end = Math.max(end, s.offset + s.size);
      j++;
    }
    const bytes = new Uint8Array(await blob.slice(first.offset, end).arrayBuffer());
    if (bytes.length < end - first.offset) throw new MediaError('truncated', TRUNCATED_MESSAGE);
    for (let k = i; k < j; k++) {
      const s = samples[k];
      yield toPacket(s, t, bytes.subarray(s.offset - first.offset, s.offset - first.offset + s.size));
    }
    i = j;
  }
}

/** Index of the last sync sample whose presentation time is ≤ timeSec (0 when none is). */
function keySampleAtOrBefore(t: IndexedTrack, timeSec: number): number {
  let best = 0;
  const targetUs = timeSec * 1e6;
  t.samples.forEach((s, i) => {
    if (s.is_sync && (s.cts / t.timescale) * 1e6 + t.offsetUs <= targetUs + 500) best = i;
  });
  return best;
}

/**
 * Where the track's presentation ends: the end of its last frame, cut at the end of its edit list (ISO 14496-12
 * §8.6.6) when that is shorter by more than its rounding (one movie tick): ffmpeg's VFR files with B-frames present
 * 3.5 s of frames that span 4 s, and players stop at 3.5 s. Frames that all last 0 s have no end at all (0): a
 * damaged stts, whose composition offsets alone would otherwise make up a length.
 */
function trackEndUs(t: IndexedTrack, editListUs: number | null): number {
  if (t.samples.every((s) => s.duration === 0)) return 0;
  const framesEndUs = t.samples.reduce((m, s) => Math.max(m, ((s.cts + s.duration) / t.timescale) * 1e6 + t.offsetUs), 0);
  return editListUs !== null && editListUs > 0 && editListUs < framesEndUs - EDIT_ROUNDING_US ? editListUs : framesEndUs;
}

/** Movie ticks are milliseconds in ffmpeg's files; an edit list rounded to them is not a cut. */
const EDIT_ROUNDING_US = 1000;

/** The edit list's length (empty edits included), or null without one; a segment_duration of 0 means "all". */
function editListUs(trak: TrakBox, movieTimescale: number): number | null {
  const entries = trak.edts?.elst?.entries ?? [];
  if (entries.length === 0 || entries.some((e) => e.segment_duration === 0)) return null;
  return (entries.reduce((sum, e) => sum + e.segment_duration, 0) / movieTimescale) * 1e6;
}

/**
 * Where the track's samples end in the file, or NaN when the index gives a sample no valid position (a damaged
 * stsc/stco yields NaN offsets, and Node's Blob.slice aborts the whole process on a NaN, not just throws).
 */
function lastByte(t: IndexedTrack): number {
  let last = 0;
  for (const s of t.samples) {
    if (!Number.isSafeInteger(s.offset) || !Number.isSafeInteger(s.size) || s.offset < 0 || s.size < 0) return Number.NaN;
    last = Math.max(last, s.offset + s.size);
  }
  return last;
}

/** Throws unless every sample of the tracks lies inside the file. */
function checkSamplesInFile(blob: Blob, tracks: (IndexedTrack | null)[]): void {
  for (const t of tracks) {
    if (!t) continue;
    const last = lastByte(t);
    if (Number.isNaN(last)) throw new MediaError('damaged', 'This video file is damaged: its index gives frames no valid position in the file.');
    if (last > blob.size) throw new MediaError('truncated', TRUNCATED_MESSAGE);
  }
}

/** WebCodecs spells the MP3-in-MP4 object types as plain 'mp3'. */
function webCodecsAudioCodec(codec: string): string {
  if (codec === 'mp4a.6b' || codec === 'mp4a.69') return 'mp3';
  if (codec.toLowerCase() === 'opus') return 'opus';
  return codec;
}

/**
 * Clockwise display rotation from the track matrix (ISO 14496-12 §6.2.2: [a b u; c d v; x y w], 16.16 fixed point;
 * (p, q) → (a·p + c·q, b·p + d·q) in y-down picture coordinates), i.e. atan2(b, a). Checked against ffmpeg's
 * autorotation of the same file.
 */
export function rotationFromMatrix(matrix: ArrayLike<number> | undefined): RotationDeg {
  if (!matrix || matrix.length < 5) return 0;
  const degrees = (Math.round((Math.atan2(matrix[1], matrix[0]) * 180) / Math.PI / 90) * 90 + 360) % 360;
  return degrees as RotationDeg;
}

function describeVideo(file: ISOFile, track: Track): DemuxedVideoTrack {
  const entry = file.getTrackById(track.id).mdia.minf.stbl.stsd.entries[0] as VisualSampleEntry;
  const width = entry.width || track.video?.width || track.track_width;
  const height = entry.height || track.video?.height || track.track_height;
  const description = videoDescription(entry);
  const config: VideoDecoderConfig = { codec: track.codec, codedWidth: width, codedHeight: height };
  if (description) config.description = description;
  return { codec: track.codec, width, height, rotationDeg: rotationFromMatrix(track.matrix), config };
}

function describeAudio(file: ISOFile, track: Track): DemuxedAudioTrack {
  const entry = file.getTrackById(track.id).mdia.minf.stbl.stsd.entries[0] as AudioSampleEntry;
  const codec = webCodecsAudioCodec(track.codec);
  const sampleRate = track.audio?.sample_rate ?? entry.getSampleRate();
  const numberOfChannels = track.audio?.channel_count ?? entry.getChannelCount();
  const config: AudioDecoderConfig = { codec, sampleRate, numberOfChannels };
  const description = audioDescription(entry);
  if (description) config.description = description;
  return { codec, sampleRate, numberOfChannels, config };
}

/**
 * First track of a media kind by its handler ('vide', 'soun'): mp4box only lists tracks with sample entries it
 * knows under videoTracks, and a ProRes MOV must still say "unsupported codec", not "no video track".
 */
function trackWithHandler(file: ISOFile, movie: Movie, handler: 'vide' | 'soun'): Track | undefined {
  return movie.tracks.find((t) => file.getTrackById(t.id).mdia?.hdlr?.handler === handler);
}

/**
 * Opens an MP4-family file. Returns null for fragmented MP4 (samples live in moof boxes, not in the moov index),
 * which the caller hands to the general-purpose demuxer instead.
 */
export async function openMp4(blob: Blob): Promise<Demuxer | null> {
  const { file, movie } = await readIndex(blob);
  const videoTrack = trackWithHandler(file, movie, 'vide');
  if (!videoTrack) {
    throw new MediaError('no-video-track', 'This file has no video track (it may be audio only). Choose a video file.');
  }
  const video = indexTrack(file, videoTrack, movie);
  if (video.samples.length === 0 && movie.isFragmented) return null;
  if (video.samples.length === 0) throw new MediaError('no-video-track', 'The video track of this file contains no frames.');
  const audioTrack = trackWithHandler(file, movie, 'soun');
  const audio = audioTrack ? indexTrack(file, audioTrack, movie) : null;
  checkSamplesInFile(blob, [video, audio]);
  return {
    container: 'mp4',
    durationSec: trackEndUs(video, editListUs(file.getTrackById(videoTrack.id), movie.timescale)) / 1e6,
    video: describeVideo(file, videoTrack),
    audio: audioTrack && audio && audio.samples.length > 0 ? describeAudio(file, audioTrack) : null,
    videoPackets: (fromSec = 0) => readSamples(blob, video, keySampleAtOrBefore(video, fromSec)),
    audioPackets: () => (audio ? readSamples(blob, audio, 0) : noPackets()),
    // The index is plain data owned by this object; dropping the demuxer frees it, so there is nothing to release.
    close: () => undefined,
  };
}
