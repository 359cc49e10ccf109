/**
 * Drives a WebCodecs decoder from an async packet source with bounded memory and no way to hang:
 * - packets are fed only while the decoder queue is short and few outputs await the consumer,
 *   so a slow consumer stops demuxing and decoding (backpressure) yet the decoder works while it runs;
 * - every wait is for decoder progress (output, dequeue, flush, error) or abort, and a watchdog turns
 *   "no progress for `stallTimeoutSec`" into a MediaError — once the decoder has started: until it takes its first
 *   chunk it waits for the browser to set it up, which is no sign of a damaged file (see DEFAULT_START_TIMEOUT_SEC);
 * - on any exit (done, error, abort, consumer break) the decoder is closed and every undelivered output closed.
 */
import { withinDeadline } from './demux-watchdog';
import type { EncodedPacket } from './demuxer';
import { MediaError, throwIfAborted } from './media-error';

/** Chunks allowed in the decoder queue before waiting: enough to keep a hardware decoder busy, few enough to stay small. */
const MAX_DECODE_QUEUE = 4;
/** Decoded outputs waiting for the consumer before feeding pauses: a handful of frames, well under a second. */
const MAX_HELD_OUTPUTS = 4;
const DEFAULT_STALL_TIMEOUT_SEC = 30;
/**
 * How long a decoder may take to start (take its first chunk). Chromium sets a WebCodecs decoder up on the renderer's
 * shared thread pool, where V8 also recompiles WebAssembly in the background: right after onnxruntime-web's 28 MB
 * module loads on a 2-core machine the first configure waited 10–27 s (none with --no-wasm-tier-up), and past the
 * 30 s stall limit a good video was reported damaged. The wait is for the browser, not the file, so only a wedged
 * browser reaches this bound.
 */
const DEFAULT_START_TIMEOUT_SEC = 300;
/**
 * How long a decode() that threw waits for the decoder's error callback: a native decoder that fails closes itself
 * first and reports why on a later task, and "Cannot decode with a closed codec" must not replace that reason.
 */
const ERROR_REPORT_GRACE_SEC = 2;

interface Closable {
  close(): void;
}

interface DecoderLike {
  readonly decodeQueueSize: number;
  readonly state: CodecState;
  ondequeue: ((this: never, ev: Event) => unknown) | null;
  flush(): Promise<void>;
  close(): void;
}

export interface PumpOptions<D extends DecoderLike, Chunk> {
  /** Builds the decoder around the pump's output and error callbacks; the pump configures nothing itself. */
  createDecoder(output: (value: Closable) => void, error: (e: Error) => void): D;
  decode(decoder: D, chunk: Chunk): void;
  toChunk(packet: EncodedPacket): Chunk;
  packets: AsyncIterable<EncodedPacket>;
  signal?: AbortSignal;
  stallTimeoutSec?: number;
  /** Bound on the wait for the decoder's first sign of life (see DEFAULT_START_TIMEOUT_SEC). */
  startTimeoutSec?: number;
  /** Names the stream in error messages, e.g. 'video (avc1.64001f)'. */
  label: string;
}

/** Yields decoder outputs in output order; the consumer owns (and must close) each yielded value. */
export async function* pumpDecoder<D extends DecoderLike, Out extends Closable, Chunk>(
  o: PumpOptions<D, Chunk>,
): AsyncGenerator<Out> {
  const outputs: Out[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  // Set by every progress event so one that lands before the next wait is not lost.
  let progressed = false;
  // Set by the decoder's first output, dequeue, flush or error: from then on silence is the decoder's own stall.
  let started = false;
  const notify = () => { progressed = true; wake?.(); };
  const decoderNotify = () => { started = true; notify(); };
  let finished = false;
  const decoder = o.createDecoder(
    (value) => {
      // A native decoder may deliver an output queued just before close(); nobody would take it, so close it.
      if (finished) value.close();
      else outputs.push(value as Out);
      decoderNotify();
    },
    // The first error is the real one; later ones (a flush or decode on the now closed codec) only echo it.
    (e) => { failure ??= decodeFailed(o.label, e); decoderNotify(); },
  );
  decoder.ondequeue = decoderNotify;
  o.signal?.addEventListener('abort', notify);
  const packets = o.packets[Symbol.asyncIterator]();
  let flushed = false;
  let readPending = false;
  let flushing: Promise<void> | null = null;
  try {
    for (;;) {
      progressed = false;
      throwIfAborted(o.signal);
      if (failure) throw failure;
      // Top the decoder queue up before handing out a frame, so it decodes while the consumer works.
      if (!flushing && decoder.decodeQueueSize < MAX_DECODE_QUEUE && outputs.length < MAX_HELD_OUTPUTS) {
        // The demuxer is covered by the same watchdog: a read that never completes must not hang the pump.
        readPending = true;
        const r = await withinDeadline(packets.next(), 'reading its next frame', o.stallTimeoutSec ?? DEFAULT_STALL_TIMEOUT_SEC);
        readPending = false;
        if (r.done) {
          flushing = decoder.flush().then(() => { flushed = true; decoderNotify(); }, (e: unknown) => { failure ??= decodeFailed(o.label, e); decoderNotify(); });
        } else {
          try {
            o.decode(decoder, o.toChunk(r.value));
          } catch (e) {
            const deadline = Date.now() + ERROR_REPORT_GRACE_SEC * 1000;
            while (!failure && Date.now() < deadline) {
              await waitForProgress((w) => { wake = w; }, ERROR_REPORT_GRACE_SEC, o.label).catch(() => undefined);
            }
            throw failure ?? decodeFailed(o.label, e);
          }
        }
        continue;
      }
      const next = outputs.shift();
      if (next) {
        yield next;
        continue;
      }
      if (flushed) return;
      if (progressed) continue;
      if (started) await waitForProgress((w) => { wake = w; }, o.stallTimeoutSec ?? DEFAULT_STALL_TIMEOUT_SEC, o.label);
      else await waitForProgress((w) => { wake = w; }, o.startTimeoutSec ?? DEFAULT_START_TIMEOUT_SEC, o.label, 'start');
    }
  } finally {
    finished = true;
    o.signal?.removeEventListener('abort', notify);
    if (decoder.state !== 'closed') decoder.close();
    for (const value of outputs) value.close();
    // An async generator queues return() behind a pending next(): after a stalled read, awaiting it would hang.
    if (readPending) void packets.return?.()?.catch(() => undefined);
    else await packets.return?.();
  }
}

/**
 * @napi-rs/webcodecs wraps FFmpeg's reason in its own status and FFmpeg's error number ("Decode failed:
 * GenericFailure, Decode failed: FFmpeg error: FFmpeg error -1094995529: Invalid data found when processing input");
 * only FFmpeg's own sentence tells a user anything.
 */
const NATIVE_ERROR_PREFIX = /^.*FFmpeg error -?\d+: /;

function decodeFailed(label: string, e: unknown): MediaError {
  const reason = (e instanceof Error ? e.message : String(e)).replace(NATIVE_ERROR_PREFIX, '');
  return new MediaError('decode-failed', `The ${label} stream could not be decoded: ${reason}`);
}

function waitForProgress(setWake: (w: (() => void) | null) => void, timeoutSec: number, label: string, phase: 'start' | 'stall' = 'stall'): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      setWake(null);
      const message =
        phase === 'start'
          ? `The browser did not start the ${label} decoder within ${timeoutSec} s; the computer may be overloaded. Try again.`
          : `The ${label} decoder made no progress for ${timeoutSec} s; the file may be damaged.`;
      reject(new MediaError('decode-failed', message));
    }, timeoutSec * 1000);
    setWake(() => {
      clearTimeout(timer);
      setWake(null);
      resolve();
    });
  });
}
