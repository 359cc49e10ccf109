import { describe, expect, it } from 'vitest';
import { mapPromptToTags } from './text-tags';

const VOCABULARY = ['<pad>', '<unk>', 'footsteps', 'gravel', 'door', 'creak', 'impact', 'wood', 'metal', 'glass', 'rain', 'splash'];

describe('mapPromptToTags', () => {
  it('maps words, plurals and synonyms to tag ids, padding with 0', () => {
    const m = mapPromptToTags('Footstep on Stones, then a wooden DOORS creaking', VOCABULARY, 8);
    expect(m.tags).toEqual(['footsteps', 'gravel', 'wood', 'door', 'creak']);
    expect(Array.from(m.tokenIds)).toEqual([2n, 3n, 7n, 4n, 5n, 0n, 0n, 0n]);
    expect(m.unknownWords).toEqual([]);
  });

  it('reports unknown words instead of dropping them, and skips function words', () => {
    const m = mapPromptToTags('the dragon roars over rain', VOCABULARY, 8);
    expect(m.tags).toEqual(['rain']);
    expect(m.unknownWords).toEqual(['dragon', 'roars']);
  });

  it('reports tags beyond maxTokens and removes duplicates', () => {
    const m = mapPromptToTags('metal metal glass impact splash', VOCABULARY, 2);
    expect(m.tags).toEqual(['metal', 'glass']);
    expect(m.unknownWords).toEqual(['impact', 'splash']);
    expect(m.tokenIds.length).toBe(2);
  });

  it('ignores synonyms whose tag the pack does not have', () => {
    const m = mapPromptToTags('car engine', VOCABULARY, 4);
    expect(m.tags).toEqual([]);
    expect(m.unknownWords).toEqual(['car', 'engine']);
  });

  it('returns all padding for an empty prompt', () => {
    const m = mapPromptToTags('   ', VOCABULARY, 3);
    expect(Array.from(m.tokenIds)).toEqual([0n, 0n, 0n]);
    expect(m.unknownWords).toEqual([]);
  });
});
