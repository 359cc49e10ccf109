import { cp, mkdtemp, readFile, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryCache } from './pack-cache';
import { COMPONENT_NAMES, ManifestError } from './manifest';
import { loadPack, PackIntegrityError, readVerified, type LoadPackOptions } from './pack-loader';
import { directoryPackSource } from './pack-source-node';
import { httpPackSource, PackSourceError } from './pack-source';
import type { Progress } from '../host/protocol';
import { createNodeAdapter } from '../runtime/ort-node';

const PACK_DIR = path.resolve(__dirname, '../../../public/models/foley-test');
const cpuOnly: LoadPackOptions = { backends: ['cpu'], createAdapter: () => createNodeAdapter() };

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'foley-pack-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A copy of the test pack whose manifest or files a test may damage. */
async function packCopy(name: string): Promise<string> {
  const dir = path.join(scratch, name);
  await cp(PACK_DIR, dir, { recursive: true });
  return dir;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests damage manifests on purpose, so no schema type fits them
async function editManifest(dir: string, edit: (m: Record<string, any>) => void): Promise<void> {
  const file = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(file, 'utf8'));
  edit(manifest);
  await writeFile(file, JSON.stringify(manifest));
}

describe('loadPack from a folder', { timeout: 60_000 }, () => {
  it('loads every component of the test pack on the CPU and reports progress per file', async () => {
    const seen = new Set<string>();
    const pack = await loadPack(directoryPackSource(PACK_DIR), { ...cpuOnly, onProgress: (p: Progress) => p.stage === 'download' && seen.add(p.file) });
    expect(pack.backend).toBe('cpu');
    expect(pack.manifest.purpose).toBe('test');
    expect(Object.keys(pack.sessions).sort()).toEqual([...COMPONENT_NAMES].sort());
    expect(seen.size).toBe(COMPONENT_NAMES.length);
    await pack.dispose();
  });

  it('refuses a file whose bytes changed, naming it', async () => {
    const dir = await packCopy('corrupt');
    const file = path.join(dir, 'dit.onnx');
    const bytes = await readFile(file);
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(file, bytes);
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(PackIntegrityError);
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/dit\.onnx has sha256 [0-9a-f]{64} but the manifest says/);
  });

  it('refuses a truncated file by its size', async () => {
    const dir = await packCopy('truncated');
    const file = path.join(dir, 'adapters.onnx');
    await writeFile(file, (await readFile(file)).subarray(0, 1000));
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/adapters\.onnx is 1000 bytes but the manifest says \d+/);
  });

  it('names a missing manifest, bad JSON and schema errors', async () => {
    const dir = await packCopy('manifest');
    const manifestFile = path.join(dir, 'manifest.json');
    const good = await readFile(manifestFile, 'utf8');
    await unlink(manifestFile);
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(PackSourceError);
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/manifest\.json is missing/);
    await writeFile(manifestFile, good.slice(0, 100));
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/manifest\.json .* is not valid JSON/);
    await writeFile(manifestFile, good);
    await editManifest(dir, (m) => (m.schemaVersion = 99));
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/schemaVersion 99 is not supported/);
    await writeFile(manifestFile, good);
    await editManifest(dir, (m) => (m.components.vocoder = m.components.dit));
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/unknown entries vocoder; valid: visual_encoder, /);
    await writeFile(manifestFile, good);
    await editManifest(dir, (m) => delete m.components.sampler_step);
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(ManifestError);
    await writeFile(manifestFile, good);
    await editManifest(dir, (m) => (m.decoder.momentum = 1));
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/decoder\.momentum must be in \[0, 1\), got 1/);
  });

  it('refuses a graph whose inputs differ from the manifest, listing both', async () => {
    const dir = await packCopy('names');
    await editManifest(dir, (m) => (m.components.text_encoder.inputs[0].name = 'tokens'));
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(
      /text_encoder \(text_encoder\.onnx\) inputs do not match the manifest: the graph has \[token_ids\], the manifest lists \[tokens\]/,
    );
  });

  it('refuses a graph whose dtypes or fixed dimensions differ from the manifest', async () => {
    const dir = await packCopy('shapes');
    await editManifest(dir, (m) => (m.components.dit.inputs[0].shape = [1, 'L', 96]));
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/dit \(dit\.onnx\): x has shape \[1,"L",128\] in the graph, \[1,"L",96\] in the manifest/);
    await editManifest(dir, (m) => {
      m.components.dit.inputs[0].shape = [1, 'L', 128];
      m.components.text_encoder.inputs[0].dtype = 'float32';
    });
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/token_ids is int64 in the graph, float32 in the manifest/);
  });

  it('refuses pack files outside the pack folder: "..", absolute paths and symlinks', async () => {
    const dir = await packCopy('escape');
    const outside = path.join(scratch, 'outside-dit.onnx');
    await cp(path.join(dir, 'dit.onnx'), outside);
    const good = await readFile(path.join(dir, 'manifest.json'), 'utf8');
    await editManifest(dir, (m) => (m.components.dit.file = '../outside-dit.onnx'));
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/\.\.\/outside-dit\.onnx is not inside the pack folder/);
    await writeFile(path.join(dir, 'manifest.json'), good);
    await editManifest(dir, (m) => (m.components.dit.file = outside));
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/outside-dit\.onnx is not inside the pack folder/);
    await writeFile(path.join(dir, 'manifest.json'), good);
    await unlink(path.join(dir, 'dit.onnx'));
    await symlink(outside, path.join(dir, 'dit.onnx'));
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(PackSourceError);
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/dit\.onnx leads outside the pack folder/);
  });

  it('follows a symlinked pack folder and symlinks that stay inside it', async () => {
    const dir = await packCopy('linked');
    await cp(path.join(dir, 'dit.onnx'), path.join(dir, 'dit-real.onnx'));
    await unlink(path.join(dir, 'dit.onnx'));
    await symlink('dit-real.onnx', path.join(dir, 'dit.onnx'));
    const link = path.join(scratch, 'linked-folder');
    await symlink(dir, link);
    const pack = await loadPack(directoryPackSource(link), cpuOnly);
    expect(pack.manifest.id).toBe('foley-test');
    await pack.dispose();
  });

  it('refuses a file of the wrong size from its size on disk, before reading it', async () => {
    // Sparse 3 GiB files: no disk space used, and more than Node can read into one buffer (2 GiB), so only a
    // size check made before reading can name the real problem.
    const dir = await packCopy('huge');
    await truncate(path.join(dir, 'dit.onnx'), 3 * 2 ** 30);
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/dit\.onnx is 3221225472 bytes but the manifest says \d+/);
    await truncate(path.join(dir, 'manifest.json'), 3 * 2 ** 30);
    await expect(loadPack(directoryPackSource(dir), cpuOnly)).rejects.toThrow(/manifest\.json is 3221225472 bytes; a pack manifest is at most \d+ bytes/);
  });

  it('falls back to the next backend when one cannot be created', async () => {
    const pack = await loadPack(directoryPackSource(PACK_DIR), {
      backends: ['webgpu', 'cpu'],
      createAdapter: (backend) => {
        if (backend !== 'cpu') throw new Error(`${backend} is not available in Node`);
        return createNodeAdapter();
      },
    });
    expect(pack.backend).toBe('cpu');
    await pack.dispose();
  });
});

describe('loadPack over HTTP with a cache', { timeout: 60_000 }, () => {
  let server: Server;
  let baseUrl: string;
  let requests = 0;
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      requests++;
      const name = (req.url ?? '').replace(/^\/models\/foley-test\//, '');
      try {
        if (name.includes('/')) throw new Error('not in the pack folder');
        const body = await readFile(path.join(PACK_DIR, name));
        res.writeHead(200, { 'content-length': body.byteLength }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/foley-test/`;
  }, 60_000);
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  afterAll(async () => {
    if (server.listening) await closeServer();
  });

  it('names the file a server does not have', async () => {
    await expect(loadPack(httpPackSource(`${baseUrl}missing/`), cpuOnly)).rejects.toThrow(/could not download manifest\.json: HTTP 404/);
  });

  it('downloads once, then loads from the cache with the server gone', async () => {
    const cache = memoryCache();
    requests = 0;
    const first = await loadPack(httpPackSource(baseUrl, cache), cpuOnly);
    await first.dispose();
    expect(requests).toBe(1 + COMPONENT_NAMES.length);
    await closeServer();
    const offline = await loadPack(httpPackSource(baseUrl, cache), cpuOnly);
    expect(offline.manifest.id).toBe('foley-test');
    await offline.dispose();
  });
});

/** Serves a folder at /pack/ on its own port (its own origin); `oversized` names files streamed far past their size. */
async function serveFolder(dir: string, oversized: { name: string; sentBytes: number } | null = null): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const name = (req.url ?? '').replace(/^\/pack\//, '');
    if (oversized && name === oversized.name) {
      // 96 MiB written with back-pressure: only what the client reads leaves the server.
      const chunk = new Uint8Array(1 << 20);
      res.writeHead(200);
      for (let i = 0; i < 96 && !res.destroyed; i++) {
        oversized.sentBytes += chunk.byteLength;
        if (!res.write(chunk)) await new Promise((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
      }
      res.end();
      return;
    }
    try {
      const body = await readFile(path.join(dir, name));
      res.writeHead(200, { 'content-length': body.byteLength }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pack/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('pack files over HTTP stay inside the pack URL', { timeout: 60_000 }, () => {
  it('refuses a manifest file on another origin', async () => {
    const other = await serveFolder(PACK_DIR);
    const dir = await packCopy('remote');
    await editManifest(dir, (m) => (m.components.dit.file = `${other.url}dit.onnx`));
    const local = await serveFolder(dir);
    try {
      await expect(loadPack(httpPackSource(local.url), cpuOnly)).rejects.toThrow(/http:\/\/127\.0\.0\.1:\d+\/pack\/dit\.onnx is not inside the pack folder/);
    } finally {
      await Promise.all([other.close(), local.close()]);
    }
  });

  it('refuses names that climb out of the pack URL, before any request', async () => {
    let requests = 0;
    const source = httpPackSource('http://127.0.0.1:9/models/foley-test/');
    const read = (name: string) => source.read({ name }).finally(() => requests++);
    for (const name of ['../foley-tiny/dit.onnx', '%2e%2e/x.onnx', '//example.com/x.onnx', 'a/../../x.onnx', 'C:\\x.onnx']) {
      await expect(read(name)).rejects.toThrow(/is not inside the pack folder/);
    }
    expect(requests).toBe(5);
  });

  it('refuses a file shorter than its manifest size', async () => {
    const dir = await packCopy('short-http');
    const file = path.join(dir, 'adapters.onnx');
    await writeFile(file, (await readFile(file)).subarray(0, 1000));
    const server = await serveFolder(dir);
    try {
      await expect(loadPack(httpPackSource(server.url), cpuOnly)).rejects.toThrow(/adapters\.onnx is 1000 bytes but the manifest says \d+/);
    } finally {
      await server.close();
    }
  });

  it('stops downloading a file as soon as it outgrows its manifest size', async () => {
    const oversized = { name: 'dit.onnx', sentBytes: 0 };
    const server = await serveFolder(PACK_DIR, oversized);
    try {
      const entry = { file: 'dit.onnx', bytes: 1 << 20, sha256: '0'.repeat(64) };
      await expect(readVerified(httpPackSource(server.url), entry)).rejects.toThrow(/dit\.onnx is larger than the 1048576 bytes the manifest says/);
      expect(oversized.sentBytes).toBeLessThan(32 << 20);
    } finally {
      await server.close();
    }
  });
});
