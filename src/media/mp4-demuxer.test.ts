/**
 * Bounded reading: a moov-at-end MP4 much larger than one read is indexed by reading its head and its tail only,
 * and sample data is read in pieces of at most READ_CHUNK_BYTES.
 */
import { execFile } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_CHUNK_BYTES } from './demuxer';
import { openMp4 } from './mp4-demuxer';

let dir = '';
let path = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp4-demuxer-'));
  path = join(dir, 'noise.mp4');
  // Lossless noise makes a ~20 MB file from one second of video; ffmpeg's default puts the moov after the mdat.
  await promisify(execFile)('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=640x480:r=30:d=1,noise=alls=100:allf=t',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '0', path,
  ]);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A Blob stand-in that records every range read through slice().arrayBuffer(). */
function recordingBlob(blob: Blob, reads: [number, number][]): Blob {
  return {
    size: blob.size,
    slice: (start = 0, end = blob.size) => ({
      arrayBuffer: () => {
        reads.push([start, Math.min(end, blob.size)]);
        return blob.slice(start, end).arrayBuffer();
      },
    }),
  } as unknown as Blob;
}

describe('openMp4', () => {
  it('indexes a moov-at-end file from its head and tail, then reads samples in bounded pieces', async () => {
    const blob = await openAsBlob(path);
    expect(blob.size).toBeGreaterThan(3 * READ_CHUNK_BYTES);
    const reads: [number, number][] = [];
    const demuxer = await openMp4(recordingBlob(blob, reads));
    expect(demuxer).not.toBeNull();
    const indexBytes = reads.reduce((sum, [a, b]) => sum + (b - a), 0);
    expect(indexBytes).toBeLessThan(READ_CHUNK_BYTES + (blob.size - reads[reads.length - 1][0]) + 1);
    expect(reads[reads.length - 1][1]).toBe(blob.size);

    reads.length = 0;
    let packets = 0;
    for await (const p of demuxer!.videoPackets()) {
      packets++;
      expect(p.data.length).toBeGreaterThan(0);
    }
    expect(packets).toBe(30);
    for (const [a, b] of reads) expect(b - a).toBeLessThanOrEqual(READ_CHUNK_BYTES);
  }, 120_000);
});
