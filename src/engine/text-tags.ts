/**
 * Free-text prompt → the pack's tag token ids. The text encoder knows a small tag vocabulary, so the prompt is
 * lowercased, split into words, function words are skipped, plurals and common synonyms are folded onto tags.
 * Words that still match nothing are returned so the UI/CLI can show them; they are never dropped silently.
 */

/** Words that carry no sound and are skipped ("footsteps on gravel" → footsteps, gravel). */
const STOPWORDS = new Set([
  'a', 'an', 'and', 'the', 'of', 'on', 'in', 'into', 'onto', 'with', 'at', 'to', 'from', 'by', 'over', 'under',
  'some', 'is', 'are', 'being', 'then', 'while', 'very', 'sound', 'sounds', 'noise', 'noises',
]);

/** Everyday words → a tag they mean. Only applied when the target tag is in the pack's vocabulary. */
const SYNONYMS: Record<string, string[]> = {
  footsteps: ['footstep', 'step', 'steps', 'walk', 'walking', 'walks', 'running', 'run', 'stomp', 'stomps'],
  gravel: ['stone', 'stones', 'pebble', 'pebbles', 'rocks', 'rock'],
  door: ['doors', 'gate'],
  creak: ['creaky', 'creaking', 'squeak', 'squeaky', 'squeaking'],
  impact: ['hit', 'hits', 'bang', 'thud', 'knock', 'knocking', 'crash', 'punch', 'slam'],
  wood: ['wooden', 'timber', 'plank'],
  metal: ['metallic', 'steel', 'iron', 'clang'],
  glass: ['glassy', 'shatter', 'window'],
  rain: ['raining', 'rainy', 'drizzle', 'raindrops'],
  wind: ['windy', 'breeze', 'gust', 'gusts'],
  water: ['stream', 'river', 'drip', 'dripping', 'liquid'],
  fire: ['flames', 'flame', 'burning', 'crackle', 'crackling', 'campfire'],
  engine: ['motor', 'car', 'cars', 'truck', 'vehicle', 'revving'],
  whoosh: ['swoosh', 'swish', 'swoop'],
  click: ['clicks', 'clicking', 'tick', 'button'],
  splash: ['splashes', 'splashing', 'splosh'],
};

export interface TagMapping {
  /** Token ids padded with 0 to maxTokens (int64 for the text_encoder). */
  tokenIds: BigInt64Array;
  /** The tags the ids stand for, in prompt order, without duplicates. */
  tags: string[];
  /** Prompt words (as typed, lowercased) that map to no tag, or that exceed maxTokens. */
  unknownWords: string[];
}

/** Candidate spellings of one word: itself, singular forms, plural form. */
function spellings(word: string): string[] {
  const forms = [word];
  if (word.endsWith('ies') && word.length > 4) forms.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es') && word.length > 3) forms.push(word.slice(0, -2));
  if (word.endsWith('s') && word.length > 2) forms.push(word.slice(0, -1));
  forms.push(`${word}s`);
  return forms;
}

function buildLookup(vocabulary: readonly string[]): Map<string, string> {
  const lookup = new Map<string, string>();
  for (const [tag, words] of Object.entries(SYNONYMS)) {
    if (!vocabulary.includes(tag)) continue;
    for (const word of words) lookup.set(word, tag);
  }
  // Exact vocabulary entries win over synonyms.
  vocabulary.slice(2).forEach((tag) => lookup.set(tag, tag));
  return lookup;
}

export function mapPromptToTags(prompt: string, vocabulary: readonly string[], maxTokens: number): TagMapping {
  const lookup = buildLookup(vocabulary);
  const words = prompt.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  const tags: string[] = [];
  const unknownWords: string[] = [];
  for (const raw of words) {
    const word = raw.replace(/'s$|'/g, '');
    if (word.length === 0 || STOPWORDS.has(word)) continue;
    const tag = spellings(word).map((form) => lookup.get(form)).find((t) => t !== undefined);
    if (tag === undefined) {
      if (!unknownWords.includes(raw)) unknownWords.push(raw);
    } else if (!tags.includes(tag)) {
      if (tags.length < maxTokens) tags.push(tag);
      else unknownWords.push(raw);
    }
  }
  const tokenIds = new BigInt64Array(maxTokens);
  tags.forEach((tag, i) => (tokenIds[i] = BigInt(vocabulary.indexOf(tag))));
  return { tokenIds, tags, unknownWords };
}
