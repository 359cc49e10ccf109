/**
 * The MP4 export off the main thread: resampling and mixing the original audio and copying every video packet would
 * otherwise stall the page for seconds on a long clip. Only adapts messages (see export-protocol.ts): the file
 * streams into OPFS (export-store.ts) where it can, else it is built in memory and transferred.
 */
import { exportMp4, exportMp4ToStream, type Mp4ExportOptions } from '../media/mux/mux-mp4';
import type { ExportReply, ExportRequest } from './export-protocol';
import { exportsFolder, openOpfsExport } from './export-store';

const scope = self as unknown as { onmessage: ((event: MessageEvent<ExportRequest>) => void) | null; postMessage(reply: ExportReply, transfer?: Transferable[]): void };

async function run({ id, video, sampleRate, channels, originalGainDb }: ExportRequest): Promise<ExportReply> {
  const take = { sampleRate, channels };
  const options: Mp4ExportOptions = { originalGainDb, onProgress: (progress) => scope.postMessage({ type: 'progress', id, progress }) };
  const folder = await exportsFolder();
  const name = `export-${id}.mp4`;
  const file = folder ? await openOpfsExport(folder, name).catch(() => null) : null;
  if (!file) {
    const bytes = await exportMp4(video, take, options);
    return { type: 'done', id, saved: { kind: 'bytes', bytes: bytes.buffer } };
  }
  try {
    await exportMp4ToStream(video, take, file.writable, options);
  } finally {
    file.close();
  }
  return { type: 'done', id, saved: { kind: 'opfs', name } };
}

scope.onmessage = (event) => {
  const { id } = event.data;
  run(event.data).then(
    (reply) => scope.postMessage(reply, reply.type === 'done' && reply.saved.kind === 'bytes' ? [reply.saved.bytes] : []),
    (error: unknown) => scope.postMessage({ type: 'error', id, message: error instanceof Error ? error.message : String(error) }),
  );
};
