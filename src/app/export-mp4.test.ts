import { describe, expect, it } from 'vitest';
import { EXPORT_WHILE_GENERATING, exportFileName, exportProblem } from './export-mp4';
import { ActionManager } from './store/action-manager';
import { generateStarted, generated, videoOpened } from './store/actions';
import { mp4ExportCancelRequested, mp4ExportFailed, mp4ExportProgress, mp4ExportRefused, mp4ExportStarted, setExportMixOriginal, setExportOriginalGainDb } from './store/export-actions';

function withTake(hasAudio = true): ActionManager {
  const manager = new ActionManager();
  manager.dispatch(videoOpened, { fileName: 'clip.mov', sizeBytes: 1, objectUrl: 'blob:x', file: new File([], 'clip.mov'), info: { durationSec: 1, width: 8, height: 8, codec: 'avc1', hasAudio, thumbnails: [] } });
  manager.dispatch(generated, { sampleRate: 8000, channels: [new Float32Array(8000)], predictedCurveLufs: [], unknownWords: [], windows: [], timings: { totalMs: 1 }, seed: 3, durationSec: 1 } as never);
  return manager;
}

describe('exportProblem', () => {
  it('refuses while a generation runs, saying why and what to do', () => {
    const manager = withTake();
    expect(exportProblem(manager.state)).toBeNull();
    manager.dispatch(generateStarted, 7);
    expect(exportProblem(manager.state)).toBe(EXPORT_WHILE_GENERATING);
    expect(EXPORT_WHILE_GENERATING).toMatch(/Wait for it to finish or cancel it/);
  });

  it('needs a take, and refuses a second export while one runs', () => {
    expect(exportProblem(new ActionManager().state)).toBe('Open a video first.');
    const manager = withTake();
    manager.dispatch(mp4ExportStarted, undefined);
    expect(exportProblem(manager.state)).toBe('An MP4 export is already running.');
    // Refusing a second one leaves the first running.
    manager.dispatch(mp4ExportRefused, 'An MP4 export is already running.');
    expect(manager.state.mp4Export).not.toBeNull();
  });

  it('checks the mix level only when the video has a sound of its own to mix', () => {
    const manager = withTake();
    manager.dispatch(setExportMixOriginal, true);
    manager.dispatch(setExportOriginalGainDb, 30);
    expect(exportProblem(manager.state)).toMatch(/from -60 to 12 dB/);
    expect(exportProblem(withTake(false).state)).toBeNull();
  });
});

describe('MP4 export actions', () => {
  it('track progress and cancelling, and a failure ends the job with the message', () => {
    const manager = withTake();
    manager.dispatch(mp4ExportStarted, undefined);
    manager.dispatch(mp4ExportProgress, { stage: 'copy-video', fraction: 0.5 });
    manager.dispatch(mp4ExportCancelRequested, undefined);
    expect(manager.state.mp4Export).toEqual({ stage: 'copy-video', fraction: 0.5, cancelling: true });
    manager.dispatch(mp4ExportFailed, 'MP4 export failed: no.');
    expect(manager.state.mp4Export).toBeNull();
    expect(manager.state.notice).toEqual({ kind: 'error', message: 'MP4 export failed: no.' });
    expect(manager.state.result).not.toBeNull();
  });
});

describe('exportFileName', () => {
  it('names the MP4 after the video and the take\'s seed', () => {
    expect(exportFileName('clip.mov', 3)).toBe('clip-foley-seed3.mp4');
    expect(exportFileName('.mp4', 1)).toBe('foley-foley-seed1.mp4');
  });
});
