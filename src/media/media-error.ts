/**
 * Errors the media layer reports to users. The message is a complete sentence meant for the UI and the CLI;
 * the code lets callers branch without parsing text.
 */
export type MediaErrorCode =
  | 'empty-file'
  | 'not-a-video'
  | 'truncated'
  /** The file's structure is broken in the middle, or reading it loops or stalls (see demux-watchdog.ts). */
  | 'damaged'
  | 'no-video-track'
  | 'unsupported-codec'
  | 'unsupported-container'
  | 'decode-failed';

export class MediaError extends Error {
  readonly code: MediaErrorCode;

  constructor(code: MediaErrorCode, message: string) {
    super(message);
    this.name = 'MediaError';
    this.code = code;
  }
}

/** Rejects with the signal's reason (an AbortError DOMException by default) once it is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}
