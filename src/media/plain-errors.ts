/**
 * The container parsers (mp4box, mediabunny) meet damaged files with whatever their code trips over: "Offset is
 * outside the bounds of the DataView", "Invalid typed array length", "Maximum call stack size exceeded", "Cannot
 * read properties of undefined", "Assertion failed". None of that tells a user anything, so every error from
 * opening a file or reading its packets that is not already a MediaError (or an abort) becomes a plain reason here.
 */
import type { Demuxer, EncodedPacket } from './demuxer';
import { MediaError } from './media-error';

function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

/** `e` itself when it is already meant for users (or an abort), else a MediaError saying which part of the file broke. */
export function plainMediaError(e: unknown, part: string): unknown {
  if (e instanceof MediaError || isAbort(e)) return e;
  return new MediaError('damaged', `This video file is damaged: ${part} could not be read.`);
}

/** Runs `open` and turns an internal error into a plain one. */
export async function openPlainly<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (e) {
    throw plainMediaError(e, 'its structure');
  }
}

async function* plainPackets(packets: AsyncIterable<EncodedPacket>, part: string): AsyncGenerator<EncodedPacket> {
  try {
    yield* packets;
  } catch (e) {
    throw plainMediaError(e, part);
  }
}

/** The demuxer with its packet streams' internal errors turned into plain ones. */
export function withPlainErrors(demuxer: Demuxer): Demuxer {
  return {
    container: demuxer.container,
    durationSec: demuxer.durationSec,
    video: demuxer.video,
    audio: demuxer.audio,
    videoPackets: (fromSec) => plainPackets(demuxer.videoPackets(fromSec), 'its video frames'),
    audioPackets: () => plainPackets(demuxer.audioPackets(), 'its sound'),
    close: () => demuxer.close(),
  };
}
