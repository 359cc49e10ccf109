import { describe, expect, it } from 'vitest';
import { ActionManager } from './action-manager';
import { referenceFailed, referenceLoaded, referenceReadStarted, removeReference, setPromptAnchoring } from './reference-actions';
import type { ReferenceSound } from './state';

const rain: ReferenceSound = { fileName: 'rain.wav', sampleRate: 44100, channels: [new Float32Array(44100)] };

describe('reference sound actions', () => {
  it('keeps the previous reference when a new file cannot be read', () => {
    const manager = new ActionManager();
    manager.dispatch(referenceReadStarted, 'rain.wav');
    expect(manager.state.readingReference).toBe('rain.wav');
    manager.dispatch(referenceLoaded, rain);
    manager.dispatch(referenceReadStarted, 'notes.txt');
    manager.dispatch(referenceFailed, 'notes.txt could not be read as audio.');
    expect(manager.state).toMatchObject({ reference: rain, readingReference: null, notice: { kind: 'error', message: 'notes.txt could not be read as audio.' } });
  });

  it('the anchoring setting is an undo step', () => {
    const manager = new ActionManager();
    manager.dispatch(referenceLoaded, rain);
    manager.dispatch(removeReference, undefined);
    expect(manager.state.doc.promptAnchoring).toBe(true);
    manager.dispatch(setPromptAnchoring, false);
    manager.undo();
    expect(manager.state.doc.promptAnchoring).toBe(true);
    expect(manager.state.reference).toBeNull();
  });
});
