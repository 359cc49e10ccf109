/**
 * H.264 / HEVC samples in MP4 and Matroska are NAL units each prefixed by its length in 1, 2 or 4 bytes, as the
 * avcC / hvcC record says (lengthSizeMinusOne). Older phones and cameras write 2-byte lengths; the FFmpeg-backed
 * WebCodecs in Node rejects them ("Invalid data found when processing input") while browsers accept them. Every
 * decoder accepts 4 bytes, so such tracks are rewritten to 4-byte lengths while demuxing (a few bytes per NAL unit).
 */
import type { Demuxer, EncodedPacket } from './demuxer';
import { MediaError } from './media-error';

/** Where lengthSizeMinusOne sits: avcC byte 4 (ISO 14496-15 §5.3.3.1), hvcC byte 21 (§8.3.3.1), low 2 bits. */
function lengthSizeByteIndex(codec: string): number | null {
  if (codec.startsWith('avc1') || codec.startsWith('avc3')) return 4;
  if (codec.startsWith('hvc1') || codec.startsWith('hev1')) return 21;
  return null;
}

function descriptionBytes(description: AllowSharedBufferSource | undefined): Uint8Array | null {
  if (!description) return null;
  if (ArrayBuffer.isView(description)) return new Uint8Array(description.buffer, description.byteOffset, description.byteLength);
  return new Uint8Array(description);
}

/** Rewrites one sample from `lengthSize`-byte to 4-byte NAL unit lengths; a length past the sample's end is damage. */
export function toFourByteNalLengths(sample: Uint8Array, lengthSize: number): Uint8Array {
  const units: [start: number, length: number][] = [];
  let at = 0;
  while (at < sample.length) {
    if (at + lengthSize > sample.length) throw new MediaError('decode-failed', 'A video frame of this file is damaged (a NAL unit length is cut off).');
    let length = 0;
    for (let i = 0; i < lengthSize; i++) length = length * 256 + sample[at + i]!;
    at += lengthSize;
    if (at + length > sample.length) throw new MediaError('decode-failed', 'A video frame of this file is damaged (a NAL unit runs past the frame).');
    units.push([at, length]);
    at += length;
  }
  const out = new Uint8Array(sample.length + units.length * (4 - lengthSize));
  const view = new DataView(out.buffer);
  let write = 0;
  for (const [start, length] of units) {
    view.setUint32(write, length);
    out.set(sample.subarray(start, start + length), write + 4);
    write += 4 + length;
  }
  return out;
}

async function* rewritten(packets: AsyncIterable<EncodedPacket>, lengthSize: number): AsyncGenerator<EncodedPacket> {
  for await (const p of packets) yield { ...p, data: toFourByteNalLengths(p.data, lengthSize) };
}

/** The demuxer unchanged when its video needs no rewrite, else one whose video packets and description use 4-byte lengths. */
export function withFourByteNalLengths(demuxer: Demuxer): Demuxer {
  const index = lengthSizeByteIndex(demuxer.video.codec);
  const description = descriptionBytes(demuxer.video.config.description);
  if (index === null || !description || description.length <= index) return demuxer;
  const lengthSize = (description[index]! & 0x3) + 1;
  if (lengthSize === 4) return demuxer;
  if (lengthSize === 3) throw new MediaError('not-a-video', 'This video is damaged: its H.264/HEVC header gives a NAL length size of 3 bytes, which the standard does not allow.');
  const patched = description.slice();
  patched[index] = (patched[index]! & 0xfc) | 3;
  const video = { ...demuxer.video, config: { ...demuxer.video.config, description: patched } };
  return {
    container: demuxer.container,
    durationSec: demuxer.durationSec,
    video,
    audio: demuxer.audio,
    videoPackets: (fromSec) => rewritten(demuxer.videoPackets(fromSec), lengthSize),
    audioPackets: () => demuxer.audioPackets(),
    close: () => demuxer.close(),
  };
}
