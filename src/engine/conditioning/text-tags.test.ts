import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseManifest, type TextConditioning } from '../pack/manifest';
import { mapPromptToTags } from './text-tags';

/** Written by training/foley/export/tags_fixture.py from training/foley/tags.py (pytest checks it is current). */
const fixture = JSON.parse(readFileSync(new URL('../../../training/fixtures/text-tags.json', import.meta.url), 'utf8')) as {
  sets: { pack: string; text: TextConditioning; cases: { prompt: string; tokenIds: number[]; tags: string[]; unknownWords: string[] }[] }[];
};

const committedText = (pack: string) =>
  parseManifest(JSON.parse(readFileSync(new URL(`../../../public/models/${pack}/manifest.json`, import.meta.url), 'utf8'))).conditioning.text;

describe('mapPromptToTags against the Python tokenizer (training/fixtures/text-tags.json)', () => {
  for (const set of fixture.sets) {
    it(`${set.pack}: the committed manifest carries the words tags.py gives it`, () => {
      expect(committedText(set.pack)).toEqual(set.text);
    });

    for (const c of set.cases) {
      it(`${set.pack}: ${JSON.stringify(c.prompt.slice(0, 60))}`, () => {
        const m = mapPromptToTags(c.prompt, set.text);
        expect({ tokenIds: Array.from(m.tokenIds, Number), tags: m.tags, unknownWords: m.unknownWords }).toEqual({
          tokenIds: c.tokenIds,
          tags: c.tags,
          unknownWords: c.unknownWords,
        });
      });
    }
  }
});

describe('mapPromptToTags reads its words from the pack', () => {
  const text: TextConditioning = { vocabulary: ['<pad>', '<unk>', 'door', 'glorp'], maxTokens: 3, stopWords: ['the'], synonyms: { slam: ['door'] } };

  it('uses the manifest synonyms and stop words, not a list of its own', () => {
    expect(Array.from(mapPromptToTags('the glorps slammed', text).tokenIds)).toEqual([3n, 2n, 0n]);
    const noSynonyms = mapPromptToTags('the slam', { ...text, synonyms: {} });
    expect(noSynonyms.unknownWords).toEqual(['slam']);
    expect(mapPromptToTags('the slam', { ...text, stopWords: [] }).unknownWords).toEqual(['the']);
  });
});
