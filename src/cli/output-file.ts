/**
 * Writing the CLI's outputs without ever losing what the user made: an output that is one of the command's inputs
 * (by path, symlink or hard link: the same device and inode) is refused, and every output is written to a temporary
 * file in the same folder and renamed over the target, so an interrupted or failed run leaves the old file whole.
 */

import { randomBytes } from 'node:crypto';
import { rename, stat, unlink, writeFile } from 'node:fs/promises';
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

/** Writes `data` to a temporary sibling of `file`, then renames it into place (atomic within one file system). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, data, { flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
