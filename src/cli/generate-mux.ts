/**
 * `foley generate … --mux out.mp4`: the video with the generated track as its sound (src/media/mux: the picture
 * copied unchanged, the track encoded as AAC), written beside the WAV. `--mux-original <dB>` mixes the video's own
 * audio under it. Like every output, never onto an input or another output, and written to a temporary file first.
 */

import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { checkMp4Exportable, exportMp4 } from '../media/mux/mux-mp4';
import { MAX_ORIGINAL_GAIN_DB, MIN_ORIGINAL_GAIN_DB, type PlanarAudio } from '../media/mux/mix-original';
import { installNodeWebCodecs } from '../media/node-webcodecs';
import { UsageError, type OptionSpec, type ParsedArgs } from './args';
import { refuseOverwritingInputs, writeFileAtomic, type NamedInput } from './output-file';

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

/** Writes the MP4 when --mux was given; returns the line to print, or null. */
export async function writeMux(video: string, values: ParsedArgs['values'], track: PlanarAudio, signal?: AbortSignal): Promise<string | null> {
  const request = muxRequest(values);
  if (!request) return null;
  installNodeWebCodecs();
  const bytes = await exportMp4(await openAsBlob(video), track, { originalGainDb: request.originalGainDb, signal });
  await writeFileAtomic(request.file, bytes);
  const mix = request.originalGainDb === null ? '' : `, the video's own audio mixed at ${request.originalGainDb} dB`;
  const size = bytes.length < 1e6 ? `${Math.ceil(bytes.length / 1e3)} kB` : `${(bytes.length / 1e6).toFixed(1)} MB`;
  return `wrote ${request.file}: the video copied unchanged with the generated sound${mix} (${size})`;
}
