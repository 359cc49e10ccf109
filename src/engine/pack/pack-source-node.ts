/** Reads a pack folder on disk (CLI, tests, benchmarks). Node only: the worker never imports this file. */

import { createHash } from 'node:crypto';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { checkPackFileName, checkSize, PackIntegrityError, PackSourceError, sizeMismatchError, type FileRequest, type PackFile, type PackSource } from './pack-source';

/** Read size: large enough that a 2 GB file is ~500 reads, small enough to report progress smoothly. */
const CHUNK_BYTES = 4 << 20;

export function directoryPackSource(directory: string): PackSource {
  const root = path.resolve(directory);
  // The folder itself may be reached through a symlink; containment is checked between resolved paths.
  let realRoot: Promise<string> | undefined;
  return {
    location: root,
    async read(request) {
      checkPackFileName(request.name, root);
      try {
        const file = await realpath(path.join(root, request.name));
        const inside = path.relative(await (realRoot ??= realpath(root)), file);
        if (inside.startsWith('..') || path.isAbsolute(inside)) {
          throw new PackSourceError(`${request.name} leads outside the pack folder ${root} (to ${file}); pack files must stay inside it`);
        }
        return await readHashed(file, request);
      } catch (error) {
        if (error instanceof PackSourceError || error instanceof PackIntegrityError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new PackSourceError(`${request.name} is missing from the pack folder ${root}`);
        if (request.signal?.aborted) throw error;
        throw new PackSourceError(`could not read ${request.name} in ${root}: ${(error as Error).message}`);
      }
    },
  };
}

/**
 * Checks the size on disk before reading anything, then reads into one buffer of exactly that size while hashing
 * the chunks: peak memory is the file once (hashing the whole buffer with WebCrypto afterwards would copy it).
 */
async function readHashed(file: string, request: FileRequest): Promise<PackFile> {
  const handle = await open(file, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new PackSourceError(`${request.name} in the pack folder is not a file`);
    if (request.bytes !== undefined && info.size !== request.bytes) throw sizeMismatchError(request.name, info.size, request.bytes);
    checkSize(request, info.size);
    const bytes = new Uint8Array(info.size);
    const hash = createHash('sha256');
    let offset = 0;
    while (offset < bytes.byteLength) {
      request.signal?.throwIfAborted();
      const { bytesRead } = await handle.read(bytes, offset, Math.min(CHUNK_BYTES, bytes.byteLength - offset), offset);
      if (bytesRead === 0) throw new PackSourceError(`${request.name} shrank while it was read`);
      hash.update(bytes.subarray(offset, offset + bytesRead));
      offset += bytesRead;
      request.onProgress?.(offset, bytes.byteLength);
    }
    if (bytes.byteLength === 0) request.onProgress?.(0, 0);
    return { bytes, sha256: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}
