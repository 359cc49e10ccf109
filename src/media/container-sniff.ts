/**
 * Container recognition from the first bytes, so a wrong file gets a precise message before any parser runs.
 * 'mp4' covers ISO BMFF and QuickTime (MP4, MOV, M4V, 3GP); 'webm' covers all of Matroska.
 */
export type SniffResult = 'mp4' | 'webm' | 'audio-only' | 'other-video' | 'unknown';

/** Enough to see an MPEG-TS sync byte repeat at 188. */
export const SNIFF_BYTES = 192;

const ISO_BOX_TYPES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'uuid', 'styp', 'sidx', 'moof']);

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

export function sniffContainer(bytes: Uint8Array): SniffResult {
  if (bytes.length >= 8 && ISO_BOX_TYPES.has(ascii(bytes, 4, 4))) return 'mp4';
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return 'webm';
  const riff = ascii(bytes, 0, 4) === 'RIFF' ? ascii(bytes, 8, 4) : '';
  if (riff === 'WAVE') return 'audio-only';
  if (riff === 'AVI ') return 'other-video';
  const head4 = ascii(bytes, 0, 4);
  if (head4 === 'fLaC' || head4 === 'OggS' || ascii(bytes, 0, 3) === 'ID3') return 'audio-only';
  if (bytes[0] === 0xff && bytes.length > 1 && (bytes[1] & 0xe0) === 0xe0) return 'audio-only';
  if (ascii(bytes, 0, 3) === 'FLV') return 'other-video';
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0xba]) || (bytes[0] === 0x47 && bytes[188] === 0x47)) return 'other-video';
  if (startsWith(bytes, [0x30, 0x26, 0xb2, 0x75])) return 'other-video';
  return 'unknown';
}
