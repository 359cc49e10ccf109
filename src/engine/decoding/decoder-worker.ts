/** Browser decoder thread: runs Griffin-Lim jobs for DecoderPool (spawned by the engine worker). */

import { runDecodeJob, type DecodeJob, type DecoderReply } from './latent-decoder';

const scope = globalThis as unknown as {
  postMessage(message: DecoderReply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<{ id: number; job: DecodeJob }>) => void) | null;
};

scope.onmessage = ({ data: { id, job } }) => {
  try {
    const audio = runDecodeJob(job);
    scope.postMessage({ id, audio }, [audio.buffer as ArrayBuffer]);
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
