/**
 * Offline: after one online visit the service worker holds the app shell and ORT's runtime and the engine's pack
 * cache holds the pack, so a reload with the network cut still loads the app cross-origin isolated and still
 * generates. The pack is stored once (not also in the service worker's precache), and a pack update evicts the
 * old version's files.
 * The site is dist/ plus a copy of foley-test (`update-test`) that a test rewrites as a new pack version.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeVideo } from './fixtures';
import {
  dropFiles,
  fileFromDisk,
  generateAndWait,
  launchBrowser,
  ROOT_DIR,
  startServer,
  waitForEngine,
  waitForOpenOutcome,
  type AppServer,
  type BrowserSession,
} from './harness';

const DIST_DIR = join(ROOT_DIR, 'dist');
const UPDATE_PACK = 'update-test';

interface ManifestFiles {
  version: string;
  components: Record<string, { file: string; bytes: number; sha256: string }>;
}

interface CacheEntry {
  cache: string;
  url: string;
  pathname: string;
  bytes: number;
}

let server: AppServer;
let browser: BrowserSession;
let workDir: string;
let siteDir: string;

/** dist/ by symlinks, with a writable copy of foley-test beside the shipped packs. */
async function makeSite(): Promise<string> {
  const site = join(workDir, 'site');
  await mkdir(join(site, 'models'), { recursive: true });
  for (const name of await readdir(DIST_DIR)) if (name !== 'models') await symlink(join(DIST_DIR, name), join(site, name));
  for (const name of await readdir(join(DIST_DIR, 'models'))) await symlink(join(DIST_DIR, 'models', name), join(site, 'models', name));
  await cp(join(DIST_DIR, 'models', 'foley-test'), join(site, 'models', UPDATE_PACK), { recursive: true });
  return site;
}

async function readManifest(packDir: string): Promise<{ manifest: ManifestFiles; bytes: number }> {
  const text = await readFile(join(packDir, 'manifest.json'));
  return { manifest: JSON.parse(text.toString()) as ManifestFiles, bytes: text.byteLength };
}

/** Every Cache Storage entry (all caches: the service worker's and the engine's) whose path starts with `prefix`. */
function cacheEntries(prefix: string): Promise<CacheEntry[]> {
  return browser.page.evaluate(async (pathPrefix) => {
    const found: CacheEntry[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const { pathname } = new URL(request.url);
        if (!pathname.startsWith(pathPrefix)) continue;
        const response = await cache.match(request);
        found.push({ cache: name, url: request.url, pathname, bytes: (await response!.blob()).size });
      }
    }
    return found;
  }, prefix);
}

/** Bytes stored per file name of the pack, one number per stored copy. */
function copiesByFile(entries: CacheEntry[], prefix: string): Record<string, number[]> {
  const copies: Record<string, number[]> = {};
  for (const entry of entries) (copies[entry.pathname.slice(prefix.length)] ??= []).push(entry.bytes);
  return copies;
}

/** What one copy of the pack takes: its manifest and every component file, one copy each. */
function expectedCopies(manifest: ManifestFiles, manifestBytes: number): Record<string, number[]> {
  const copies: Record<string, number[]> = { 'manifest.json': [manifestBytes] };
  for (const component of Object.values(manifest.components)) copies[component.file] = [component.bytes];
  return copies;
}

async function openApp(query: string): Promise<void> {
  await browser.context.setOffline(false);
  await browser.page.goto(`${server.url}?backend=wasm${query}`);
  await waitForEngine(browser.page);
  // `ready` resolves once the worker is active, i.e. after install finished precaching.
  await browser.page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'foley-offline-'));
  siteDir = await makeSite();
  server = await startServer(siteDir);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(workDir, { recursive: true, force: true });
});

it('stores the default pack once across all caches, and says how much it takes', async () => {
  await openApp('');
  const prefix = '/models/foley-tiny/';
  const { manifest, bytes } = await readManifest(join(DIST_DIR, 'models', 'foley-tiny'));
  const expected = expectedCopies(manifest, bytes);
  expect(copiesByFile(await cacheEntries(prefix), prefix)).toEqual(expected);

  const packBytes = Object.values(expected).flat().reduce((sum, n) => sum + n, 0);
  const usage = browser.page.getByTestId('pack-storage');
  expect(Number(await usage.getAttribute('data-pack-bytes'))).toBe(packBytes);
  expect(await usage.textContent()).toContain(`${(packBytes / 1e6).toFixed(1)} MB`);
});

it('evicts the old version of a pack once an update is loaded', async () => {
  const packDir = join(siteDir, 'models', UPDATE_PACK);
  const prefix = `/models/${UPDATE_PACK}/`;
  await openApp(`&pack=${UPDATE_PACK}`);
  const old = await readManifest(packDir);
  expect(copiesByFile(await cacheEntries(prefix), prefix)).toEqual(expectedCopies(old.manifest, old.bytes));

  // The update changes one file under the same name: ModelProto.doc_string (field 6) once more is still a valid
  // model (protobuf keeps the last value of a repeated singular field) with a new sha256.
  const component = old.manifest.components.loudness_predictor;
  const updated = Buffer.concat([await readFile(join(packDir, component.file)), Buffer.from([0x32, 0x01, 0x78])]);
  const manifest: ManifestFiles = structuredClone(old.manifest);
  manifest.version = '0.1.1';
  manifest.components.loudness_predictor = { ...component, bytes: updated.byteLength, sha256: createHash('sha256').update(updated).digest('hex') };
  await writeFile(join(packDir, component.file), updated);
  const manifestText = Buffer.from(JSON.stringify(manifest, null, 2));
  await writeFile(join(packDir, 'manifest.json'), manifestText);

  await browser.page.reload();
  await waitForEngine(browser.page);
  expect(await browser.page.getByTestId('pack-name').textContent()).toBe('foley-test 0.1.1');
  const entries = await cacheEntries(prefix);
  expect(entries.filter((e) => e.url.includes(component.sha256))).toEqual([]);
  expect(copiesByFile(entries, prefix)).toEqual(expectedCopies(manifest, manifestText.byteLength));
});

it('reloads and generates with the network off', async () => {
  const { page, context } = browser;
  const video = await fileFromDisk(
    await makeVideo({ path: join(workDir, 'offline.mp4'), durationSec: 1, width: 96, height: 64, fps: 12, codec: 'h264', container: 'mp4', motion: 'moving-box' }),
  );
  await openApp('');
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await waitForEngine(page);

  await context.setOffline(true);
  await page.reload();
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await waitForEngine(page)).toBe('WASM');
  // The default pack is the trained foley-tiny, so no "random weights" label.
  expect(await page.getByTestId('test-pack-label').count()).toBe(0);

  await dropFiles(page, [video]);
  expect((await waitForOpenOutcome(page)).opened).toBe(true);
  await generateAndWait(page);
  const lane = page.getByTestId('audio-lane');
  expect(Number(await lane.getAttribute('data-samples'))).toBe(Number(await lane.getAttribute('data-sample-rate')));
});
