/**
 * Every pack component's reference tensors, run by the engine's own browser path (src/engine/ort-web.ts +
 * pack-loader over HTTP, in a module worker) in headless Chromium on WebGPU and on WASM, must match within the
 * manifest's maxAbsError. The harness is built with Vite's build API into a temp dir and served from 127.0.0.1 with
 * COOP/COEP (cross-origin isolation: multi-threaded WASM needs SharedArrayBuffer).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_NAMES } from '../src/engine/manifest';
import { makeVideo } from './fixtures';

const ROOT = path.resolve(__dirname, '..');
const PACK_DIR = path.join(ROOT, 'public/models/foley-test');
const ORT_DIR = path.join(ROOT, 'node_modules/onnxruntime-web/dist');

interface TaskReport {
  backend?: string;
  results?: { component: string; maxAbsError: number; tolerance: number }[];
  generated?: { samples: number[]; finite: boolean; durationSec: number; velocityLocations: string[] };
  error?: string;
}

function harnessWorker(dir: string): string {
  const engine = (file: string) => JSON.stringify(path.relative(dir, path.join(ROOT, 'src/engine', file)).split(path.sep).join('/'));
  return `
import { env } from ${engine('env')};
import { COMPONENT_NAMES } from ${engine('manifest')};
import { createWebAdapter } from ${engine('ort-web')};
import { loadPack } from ${engine('pack-loader')};
import { httpPackSource } from ${engine('pack-source')};
import { loadReference, runReference } from ${engine('reference')};
import { generate } from ${engine('generate')};
import { openVideo } from ${JSON.stringify(path.relative(dir, path.join(ROOT, 'src/media/video-source')).split(path.sep).join('/'))};

async function parity(pack, source) {
  const results = [];
  for (const component of COMPONENT_NAMES) {
    const reference = await loadReference(source, pack.manifest, component);
    if (reference) results.push(await runReference(pack, component, reference));
  }
  return { results };
}

async function generateClip(pack) {
  const video = await openVideo(await (await fetch('/clip.mp4')).blob());
  const locations = new Set();
  const dit = pack.sessions.dit;
  const run = dit.run.bind(dit);
  dit.run = async (feeds) => {
    const outputs = await run(feeds);
    locations.add(outputs.velocity.location);
    return outputs;
  };
  const result = await generate(pack, video, { seed: 1, steps: 3 });
  video.close();
  const finite = result.channels.every((c) => c.every(Number.isFinite));
  return { generated: { samples: result.channels.map((c) => c.length), finite, durationSec: video.info.durationSec, velocityLocations: [...locations] } };
}

self.onmessage = async (event) => {
  try {
    env.wasmPaths = new URL('/ort/', self.location.href).href;
    const source = httpPackSource(new URL('/models/foley-test/', self.location.href).href);
    const pack = await loadPack(source, { backends: [event.data.backend], createAdapter: createWebAdapter });
    const report = event.data.task === 'generate' ? await generateClip(pack) : await parity(pack, source);
    await pack.dispose();
    self.postMessage({ backend: pack.backend, ...report });
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
`;
}

const HARNESS_MAIN = `
const worker = new Worker(new URL('./parity-worker.ts', import.meta.url), { type: 'module' });
window.runTask = (backend, task) =>
  new Promise((resolve) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => resolve({ error: 'worker failed: ' + event.message });
    worker.postMessage({ backend, task });
  });
`;

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
};

function resolveFile(url: string, distDir: string): string | null {
  const pathname = decodeURIComponent(new URL(url, 'http://x').pathname);
  if (pathname === '/clip.mp4') return clipFile;
  const [dir, rest] = pathname.startsWith('/ort/')
    ? [ORT_DIR, pathname.slice(5)]
    : pathname.startsWith('/models/foley-test/')
      ? [PACK_DIR, pathname.slice(19)]
      : [distDir, pathname === '/' ? 'index.html' : pathname.slice(1)];
  const file = path.join(dir, rest);
  return file.startsWith(dir) && existsSync(file) && statSync(file).isFile() ? file : null;
}

function serve(distDir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const file = resolveFile(req.url ?? '/', distDir);
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let scratch: string;
let clipFile: string;
let server: Server;
let context: BrowserContext;
let pageUrl: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'foley-parity-'));
  const src = path.join(scratch, 'src');
  await import('node:fs/promises').then((fs) => fs.mkdir(src));
  await writeFile(path.join(src, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="./main.ts"></script>');
  await writeFile(path.join(src, 'main.ts'), HARNESS_MAIN);
  await writeFile(path.join(src, 'parity-worker.ts'), harnessWorker(src));
  await build({ root: src, configFile: false, logLevel: 'error', build: { outDir: path.join(scratch, 'dist'), emptyOutDir: true }, worker: { format: 'es' } });
  clipFile = await makeVideo({ path: path.join(scratch, 'clip.mp4'), durationSec: 1.2, width: 96, height: 64, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' });
  server = await serve(path.join(scratch, 'dist'));
  pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  context = await chromium.launchPersistentContext(path.join(scratch, 'profile'), {
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await context?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await rm(scratch, { recursive: true, force: true });
});

async function runTask(backend: string, task: 'parity' | 'generate'): Promise<TaskReport> {
  const page = await context.newPage();
  await page.goto(pageUrl);
  const report = await page.evaluate(
    ([b, t]) => (window as unknown as { runTask(b: string, t: string): Promise<TaskReport> }).runTask(b, t),
    [backend, task] as const,
  );
  await page.close();
  return report;
}

describe('engine parity in Chromium', () => {
  for (const backend of ['webgpu', 'wasm'] as const) {
    it(`runs every component's reference tensors within maxAbsError on ${backend}`, async () => {
      const report = await runTask(backend, 'parity');
      expect(report.error).toBeUndefined();
      expect(report.backend).toBe(backend);
      expect(report.results!.map((r) => r.component)).toEqual([...COMPONENT_NAMES]);
      for (const r of report.results!) {
        expect(r.maxAbsError, `${r.component} on ${backend}`).toBeLessThanOrEqual(r.tolerance);
      }
      console.log(JSON.stringify({ backend, maxAbsError: Object.fromEntries(report.results!.map((r) => [r.component, r.maxAbsError])) }));
    });
  }

  it('generate() runs a real MP4 end to end on WebGPU with the latents kept on the GPU between steps', async () => {
    const report = await runTask('webgpu', 'generate');
    expect(report.error).toBeUndefined();
    expect(report.backend).toBe('webgpu');
    const { samples, finite, durationSec, velocityLocations } = report.generated!;
    expect(samples).toEqual([Math.round(durationSec * 44100), Math.round(durationSec * 44100)]);
    expect(finite).toBe(true);
    expect(velocityLocations).toEqual(['gpu-buffer']);
  });
});
