/**
 * Free-text prompt → the pack's tag token ids, mirroring the tokenizer the text encoder was trained with
 * (training/foley/tags.py, whose module comment states the rules this file implements in the same order):
 * lowercase, split on every non-letter, drop stop words, then per word the first of: a tag; a synonym (one word may
 * give several tags); a singular/verb-stem candidate that is a tag or synonym; else unknown → `<unk>` (id 1) and
 * reported. Repeated tags keep their first occurrence; the ids are cut to maxTokens and padded with 0.
 * Unknown words and tags cut by maxTokens are returned so the UI/CLI can show them; nothing is dropped silently.
 */

const PAD_ID = 0;
const UNK_ID = 1;

const STOP_WORDS = new Set('a an and at by effect effects flac for from in into noise of off ogg on onto or sfx some sound sounds the to very wav with'.split(' '));

/** [tags, words that mean them] — training/foley/tags.py SYNONYMS, grouped by their tags. */
const SYNONYM_GROUPS: [tags: string[], words: string][] = [
  [['footsteps'], 'step steps footstep walk run running barefoot'],
  [['door', 'impact'], 'slam'],
  [['impact'], 'thud bang thump'],
  [['impact', 'break'], 'crash'],
  [['break'], 'smash'],
  [['break', 'glass'], 'shatter'],
  [['door'], 'gate'],
  [['creak'], 'hinge'],
  [['whoosh'], 'woosh swoosh swish fly arrow bow'],
  [['fire'], 'flame burn campfire torch ignite match'],
  [['wind'], 'breeze gust'],
  [['rain', 'light'], 'drizzle'],
  [['rain', 'heavy'], 'downpour heavyrain'],
  [['thunder'], 'lightning'],
  [['river'], 'stream creek brook'],
  [['water'], 'liquid pouring'],
  [['wood'], 'wooden'],
  [['metal'], 'metallic steel iron'],
  [['floor'], 'linoleum'],
  [['concrete'], 'pavement asphalt'],
  [['rock'], 'rocks'],
  [['gravel'], 'pebble gravelly'],
  [['car'], 'automobile auto'],
  [['airplane'], 'plane jet'],
  [['motor', 'vehicle'], 'motorbike'],
  [['dog'], 'puppy bark'],
  [['cat'], 'meow'],
  [['cow'], 'moo'],
  [['sheep'], 'baa'],
  [['pig'], 'oink'],
  [['wolf'], 'howl'],
  [['bird'], 'chirp tweet hoot owl seagull crow hawk eagle'],
  [['explosion'], 'bomb blast boom'],
  [['gun'], 'rifle pistol shotgun gunshot shot'],
  [['hit'], 'kick slap melee attack'],
  [['scrape'], 'drag scratch'],
  [['slide'], 'sliding'],
  [['squeak'], 'screech'],
  [['tick'], 'ticking'],
  [['ambience'], 'ambient atmosphere room day sunny weather indoors underground'],
  [['snow'], 'snowy'],
  [['mud'], 'muddy'],
  [['grass'], 'grassy'],
  [['sand'], 'sandy'],
  [['drip'], 'dripping'],
  [['close'], 'shut'],
  [['tool'], 'build work harvest drill'],
  [['engine'], 'diesel'],
  [['train'], 'locomotive tram'],
  [['vehicle'], 'bus'],
  [['ship'], 'ferry boat'],
  [['airplane', 'whoosh'], 'flyby'],
  [['machine'], 'elevator factory'],
  [['saw', 'machine'], 'sawmill'],
  [['tool', 'machine'], 'jackhammer'],
  [['rain', 'storm'], 'rainstorm'],
  [['thunder', 'storm', 'rain'], 'thunderstorm'],
  [['snow', 'storm', 'wind'], 'snowstorm'],
  [['snow', 'wind'], 'flurries'],
  [['horse', 'footsteps'], 'gallop'],
  [['horse'], 'neigh'],
  [['dig'], 'dug'],
  [['drop'], 'place'],
  [['metal', 'impact'], 'clang'],
  [['metal', 'hit'], 'ricochet'],
  [['crackle'], 'crackling'],
  [['fire', 'whoosh'], 'fireball'],
  [['swing', 'metal'], 'sword'],
  [['swing', 'wood'], 'axe'],
  [['wood', 'hit'], 'chop'],
  [['metal', 'hammer'], 'anvil'],
  [['dig', 'rock'], 'mine'],
  [['horn'], 'horn'],
  [['bicycle'], 'bicycle'],
  [['animal'], 'bat bear camel canary cobra coyote cricket cicada dolphin duck elephant goat goose gorilla hyena jaguar leopard lion loon monkey mouse parrot peacock penguin quail raccoon lamb seal squirrel tiger toucan turkey vulture whale yak zebra swan snake grasshopper woodpecker pigeon dragon roar growl snarl bleat quack squeal snort'],
];

const SYNONYMS = new Map<string, string[]>(SYNONYM_GROUPS.flatMap(([tags, words]) => words.split(' ').map((w): [string, string[]] => [w, tags])));

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

/** Tags for one lowercase word: [] for a stop word, null for an unknown word. Synonym tags the pack lacks are skipped. */
function normaliseWord(word: string, tagIds: ReadonlyMap<string, number>): string[] | null {
  if (STOP_WORDS.has(word)) return [];
  for (const candidate of [word, ...stemCandidates(word)]) {
    if (tagIds.has(candidate)) return [candidate];
    const synonyms = SYNONYMS.get(candidate)?.filter((tag) => tagIds.has(tag));
    if (synonyms && synonyms.length > 0) return synonyms;
  }
  return null;
}

export function mapPromptToTags(prompt: string, vocabulary: readonly string[], maxTokens: number): TagMapping {
  const tagIds = new Map(vocabulary.map((tag, id): [string, number] => [tag, id]).filter(([, id]) => id > UNK_ID));
  const ids: number[] = [];
  const unknownWords: string[] = [];
  for (const word of prompt.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 0)) {
    const mapped = normaliseWord(word, tagIds);
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
