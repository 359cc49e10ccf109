/** Messages between the app and its MP4 export worker (export-worker.ts). Cancel is terminating the worker. */
import type { Mp4ExportProgress } from '../media/mux/mux-mp4';

export interface ExportRequest {
  type: 'export';
  id: number;
  /** The user's video file; a Blob crosses to the worker by reference, not by copying its bytes. */
  video: Blob;
  sampleRate: number;
  /** Copies of the take's channels, transferred. */
  channels: Float32Array[];
  /** Level of the video's own audio under the take, dB; null leaves it out. */
  originalGainDb: number | null;
}

/** Where the finished MP4 is: a file in OPFS (export-store.ts) or, where OPFS is missing, its bytes (transferred). */
export type SavedExport = { kind: 'opfs'; name: string } | { kind: 'bytes'; bytes: ArrayBuffer };

export type ExportReply =
  | { type: 'progress'; id: number; progress: Mp4ExportProgress }
  | { type: 'done'; id: number; saved: SavedExport }
  | { type: 'error'; id: number; message: string };
