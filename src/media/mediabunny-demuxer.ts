/**
 * WebM / Matroska (and fragmented MP4) demuxing with mediabunny. Its BlobSource reads the Blob in bounded pieces
 * (8 MiB cache), and EncodedPacketSink walks packets in decode order, so memory stays bounded here too.
 *
 * Time zero is the first video frame: ffmpeg's WebM muxer shifts every stream so Opus pre-skip is not negative,
 * which starts the video at ~7 ms; both tracks are shifted back by the video's start to keep A/V sync.
 */
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input } from 'mediabunny';
import type { EncodedPacket as MbPacket, InputAudioTrack, InputVideoTrack } from 'mediabunny';
import type { DemuxedAudioTrack, DemuxedVideoTrack, Demuxer, EncodedPacket } from './demuxer';
import { noPackets } from './demuxer';
import { MediaError } from './media-error';

function toPacket(p: MbPacket, offsetUs: number): EncodedPacket {
  return { key: p.type === 'key', timestampUs: p.microsecondTimestamp + offsetUs, durationUs: p.microsecondDuration, data: p.data };
}

async function* packetsFrom(
  track: InputVideoTrack | InputAudioTrack, fromSec: number, startSec: number,
): AsyncGenerator<EncodedPacket> {
  const sink = new EncodedPacketSink(track);
  const start = fromSec > 0 ? (await sink.getKeyPacket(fromSec + startSec)) ?? undefined : undefined;
  const offsetUs = -Math.round(startSec * 1e6);
  for await (const packet of sink.packets(start)) yield toPacket(packet, offsetUs);
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
    const reason = e instanceof Error ? e.message : String(e);
    throw new MediaError('not-a-video', `This file could not be read as a video (${reason}).`);
  }
  if (!video) throw new MediaError('no-video-track', 'This file has no video track (it may be audio only). Choose a video file.');
  return { video, audio: await input.getPrimaryAudioTrack() };
}

export async function openWithMediabunny(blob: Blob, container: 'mp4' | 'webm'): Promise<Demuxer> {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  try {
    const tracks = await primaryTracks(input);
    const video = await describeVideo(tracks.video);
    const audio = await describeAudio(tracks.audio);
    const startSec = await tracks.video.getFirstTimestamp();
    const durationSec = (await tracks.video.computeDuration()) - startSec;
    return {
      container,
      durationSec,
      video,
      audio,
      videoPackets: (fromSec = 0) => packetsFrom(tracks.video, fromSec, startSec),
      audioPackets: () => (tracks.audio && audio ? packetsFrom(tracks.audio, 0, startSec) : noPackets()),
      close: () => input.dispose(),
    };
  } catch (e) {
    input.dispose();
    throw e;
  }
}
