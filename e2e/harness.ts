/**
 * Browser end-to-end harness: serves the built app with scripts/serve.js on a free port, launches the system
 * Chromium (real WebGPU via SwiftShader) on a fresh profile, and drops real files onto the page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/** Starts `node scripts/serve.js --port 0` on `dir` (the built app, dist/) and resolves with the URL it prints. */
export async function startServer(dir = 'dist'): Promise<AppServer> {
  const child = spawn(process.execPath, ['scripts/serve.js', '--port', '0', '--dir', dir], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(output);
      if (match) resolve(match[0]);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`scripts/serve.js exited with ${code}: ${output}`)));
  });
  return { url, close: () => stopProcess(child) };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, for asserting the app stayed healthy. */
  errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserSession> {
  const profileDir = await mkdtemp(join(tmpdir(), 'foley-e2e-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}

export interface DropFile {
  name: string;
  /** MIME type as a browser would report it; '' when unknown. */
  type: string;
  bytes: Uint8Array;
}

const MIME_BY_EXTENSION: Record<string, string> = { mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm' };

export async function fileFromDisk(path: string): Promise<DropFile> {
  const name = basename(path);
  return { name, type: MIME_BY_EXTENSION[name.split('.').pop() ?? ''] ?? '', bytes: new Uint8Array(await readFile(path)) };
}

/**
 * Drops files on the page the way a user does: a DataTransfer built in the page from the bytes, then
 * dragenter → dragover → drop events on the drop zone.
 */
export async function dropFiles(page: Page, files: DropFile[]): Promise<void> {
  const payload = files.map((file) => ({ name: file.name, type: file.type, base64: Buffer.from(file.bytes).toString('base64') }));
  await page.evaluate(async (items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.base64), (char) => char.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name, { type: item.type }));
    }
    const target = document.querySelector('[data-testid="drop-zone"]') ?? document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
    // Two frames: React has committed whatever the drop changed before the caller looks at the page.
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  }, payload);
}

/** Waits until the engine has loaded its pack (badge shown) or failed (then throws with the engine's reason). */
export async function waitForEngine(page: Page): Promise<string> {
  await page.waitForSelector('[data-testid="backend-badge"], [data-testid="engine-failure"]', { timeout: 180_000 });
  const failure = page.getByTestId('engine-failure');
  if (await failure.count()) throw new Error(`engine failed to start: ${await failure.textContent()}`);
  return (await page.getByTestId('backend-badge').textContent()) ?? '';
}

/** Waits for the video to open (metadata caption shown) or for an error notice; returns which. */
export async function waitForOpenOutcome(page: Page): Promise<{ opened: boolean; message: string }> {
  await page.waitForFunction(() => document.querySelector('[data-testid="opening"]') === null, undefined, { timeout: 120_000 });
  const notice = page.locator('[data-testid="notice"][data-kind="error"]');
  if (await notice.count()) return { opened: false, message: (await notice.textContent()) ?? '' };
  return { opened: true, message: (await page.getByTestId('video-meta').textContent()) ?? '' };
}

/**
 * Counts pixels that differ from their canvas's top-left (background) pixel, over every canvas inside `selector`,
 * shadow roots included (wavesurfer draws inside one).
 */
export async function nonBackgroundPixels(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const canvases: HTMLCanvasElement[] = [];
    const visit = (root: ParentNode) => {
      canvases.push(...Array.from(root.querySelectorAll('canvas')));
      for (const element of Array.from(root.querySelectorAll('*'))) if (element.shadowRoot) visit(element.shadowRoot);
    };
    for (const host of Array.from(document.querySelectorAll(sel))) visit(host);
    let count = 0;
    for (const canvas of canvases) {
      if (canvas.width === 0 || canvas.height === 0) continue;
      const context = canvas.getContext('2d');
      if (!context) continue;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2] || data[i + 3] !== data[3])) count++;
    }
    return count;
  }, selector);
}

/** Sets the step count, clicks Generate, waits for the job to end; throws with the app's message if it failed. */
export async function generateAndWait(page: Page, steps = 2): Promise<void> {
  await page.getByTestId('steps').fill(String(steps));
  await page.getByTestId('generate').click();
  await page.getByTestId('job').waitFor({ state: 'detached', timeout: 230_000 });
  const notices = await page.locator('[data-testid="notice"]').allTextContents();
  if (notices.length > 0) throw new Error(`generation failed: ${notices.join(' | ')}`);
  await page.getByTestId('waveform').waitFor();
}
