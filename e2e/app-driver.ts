/**
 * Steps the app tests take again and again, written once: a browser that is always closed, the app opened on a
 * backend with a video dropped in, and the page's errors that are the app's own.
 */
import { dropFiles, launchBrowser, waitForEngine, waitForOpenOutcome, type AppServer, type BrowserSession, type DropFile } from './harness';

/** The `?backend=` values the app accepts besides automatic choice. */
export type Backend = 'wasm' | 'webgpu';

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
