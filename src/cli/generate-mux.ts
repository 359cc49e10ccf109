/**
 * `foley generate … --mux out.mp4`: the video with the generated track as its sound (src/media/mux: the picture
 * copied unchanged, the track encoded as AAC), written beside the WAV. `--mux-original <dB>` mixes the video's own
 * audio under it. Like every output, never onto an input or another output, and written to a temporary file first.
 * The MP4 streams to that file and the sound is read from the WAV just written, a block at a time, so memory does not
 * grow with the video's length (issue 9.3, 9.5).
 */

import { openAsBlob } from 'node:fs';
import path from 'node:path';
import type { StreamTargetChunk } from 'mediabunny';
import type { SoundtrackInput } from '../media/mux/audio-encode';
import { checkMp4Exportable, exportMp4ToStream } from '../media/mux/mux-mp4';
import { MAX_ORIGINAL_GAIN_DB, MIN_ORIGINAL_GAIN_DB, type PlanarAudio } from '../media/mux/mix-original';
import { installNodeWebCodecs } from '../media/node-webcodecs';
import { WavFileReader } from '../media/wav-file';
import { UsageError, type OptionSpec, type ParsedArgs } from './args';
import { openFileAtomic, refuseOverwritingInputs, type AtomicFileStream, type NamedInput } from './output-file';

export const MUX_OPTIONS: OptionSpec[] = [
  { name: 'mux', kind: 'string', valueName: '<out.mp4>', description: 'also write the video with the generated sound as an MP4 (video copied unchanged, sound as AAC)' },
  {
    name: 'mux-original',
    kind: 'number',
    valueName: '<dB>',
    min: MIN_ORIGINAL_GAIN_DB,
    max: MAX_ORIGINAL_GAIN_DB,
    description: `with --mux: mix the video's own audio under the generated sound at this level (${MIN_ORIGINAL_GAIN_DB} to ${MAX_ORIGINAL_GAIN_DB} dB, e.g. -12)`,
  },
];

interface MuxRequest {
  file: string;
  originalGainDb: number | null;
}

function muxRequest(values: ParsedArgs['values']): MuxRequest | null {
  const gain = values['mux-original'];
  if (typeof values.mux !== 'string') {
    if (gain !== undefined) throw new UsageError('--mux-original goes with --mux <out.mp4>');
    return null;
  }
  return { file: values.mux, originalGainDb: typeof gain === 'number' ? gain : null };
}

/**
 * Before any work: --mux names no input and no other output, and the video can be exported (VP8 and a mix
 * without an audio track are refused now, not after minutes of generating).
 */
export async function checkMuxOutput(video: string, values: ParsedArgs['values'], outputs: readonly NamedInput[], inputs: readonly NamedInput[]): Promise<void> {
  const request = muxRequest(values);
  if (!request) return;
  const same = outputs.find((o) => path.resolve(o.file) === path.resolve(request.file));
  if (same) throw new UsageError(`--mux and ${same.role} name the same file; choose another MP4 file`);
  await refuseOverwritingInputs('--mux', request.file, [...inputs, ...outputs]);
  installNodeWebCodecs();
  await checkMp4Exportable(await openAsBlob(video), request.originalGainDb !== null);
}

/** The WAV on disk as the encoder's input: read a block at a time, never whole. */
function wavInput(reader: WavFileReader): SoundtrackInput {
  const { sampleRate, channelCount, frames } = reader.layout;
  return { sampleRate, channelCount, frames, read: async (start, count) => (await reader.read(start, count)).channels };
}

/** mediabunny's StreamTarget chunks written at their positions into the temporary file; counts the file's size. */
function atomicWritable(out: AtomicFileStream, size: { bytes: number }): WritableStream<StreamTargetChunk> {
  return new WritableStream<StreamTargetChunk>({
    write: async ({ data, position }) => {
      await out.write(data, position);
      size.bytes = Math.max(size.bytes, position + data.length);
    },
  });
}

function sizeText(bytes: number): string {
  return bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * Writes the MP4 when --mux was given; returns the line to print, or null. `track` is the generated sound in memory
 * or the WAV file it was streamed to.
 */
export async function writeMux(video: string, values: ParsedArgs['values'], track: PlanarAudio | string, signal?: AbortSignal): Promise<string | null> {
  const request = muxRequest(values);
  if (!request) return null;
  installNodeWebCodecs();
  const reader = typeof track === 'string' ? await WavFileReader.open(track) : null;
  const out = await openFileAtomic(request.file);
  const size = { bytes: 0 };
  try {
    await exportMp4ToStream(await openAsBlob(video), reader ? wavInput(reader) : (track as PlanarAudio), atomicWritable(out, size), { originalGainDb: request.originalGainDb, signal });
    await out.commit();
  } finally {
    await out.abort();
    await reader?.close();
  }
  const mix = request.originalGainDb === null ? '' : `, the video's own audio mixed at ${request.originalGainDb} dB`;
  return `wrote ${request.file}: the video copied unchanged with the generated sound${mix} (${sizeText(size.bytes)})`;
}
