/**
 * WAV files on disk read piece by piece (Node): the header walk of wav.ts over positional reads, then any run of
 * frames on demand, so memory follows the block size and not the file's length (a 2-hour recording is 1.4 GB as
 * float; `foley measure` meters it in blocks and `--audio-prompt` reads only the seconds the pack uses).
 */

import { open, type FileHandle } from 'node:fs/promises';
import { decodeWavFrames, walkWavHeader, WavError, type WavLayout } from './wav';

export interface WavBlock {
  /** One array per channel, `frames` long (views into reused buffers: valid until the next read). */
  channels: Float32Array[];
  frames: number;
  /** Samples in the block that are NaN or ±Infinity (float WAVs only). */
  nonFinite: number;
}

export class WavFileReader {
  private bytes = new Uint8Array(0);
  private planar: Float32Array[] = [];

  private constructor(
    private readonly handle: FileHandle,
    readonly layout: WavLayout,
  ) {}

  /** Opens `file` and reads its header; throws WavError naming what is wrong with it. */
  static async open(file: string): Promise<WavFileReader> {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const walk = walkWavHeader(size);
      let step = walk.next();
      while (!step.done) step = walk.next(await readAt(handle, step.value.offset, step.value.length));
      return new WavFileReader(handle, step.value);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Reads `frames` frames from frame `start` on (fewer at the end of the data). */
  async read(start: number, frames: number): Promise<WavBlock> {
    const { blockAlign, channelCount, dataOffset } = this.layout;
    const count = Math.max(0, Math.min(frames, this.layout.frames - start));
    if (this.bytes.length < count * blockAlign) this.bytes = new Uint8Array(count * blockAlign);
    if (this.planar.length === 0 || this.planar[0]!.length < count) this.planar = Array.from({ length: channelCount }, () => new Float32Array(count));
    const data = this.bytes.subarray(0, count * blockAlign);
    const { bytesRead } = await this.handle.read(data, 0, data.length, dataOffset + start * blockAlign);
    // The header said these bytes exist; a shorter read means the file shrank while being read.
    if (bytesRead < data.length) throw new WavError('The WAV file changed while it was being read (it is shorter than its header says).');
    const channels = this.planar.map((c) => c.subarray(0, count));
    const nonFinite = decodeWavFrames(data, this.layout, channels, 0);
    return { channels, frames: count, nonFinite };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

async function readAt(handle: FileHandle, offset: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  const { bytesRead } = await handle.read(buffer, 0, length, offset);
  return buffer.subarray(0, bytesRead);
}
