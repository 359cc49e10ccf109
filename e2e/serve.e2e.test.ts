/**
 * scripts/serve.js over real HTTP: security headers on every answer, 400 for URLs that do not decode, and
 * revalidation (ETag, no-cache) for every file whose name does not change with its content, so a pack update never
 * pairs a new manifest with old weights from a cache. The app itself runs under these headers in every browser e2e
 * test (e2e/harness.ts serves it with scripts/serve.js), generation on WebGPU and WASM included (app.e2e.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from './harness';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let site: string;
let child: ChildProcess;
let port: number;

/** A raw request: the path goes on the wire exactly as given (fetch would normalise it). */
function get(rawPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  site = await mkdtemp(path.join(tmpdir(), 'foley-serve-'));
  await mkdir(path.join(site, 'assets'));
  await mkdir(path.join(site, 'models/pack'), { recursive: true });
  await writeFile(path.join(site, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(path.join(site, 'assets/index-Ab12Cd34.js'), 'export {};');
  await writeFile(path.join(site, 'models/pack/manifest.json'), '{"version":"1"}');
  await writeFile(path.join(site, 'models/pack/dit.onnx'), 'weights v1');
  child = spawn(process.execPath, ['scripts/serve.js', '--port', '0', '--dir', site], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
  port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`scripts/serve.js exited with ${code}`)));
  });
});

afterAll(async () => {
  child?.kill('SIGTERM');
  await rm(site, { recursive: true, force: true });
});

/** Directive name → its sources. */
function parseCsp(header: string): Map<string, string[]> {
  return new Map(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('security headers', () => {
  it('sends a CSP without remote origins, nosniff, a referrer policy and no framing on every answer', async () => {
    for (const [rawPath, status] of [['/', 200], ['/assets/index-Ab12Cd34.js', 200], ['/missing.js', 404]] as const) {
      const answer = await get(rawPath);
      expect(answer.status, rawPath).toBe(status);
      expect(answer.headers['x-content-type-options'], rawPath).toBe('nosniff');
      expect(answer.headers['referrer-policy'], rawPath).toBe('no-referrer');
      const csp = parseCsp(String(answer.headers['content-security-policy']));
      expect(csp.get('default-src'), rawPath).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors'), rawPath).toEqual(["'none'"]);
      expect(csp.get('object-src'), rawPath).toEqual(["'none'"]);
      // Only keywords, 'self' and local schemes: no host, no https:, no wildcard.
      const sources = [...csp.values()].flat();
      expect(sources.filter((s) => !/^'[a-z-]+'$/.test(s) && !['blob:', 'data:'].includes(s)), rawPath).toEqual([]);
      expect(csp.get('script-src'), rawPath).not.toContain("'unsafe-eval'");
    }
  });

  it('answers 400 to a URL that does not decode, and to a NUL byte', async () => {
    for (const rawPath of ['/%E0%A4%A', '/models/%ZZ/manifest.json', '/%00.html']) {
      const answer = await get(rawPath);
      expect(answer.status, rawPath).toBe(400);
      expect(answer.headers['x-content-type-options'], rawPath).toBe('nosniff');
    }
  });
});

describe('caching', () => {
  it('lets hashed assets be cached for good and makes everything else revalidate', async () => {
    expect((await get('/assets/index-Ab12Cd34.js')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const rawPath of ['/', '/models/pack/manifest.json', '/models/pack/dit.onnx']) {
      const answer = await get(rawPath);
      expect(answer.headers['cache-control'], rawPath).toBe('no-cache');
      expect(answer.headers.etag, rawPath).toMatch(/^(W\/)?"[^"]+"$/);
    }
  });

  it('answers 304 while a pack file is unchanged and the new bytes once it changes', async () => {
    const first = await get('/models/pack/dit.onnx');
    const etag = String(first.headers.etag);
    const again = await get('/models/pack/dit.onnx', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect((await get('/models/pack/dit.onnx', { 'If-None-Match': etag }, 'HEAD')).status).toBe(304);
    await writeFile(path.join(site, 'models/pack/dit.onnx'), 'weights v2, longer');
    const updated = await get('/models/pack/dit.onnx', { 'If-None-Match': etag });
    expect(updated.status).toBe(200);
    expect(updated.body).toBe('weights v2, longer');
    expect(updated.headers.etag).not.toBe(etag);
  });

  it('has the service worker re-fetch every unhashed file it precaches when it changes', async () => {
    // Workbox keys a precache entry without a revision by its URL alone: such a file would never update offline.
    const sw = await readFile(path.join(ROOT_DIR, 'dist/sw.js'), 'utf8');
    const entries = [...sw.matchAll(/\{url:"([^"]+)",revision:(null|"[0-9a-f]+")\}/g)].map(([, url, revision]) => ({ url, revision }));
    expect(entries.map((e) => e.url)).toContain('index.html');
    expect(entries.some((e) => e.url.startsWith('ort/'))).toBe(true);
    // Packs are kept by the engine's own cache alone (e2e/offline.e2e.test.ts counts their bytes across caches).
    expect(entries.filter((e) => e.url.startsWith('models/'))).toEqual([]);
    const unhashed = entries.filter((e) => !e.url.startsWith('assets/'));
    expect(unhashed.filter((e) => e.revision === 'null')).toEqual([]);
  });
});
