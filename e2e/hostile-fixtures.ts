/**
 * Hostile and unusual media made at test time by byte surgery on ffmpeg-made files (see fixtures.ts), so no binary
 * is committed. Each helper reads a good file and writes a changed copy; the changes follow ISO 14496-12 (MP4 boxes),
 * ISO 14496-15 (avcC) and RFC 8794 (EBML) so the result is exactly the oddity named, nothing else.
 */
import { readFile, writeFile } from 'node:fs/promises';

interface BoxAt {
  type: string;
  start: number;
  /** First byte after the header (size + type, + 8 for a 64-bit size). */
  payload: number;
  end: number;
}

const CONTAINER_BOXES = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf']);

function u32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(at);
}

function setU32(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value);
}

/** Boxes between `start` and `end`, descending into the containers on the way to the sample tables. */
function walkBoxes(bytes: Uint8Array, start = 0, end = bytes.length): BoxAt[] {
  const out: BoxAt[] = [];
  let at = start;
  while (at + 8 <= end) {
    const size = u32(bytes, at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const box = { type, start: at, payload: at + 8, end: size === 0 ? end : at + size };
    out.push(box);
    if (CONTAINER_BOXES.has(type)) out.push(...walkBoxes(bytes, box.payload, box.end));
    at = box.end;
  }
  return out;
}

function theBox(bytes: Uint8Array, type: string): BoxAt {
  const found = walkBoxes(bytes).filter((b) => b.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type} box, found ${found.length} (use a video-only, non-fragmented MP4)`);
  return found[0]!;
}

function indexOfAscii(bytes: Uint8Array, text: string, from: number): number {
  const codes = [...text].map((c) => c.charCodeAt(0));
  for (let i = from; i + codes.length <= bytes.length; i++) if (codes.every((c, k) => bytes[i + k] === c)) return i;
  throw new Error(`no ${text} box`);
}

/**
 * Rewrites an H.264 MP4 (video only, mdat before moov: ffmpeg's default) from 4-byte to 2-byte NAL unit length
 * prefixes, as older phones and cameras write them: every prefix shrinks, the avcC lengthSizeMinusOne becomes 1,
 * and stsz, stco and the mdat size follow.
 */
export async function withTwoByteNalLengths(source: string, target: string): Promise<string> {
  const bytes = new Uint8Array(await readFile(source));
  const mdat = theBox(bytes, 'mdat');
  const stsz = theBox(bytes, 'stsz');
  const stco = theBox(bytes, 'stco');
  if (mdat.start > stsz.start) throw new Error('withTwoByteNalLengths needs the moov after the mdat');
  const avcC = indexOfAscii(bytes, 'avcC', theBox(bytes, 'stsd').payload);
  // avcC payload (ISO 14496-15 §5.3.3.1): version, profile, compatibility, level, then 0b111111xx lengthSizeMinusOne.
  bytes[avcC + 4 + 4] = 0xfc | 1;
  const sampleCount = u32(bytes, stsz.payload + 8);
  if (u32(bytes, stsz.payload + 4) !== 0) throw new Error('constant sample size is not expected for H.264');
  const out: number[] = [];
  /** Old sample start → new sample start, to move the chunk offsets. */
  const moved = new Map<number, number>();
  let read = mdat.payload;
  for (let i = 0; i < sampleCount; i++) {
    const sizeAt = stsz.payload + 12 + 4 * i;
    const sampleEnd = read + u32(bytes, sizeAt);
    moved.set(read, mdat.payload + out.length);
    const before = out.length;
    while (read < sampleEnd) {
      const nalBytes = u32(bytes, read);
      if (nalBytes > 0xffff) throw new Error(`NAL unit of ${nalBytes} bytes does not fit a 2-byte length`);
      out.push(nalBytes >> 8, nalBytes & 0xff, ...bytes.subarray(read + 4, read + 4 + nalBytes));
      read += 4 + nalBytes;
    }
    setU32(bytes, sizeAt, out.length - before);
  }
  for (let i = 0; i < u32(bytes, stco.payload + 4); i++) {
    const at = stco.payload + 8 + 4 * i;
    setU32(bytes, at, moved.get(u32(bytes, at)) ?? u32(bytes, at));
  }
  const newMdat = new Uint8Array(8 + out.length);
  newMdat.set(bytes.subarray(mdat.start, mdat.payload));
  setU32(newMdat, 0, newMdat.length);
  newMdat.set(out, 8);
  const result = new Uint8Array(bytes.length - (mdat.end - mdat.start) + newMdat.length);
  result.set(bytes.subarray(0, mdat.start));
  result.set(newMdat, mdat.start);
  result.set(bytes.subarray(mdat.end), mdat.start + newMdat.length);
  await writeFile(target, result);
  return target;
}

/** Sets the size of the file's last top-level box to 0, "extends to the end of the file" (ISO 14496-12 §4.2). */
export async function withOpenEndedLastBox(source: string, target: string): Promise<{ path: string; type: string }> {
  const bytes = new Uint8Array(await readFile(source));
  let last: BoxAt | null = null;
  for (const box of walkBoxes(bytes)) if (box.end === bytes.length && (!last || box.start < last.start)) last = box;
  if (!last) throw new Error('no top-level box ends at the end of the file');
  setU32(bytes, last.start, 0);
  await writeFile(target, bytes);
  return { path: target, type: last.type };
}

/**
 * Makes the header (mvhd, tkhd, mdhd) declare `durationSec` while the sample table keeps its frames, as a
 * damaged or hand-edited file may: a few frames claiming to last an hour.
 */
export async function withDeclaredDuration(source: string, target: string, durationSec: number): Promise<string> {
  const bytes = new Uint8Array(await readFile(source));
  // Version-0 layouts (§8.2.2, §8.3.2, §8.4.2): mvhd/mdhd timescale at +12, duration at +16; tkhd duration at +20.
  for (const type of ['mvhd', 'mdhd']) {
    const box = theBox(bytes, type);
    if (bytes[box.payload] !== 0) throw new Error(`${type} version 1 is not handled`);
    setU32(bytes, box.payload + 16, Math.round(u32(bytes, box.payload + 12) * durationSec));
  }
  const tkhd = theBox(bytes, 'tkhd');
  setU32(bytes, tkhd.payload + 20, u32(bytes, theBox(bytes, 'mvhd').payload + 16));
  await writeFile(target, bytes);
  return target;
}

/** Reads an EBML variable-size integer (RFC 8794 §4): its length in bytes and its value with the marker bit cleared. */
function ebmlVint(bytes: Uint8Array, at: number): { length: number; value: number } {
  const first = bytes[at]!;
  const length = Math.clz32(first) - 23;
  let value = first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + bytes[at + i]!;
  return { length, value };
}

/** Deterministic bytes (a 32-bit LCG), so a failing case can be reproduced exactly. */
export function pseudoRandomBytes(count: number, seed = 1): Uint8Array {
  const out = new Uint8Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

/** Keeps a WebM's EBML header and Segment header, then `junkBytes` of pseudo-random bytes where the Segment's content was. */
export async function webmWithJunkAfterHeader(source: string, target: string, junkBytes = 64): Promise<string> {
  const bytes = new Uint8Array(await readFile(source));
  if (u32(bytes, 0) !== 0x1a45dfa3) throw new Error('not an EBML file');
  const header = ebmlVint(bytes, 4);
  const segment = 4 + header.length + header.value;
  if (u32(bytes, segment) !== 0x18538067) throw new Error('no Segment after the EBML header');
  const segmentPayload = segment + 4 + ebmlVint(bytes, segment + 4).length;
  const out = new Uint8Array(segmentPayload + junkBytes);
  out.set(bytes.subarray(0, segmentPayload));
  out.set(pseudoRandomBytes(junkBytes), segmentPayload);
  await writeFile(target, out);
  return target;
}

/** Overwrites `count` bytes from `fraction` of the way in with pseudo-random bytes: damage in the middle of a file. */
export async function withDamagedMiddle(source: string, target: string, fraction = 0.3, count = 3000): Promise<string> {
  const bytes = new Uint8Array(await readFile(source));
  const at = Math.floor(bytes.length * fraction);
  bytes.set(pseudoRandomBytes(Math.min(count, bytes.length - at), 3), at);
  await writeFile(target, bytes);
  return target;
}

/** The first `fraction` of a file, as an interrupted download or copy leaves it. */
export async function truncatedCopy(source: string, target: string, fraction = 0.6): Promise<string> {
  const bytes = await readFile(source);
  await writeFile(target, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return target;
}

/** Sets the entry count of the first `box` sample table (stsz: sample_count at +8, others at +4 of the payload). */
export async function withTableCount(source: string, target: string, box: 'stsz' | 'stco' | 'stsc' | 'stts', count: number): Promise<string> {
  const bytes = new Uint8Array(await readFile(source));
  const table = walkBoxes(bytes).find((b) => b.type === box);
  if (!table) throw new Error(`no ${box} box`);
  setU32(bytes, table.payload + (box === 'stsz' ? 8 : 4), count);
  await writeFile(target, bytes);
  return target;
}

/** Sets the length of the first SPS in the avcC record (§5.3.3.1: after 5 header bytes and the SPS count) to `length`. */
export async function withSpsLength(source: string, target: string, length: number): Promise<string> {
  const bytes = new Uint8Array(await readFile(source));
  const payload = indexOfAscii(bytes, 'avcC', 0) + 4;
  bytes[payload + 6] = length >> 8;
  bytes[payload + 7] = length & 0xff;
  await writeFile(target, bytes);
  return target;
}

/** The source's ftyp followed by a moov holding `depth` trak boxes each nested in the previous one. */
export async function withNestedBoxes(source: string, target: string, depth: number): Promise<string> {
  const bytes = new Uint8Array(await readFile(source));
  const ftyp = theBox(bytes, 'ftyp');
  const out = new Uint8Array(ftyp.end + depth * 8);
  out.set(bytes.subarray(0, ftyp.end));
  for (let i = 0; i < depth; i++) {
    const at = ftyp.end + i * 8;
    setU32(out, at, (depth - i) * 8);
    out.set([...(i === 0 ? 'moov' : 'trak')].map((c) => c.charCodeAt(0)), at + 4);
  }
  await writeFile(target, out);
  return target;
}

/**
 * Sets a 32-bit big-endian field `payloadOffset` bytes into the payload of the one `type` box, e.g. mdhd's timescale
 * (+12, version 0) or tkhd's 16.16 width (+76) and height (+80): a header that lies about one number.
 */
export async function withBoxField(source: string, target: string, type: string, payloadOffset: number, value: number): Promise<string> {
  const bytes = new Uint8Array(await readFile(source));
  const box = theBox(bytes, type);
  if (box.payload + payloadOffset + 4 > box.end) throw new Error(`${type} has no field at +${payloadOffset}`);
  setU32(bytes, box.payload + payloadOffset, value >>> 0);
  await writeFile(target, bytes);
  return target;
}

/** Sets the width and height of the first visual sample entry (stsd → avc1/vp09/av01 …, ISO 14496-12 §12.1.3). */
export async function withSampleEntrySize(source: string, target: string, width: number, height: number): Promise<string> {
  const bytes = new Uint8Array(await readFile(source));
  // stsd payload: version/flags 4, entry_count 4; the entry: size 4, format 4, reserved 6, data_reference_index 2,
  // pre_defined 2, reserved 2, pre_defined 12, then width 16 and height 16 bits.
  const entry = theBox(bytes, 'stsd').payload + 8;
  new DataView(bytes.buffer).setUint16(entry + 32, width);
  new DataView(bytes.buffer).setUint16(entry + 34, height);
  await writeFile(target, bytes);
  return target;
}

/**
 * Reverses the order of the boxes directly inside the one `parent` box (e.g. stbl: stco … stsd), in place. The
 * total size is unchanged, so no offset moves; ISO 14496-12 recommends an order but readers may not rely on it.
 */
export async function withChildrenReversed(source: string, target: string, parent: string): Promise<string> {
  const bytes = new Uint8Array(await readFile(source));
  const box = theBox(bytes, parent);
  const children: Uint8Array[] = [];
  for (let at = box.payload; at + 8 <= box.end; at += u32(bytes, at)) children.push(bytes.slice(at, at + u32(bytes, at)));
  let at = box.payload;
  for (const child of children.reverse()) {
    bytes.set(child, at);
    at += child.length;
  }
  await writeFile(target, bytes);
  return target;
}

/**
 * Swaps the first two top-level boxes of a faststart MP4 (ftyp, moov → moov, ftyp): the media data does not move,
 * so every chunk offset stays right; only a reader that insists on ftyp first would refuse it.
 */
export async function withFirstBoxesSwapped(source: string, target: string): Promise<string> {
  const bytes = new Uint8Array(await readFile(source));
  const first = bytes.slice(0, u32(bytes, 0));
  const second = bytes.slice(first.length, first.length + u32(bytes, first.length));
  bytes.set(second, 0);
  bytes.set(first, second.length);
  await writeFile(target, bytes);
  return target;
}
