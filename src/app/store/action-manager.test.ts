import { describe, expect, it } from 'vitest';
import type { KeyStroke } from './action';
import { ActionManager } from './action-manager';
import { cancelRequested, generateStarted, setPrompt, setSeed, togglePlay, videoOpened, zoomIn } from './actions';
import { MAX_PX_PER_SEC, type LoadedVideo } from './state';

function stroke(patch: Partial<KeyStroke>): KeyStroke {
  return { key: '', code: '', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, inTextField: false, ...patch };
}

const video: LoadedVideo = {
  fileName: 'clip.mp4',
  sizeBytes: 1000,
  objectUrl: 'blob:clip',
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
});
