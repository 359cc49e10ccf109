/**
 * Decoder `description` bytes for WebCodecs, built from the MP4 sample entry's configuration box
 * (the box payload without its 8-byte header, as the AVC/HEVC/AV1 WebCodecs registrations require).
 * VP9 needs none: its registration defines no description, the bitstream is self-describing.
 */
import { DataStream, Endianness } from 'mp4box';
import type { AudioSampleEntry, VisualSampleEntry } from 'mp4box';

const BOX_HEADER_BYTES = 8;

interface WritableBox {
  write(stream: never): void;
}

function payloadOf(box: WritableBox): Uint8Array {
  const stream = new DataStream(undefined, 0, Endianness.BIG_ENDIAN);
  box.write(stream as never);
  return new Uint8Array(stream.buffer, BOX_HEADER_BYTES);
}

interface Av1Config {
  seq_profile: number;
  seq_level_idx_0: number;
  seq_tier_0: number;
  high_bitdepth: number;
  twelve_bit: number;
  monochrome: number;
  chroma_subsampling_x: number;
  chroma_subsampling_y: number;
  chroma_sample_position: number;
  initial_presentation_delay_present: number;
  initial_presentation_delay_minus_one: number;
  configOBUs: Uint8Array;
}

/** AV1CodecConfigurationRecord (AV1-ISOBMFF §2.3.3); mp4box parses av1C but cannot write it. */
export function av1ConfigRecord(c: Av1Config): Uint8Array {
  const out = new Uint8Array(4 + c.configOBUs.length);
  out[0] = 0x81; // marker = 1, version = 1
  out[1] = ((c.seq_profile & 0x7) << 5) | (c.seq_level_idx_0 & 0x1f);
  out[2] = ((c.seq_tier_0 & 1) << 7) | ((c.high_bitdepth & 1) << 6) | ((c.twelve_bit & 1) << 5) | ((c.monochrome & 1) << 4)
    | ((c.chroma_subsampling_x & 1) << 3) | ((c.chroma_subsampling_y & 1) << 2) | (c.chroma_sample_position & 0x3);
  out[3] = c.initial_presentation_delay_present
    ? 0x10 | (c.initial_presentation_delay_minus_one & 0xf)
    : 0;
  out.set(c.configOBUs, 4);
  return out;
}

export function videoDescription(entry: VisualSampleEntry): Uint8Array | undefined {
  if (entry.avcC) return payloadOf(entry.avcC);
  if (entry.hvcC) return payloadOf(entry.hvcC);
  if (entry.av1C) return av1ConfigRecord(entry.av1C);
  return undefined;
}

interface DescriptorLike {
  data?: Uint8Array;
  findDescriptor(tag: number): DescriptorLike | undefined;
}

/** AAC AudioSpecificConfig: esds → DecoderConfigDescriptor (tag 4) → DecoderSpecificInfo (tag 5). */
export function audioDescription(entry: AudioSampleEntry): Uint8Array | undefined {
  const esds = (entry as unknown as { esds?: { esd?: DescriptorLike } }).esds;
  const specific = esds?.esd?.findDescriptor(4)?.findDescriptor(5);
  return specific?.data && specific.data.length > 0 ? new Uint8Array(specific.data) : undefined;
}
