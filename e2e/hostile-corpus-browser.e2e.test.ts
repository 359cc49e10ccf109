/**
 * The browser half of the hostile-media corpus (issue 11): the cases marked `browser` in e2e/hostile-corpus.ts (the
 * nastiest containers: truncated, nested, junk-filled, lying headers, odd codecs) dropped one after another on the
 * app's open-video path (the engine worker's demuxers and Chromium's WebCodecs). Each must end within 10 s in an
 * opened video or an error notice that names the file in plain words; afterwards the app still opens and generates.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideo } from './fixtures';
import { dropFiles, fileFromDisk, generateAndWait, launchBrowser, startServer, waitForEngine, waitForOpenOutcome, type AppServer, type BrowserSession } from './harness';
import { makeHostileCorpus, type CorpusCase } from './hostile-corpus';

const LIMIT_MS = 10_000;
/** Parser and runtime texts that mean nothing to a user (issue 11 #14). */
const INTERNAL_TEXT = /undefined|DataView|typed array|call stack|TypeError|RangeError|\[object |GenericFailure/;

let dir: string;
let subset: CorpusCase[];
let server: AppServer;
let browser: BrowserSession;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'foley-corpus-browser-'));
  subset = (await makeHostileCorpus(dir)).cases.filter((c) => c.browser);
  server = await startServer();
  browser = await launchBrowser();
  await browser.page.goto(`${server.url}?backend=wasm&pack=foley-test`);
  await waitForEngine(browser.page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

interface OpenResult {
  name: string;
  opened: boolean;
  message: string;
  ms: number;
}

/** Drops `file` and waits at most LIMIT_MS for the opening to end; null when it did not. */
async function openInApp(file: string): Promise<OpenResult | null> {
  const { page } = browser;
  const started = performance.now();
  await dropFiles(page, [await fileFromDisk(file)]);
  const ended = await page
    .waitForFunction(() => document.querySelector('[data-testid="opening"]') === null, undefined, { timeout: LIMIT_MS })
    .then(() => true, () => false);
  const ms = Math.round(performance.now() - started);
  if (!ended) return null;
  const outcome = await waitForOpenOutcome(page);
  if (!outcome.opened) await page.getByRole('button', { name: 'Dismiss message' }).click();
  return { name: basename(file), ...outcome, ms };
}

describe('hostile-media corpus in the app', () => {
  it('opens or plainly refuses each of the nastiest files within 10 s', async () => {
    expect(subset.length).toBeGreaterThanOrEqual(15);
    const problems: string[] = [];
    for (const c of subset) {
      const result = await openInApp(c.input);
      if (!result) {
        problems.push(`${c.name}: still opening after ${LIMIT_MS / 1000} s`);
        break;
      }
      const named = result.message.includes(result.name);
      if (!named || INTERNAL_TEXT.test(result.message)) problems.push(`${c.name}: ${result.opened ? 'opened' : 'refused'} with "${result.message}"`);
      console.log(`${c.name}: ${result.opened ? 'opened' : 'refused'} in ${result.ms} ms: ${result.message}`);
    }
    expect(problems).toEqual([]);
  });

  it('stays usable: opens a good clip afterwards and generates for it, with no page errors', async () => {
    const { page } = browser;
    const good = await makeVideo({ path: join(dir, 'good-after-corpus.mp4'), durationSec: 1, width: 96, height: 64, fps: 12, codec: 'h264', container: 'mp4' });
    expect(await openInApp(good)).toMatchObject({ opened: true });
    await generateAndWait(page, 1);
    const lane = page.getByTestId('audio-lane');
    expect(Number(await lane.getAttribute('data-samples'))).toBe(Number(await lane.getAttribute('data-sample-rate')));
    expect(browser.errors.filter((line) => !line.includes('onnxruntime'))).toEqual([]);
  });
});
