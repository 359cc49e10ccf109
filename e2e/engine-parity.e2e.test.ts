/**
 * Every pack component's reference tensors, run by the engine's own browser path (src/engine/runtime/ort-web.ts +
 * pack-loader over HTTP, in a module worker) in headless Chromium on WebGPU and on WASM, must match within the
 * manifest's maxAbsError. The harness is built with Vite's build API into a temp dir and served from 127.0.0.1 with
 * COOP/COEP (cross-origin isolation: multi-threaded WASM needs SharedArrayBuffer).
 */
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_NAMES } from '../src/engine/pack/manifest';
import { makeVideo } from './fixtures';

const ROOT = path.resolve(__dirname, '..');
const MODELS_DIR = path.join(ROOT, 'public/models');
/** Every committed pack's reference tensors run in the browser, so a newly exported pack is checked too. */
const PACK_IDS = readdirSync(MODELS_DIR).filter((id) => existsSync(path.join(MODELS_DIR, id, 'manifest.json')));
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
import { env } from ${engine('runtime/env')};
import { COMPONENT_NAMES } from ${engine('pack/manifest')};
import { createWebAdapter } from ${engine('runtime/ort-web')};
import { loadPack } from ${engine('pack/pack-loader')};
import { httpPackSource } from ${engine('pack/pack-source')};
import { loadReference, runReference } from ${engine('conditioning/reference')};
import { generate } from ${engine('sampling/generate')};
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
    const source = httpPackSource(new URL('/models/' + event.data.pack + '/', self.location.href).href);
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

/** Drives src/engine/host/worker.ts through protocol.ts messages, as the app does, and returns what came back. */
function protocolDriver(dir: string): string {
  const workerPath = JSON.stringify(path.relative(dir, path.join(ROOT, 'src/engine/host/worker.ts')).split(path.sep).join('/'));
  return `
window.runProtocol = async () => {
  const engine = new Worker(new URL(${workerPath}, import.meta.url), { type: 'module' });
  const waiting = new Map();
  const progress = [];
  const chunks = [];
  let nextId = 1;
  engine.onmessage = (event) => {
    const m = event.data;
    if (m.type === 'progress') progress.push({ id: m.id, stage: m.progress.stage, etaSec: m.etaSec });
    else if (m.type === 'audio-chunk') chunks.push({ id: m.id, startSample: m.startSample, totalSamples: m.totalSamples, lengths: m.channels.map((c) => c.length) });
    else waiting.get(m.id)?.(m);
  };
  const send = (message, onSent) => {
    const id = nextId++;
    const reply = new Promise((resolve) => waiting.set(id, resolve));
    engine.postMessage({ ...message, id });
    onSent?.(id);
    return reply;
  };
  const loaded = await send({ type: 'load-pack', packUrl: '/models/foley-test/' });
  const early = await send({ type: 'generate', options: { seed: 1 } });
  const blob = await (await fetch('/clip.mp4')).blob();
  const opened = await send({ type: 'open-video', file: new File([blob], 'clip.mp4', { type: 'video/mp4' }) });
  const generated = await send({ type: 'generate', options: { seed: 1, steps: 2, prompt: 'glass dragon' } });
  let cancelId = 0;
  // The cancel is posted right behind the request: the worker reads it at the job's first await, while the job
  // surely runs (20 steps, the test pack's maxSteps, can finish before a cancel sent on its first progress event).
  const cancelled = send({ type: 'generate', options: { seed: 2, steps: 20 } }, (id) => {
    cancelId = id;
    engine.postMessage({ type: 'cancel', id: nextId++, targetId: cancelId });
  });
  const cancelReply = await cancelled;
  const unknown = await send({ type: 'explode' });
  engine.terminate();
  return {
    loaded: { type: loaded.type, backend: loaded.backend, id: loaded.pack?.id, vocabulary: loaded.pack?.vocabulary?.length, message: loaded.message },
    early: { type: early.type, message: early.message },
    opened: { type: opened.type, durationSec: opened.video?.durationSec, thumbnails: opened.video?.thumbnails.length, bitmap: opened.video?.thumbnails[0]?.image instanceof ImageBitmap, message: opened.message },
    generated: { type: generated.type, samples: generated.result?.samples, channelCount: generated.result?.channelCount, audioInReply: 'channels' in (generated.result ?? {}), unknownWords: generated.result?.unknownWords, points: generated.result?.predictedCurveLufs[0]?.length, message: generated.message },
    chunks: chunks.filter((c) => c.id === generated.id).map(({ startSample, totalSamples, lengths }) => ({ startSample, totalSamples, lengths })),
    stages: [...new Set(progress.filter((p) => p.id === generated.id).map((p) => p.stage))],
    etaReported: progress.some((p) => p.id === generated.id && typeof p.etaSec === 'number'),
    cancelled: { type: cancelReply.type, message: cancelReply.message },
    unknown: { type: unknown.type, message: unknown.message },
  };
};
`;
}

const HARNESS_MAIN = `
const worker = new Worker(new URL('./parity-worker.ts', import.meta.url), { type: 'module' });
window.runTask = (backend, task, pack) =>
  new Promise((resolve) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => resolve({ error: 'worker failed: ' + event.message });
    worker.postMessage({ backend, task, pack });
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
    : pathname.startsWith('/models/')
      ? [MODELS_DIR, pathname.slice(8)]
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
  await writeFile(path.join(src, 'main.ts'), HARNESS_MAIN + protocolDriver(src));
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

async function runTask(backend: string, task: 'parity' | 'generate', pack = 'foley-test'): Promise<TaskReport> {
  const page = await context.newPage();
  await page.goto(pageUrl);
  const report = await page.evaluate(
    ([b, t, p]) => (window as unknown as { runTask(b: string, t: string, p: string): Promise<TaskReport> }).runTask(b, t, p),
    [backend, task, pack] as const,
  );
  await page.close();
  return report;
}

/**
 * Pack tolerances are set against CPU runs. WebGPU kernels sum in other orders (tiled MatMul, workgroup reductions in
 * Softmax/LayerNorm), so a deep graph drifts a little further: foley-tiny's 4-block DiT measured 1.4e-4 on velocities of
 * magnitude ~1 against its 1e-4 CPU tolerance.
 */
const WEBGPU_TOLERANCE_FACTOR = 5;

describe('engine parity in Chromium', () => {
  for (const pack of PACK_IDS) {
    for (const backend of ['webgpu', 'wasm'] as const) {
      it(`runs every ${pack} component's reference tensors within maxAbsError on ${backend}`, async () => {
        const report = await runTask(backend, 'parity', pack);
        expect(report.error).toBeUndefined();
        expect(report.backend).toBe(backend);
        expect(report.results!.map((r) => r.component)).toEqual([...COMPONENT_NAMES]);
        for (const r of report.results!) {
          const allowed = backend === 'webgpu' ? r.tolerance * WEBGPU_TOLERANCE_FACTOR : r.tolerance;
          expect(r.maxAbsError, `${pack} ${r.component} on ${backend}`).toBeLessThanOrEqual(allowed);
        }
        console.log(JSON.stringify({ pack, backend, maxAbsError: Object.fromEntries(report.results!.map((r) => [r.component, r.maxAbsError])) }));
      });
    }
  }

  it('the engine worker answers every protocol request: load, open, generate with progress and ETA, cancel, errors', async () => {
    const page = await context.newPage();
    await page.goto(pageUrl);
    const r = (await page.evaluate(() => (window as unknown as { runProtocol(): Promise<unknown> }).runProtocol())) as Record<string, Record<string, unknown>>;
    await page.close();
    // Without a request the worker picks; Chromium's only WebGPU here is SwiftShader, so it picks WASM (backend-choice.ts).
    expect(r.loaded).toEqual({ type: 'pack-loaded', backend: 'wasm', id: 'foley-test', vocabulary: 16 });
    expect(r.early).toEqual({ type: 'error', message: 'open a video first' });
    expect(r.opened).toMatchObject({ type: 'video-opened', thumbnails: 12, bitmap: true });
    const samples = Math.round((r.opened!.durationSec as number) * 44100);
    expect(r.generated).toEqual({ type: 'generated', samples, channelCount: 2, audioInReply: false, unknownWords: ['dragon'], points: Math.ceil((samples * 6) / 44100 - 1e-9) });
    // The audio came before the reply, in 'audio-chunk' messages that cover the take once, in order, both channels alike.
    const chunks = r.chunks as unknown as { startSample: number; totalSamples: number; lengths: number[] }[];
    expect(chunks.length).toBeGreaterThan(0);
    let covered = 0;
    for (const chunk of chunks) {
      expect(chunk).toEqual({ startSample: covered, totalSamples: samples, lengths: [chunk.lengths[0], chunk.lengths[0]] });
      covered += chunk.lengths[0]!;
    }
    expect(covered).toBe(samples);
    expect(r.stages).toEqual(['decode-video', 'encode', 'denoise', 'decode-audio', 'shape']);
    expect(r.etaReported).toBe(true);
    expect(r.cancelled).toEqual({ type: 'cancelled' });
    expect(r.unknown!.type).toBe('error');
    expect(r.unknown!.message).toMatch(/unknown request type "explode"; valid: load-pack, open-video, generate, cancel/);
  });

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
