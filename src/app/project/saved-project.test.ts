import { describe, expect, it } from 'vitest';
import { initialState, type AppState, type GeneratedTrack, type ReferenceSound, type TakeEntry } from '../store/state';
import { partsOf, readSavedProject, restoredState, toSavedProject, worthSaving, type SavedVideo } from './saved-project';

const reference: ReferenceSound = { fileName: 'gravel.wav', sampleRate: 16000, channels: [Float32Array.from([0.1, -0.2, 0.3])] };
const result: GeneratedTrack = {
  sampleRate: 16000,
  channels: [Float32Array.from([0.5, -0.25]), Float32Array.from([0.125, 0])],
  predictedCurveLufs: [[-20, -21]],
  unknownWords: ['zzz'],
  timings: { totalMs: 10, sessionRunMs: 5, decoderMs: 2 },
  windows: [{ startSec: 0, endSec: 2 }],
  seed: 7,
  durationSec: 2,
};
const savedVideo: SavedVideo = { fileName: 'clip.mp4', sizeBytes: 1234, durationSec: 2, mimeType: 'video/mp4', source: 'opfs' };

function editedState(): AppState {
  return {
    ...initialState,
    reference,
    result,
    doc: { prompt: 'footsteps gravel', seed: 7, steps: 12, curve: { lufs: [[-20, -18.5, -30]], linked: true, enabled: true }, promptAnchoring: false },
    view: { ...initialState.view, pxPerSec: 120, exportFormat: 'pcm24', exportLoudnessLufs: -16, playing: true },
    project: { ...initialState.project, id: 'p1' },
  };
}

describe('saved project', () => {
  it('survives structured cloning (what IndexedDB does) and restores doc, settings, reference and result', () => {
    const state = editedState();
    const stored = structuredClone({ project: toSavedProject(state, savedVideo, 1000), parts: partsOf(state) });
    const restored = restoredState(initialState, readSavedProject(stored.project), stored.parts);
    expect(restored.doc).toEqual(state.doc);
    expect(restored.reference).toEqual(reference);
    expect(restored.result).toEqual(result);
    expect(restored.result?.channels[1]).toBeInstanceOf(Float32Array);
    expect(restored.view).toMatchObject({ pxPerSec: 120, exportFormat: 'pcm24', exportLoudnessLufs: -16, playing: false });
    expect(restored.project).toMatchObject({ id: 'p1', awaitingVideo: { fileName: 'clip.mp4', sizeBytes: 1234, durationSec: 2, problem: null } });
    expect(restored.video).toBeNull();
  });

  it('names the project after its video and refuses records it cannot read', () => {
    const project = toSavedProject(editedState(), savedVideo, 1000);
    expect(project.name).toBe('Untitled project');
    expect(() => readSavedProject({ ...project, version: 99 })).toThrow('The saved project has format version 99; this app reads version 1.');
    expect(() => readSavedProject('garbage')).toThrow('The saved project is damaged and cannot be restored.');
  });

  it('an untouched empty project is not worth saving', () => {
    expect(worthSaving(initialState, initialState.doc)).toBe(false);
    expect(worthSaving({ ...initialState, doc: { ...initialState.doc, prompt: 'x' } }, initialState.doc)).toBe(true);
  });

  it('saves a chosen take once, in the takes, and restores it as the playing track', () => {
    const take = (id: number, rank: number): TakeEntry => ({ ...result, id, rank, noise: 'independent', scores: {}, total: 1 / rank }) as unknown as TakeEntry;
    const takes = { ...initialState.takes, items: [take(4, 1), take(5, 2)], chosenId: 5 };
    const state: AppState = { ...editedState(), takes, result: takes.items[1] };
    const parts = partsOf(state);
    expect(parts.result).toBeNull();
    const restored = restoredState(initialState, toSavedProject(state, savedVideo, 1), structuredClone(parts));
    expect(restored.takes.items).toHaveLength(2);
    expect(restored.result).toBe(restored.takes.items[1]);
    expect(restored.result?.channels[0]).toEqual(result.channels[0]);
  });
});
