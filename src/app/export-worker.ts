/**
 * The MP4 export off the main thread: resampling and mixing the original audio and copying every video packet would
 * otherwise stall the page for seconds on a long clip. Only adapts messages (see export-protocol.ts).
 */
import { exportMp4 } from '../media/mux/mux-mp4';
import type { ExportReply, ExportRequest } from './export-protocol';

const scope = self as unknown as { onmessage: ((event: MessageEvent<ExportRequest>) => void) | null; postMessage(reply: ExportReply, transfer?: Transferable[]): void };

scope.onmessage = (event) => {
  const { id, video, sampleRate, channels, originalGainDb } = event.data;
  exportMp4(video, { sampleRate, channels }, { originalGainDb, onProgress: (progress) => scope.postMessage({ type: 'progress', id, progress }) }).then(
    (bytes) => scope.postMessage({ type: 'done', id, bytes: bytes.buffer }, [bytes.buffer]),
    (error: unknown) => scope.postMessage({ type: 'error', id, message: error instanceof Error ? error.message : String(error) }),
  );
};
