/**
 * A saved project's audio (its result and takes) in the origin private file system, one file per track: the
 * samples stream to disk in chunks, planar float32 (channel 0, then channel 1, …). IndexedDB keeps only the
 * track's light fields and the file's key. Putting the samples in IndexedDB instead meant one structured clone of
 * the whole take: a 10-minute stereo take (212 MB) raised the page's memory by 450 MB while it was serialised and
 * handed to the browser (measured with bench/long-form-memory-browser.ts). Reading back fills the AudioBuffer that
 * plays the take (track-audio.ts), again a chunk at a time, so the take is in memory once.
 */

import { allocateTrackChannels } from '../track-audio';
import type { GeneratedTrack, TakeEntry } from '../store/state';
import type { SavedParts, StoredParts, StoredTrack } from './saved-project';

const AUDIO_DIR = 'project-audio';

/** Samples per write or read: 4 MiB, so no step holds more than that beside the take. */
const CHUNK_SAMPLES = 1 << 20;

/** Tracks already written, by their first channel: a save rewrites only new ones. The key says for which project. */
const written = new WeakMap<Float32Array, { projectId: string; key: string }>();

async function projectDir(projectId: string, create: boolean): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return (await root.getDirectoryHandle(AUDIO_DIR, { create })).getDirectoryHandle(projectId, { create });
}

function isMissing(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'NotFoundError';
}

/** Writes `channels` to a new file; a failed write (e.g. QuotaExceededError) is discarded whole and rethrown. */
async function writeAudio(projectId: string, key: string, channels: readonly Float32Array[]): Promise<void> {
  const handle = await (await projectDir(projectId, true)).getFileHandle(key, { create: true });
  // createWritable writes to a swap file: nothing replaces the file until close(), and abort() drops it.
  const writable = await handle.createWritable();
  try {
    for (const channel of channels) {
      for (let start = 0; start < channel.length; start += CHUNK_SAMPLES) await writable.write(channel.subarray(start, start + CHUNK_SAMPLES) as Float32Array<ArrayBuffer>);
    }
    await writable.close();
  } catch (error) {
    await writable.abort().catch(() => undefined);
    await (await projectDir(projectId, true)).removeEntry(key).catch(() => undefined);
    throw error;
  }
}

/** The track's IndexedDB form, its samples written first unless this project already has them. */
async function storeTrack<T extends GeneratedTrack>(projectId: string, track: T): Promise<StoredTrack<T>> {
  const { channels, ...light } = track;
  const first = channels[0];
  const known = first ? written.get(first) : undefined;
  let key = known?.projectId === projectId ? known.key : null;
  if (key === null) {
    key = crypto.randomUUID();
    await writeAudio(projectId, key, channels);
    if (first) written.set(first, { projectId, key });
  }
  return { ...light, audio: { key, channelCount: channels.length, samples: first?.length ?? 0 } };
}

/**
 * The track back with its samples; null when its file is gone or short (storage cleared or damaged). A save from
 * before this store (samples inline) is accepted as it is.
 */
async function restoreTrack<T extends GeneratedTrack>(projectId: string, stored: StoredTrack<T>): Promise<T | null> {
  if (!('audio' in stored)) return stored;
  const { audio, ...light } = stored;
  const bytes = Float32Array.BYTES_PER_ELEMENT;
  let channels: Float32Array[];
  try {
    const file = await (await (await projectDir(projectId, false)).getFileHandle(audio.key)).getFile();
    if (file.size !== audio.channelCount * audio.samples * bytes) return null;
    channels = allocateTrackChannels(stored.sampleRate, audio.channelCount, audio.samples);
    for (const [c, channel] of channels.entries()) {
      for (let start = 0; start < audio.samples; start += CHUNK_SAMPLES) {
        const byteStart = (c * audio.samples + start) * bytes;
        const end = Math.min(audio.samples, start + CHUNK_SAMPLES);
        channel.set(new Float32Array(await file.slice(byteStart, byteStart + (end - start) * bytes).arrayBuffer()), start);
      }
    }
  } catch {
    // Gone (storage cleared), unreadable or damaged: the caller restores the rest and says what was lost.
    return null;
  }
  if (channels[0]) written.set(channels[0], { projectId, key: audio.key });
  return { ...light, channels } as unknown as T;
}

/** `parts` in their IndexedDB form, the samples of tracks not written before written first. */
export async function storeParts(projectId: string, parts: Partial<SavedParts>): Promise<Partial<StoredParts>> {
  const stored: Partial<StoredParts> = {};
  if ('reference' in parts) stored.reference = parts.reference ?? null;
  if (parts.result !== undefined) stored.result = parts.result && (await storeTrack(projectId, parts.result));
  if (parts.takes) {
    const items: StoredTrack<TakeEntry>[] = [];
    for (const take of parts.takes.items) items.push(await storeTrack(projectId, take));
    stored.takes = { ...parts.takes, items };
  }
  return stored;
}

/** The parts back with their samples, and how many tracks were lost (their files gone or damaged). */
export async function restoreParts(projectId: string, stored: StoredParts): Promise<{ parts: SavedParts; lost: number }> {
  let lost = 0;
  const result = stored.result && (await restoreTrack(projectId, stored.result));
  if (stored.result && !result) lost++;
  const items: TakeEntry[] = [];
  for (const take of stored.takes.items) {
    const restored = await restoreTrack(projectId, take);
    if (restored) items.push(restored);
    else lost++;
  }
  // A lost chosen take hands the choice to the best one left, as deleting it would.
  const chosenId = items.some((take) => take.id === stored.takes.chosenId) ? stored.takes.chosenId : (items[0]?.id ?? null);
  const compareId = items.some((take) => take.id === stored.takes.compareId) ? stored.takes.compareId : null;
  const takes = { ...stored.takes, items, chosenId, compareId, listening: compareId === null ? 'a' : stored.takes.listening } as const;
  return { parts: { reference: stored.reference, result, takes }, lost };
}

/** The audio files `parts` name in this project: what a cleanup must keep. */
export function audioKeysOf(projectId: string, parts: Partial<SavedParts>): Set<string> {
  const tracks = [...(parts.result ? [parts.result] : []), ...(parts.takes?.items ?? [])];
  const keys = new Set<string>();
  for (const track of tracks) {
    const known = track.channels[0] ? written.get(track.channels[0]) : undefined;
    if (known?.projectId === projectId) keys.add(known.key);
  }
  return keys;
}

/** Deletes the project's audio files that `keep` does not name (replaced or deleted takes, a failed save's files). */
export async function removeOtherAudio(projectId: string, keep: ReadonlySet<string>): Promise<void> {
  let dir: FileSystemDirectoryHandle;
  try {
    dir = await projectDir(projectId, false);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  const names: string[] = [];
  for await (const name of (dir as FileSystemDirectoryHandle & { keys(): AsyncIterable<string> }).keys()) names.push(name);
  for (const name of names) if (!keep.has(name)) await dir.removeEntry(name).catch(() => undefined);
}

/** Deletes all of a project's audio (the project left the recent list). */
export async function removeProjectAudio(projectId: string): Promise<void> {
  try {
    const root = await navigator.storage.getDirectory();
    await (await root.getDirectoryHandle(AUDIO_DIR)).removeEntry(projectId, { recursive: true });
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}
