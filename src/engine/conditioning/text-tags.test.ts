import { describe, expect, it } from 'vitest';
import { mapPromptToTags } from './text-tags';

/** foley-tiny's vocabulary (training/foley/tags.py VOCAB). */
const TINY_VOCABULARY = ['<pad>', '<unk>', ...(
  'airplane ambience animal bash bee bell bicycle big bird boots break brick bubble car carpet cat ' +
  'ceramic chain chicken city clock close concrete cow crackle creak crickets crowd dig dirt distant ' +
  'dog door drip drop electric engine explosion fabric fall fence fire flesh floor footsteps forest ' +
  'frog glass grass gravel gun hammer heavy helicopter hit horn horse ice impact insect jump knock ' +
  'large lava leather leaves light loud machine metal motor mud night open paper pig plastic punch ' +
  'quiet rain rattle river rock roll rooster rumble rustle sand saw scrape sheep ship shovel silence ' +
  'skid slide small snow soft splash squeak steam stick stone storm swing thunder tick tile tool train ' +
  'tree trickle truck vehicle water waterfall wave whistle whoosh wind window wolf wood zipper'
).split(' ')];

/** [prompt, ids, unknown words] as training/foley/tags.py `tokenize` returns them (before padding/truncation). */
const PYTHON_TOKENIZE: [string, number[], string[]][] = [
  ["Heavy RAIN on the doors, creaking; 3 steps and a glorp", [54, 81, 34, 27, 46, 1], ["glorp"]],
  ["door slam slam", [34, 60], []],
  ["dragon roars over gravel", [4, 1, 51], ["over"]],
  ["footsteps on gravel", [46, 51], []],
  ["thunderstorms and crackling fires", [108, 106, 81, 26, 43], []],
  ["the dog's barking", [33, 1], ["s"]],
  ["shattered glasses", [12, 49], []],
  ["a b c", [1, 1], ["b", "c"]],
  ["metal metal glass impact splash wood door creak fire water wind rain", [71, 49, 60, 101, 125, 34, 27, 43, 117, 122, 81], []],
  ["stopped running hopping", [1, 46, 1], ["stopped", "hopping"]],
];

describe('mapPromptToTags', () => {
  for (const [prompt, ids, unknown] of PYTHON_TOKENIZE) {
    it(`tokenizes ${JSON.stringify(prompt)} exactly like the training tokenizer`, () => {
      const m = mapPromptToTags(prompt, TINY_VOCABULARY, 64);
      expect(Array.from(m.tokenIds.slice(0, ids.length), Number)).toEqual(ids);
      expect(Array.from(m.tokenIds.slice(ids.length), Number).every((id) => id === 0)).toBe(true);
      expect(m.unknownWords).toEqual(unknown);
      expect(m.tags).toEqual(ids.filter((id) => id > 1).map((id) => TINY_VOCABULARY[id]));
    });
  }

  it('cuts to maxTokens, padding with 0, and reports the tags it had to cut', () => {
    const m = mapPromptToTags('metal glass impact splash', TINY_VOCABULARY, 2);
    expect(m.tags).toEqual(['metal', 'glass']);
    expect(m.unknownWords).toEqual(['impact', 'splash']);
    expect(mapPromptToTags('rain', TINY_VOCABULARY, 3).tokenIds).toEqual(BigInt64Array.from([81n, 0n, 0n]));
  });

  it('skips synonym tags the pack does not have', () => {
    const testVocabulary = ['<pad>', '<unk>', 'footsteps', 'door', 'impact'];
    expect(mapPromptToTags('slam', testVocabulary, 4).tags).toEqual(['door', 'impact']);
    expect(mapPromptToTags('shatter', testVocabulary, 4).unknownWords).toEqual(['shatter']);
  });

  it('returns all padding and no tags for an empty prompt', () => {
    const m = mapPromptToTags(' ,; ', TINY_VOCABULARY, 3);
    expect(Array.from(m.tokenIds)).toEqual([0n, 0n, 0n]);
    expect(m.tags).toEqual([]);
    expect(m.unknownWords).toEqual([]);
  });
});
