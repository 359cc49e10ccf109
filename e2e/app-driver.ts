/**
 * Steps the app tests take again and again, written once: a served app with one generated clip, a browser that is
 * always closed, the app opened on a backend with a video dropped in, and the page's errors that are the app's own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { makeVideo, type MakeVideoOptions } from './fixtures';
import { dropFiles, fileFromDisk, launchBrowser, startServer, waitForEngine, waitForOpenOutcome, type AppServer, type BrowserSession, type DropFile } from './harness';

/** The `?backend=` values the app accepts besides automatic choice. */
export type Backend = 'wasm' | 'webgpu';

export interface AppFixture {
  server: AppServer;
  /** A scratch folder for the file's downloads; removed after its tests. */
  workDir: string;
  clipPath: string;
  clip: DropFile;
}

/**
 * Registers the file's beforeAll/afterAll: makes `fileName` in a fresh scratch folder with ffmpeg and serves dist/.
 * The fields are filled once beforeAll has run, so read them inside tests, not at module level.
 */
export function useAppFixture(fileName: string, video: Omit<MakeVideoOptions, 'path'>): AppFixture {
  const fixture = {} as AppFixture;
  beforeAll(async () => {
    fixture.workDir = await mkdtemp(join(tmpdir(), 'foley-app-e2e-'));
    fixture.clipPath = await makeVideo({ ...video, path: join(fixture.workDir, fileName) });
    fixture.clip = await fileFromDisk(fixture.clipPath);
    fixture.server = await startServer();
  });
  afterAll(async () => {
    await fixture.server?.close();
    if (fixture.workDir) await rm(fixture.workDir, { recursive: true, force: true });
  });
  return fixture;
}

/** Launches Chromium, runs `body` with it and closes it whatever happens. */
export async function withBrowser<T>(body: (browser: BrowserSession) => Promise<T>): Promise<T> {
  const browser = await launchBrowser();
  try {
    return await body(browser);
  } finally {
    await browser.close();
  }
}

/**
 * Loads the app on `backend` with the random-weight test pack (fast UI checks; offline.e2e covers foley-tiny), waits
 * for the engine, drops `file` and waits for it to open. Throws with the app's notice when it does not open.
 */
export async function openVideo(browser: BrowserSession, server: AppServer, file: DropFile, backend: Backend): Promise<{ badge: string; meta: string }> {
  const { page } = browser;
  await page.goto(`${server.url}?backend=${backend}&pack=foley-test`);
  const badge = await waitForEngine(page);
  await dropFiles(page, [file]);
  const outcome = await waitForOpenOutcome(page);
  if (!outcome.opened) throw new Error(`${file.name} did not open: ${outcome.message}`);
  return { badge, meta: outcome.message };
}

/** Page errors and console errors minus onnxruntime-web's: it logs its execution-provider placement as errors. */
export function appErrors(browser: BrowserSession): string[] {
  return browser.errors.filter((line) => !line.includes('onnxruntime'));
}
