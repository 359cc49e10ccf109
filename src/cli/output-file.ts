/**
 * Writing the CLI's outputs without ever losing what the user made: an output that is one of the command's inputs
 * (by path, symlink or hard link: the same device and inode) is refused, and every output is written to a temporary
 * file in the same folder and renamed over the target, so an interrupted or failed run leaves the old file whole.
 */

import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface NamedInput {
  /** How the user gave it, e.g. "the video" or "--audio-prompt". */
  role: string;
  file: string;
}

/** Throws when `output` is an existing folder or the same file as any input. */
export async function refuseOverwritingInputs(flag: string, output: string, inputs: readonly NamedInput[]): Promise<void> {
  const target = await stat(output).catch(() => null);
  if (!target) return;
  if (target.isDirectory()) throw new Error(`cannot write ${flag} ${output}: it is a folder`);
  for (const input of inputs) {
    const info = await stat(input.file).catch(() => null);
    if (info && info.dev === target.dev && info.ino === target.ino) {
      throw new Error(`refusing to write ${flag} ${output}: it is ${input.role} (${input.file}); choose another output file`);
    }
  }
}

function temporarySibling(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes `data` to a temporary sibling of `file`, then renames it into place (atomic within one file system). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = temporarySibling(file);
  try {
    await writeFile(temporary, data, { flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** A file written piece by piece that appears under its name only when complete. */
export interface AtomicFileStream {
  /** Appends `data`, or writes it at byte `position` (e.g. a header completed at the end). */
  write(data: Uint8Array, position?: number): Promise<void>;
  /** Closes the temporary file and renames it over the target. */
  commit(): Promise<void>;
  /** Closes and removes the temporary file; the target is untouched. Safe after commit (does nothing). */
  abort(): Promise<void>;
}

/**
 * writeFileAtomic for output too long to hold in memory (a generated WAV of hours): the pieces go to a temporary
 * sibling, renamed over `file` by commit(); a failed or interrupted run leaves the old file whole.
 */
export async function openFileAtomic(file: string): Promise<AtomicFileStream> {
  const temporary = temporarySibling(file);
  const handle = await open(temporary, 'wx');
  let state: 'open' | 'committed' | 'aborted' = 'open';
  return {
    async write(data, position) {
      let written = 0;
      while (written < data.length) {
        const at = position === undefined ? null : position + written;
        written += (await handle.write(data, written, data.length - written, at)).bytesWritten;
      }
    },
    async commit() {
      await handle.close();
      await rename(temporary, file);
      state = 'committed';
    },
    async abort() {
      if (state !== 'open') return;
      state = 'aborted';
      await handle.close().catch(() => undefined);
      await unlink(temporary).catch(() => undefined);
    },
  };
}
