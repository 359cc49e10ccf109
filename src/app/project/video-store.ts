/**
 * Where a project's video lives between sessions.
 *
 * - A file that came with a FileSystemFileHandle (dropped from the desktop in Chromium) is kept as that handle: no
 *   copy, and the user's own file stays the one source.
 * - Any other File (from <input type=file>) is only readable while this page lives, and the browser gives no way to
 *   find it again after a reload, so its bytes are copied into the origin private file system (OPFS). OPFS rather
 *   than an IndexedDB Blob: the copy streams to disk chunk by chunk, and a failed write is discarded whole
 *   (createWritable writes to a swap file), so a full disk leaves no half video behind.
 */

import type { AwaitedVideo } from '../store/state';
import type { SavedVideo, VideoSource } from './saved-project';

const VIDEO_DIR = 'project-videos';

/** The parts of the File System Access permission API TypeScript's DOM library does not declare yet. */
interface PermissionedHandle {
  queryPermission?: (descriptor: { mode: 'read' }) => Promise<PermissionState>;
  requestPermission?: (descriptor: { mode: 'read' }) => Promise<PermissionState>;
}

async function videoDir(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(VIDEO_DIR, { create: true });
}

function errorName(error: unknown): unknown {
  return (error as { name?: unknown } | null)?.name;
}

/** NotFoundError only: a NotReadableError means the file is there but the system refused to read it. */
function isMissing(error: unknown): boolean {
  return errorName(error) === 'NotFoundError';
}

/** Copies the video's bytes into OPFS under the project id; throws (e.g. QuotaExceededError) with nothing left behind. */
export async function storeVideoBytes(projectId: string, blob: Blob): Promise<void> {
  const handle = await (await videoDir()).getFileHandle(projectId, { create: true });
  try {
    const writable = await handle.createWritable();
    // pipeTo closes the writable on success and aborts it (discarding the swap file) on failure.
    await blob.stream().pipeTo(writable);
  } catch (error) {
    await removeVideoBytes(projectId);
    throw error;
  }
}

export async function removeVideoBytes(projectId: string): Promise<void> {
  try {
    await (await videoDir()).removeEntry(projectId);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

/** Why a saved video cannot be used (see AwaitedVideo.problem). */
export type VideoProblem = NonNullable<AwaitedVideo['problem']>;

/** The result of reading a saved video back: the file, or why it could not be read. */
export type VideoRead = { file: File } | { problem: VideoProblem };

/** The problem a failed read names: gone, refused by the system, or refused by the browser. */
function readProblem(error: unknown): VideoProblem | null {
  if (isMissing(error)) return 'gone';
  if (errorName(error) === 'NotReadableError') return 'unreadable';
  if (errorName(error) === 'NotAllowedError') return 'permission';
  return null;
}

/**
 * A read file that is not the one saved: another size means the file at the handle was replaced or edited, or the
 * copy in browser storage is damaged; either way the takes were made for a different video.
 */
export function sizeProblem(file: File, saved: SavedVideo): VideoProblem | null {
  if (file.size === saved.sizeBytes) return null;
  return saved.source === 'opfs' ? 'copy-damaged' : 'changed';
}

/**
 * Why a restored file that was read did not open: reading its first and last byte tells a file that went away or
 * became unreadable meanwhile (File reads are lazy) from one whose bytes are there but are no video.
 */
export async function openProblem(file: File, source: VideoSource): Promise<VideoProblem> {
  try {
    await file.slice(0, 1).arrayBuffer();
    await file.slice(Math.max(0, file.size - 1)).arrayBuffer();
  } catch (error) {
    const problem = readProblem(error);
    if (problem) return problem;
  }
  return source === 'opfs' ? 'copy-damaged' : 'not-video';
}

export async function readStoredVideo(projectId: string, fileName: string, mimeType: string): Promise<VideoRead> {
  try {
    const stored = await (await videoDir()).getFileHandle(projectId);
    return { file: new File([await stored.getFile()], fileName, { type: mimeType }) };
  } catch (error) {
    const problem = readProblem(error);
    if (problem) return { problem };
    throw error;
  }
}

/**
 * Reads a handle's file. `ask`: request permission (only inside a user gesture; outside one Chromium refuses).
 * A handle whose permission is not granted reports `permission`; one whose file was moved or deleted, `gone`; one
 * the system refuses to read, `unreadable`.
 */
export async function readHandleVideo(handle: FileSystemFileHandle, ask: boolean): Promise<VideoRead> {
  const permissioned = handle as FileSystemFileHandle & PermissionedHandle;
  const query = ask ? permissioned.requestPermission : permissioned.queryPermission;
  if (query) {
    const permission = await query.call(handle, { mode: 'read' });
    if (permission !== 'granted') return { problem: 'permission' };
  }
  try {
    return { file: await handle.getFile() };
  } catch (error) {
    const problem = readProblem(error);
    if (problem) return { problem };
    throw error;
  }
}

/**
 * Handles for files dropped this session, keyed by name and size: the session opens a File, and the saver only sees
 * the LoadedVideo made from it. The promise is started inside the drop event (DataTransferItem is dead after it).
 */
const droppedHandles = new Map<string, Promise<FileSystemFileHandle | null>>();

function fileKey(fileName: string, sizeBytes: number): string {
  return `${sizeBytes}:${fileName}`;
}

interface HandleItem {
  getAsFileSystemHandle?: () => Promise<FileSystemHandle | null>;
}

/** Call from a drop handler, synchronously, for the items of the drop. */
export function rememberDroppedHandles(items: DataTransferItemList | undefined): void {
  for (const item of Array.from(items ?? [])) {
    const file = item.kind === 'file' ? item.getAsFile() : null;
    const getHandle = (item as DataTransferItem & HandleItem).getAsFileSystemHandle;
    if (!file || !getHandle) continue;
    const handle = getHandle
      .call(item)
      .then((found) => (found?.kind === 'file' ? (found as FileSystemFileHandle) : null))
      .catch(() => null);
    droppedHandles.set(fileKey(file.name, file.size), handle);
  }
}

/** Also accepts a handle from showOpenFilePicker or OPFS (the e2e test uses the latter). */
export function rememberHandle(fileName: string, sizeBytes: number, handle: FileSystemFileHandle): void {
  droppedHandles.set(fileKey(fileName, sizeBytes), Promise.resolve(handle));
}

export function droppedHandleFor(fileName: string, sizeBytes: number): Promise<FileSystemFileHandle | null> {
  return droppedHandles.get(fileKey(fileName, sizeBytes)) ?? Promise.resolve(null);
}
