/**
 * Free-text prompt → the pack's tag token ids, as the text encoder was trained (training/foley/tags.py, whose module
 * comment states the rules this file implements in the same order): lowercase, split on every non-letter, drop stop
 * words, then per word the first of: a tag; a synonym (one word may give several tags); a singular/verb-stem
 * candidate that is a tag or synonym; else unknown → `<unk>` (id 1) and reported. Repeated tags keep their first
 * occurrence; the ids are cut to maxTokens and padded with 0. The words (vocabulary, stop words, synonyms) come from
 * the pack's manifest; training/fixtures/text-tags.json pins these rules to the Python ones.
 * Unknown words and tags cut by maxTokens are returned so the UI/CLI can show them; nothing is dropped silently.
 */

import type { TextConditioning } from '../pack/manifest';

const PAD_ID = 0;
const UNK_ID = 1;

export interface TagMapping {
  /** Token ids padded with 0 to maxTokens (int64 for the text_encoder). */
  tokenIds: BigInt64Array;
  /** The known tags among the kept ids, in prompt order. */
  tags: string[];
  /** Prompt words that map to no tag, then tags cut because the prompt has more than maxTokens tokens. */
  unknownWords: string[];
}

/** Singular and verb-stem spellings, tried in this order (tags.py `_stem_candidates`). */
function stemCandidates(word: string): string[] {
  const out: string[] = [];
  if (word.endsWith('ies')) out.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es')) out.push(word.slice(0, -2));
  if (word.endsWith('s')) out.push(word.slice(0, -1));
  if (word.endsWith('ing')) {
    const stem = word.slice(0, -3);
    out.push(stem, `${stem}e`);
    if (stem.length > 2 && stem.at(-1) === stem.at(-2)) out.push(stem.slice(0, -1));
  }
  if (word.endsWith('ed')) {
    const stem = word.slice(0, -2);
    out.push(stem, word.slice(0, -1));
    if (stem.length > 2 && stem.at(-1) === stem.at(-2)) out.push(stem.slice(0, -1));
  }
  return out;
}

/** Tags for one lowercase word: [] for a stop word, null for an unknown word. */
function normaliseWord(word: string, text: TextConditioning, tagIds: ReadonlyMap<string, number>): readonly string[] | null {
  if (text.stopWords.includes(word)) return [];
  for (const candidate of [word, ...stemCandidates(word)]) {
    if (tagIds.has(candidate)) return [candidate];
    // Own keys only: a prompt word such as "constructor" must not find Object.prototype's.
    if (Object.hasOwn(text.synonyms, candidate)) return text.synonyms[candidate]!;
  }
  return null;
}

/** The prompt as the pack's text encoder takes it; parseManifest has checked every synonym tag is in the vocabulary. */
export function mapPromptToTags(prompt: string, text: TextConditioning): TagMapping {
  const { vocabulary, maxTokens } = text;
  const tagIds = new Map(vocabulary.map((tag, id): [string, number] => [tag, id]).filter(([, id]) => id > UNK_ID));
  const ids: number[] = [];
  const unknownWords: string[] = [];
  for (const word of prompt.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 0)) {
    const mapped = normaliseWord(word, text, tagIds);
    if (mapped === null) {
      unknownWords.push(word);
      ids.push(UNK_ID);
      continue;
    }
    for (const tag of mapped) if (!ids.includes(tagIds.get(tag)!)) ids.push(tagIds.get(tag)!);
  }
  const kept = ids.slice(0, maxTokens);
  unknownWords.push(...ids.slice(maxTokens).filter((id) => id > UNK_ID).map((id) => vocabulary[id]!));
  const tokenIds = new BigInt64Array(maxTokens).fill(BigInt(PAD_ID));
  kept.forEach((id, i) => (tokenIds[i] = BigInt(id)));
  return { tokenIds, tags: kept.filter((id) => id > UNK_ID).map((id) => vocabulary[id]!), unknownWords };
}
