/**
 * Memory of long-form generation in the browser (issue 9, benchmarks): the built app (dist/, built if missing) in
 * headless Debian Chromium on the WASM backend with the random-weight test pack (its networks are small, but every
 * stage of the data path runs — decode, features, windows, decoder pool, mixing — and that is what memory grows
 * with), generating a 1-minute and a 10-minute ffmpeg-made clip (160×120, 8 fps H.264, a moving box).
 * During each generation it polls, through CDP, Runtime.getHeapUsage of every dedicated worker (the engine worker
 * "foley-engine" and the decoder pool it starts), keeping peaks, and reads the renderer process's peak RSS (VmHWM)
 * from /proc — the whole-process figure a user's machine sees, WebAssembly linear memory included. Each duration
 * runs in a fresh browser so VmHWM (a lifetime peak) belongs to that run alone.
 * About the heap figures: usedSize/totalSize are the V8 JS heap only; backingStorageSize adds ArrayBuffer backing
 * stores (the typed arrays the pipeline holds), so heapPlusBackingMb is the worker's fuller figure. WebAssembly
 * memory (onnxruntime-web's linear memory) is in NEITHER: checked on this Chromium (156), a 200 MB
 * WebAssembly.Memory left backingStorageSize unchanged while a 200 MB Uint8Array raised it by 200 MB. The renderer's
 * VmHWM is the figure that includes it.
 * takeMb is the finished take (float32 × channels). The engine worker streams it to the page a chunk at a time
 * ('audio-chunk', protocol.ts) and never holds it whole, so its heap + ArrayBuffers is the pipeline's own share as it
 * is; rendererBeyondTakeMb is the renderer's peak minus the take: the page must hold the take once to play it, so
 * this is the figure that can stay flat with length. The short run's renderer peak is usually the start-up's (pack load).
 * Goal: ratios long/short ≤ 1.3. Prints one JSON document.
 * Usage: npx tsx bench/long-form-memory-browser.ts [--short 60] [--long 600] [--steps 1] [--skip-long]
 *        [--timeout-min 90]
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type CDPSession } from 'playwright-core';
import { build } from 'vite';
import { makeVideo } from '../e2e/fixtures';
import { CHROMIUM_ARGS, dropFiles, fileFromDisk, ROOT_DIR, startServer, waitForEngine, waitForOpenOutcome, type AppServer } from '../e2e/harness';
import { parseArgs } from '../src/cli/args';

const POLL_MS = 250;
/** Time after the job ends for the autosave and the lanes to finish with the take (16 s in a traced 10-minute run). */
const SETTLE_MS = 20_000;
const MB = 2 ** 20;
const round = (v: number) => Number(v.toFixed(3));

interface HeapUsage {
  usedSize: number;
  totalSize: number;
  embedderHeapUsedSize?: number;
  backingStorageSize?: number;
}

interface WorkerPeak {
  title: string;
  usedMb: number;
  totalMb: number;
  backingMb: number;
  heapPlusBackingMb: number;
}

/**
 * Workers are reached from a browser-level session: playwright's CDPSession cannot address a flattened child
 * session, so it attaches unflattened and talks through Target.sendMessageToTarget / receivedMessageFromTarget.
 */
class WorkerHeapPoller {
  private readonly sessions = new Map<string, { title: string; parentSessionId?: string }>();
  private readonly pending = new Map<number, (usage: HeapUsage | undefined) => void>();
  private nextId = 1;
  readonly peaks = new Map<string, WorkerPeak>();
  /** Largest sum over all workers polled in the same round. */
  allWorkersPeakMb = 0;
  polls = 0;

  constructor(private readonly cdp: CDPSession) {
    cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => this.attached(sessionId, targetInfo.type, targetInfo.title || targetInfo.url));
    cdp.on('Target.detachedFromTarget', ({ sessionId }) => this.sessions.delete(sessionId));
    cdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => this.received(sessionId, message));
  }

  private received(sessionId: string, message: string): void {
    const parsed = JSON.parse(message) as { id?: number; method?: string; result?: HeapUsage; params?: { sessionId: string; message: string; targetInfo: { type: string; title: string; url: string } } };
    const params = parsed.params;
    // A worker's own workers (the engine's decoder pool) are announced, and answer, inside the worker's session.
    if (parsed.method === 'Target.receivedMessageFromTarget' && params) this.received(params.sessionId, params.message);
    else if (parsed.method === 'Target.attachedToTarget' && params) this.attached(params.sessionId, params.targetInfo.type, params.targetInfo.title || params.targetInfo.url, sessionId);
    else if (parsed.method === 'Target.detachedFromTarget' && params) this.sessions.delete(params.sessionId);
    if (parsed.id === undefined) return;
    this.pending.get(parsed.id)?.(parsed.result);
    this.pending.delete(parsed.id);
  }

  /** Auto-attach on the page: every dedicated worker it starts is announced with a session to talk to. */
  async start(): Promise<void> {
    await this.cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  }

  private attached(sessionId: string, type: string, title: string, parentSessionId?: string): void {
    if (type !== 'worker') return;
    this.sessions.set(sessionId, { title, parentSessionId });
    this.send(sessionId, { id: this.nextId++, method: 'Target.setAutoAttach', params: { autoAttach: true, waitForDebuggerOnStart: false, flatten: false } });
  }

  /** Nested sessions are reached by wrapping the message once per level. */
  private send(sessionId: string, message: object): void {
    let wrapped = { sessionId, message: JSON.stringify(message) };
    for (let parent = this.sessions.get(sessionId)?.parentSessionId; parent; parent = this.sessions.get(parent)?.parentSessionId) {
      wrapped = { sessionId: parent, message: JSON.stringify({ id: this.nextId++, method: 'Target.sendMessageToTarget', params: wrapped }) };
    }
    this.cdp.send('Target.sendMessageToTarget', wrapped).catch(() => undefined);
  }

  private heapOf(sessionId: string): Promise<HeapUsage | undefined> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      // A worker that is busy in a long WebAssembly call answers late; a reply that never comes counts as no sample.
      setTimeout(() => this.pending.delete(id) && resolve(undefined), 5_000);
      this.send(sessionId, { id, method: 'Runtime.getHeapUsage' });
    });
  }

  async poll(): Promise<void> {
    const entries = [...this.sessions].map(([sessionId, { title }]) => [sessionId, title] as const);
    const usages = await Promise.all(entries.map(([sessionId]) => this.heapOf(sessionId)));
    let sum = 0;
    entries.forEach(([sessionId, title], i) => {
      const usage = usages[i];
      if (!usage) return;
      const sample: WorkerPeak = {
        title,
        usedMb: usage.usedSize / MB,
        totalMb: usage.totalSize / MB,
        backingMb: (usage.backingStorageSize ?? 0) / MB,
        heapPlusBackingMb: (usage.usedSize + (usage.backingStorageSize ?? 0)) / MB,
      };
      sum += sample.heapPlusBackingMb;
      const old = this.peaks.get(sessionId);
      this.peaks.set(sessionId, old
        ? { title, usedMb: Math.max(old.usedMb, sample.usedMb), totalMb: Math.max(old.totalMb, sample.totalMb), backingMb: Math.max(old.backingMb, sample.backingMb), heapPlusBackingMb: Math.max(old.heapPlusBackingMb, sample.heapPlusBackingMb) }
        : sample);
    });
    this.allWorkersPeakMb = Math.max(this.allWorkersPeakMb, sum);
    this.polls++;
  }
}

async function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

/**
 * Renderer pids of this browser only (other sessions run Chromiums too): Chromium hands each renderer the profile
 * folder on its command line, and ours is a fresh one.
 */
async function rendererPids(profileDir: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  // Chromium rewrites its process title, so the arguments may be one space-separated string rather than NUL-separated.
  const lines = await Promise.all(pids.map(async (pid) => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ')));
  const renderers = pids.filter((_, i) => lines[i]!.includes('--type=renderer ') && lines[i]!.includes(`--user-data-dir=${profileDir} `));
  if (renderers.length === 0) throw new Error(`no Chromium renderer with --user-data-dir=${profileDir}`);
  return renderers;
}

async function measureOne(server: AppServer, clipPath: string, videoSec: number, steps: number, timeoutMs: number) {
  // A real profile on disk, as a user's: the app autosaves the project (takes included) to IndexedDB/OPFS, which an
  // off-the-record context refuses, and that saving is part of what long-form generation costs.
  const profileDir = await mkdtemp(path.join(tmpdir(), 'foley-bench-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, viewport: { width: 1280, height: 860 } });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const poller = new WorkerHeapPoller(await context.newCDPSession(page));
    await poller.start();
    await page.goto(`${server.url}?backend=wasm&pack=foley-test`);
    const badge = await waitForEngine(page);
    await dropFiles(page, [await fileFromDisk(clipPath)]);
    const opened = await waitForOpenOutcome(page);
    if (!opened.opened) throw new Error(`the ${videoSec} s clip did not open: ${opened.message}`);
    await page.getByTestId('steps').fill(String(steps));

    const pids = await rendererPids(profileDir);
    const rssPeakKb = new Map<number, number>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await poller.poll();
        for (const pid of pids) rssPeakKb.set(pid, Math.max(rssPeakKb.get(pid) ?? 0, await procStatusKb(pid, 'VmRSS')));
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    })();
    const startMs = performance.now();
    await page.getByTestId('generate').click();
    try {
      await page.getByTestId('job').waitFor({ state: 'detached', timeout: timeoutMs });
    } finally {
      sampling = false;
      await sampler;
    }
    const wallSec = (performance.now() - startMs) / 1000;
    // What follows a generation belongs to its cost: the autosave writes the take 400 ms later, the spectrogram and
    // meters read it. VmHWM is read only after they are done.
    await page.waitForTimeout(SETTLE_MS);
    const notices = await page.locator('[data-testid="notice"]').allTextContents();
    const errors = await page.locator('[data-testid="notice"][data-kind="error"]').allTextContents();
    if (errors.length > 0) throw new Error(`generation of the ${videoSec} s clip failed: ${errors.join(' | ')}`);

    // VmHWM is the kernel's own peak, so it catches what a 250 ms poll of VmRSS may miss.
    const renderers = await Promise.all(pids.map(async (pid) => ({ pid, vmHwmMb: round((await procStatusKb(pid, 'VmHWM')) / 1024), polledRssPeakMb: round((rssPeakKb.get(pid) ?? 0) / 1024) })));
    const workers = [...poller.peaks.values()].map((w) => ({ title: w.title, usedMb: round(w.usedMb), totalMb: round(w.totalMb), backingMb: round(w.backingMb), heapPlusBackingMb: round(w.heapPlusBackingMb) }));
    const engine = workers.find((w) => w.title.includes('foley-engine'));
    if (!engine) throw new Error(`no sample of the engine worker (workers seen: ${workers.map((w) => w.title).join(', ') || 'none'})`);
    return {
      videoSec,
      badge,
      wallSec: round(wallSec),
      realtimeFactor: round(wallSec / videoSec),
      engineWorker: engine,
      allWorkersPeakMb: round(poller.allWorkersPeakMb),
      workers,
      heapPolls: poller.polls,
      notices,
      rendererPeakRssMb: Math.max(...renderers.map((r) => r.vmHwmMb)),
      renderers,
    };
  } finally {
    await context.close();
    await rm(profileDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs(process.argv.slice(2), [
    { name: 'short', kind: 'number', description: 'short video, s' },
    { name: 'long', kind: 'number', description: 'long video, s' },
    { name: 'steps', kind: 'integer', description: 'denoising steps' },
    { name: 'skip-long', kind: 'flag', description: 'only the short video (its time extrapolated to the long one)' },
    { name: 'timeout-min', kind: 'number', description: 'longest a generation may take, minutes' },
  ]);
  const shortSec = (values.short as number | undefined) ?? 60;
  const longSec = (values.long as number | undefined) ?? 600;
  const steps = (values.steps as number | undefined) ?? 1;
  const timeoutMs = ((values['timeout-min'] as number | undefined) ?? 90) * 60_000;
  if (!existsSync(path.join(ROOT_DIR, 'dist/index.html'))) await build({ root: ROOT_DIR, logLevel: 'warn' });
  const scratch = await mkdtemp(path.join(tmpdir(), 'foley-long-form-memory-browser-'));
  const server = await startServer();
  try {
    const runs = [];
    for (const seconds of values['skip-long'] ? [shortSec] : [shortSec, longSec]) {
      const clip = await makeVideo({ path: path.join(scratch, `clip-${seconds}.mp4`), durationSec: seconds, width: 160, height: 120, fps: 8, codec: 'h264', container: 'mp4', motion: 'moving-box' });
      runs.push(await measureOne(server, clip, seconds, steps, timeoutMs));
    }
    // The finished take (float32 per channel): the page holds it once; memory beyond it is the app's own.
    const manifest = JSON.parse(await readFile(path.join(ROOT_DIR, 'public/models/foley-test/manifest.json'), 'utf8')) as { sampleRate: number; channels: number };
    const takeMb = (seconds: number) => (seconds * manifest.sampleRate * manifest.channels * 4) / MB;
    // The renderer must hold the take once to play it (its AudioBuffer); what it holds beyond that is the app's overhead.
    const [short, long] = runs.map((run) => ({
      ...run,
      takeMb: round(takeMb(run.videoSec)),
      rendererBeyondTakeMb: round(run.rendererPeakRssMb - takeMb(run.videoSec)),
    }));
    const ratio = (pick: (r: NonNullable<typeof short>) => number) => (short && long ? round(pick(long) / pick(short)) : null);
    console.log(JSON.stringify({
      benchmark: 'app (WASM, foley-test pack) generating a long vs a short synthetic video: engine worker heap and renderer peak RSS',
      steps,
      short,
      long: long ?? { skipped: true, extrapolatedWallSec: short ? round((short.wallSec * longSec) / shortSec) : null },
      ratiosLongToShort: {
        engineWorkerHeapUsed: ratio((r) => r.engineWorker.usedMb),
        engineWorkerHeapPlusBacking: ratio((r) => r.engineWorker.heapPlusBackingMb),
        allWorkersHeapPlusBacking: ratio((r) => r.allWorkersPeakMb),
        rendererPeakRss: ratio((r) => r.rendererPeakRssMb),
        rendererBeyondTake: ratio((r) => r.rendererBeyondTakeMb),
      },
      goal: { ratioLongToShort: 1.3 },
      loadAverage1m: loadavg()[0],
    }, null, 2));
  } finally {
    await server.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
