/**
 * Runs bench/ingest-worker.ts in real headless Chromium: bundles it with vite's build API into a temp dir, serves
 * that dir (plus the given media files) with scripts/serve.js (COOP/COEP headers), and opens a page whose
 * `runIngest(request)` starts a module Worker per request. Shared by e2e/media-ingest.e2e.test.ts and bench/ingest.ts.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import type { IngestReply, IngestRequest } from './ingest-worker';

const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM_ARGS = [
  '--no-sandbox', '--headless=new', '--enable-unsafe-webgpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

// The page script is a file of its own: scripts/serve.js sends a CSP with script-src 'self', which refuses inline scripts.
const PAGE = '<!doctype html><meta charset="utf-8"><title>ingest</title><script type="module" src="./ingest-page.js"></script>';
const PAGE_SCRIPT = `window.runIngest = (request) => new Promise((resolve) => {
  const worker = new Worker('./ingest-worker.js', { type: 'module' });
  worker.onmessage = (e) => { worker.terminate(); resolve(e.data); };
  worker.onerror = (e) => { worker.terminate(); resolve({ type: 'error', code: 'worker', message: e.message }); };
  worker.postMessage(request);
});
`;

export interface IngestBrowser {
  /** Runs one request on a media file previously passed by name (its basename). */
  run(request: Omit<IngestRequest, 'url'> & { file: string }): Promise<IngestReply>;
  close(): Promise<void>;
}

async function bundleWorker(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: ROOT_DIR,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: false,
      minify: false,
      lib: { entry: join(ROOT_DIR, 'bench/ingest-worker.ts'), formats: ['es'], fileName: () => 'ingest-worker.js' },
    },
  });
}

async function serve(dir: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['scripts/serve.js', '--port', '0', '--dir', dir], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(output);
      if (match) resolve(match[0]);
    });
    child.on('exit', (code) => reject(new Error(`scripts/serve.js exited with ${code}: ${output}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

export async function startIngestBrowser(mediaFiles: string[]): Promise<IngestBrowser> {
  const dir = await mkdtemp(join(tmpdir(), 'ingest-page-'));
  await bundleWorker(dir);
  await writeFile(join(dir, 'index.html'), PAGE);
  await writeFile(join(dir, 'ingest-page.js'), PAGE_SCRIPT);
  for (const file of mediaFiles) await copyFile(file, join(dir, basename(file)));
  const server = await serve(dir);
  const profileDir = await mkdtemp(join(tmpdir(), 'ingest-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(server.url);
  return {
    run: ({ file, ...rest }) => page.evaluate(
      (request) => (window as unknown as { runIngest(r: IngestRequest): Promise<IngestReply> }).runIngest(request),
      { ...rest, url: `./${file}` },
    ),
    close: async () => {
      await context.close();
      server.stop();
      await rm(profileDir, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
