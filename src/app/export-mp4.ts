/**
 * Runs the MP4 export for the app: checks it may start, hands the video and the chosen take to the export worker,
 * turns its replies into actions and offers the file the worker wrote (to OPFS where it can) as a download. Owns the worker; cancel terminates it, so a cancelled export
 * stops at once wherever it is.
 */
import { originalGainProblem } from '../media/mux/mix-original';
import type { ExportReply, ExportRequest, SavedExport } from './export-protocol';
import { readOpfsExport } from './export-store';
import type { ActionManager } from './store/action-manager';
import { mp4ExportCancelled, mp4ExportCancelRequested, mp4Exported, mp4ExportFailed, mp4ExportProgress, mp4ExportRefused, mp4ExportStarted } from './store/export-actions';
import type { AppState } from './store/state';

export function createExportWorker(): Worker {
  return new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'module', name: 'foley-export' });
}

export const EXPORT_WHILE_GENERATING =
  'An MP4 cannot be exported while a generation is running: the take it would use is about to change. Wait for it to finish or cancel it, then export.';

/** Why an export cannot start now (a sentence for the notice bar), or null when it can. */
export function exportProblem(state: AppState): string | null {
  if (state.job) return EXPORT_WHILE_GENERATING;
  if (state.mp4Export) return 'An MP4 export is already running.';
  if (!state.video) return 'Open a video first.';
  if (!state.result) return 'Generate a take first: the MP4 gets the generated sound.';
  // The mix box is off and disabled for a video without audio, whatever was ticked for the one before.
  return mixesOriginal(state) ? originalGainProblem(state.view.exportOriginalGainDb) : null;
}

function mixesOriginal(state: AppState): boolean {
  return state.view.exportMixOriginal && state.video?.info.hasAudio === true;
}

/** `clip.mp4` → `clip-foley-seed3.mp4` (the WAV download's naming). */
export function exportFileName(videoFileName: string, seed: number): string {
  return `${videoFileName.replace(/\.[^.]+$/, '') || 'foley'}-foley-seed${seed}.mp4`;
}

let nextId = 1;

export class Mp4Exporter {
  private worker: Worker | null = null;

  constructor(
    private readonly manager: ActionManager,
    private readonly createWorker: () => Worker = createExportWorker,
  ) {}

  start(): void {
    const state = this.manager.state;
    const problem = exportProblem(state);
    const { video, result, view } = state;
    if (problem !== null || !video || !result) {
      if (problem !== null) this.manager.dispatch(mp4ExportRefused, problem);
      return;
    }
    const fileName = exportFileName(video.fileName, result.seed);
    this.manager.dispatch(mp4ExportStarted, undefined);
    const id = nextId++;
    const channels = result.channels.map((channel) => channel.slice());
    const request: ExportRequest = { type: 'export', id, video: video.file, sampleRate: result.sampleRate, channels, originalGainDb: mixesOriginal(state) ? view.exportOriginalGainDb : null };
    const worker = this.createWorker();
    this.worker = worker;
    worker.onmessage = (event: MessageEvent<ExportReply>) => this.onReply(event.data, fileName);
    worker.onerror = (event) => {
      event.preventDefault();
      this.stopWorker();
      this.manager.dispatch(mp4ExportFailed, `MP4 export failed: ${event.message || 'the export worker stopped'}`);
    };
    worker.postMessage(request, channels.map((channel) => channel.buffer));
  }

  cancel(): void {
    if (!this.manager.state.mp4Export) return;
    this.manager.dispatch(mp4ExportCancelRequested, undefined);
    this.finishCancel();
  }

  dispose(): void {
    this.stopWorker();
  }

  private finishCancel(): void {
    this.stopWorker();
    this.manager.dispatch(mp4ExportCancelled, undefined);
  }

  private onReply(reply: ExportReply, fileName: string): void {
    switch (reply.type) {
      case 'progress':
        this.manager.dispatch(mp4ExportProgress, reply.progress);
        return;
      case 'error':
        this.stopWorker();
        this.manager.dispatch(mp4ExportFailed, `MP4 export failed: ${reply.message}`);
        return;
      case 'done':
        this.stopWorker();
        void this.offer(reply.saved, fileName);
    }
  }

  /** Offers the finished file as a download; one in OPFS is downloaded from disk, never read into memory. */
  private async offer(saved: SavedExport, fileName: string): Promise<void> {
    try {
      const file = saved.kind === 'opfs' ? await readOpfsExport(saved.name) : new Blob([saved.bytes], { type: 'video/mp4' });
      // Cancelled while the file was being found: no download.
      if (!this.manager.state.mp4Export) return;
      saveFile(file, fileName);
      this.manager.dispatch(mp4Exported, fileName);
    } catch (error) {
      this.manager.dispatch(mp4ExportFailed, `MP4 export failed: the finished file could not be read back from browser storage (${error instanceof Error ? error.message : String(error)}).`);
    }
  }

  private stopWorker(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}

function saveFile(blob: Blob, fileName: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  link.click();
  // The download has started from the URL by the time a task has passed; keep memory bounded after that.
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}
