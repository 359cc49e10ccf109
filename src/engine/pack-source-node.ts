/** Reads a pack folder on disk (CLI, tests, benchmarks). Node only: the worker never imports this file. */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PackSourceError, type PackSource } from './pack-source';

export function directoryPackSource(directory: string): PackSource {
  const root = path.resolve(directory);
  return {
    location: root,
    async read(request) {
      const file = path.join(root, request.name);
      try {
        const bytes = new Uint8Array(await readFile(file, { signal: request.signal }));
        request.onProgress?.(bytes.byteLength, bytes.byteLength);
        return bytes;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new PackSourceError(`${request.name} is missing from the pack folder ${root}`);
        if (code === 'ABORT_ERR') throw error;
        throw new PackSourceError(`could not read ${request.name} in ${root}: ${(error as Error).message}`);
      }
    },
  };
}
