/**
 * Is the app's default backend ever slower than the other one on this machine? Runs the built app (dist/, built
 * if missing) in Debian Chromium with WebGPU on (here that is SwiftShader, a CPU rasteriser), reads which backend
 * the app picked by itself and why, then times the same generate (click → track shown) on the default and on the
 * other backend, switching with the app's own backend menu so the open video stays. Rounds alternate the two so a
 * change in machine load hits both; each switch is followed by a cold generate (sessions just created, as a user's
 * first) and a warm one. Prints one JSON document; goal: defaultOverOther ≤ 1 for cold and warm medians.
 * Usage: npx tsx bench/backend-choice.ts [--duration 4] [--steps 4] [--rounds 2] [--pack foley-test]
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { makeVideo } from '../e2e/fixtures';
import { dropFiles, fileFromDisk, generateAndWait, launchBrowser, ROOT_DIR, startServer, waitForEngine, waitForOpenOutcome } from '../e2e/harness';
import { parseArgs } from '../src/cli/args';

const BADGE_TO_BACKEND: Record<string, string> = { WebGPU: 'webgpu', WASM: 'wasm' };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timedGenerate(page: Page, steps: number): Promise<number> {
  const startMs = performance.now();
  await generateAndWait(page, steps);
  return (performance.now() - startMs) / 1000;
}

/** Picks `value` in the app's backend menu and waits for the engine to be ready on it; returns the badge. */
async function switchTo(page: Page, value: string): Promise<string> {
  await page.getByTestId('backend-select').selectOption(value);
  await page.getByTestId('backend-badge').waitFor({ state: 'detached' }).catch(() => undefined);
  return waitForEngine(page);
}

async function main(): Promise<void> {
  const { values } = parseArgs(process.argv.slice(2), [
    { name: 'duration', kind: 'number', description: 'clip length, s' },
    { name: 'steps', kind: 'integer', description: 'denoising steps' },
    { name: 'rounds', kind: 'integer', description: 'alternating rounds' },
    { name: 'pack', kind: 'string', description: 'pack id under public/models' },
  ]);
  const durationSec = (values.duration as number | undefined) ?? 4;
  const steps = (values.steps as number | undefined) ?? 4;
  const rounds = (values.rounds as number | undefined) ?? 2;
  const packId = (values.pack as string | undefined) ?? 'foley-test';
  if (!existsSync(path.join(ROOT_DIR, 'dist/index.html'))) await build({ root: ROOT_DIR, logLevel: 'warn' });
  const scratch = await mkdtemp(path.join(tmpdir(), 'foley-bench-backend-'));
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const clip = await fileFromDisk(await makeVideo({ path: path.join(scratch, 'clip.mp4'), durationSec, width: 160, height: 120, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' }));
    const { page } = browser;
    await page.goto(`${server.url}?pack=${packId}`);
    const defaultBadge = await waitForEngine(page);
    const reason = (await page.getByTestId('backend-reason').textContent()) ?? '';
    const defaultBackend = BADGE_TO_BACKEND[defaultBadge];
    if (!defaultBackend) throw new Error(`unexpected backend badge "${defaultBadge}"`);
    const otherBackend = defaultBackend === 'wasm' ? 'webgpu' : 'wasm';
    await dropFiles(page, [clip]);
    const opened = await waitForOpenOutcome(page);
    if (!opened.opened) throw new Error(`the clip did not open: ${opened.message}`);
    const times = { default: { cold: [] as number[], warm: [] as number[] }, other: { cold: [] as number[], warm: [] as number[] } };
    for (let round = 0; round < rounds; round++) {
      for (const which of ['default', 'other'] as const) {
        // Round 0's default is the page as loaded; every other run follows a switch, so each cold run is one.
        if (round > 0 || which === 'other') await switchTo(page, which === 'default' ? 'auto' : otherBackend);
        times[which].cold.push(await timedGenerate(page, steps));
        times[which].warm.push(await timedGenerate(page, steps));
      }
    }
    const summary = (t: { cold: number[]; warm: number[] }) => ({ coldSec: t.cold, warmSec: t.warm, coldMedianSec: median(t.cold), warmMedianSec: median(t.warm) });
    const defaults = summary(times.default);
    const other = summary(times.other);
    console.log(
      JSON.stringify(
        {
          pack: packId,
          clipSec: durationSec,
          steps,
          rounds,
          defaultBackend,
          reason,
          otherBackend,
          default: defaults,
          other,
          defaultOverOther: { cold: defaults.coldMedianSec / other.coldMedianSec, warm: defaults.warmMedianSec / other.warmMedianSec },
          goal: { defaultOverOther: 1 },
          loadAverage1m: loadavg()[0],
        },
        null,
        2,
      ),
    );
  } finally {
    await browser.close();
    await server.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
