/**
 * Where a pack's files come from. `httpPackSource` fetches relative to the pack URL with download progress and a
 * cache in front; `src/engine/pack-source-node.ts` reads a folder on disk.
 */

import type { FileCache } from './cache';

export interface FileRequest {
  /** File name inside the pack folder. */
  name: string;
  /** Expected size; used for progress when the server sends no content-length. */
  bytes?: number;
  /** Expected sha256; content-addresses the cache so an updated pack is fetched again. */
  sha256?: string;
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

export interface PackSource {
  /** Human-readable location for error messages. */
  readonly location: string;
  /** Resolves with the file's bytes; rejects with PackSourceError naming the file if it is missing or unreadable. */
  read(request: FileRequest): Promise<Uint8Array>;
}

export class PackSourceError extends Error {
  override name = 'PackSourceError';
}

export function httpPackSource(packUrl: string, cache?: FileCache): PackSource {
  const base = packUrl.endsWith('/') ? packUrl : `${packUrl}/`;
  return {
    location: base,
    async read(request) {
      const url = new URL(request.name, base).href;
      const key = request.sha256 ? `${url}#sha256=${request.sha256}` : url;
      if (request.sha256 && cache) {
        const cached = await cache.match(key);
        if (cached) {
          request.onProgress?.(cached.byteLength, cached.byteLength);
          return cached;
        }
      }
      try {
        const bytes = await download(url, request);
        if (cache) await cache.put(key, bytes);
        return bytes;
      } catch (error) {
        // Unhashed files (the manifest) are fetched network-first and fall back to the cache when offline.
        const cached = !request.sha256 && cache ? await cache.match(key) : undefined;
        if (cached) return cached;
        throw error;
      }
    },
  };
}

async function download(url: string, request: FileRequest): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: request.signal });
  } catch (error) {
    if (request.signal?.aborted) throw error;
    throw new PackSourceError(`could not download ${request.name} from ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new PackSourceError(`could not download ${request.name}: HTTP ${response.status} from ${url}`);
  const totalBytes = Number(response.headers.get('content-length')) || request.bytes || 0;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const parts: Uint8Array[] = [];
  let loadedBytes = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loadedBytes += value.byteLength;
    request.onProgress?.(loadedBytes, Math.max(totalBytes, loadedBytes));
  }
  const bytes = new Uint8Array(loadedBytes);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}
