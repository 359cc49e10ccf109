/**
 * Where a pack's files come from. `httpPackSource` fetches relative to the pack URL with download progress and a
 * cache in front; `src/engine/pack/pack-source-node.ts` reads a folder on disk. Both keep every file inside the pack
 * (a manifest is data from the network or a download, so its file names are not trusted) and both refuse a file
 * that outgrows its manifest size while it is read, so a wrong file never costs more memory than the right one.
 */

import { packFileKey, type FileCache } from './pack-cache';

export interface FileRequest {
  /** File name inside the pack folder: a relative path of plain segments ("dit.onnx", "weights/dit.onnx"). */
  name: string;
  /** Expected size; the source refuses a file that is larger, before or while reading it. */
  bytes?: number;
  /** Expected sha256; content-addresses the cache so an updated pack is fetched again. */
  sha256?: string;
  /** Upper bound when the size is not known in advance (the manifest). */
  maxBytes?: number;
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

export interface PackFile {
  bytes: Uint8Array;
  /** Lower-case hex sha256 of `bytes`, computed the cheapest way the source can (while streaming, in Node). */
  sha256: string;
}

export interface PackSource {
  /** Human-readable location for error messages. */
  readonly location: string;
  /** Resolves with the file and its sha256; rejects with PackSourceError naming the file if it is missing, unreadable or outside the pack. */
  read(request: FileRequest): Promise<PackFile>;
}

export class PackSourceError extends Error {
  override name = 'PackSourceError';
}

/** A pack file whose size or sha256 differ from its manifest. */
export class PackIntegrityError extends Error {
  override name = 'PackIntegrityError';
}

export function sizeMismatchError(name: string, actualBytes: number, expectedBytes: number): PackIntegrityError {
  return new PackIntegrityError(`${name} is ${actualBytes} bytes but the manifest says ${expectedBytes}; the pack is corrupted or incomplete`);
}

/** Refuses a file larger than the request allows, naming the limit. */
export function checkSize(request: FileRequest, actualBytes: number): void {
  if (request.bytes !== undefined && actualBytes > request.bytes) {
    throw new PackIntegrityError(`${request.name} is larger than the ${request.bytes} bytes the manifest says; the pack is corrupted or does not match its manifest`);
  }
  if (request.maxBytes !== undefined && actualBytes > request.maxBytes) {
    throw new PackSourceError(`${request.name} is ${actualBytes} bytes; a pack ${request.name === 'manifest.json' ? 'manifest' : 'file'} is at most ${request.maxBytes} bytes`);
  }
}

/**
 * Refuses a name that could leave the pack: absolute paths and URLs, "." / ".." segments (also percent-encoded, which
 * URL parsing decodes), backslashes (a separator on Windows), control characters and empty segments ("//host" is a URL authority).
 */
export function checkPackFileName(name: string, location: string): void {
  const segments = name.split('/');
  const plain = segments.every((s) => s !== '' && s !== '.' && s !== '..' && !/[\\:%?#]/.test(s) && !Array.from(s).some((c) => c < ' '));
  if (!plain) throw new PackSourceError(`${name} is not inside the pack folder ${location}; pack files are named by relative paths within it`);
}

export function toHex(digest: ArrayBuffer): string {
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

export function httpPackSource(packUrl: string, cache?: FileCache): PackSource {
  const base = new URL(packUrl.endsWith('/') ? packUrl : `${packUrl}/`);
  /** The file's URL, refused unless it is on the pack's origin and under its path. */
  const resolve = (name: string): string => {
    checkPackFileName(name, base.href);
    const url = new URL(name, base);
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
      throw new PackSourceError(`${url.href} is not inside the pack folder ${base.href}`);
    }
    return url.href;
  };
  return {
    location: base.href,
    async read(request) {
      const url = resolve(request.name);
      const key = request.sha256 ? packFileKey(url, request.sha256) : url;
      if (request.sha256 && cache) {
        const cached = await cache.match(key);
        if (cached) {
          request.onProgress?.(cached.byteLength, cached.byteLength);
          return { bytes: cached, sha256: await sha256Hex(cached) };
        }
      }
      let bytes: Uint8Array;
      try {
        bytes = await download(url, request);
        if (cache) await cache.put(key, bytes);
      } catch (error) {
        // Unhashed files (the manifest) are fetched network-first and fall back to the cache when offline.
        const cached = !request.sha256 && cache && !(error instanceof PackIntegrityError) ? await cache.match(key) : undefined;
        if (!cached) throw error;
        bytes = cached;
      }
      return { bytes, sha256: await sha256Hex(bytes) };
    },
  };
}

async function download(url: string, request: FileRequest): Promise<Uint8Array> {
  let response: Response;
  try {
    // Unhashed files (the manifest) revalidate with the server, so a pack update never pairs a fresh manifest with
    // weights from the HTTP cache or the other way round; hashed files are checked against their sha256 anyway.
    response = await fetch(url, { signal: request.signal, cache: request.sha256 ? 'default' : 'no-cache' });
  } catch (error) {
    if (request.signal?.aborted) throw error;
    throw new PackSourceError(`could not download ${request.name} from ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new PackSourceError(`could not download ${request.name}: HTTP ${response.status} from ${url}`);
  const totalBytes = Number(response.headers.get('content-length')) || request.bytes || 0;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    checkSize(request, bytes.byteLength);
    return bytes;
  }
  // With the size known from the manifest the bytes land in one buffer of that size: the file is held once, not twice.
  const sized = request.bytes !== undefined ? new Uint8Array(request.bytes) : undefined;
  const parts: Uint8Array[] = [];
  let loadedBytes = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    try {
      checkSize(request, loadedBytes + value.byteLength);
    } catch (error) {
      await reader.cancel();
      throw error;
    }
    if (sized) sized.set(value, loadedBytes);
    else parts.push(value);
    loadedBytes += value.byteLength;
    request.onProgress?.(loadedBytes, Math.max(totalBytes, loadedBytes));
  }
  return sized ? sized.subarray(0, loadedBytes) : concatenate(parts, loadedBytes);
}

function concatenate(parts: Uint8Array[], byteLength: number): Uint8Array {
  const bytes = new Uint8Array(byteLength);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}
