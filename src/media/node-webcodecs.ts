/**
 * Node host for the media code: puts the WebCodecs classes of @napi-rs/webcodecs (FFmpeg-backed) on globalThis
 * when the runtime has none, so `openVideo` and friends run unchanged in the `foley` CLI and in vitest.
 *
 * Differences from browser WebCodecs that the media code allows for:
 * - @napi-rs/webcodecs 1.3.1 emits pictures in presentation order but labels them with the input timestamps in
 *   decode order (seen with H.264/HEVC B-frames: labels 1.25, 1.375, 1.2917 s on pictures 30, 31, 32).
 *   The installed VideoDecoder wraps the native one and relabels (see PresentationOrderVideoDecoder).
 * - There is no canvas: frames are converted with `VideoFrame.copyTo({ format: 'RGBA' })` and resized on the
 *   CPU (frame-convert.ts). There is no `createImageBitmap`, so `thumbnails()` is browser only.
 */
import * as webcodecs from '@napi-rs/webcodecs';

type NativeDecoder = InstanceType<typeof webcodecs.VideoDecoder>;
type NativeFrame = InstanceType<typeof webcodecs.VideoFrame>;

/** Inserts into an ascending array (the pending list is a few entries long: the decoder's reorder depth). */
function insertSorted(values: number[], v: number): void {
  let i = values.length;
  while (i > 0 && values[i - 1] > v) i--;
  values.splice(i, 0, v);
}

/**
 * A VideoDecoder whose n-th output carries the smallest timestamp not yet output, which is the presentation
 * timestamp whenever outputs come in presentation order (as WebCodecs requires and the native decoder does).
 */
export class PresentationOrderVideoDecoder {
  static isConfigSupported(config: VideoDecoderConfig): Promise<VideoDecoderSupport> {
    return webcodecs.VideoDecoder.isConfigSupported(config as never) as unknown as Promise<VideoDecoderSupport>;
  }

  readonly #inner: NativeDecoder;
  #pending: number[] = [];

  constructor(init: VideoDecoderInit) {
    this.#inner = new webcodecs.VideoDecoder({
      output: (frame: NativeFrame) => init.output(this.#relabel(frame) as unknown as VideoFrame),
      error: (e: Error) => init.error(e as DOMException),
    });
  }

  get state(): CodecState {
    return this.#inner.state as CodecState;
  }

  get decodeQueueSize(): number {
    return this.#inner.decodeQueueSize;
  }

  get ondequeue(): (() => unknown) | null {
    return this.#inner.ondequeue;
  }

  set ondequeue(callback: (() => unknown) | null) {
    this.#inner.ondequeue = callback;
  }

  configure(config: VideoDecoderConfig): void {
    this.#inner.configure(config as never);
  }

  decode(chunk: EncodedVideoChunk): void {
    insertSorted(this.#pending, chunk.timestamp);
    this.#inner.decode(chunk as never);
  }

  flush(): Promise<void> {
    return this.#inner.flush();
  }

  reset(): void {
    this.#pending = [];
    this.#inner.reset();
  }

  close(): void {
    this.#pending = [];
    this.#inner.close();
  }

  #relabel(frame: NativeFrame): NativeFrame {
    const timestamp = this.#pending.shift();
    if (timestamp === undefined || timestamp === frame.timestamp) return frame;
    const relabelled = new webcodecs.VideoFrame(frame, { timestamp, duration: frame.duration ?? undefined });
    frame.close();
    return relabelled;
  }
}

const PLAIN = ['AudioDecoder', 'AudioEncoder', 'VideoFrame', 'EncodedVideoChunk', 'EncodedAudioChunk', 'AudioData'] as const;

/** Installs the missing WebCodecs globals; returns the names it installed (empty in a browser). */
export function installNodeWebCodecs(): string[] {
  const g = globalThis as Record<string, unknown>;
  const installed: string[] = [];
  if (g.VideoDecoder === undefined) {
    g.VideoDecoder = PresentationOrderVideoDecoder;
    installed.push('VideoDecoder');
  }
  for (const name of PLAIN) {
    if (g[name] === undefined) {
      g[name] = webcodecs[name];
      installed.push(name);
    }
  }
  return installed;
}
