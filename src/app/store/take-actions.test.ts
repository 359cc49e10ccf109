import { describe, expect, it } from 'vitest';
import type { RankedTake } from '../../engine/host/protocol';
import { ActionManager } from './action-manager';
import { auditionTake, chooseTake, deleteTake, setTakeCount, soundingTrack, takesGenerated, toggleAB } from './take-actions';

function take(seed: number, total: number): RankedTake {
  const channels = [Float32Array.of(seed, seed), Float32Array.of(-seed, -seed)];
  const result = { sampleRate: 44100, channels, predictedCurveLufs: [], unknownWords: [], timings: { totalMs: 1, sessionRunMs: 1, decoderMs: 0 }, windows: [] };
  const scores = { avSync: total, loudness: null, prompt: null, loudnessErrorLu: null, melFD: null };
  return { seed, noise: [{ seed, weight: 1 }], scores, total, result };
}

function withTakes() {
  const manager = new ActionManager();
  manager.dispatch(takesGenerated, { takes: [take(5, 0.9), take(6, 0.5), take(7, 0.1)], durationSec: 1 });
  const ids = manager.state.takes.items.map((t) => t.id);
  return { manager, ids };
}

describe('take actions', () => {
  it('a search chooses its best take as the result, ranked 1…N', () => {
    const { manager } = withTakes();
    const { takes, result } = manager.state;
    expect(takes.items.map((t) => [t.rank, t.seed, t.total])).toEqual([[1, 5, 0.9], [2, 6, 0.5], [3, 7, 0.1]]);
    expect(result?.seed).toBe(5);
    expect(takes.chosenId).toBe(takes.items[0]!.id);
  });

  it('solo compares a take with the chosen one from the playhead; A/B switches between the two', () => {
    const { manager, ids } = withTakes();
    manager.dispatch(auditionTake, ids[2]!);
    expect(soundingTrack(manager.state)?.seed).toBe(7);
    expect(manager.state.result?.seed).toBe(5);
    manager.dispatch(toggleAB, undefined);
    expect(soundingTrack(manager.state)?.seed).toBe(5);
    manager.dispatch(toggleAB, undefined);
    expect(soundingTrack(manager.state)?.seed).toBe(7);
  });

  it('choosing makes the take the result (what export and meters use)', () => {
    const { manager, ids } = withTakes();
    manager.dispatch(auditionTake, ids[1]!);
    manager.dispatch(chooseTake, ids[1]!);
    expect(manager.state.result?.seed).toBe(6);
    expect(manager.state.takes.compareId).toBeNull();
    expect(soundingTrack(manager.state)?.seed).toBe(6);
  });

  it('deleting the chosen take chooses the best left; deleting the last leaves no result', () => {
    const { manager, ids } = withTakes();
    manager.dispatch(deleteTake, ids[0]!);
    expect(manager.state.result?.seed).toBe(6);
    manager.dispatch(auditionTake, ids[2]!);
    manager.dispatch(deleteTake, ids[2]!);
    expect(manager.state.takes.compareId).toBeNull();
    expect(manager.state.takes.listening).toBe('a');
    manager.dispatch(deleteTake, ids[1]!);
    expect(manager.state.takes.items).toEqual([]);
    expect(manager.state.result).toBeNull();
  });

  it('keeps the take count from 1 to 16', () => {
    const manager = new ActionManager();
    for (const [asked, kept] of [[0, 1], [3, 3], [1000, 16], [Number.NaN, 1]] as const) {
      manager.dispatch(setTakeCount, asked);
      expect(manager.state.takes.count).toBe(kept);
    }
  });
});
