import { describe, expect, it } from 'vitest';
import type { KeyStroke } from './action';
import { ActionManager, TYPING_BURST_MS } from './action-manager';
import { cancelRequested, generateStarted, setExportFormat, setPrompt, setSeed, togglePlay, videoOpened, zoomIn } from './actions';
import { paintCurveStroke, setCurveFlat } from './curve-actions';
import { referenceLoaded, removeReference } from './reference-actions';
import { initialState, MAX_PX_PER_SEC, type LoadedVideo, type ReferenceSound } from './state';

function stroke(patch: Partial<KeyStroke>): KeyStroke {
  return { key: '', code: '', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, inTextField: false, ...patch };
}

const video: LoadedVideo = {
  fileName: 'clip.mp4',
  sizeBytes: 1000,
  objectUrl: 'blob:clip',
  file: new File([], 'clip.mp4'),
  info: { durationSec: 2, width: 64, height: 48, codec: 'avc1.42c01e', hasAudio: false, thumbnails: [] },
};

describe('ActionManager', () => {
  it('records doc changes for undo and redo, in order', () => {
    const manager = new ActionManager();
    manager.dispatch(setPrompt, 'rain');
    manager.dispatch(setSeed, 7);
    expect(manager.state.doc).toMatchObject({ prompt: 'rain', seed: 7 });
    manager.undo();
    expect(manager.state.doc).toMatchObject({ prompt: 'rain', seed: 1 });
    manager.undo();
    expect(manager.state.doc.prompt).toBe('');
    expect(manager.canUndo).toBe(false);
    manager.redo();
    manager.redo();
    expect(manager.state.doc).toMatchObject({ prompt: 'rain', seed: 7 });
    expect(manager.canRedo).toBe(false);
  });

  it('does not record view or engine changes, and a new edit clears redo', () => {
    const manager = new ActionManager();
    manager.dispatch(setSeed, 3);
    manager.dispatch(zoomIn, undefined);
    manager.undo();
    expect(manager.state.doc.seed).toBe(1);
    expect(manager.state.view.pxPerSec).toBeGreaterThan(80);
    manager.dispatch(setSeed, 5);
    expect(manager.canRedo).toBe(false);
  });

  it('space toggles playback only with a video open and never while typing', () => {
    const manager = new ActionManager();
    expect(manager.handleKey(stroke({ key: ' ', code: 'Space' }))).toBe(false);
    manager.dispatch(videoOpened, video);
    expect(manager.handleKey(stroke({ key: ' ', code: 'Space', inTextField: true }))).toBe(false);
    expect(manager.handleKey(stroke({ key: ' ', code: 'Space' }))).toBe(true);
    expect(manager.state.view.playing).toBe(true);
    manager.dispatch(togglePlay, undefined);
    expect(manager.state.view.playing).toBe(false);
  });

  it('ctrl+z undoes and ctrl+shift+z redoes', () => {
    const manager = new ActionManager();
    manager.dispatch(setSeed, 9);
    manager.handleKey(stroke({ key: 'z', ctrlKey: true }));
    expect(manager.state.doc.seed).toBe(1);
    manager.handleKey(stroke({ key: 'Z', ctrlKey: true, shiftKey: true }));
    expect(manager.state.doc.seed).toBe(9);
  });

  it('escape cancels a running job once', () => {
    const manager = new ActionManager();
    expect(cancelRequested.keyTest?.(stroke({ key: 'Escape' }), manager.state)).toBe(false);
    manager.dispatch(generateStarted, 4);
    expect(manager.handleKey(stroke({ key: 'Escape' }))).toBe(true);
    expect(manager.state.job).toMatchObject({ requestId: 4, cancelling: true });
  });

  it('clamps zoom and seeds', () => {
    const manager = new ActionManager();
    for (let i = 0; i < 30; i++) manager.dispatch(zoomIn, undefined);
    expect(manager.state.view.pxPerSec).toBe(MAX_PX_PER_SEC);
    manager.dispatch(setSeed, -4.5);
    expect(manager.state.doc.seed).toBe(0);
  });

  it('typing a prompt is one undo step per burst; a pause starts the next', () => {
    let nowMs = 0;
    const manager = new ActionManager(initialState, () => nowMs);
    for (const text of ['f', 'fo', 'foo', 'foot']) {
      manager.dispatch(setPrompt, text);
      nowMs += 150;
    }
    nowMs += TYPING_BURST_MS + 1;
    for (const text of ['foot ', 'foot g', 'foot gr']) {
      manager.dispatch(setPrompt, text);
      nowMs += 150;
    }
    manager.undo();
    expect(manager.state.doc.prompt).toBe('foot');
    manager.undo();
    expect(manager.state.doc.prompt).toBe('');
    expect(manager.canUndo).toBe(false);
    manager.redo();
    manager.redo();
    expect(manager.state.doc.prompt).toBe('foot gr');
  });

  it('another edit or an undo ends a typing burst', () => {
    const manager = new ActionManager(initialState, () => 0);
    manager.dispatch(setPrompt, 'rain');
    manager.dispatch(setSeed, 4);
    manager.dispatch(setPrompt, 'rain on');
    manager.undo();
    expect(manager.state.doc).toMatchObject({ prompt: 'rain', seed: 4 });
    manager.dispatch(setPrompt, 'rain in');
    manager.dispatch(setPrompt, 'rain ins');
    manager.undo();
    expect(manager.state.doc.prompt).toBe('rain');
  });

  it('picking and removing a reference recording are undo steps', () => {
    const manager = new ActionManager();
    const reference: ReferenceSound = { fileName: 'gravel.wav', sampleRate: 16000, channels: [new Float32Array(16)] };
    manager.dispatch(referenceLoaded, reference);
    manager.dispatch(removeReference, undefined);
    expect(manager.state.reference).toBeNull();
    manager.undo();
    expect(manager.state.reference).toBe(reference);
    manager.undo();
    expect(manager.state.reference).toBeNull();
  });

  it('export settings are undo steps', () => {
    const manager = new ActionManager();
    manager.dispatch(setExportFormat, 'float32');
    manager.undo();
    expect(manager.state.view.exportFormat).toBe('pcm16');
  });

  it('a curve stroke is one step, and opening another video starts a new history', () => {
    const manager = new ActionManager();
    manager.dispatch(videoOpened, video);
    manager.dispatch(setCurveFlat, { channelCount: 1, pointCount: 4, lufs: -20 });
    manager.dispatch(paintCurveStroke, { phase: 'start', channel: 0, fromIndex: 0, toIndex: 1, fromLufs: -10, toLufs: -10 });
    manager.dispatch(paintCurveStroke, { phase: 'move', channel: 0, fromIndex: 1, toIndex: 3, fromLufs: -10, toLufs: -10 });
    manager.undo();
    expect(manager.state.doc.curve?.lufs[0]).toEqual([-20, -20, -20, -20]);
    manager.dispatch(videoOpened, { ...video, fileName: 'other.mp4' });
    expect(manager.canUndo).toBe(false);
    expect(manager.canRedo).toBe(false);
  });

  it('ctrl+z undoes inside a text field too, and ctrl+y redoes', () => {
    const manager = new ActionManager();
    manager.dispatch(setPrompt, 'door');
    expect(manager.handleKey(stroke({ key: 'z', ctrlKey: true, inTextField: true }))).toBe(true);
    expect(manager.state.doc.prompt).toBe('');
    manager.handleKey(stroke({ key: 'y', ctrlKey: true, inTextField: true }));
    expect(manager.state.doc.prompt).toBe('door');
  });
});
