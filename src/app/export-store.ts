/**
 * Where an exported MP4 is written before it is offered as a download: a file in the origin private file system
 * (OPFS), written as it is made through a sync access handle in the export worker, so the file never has to fit in
 * memory. The page then downloads that File (disk-backed: the download reads it from disk). One export is kept: the
 * next export removes it, so storage holds at most one finished file (or one a cancelled export left half written).
 */
import type { StreamTargetChunk } from 'mediabunny';

const EXPORT_DIR = 'mp4-exports';

/** The exports folder, or null where OPFS is missing (older browsers) or refused (some private modes). */
export async function exportsFolder(): Promise<FileSystemDirectoryHandle | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.getDirectory) return null;
  try {
    return await (await navigator.storage.getDirectory()).getDirectoryHandle(EXPORT_DIR, { create: true });
  } catch {
    return null;
  }
}

/** The entries' names; TypeScript's DOM library does not declare the folder's async iteration yet. */
async function names(folder: FileSystemDirectoryHandle): Promise<string[]> {
  const found: string[] = [];
  for await (const name of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) found.push(name);
  return found;
}

export interface OpfsExportFile {
  writable: WritableStream<StreamTargetChunk>;
  /** Flushes and releases the file (also after a failure; the next export removes what is left). */
  close(): void;
}

/**
 * A new export file `name` in `folder` after removing earlier ones, open for writes at any position (mediabunny writes
 * the mdat's size at the start once the end is known). Dedicated workers only (createSyncAccessHandle); null where
 * the handle cannot be had, so the caller falls back to memory.
 */
export async function openOpfsExport(folder: FileSystemDirectoryHandle, name: string): Promise<OpfsExportFile | null> {
  for (const old of await names(folder)) await folder.removeEntry(old).catch(() => undefined);
  const handle = await folder.getFileHandle(name, { create: true });
  if (typeof handle.createSyncAccessHandle !== 'function') return null;
  const access = await handle.createSyncAccessHandle();
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    access.flush();
    access.close();
  };
  const writable = new WritableStream<StreamTargetChunk>({
    write: ({ data, position }) => {
      let written = 0;
      while (written < data.length) written += access.write(data.subarray(written), { at: position + written });
    },
    close,
    abort: close,
  });
  return { writable, close };
}

/** The finished export as a File read from disk. */
export async function readOpfsExport(name: string): Promise<File> {
  const folder = await exportsFolder();
  if (!folder) throw new Error('browser storage is no longer available');
  return (await folder.getFileHandle(name)).getFile();
}
