/**
 * `npm run eval:real`: the product scored on real clips, through the real CLI. For each clip of the development
 * set (../shared/data/real-dev by default; read in place, never copied) it runs `foley generate` in three
 * protocols — video (the clip's picture, audio stripped), ref (+ the first 2 s of the real audio as
 * --audio-prompt), text (+ the clip's label as --prompt) — then `foley score` on the outputs, the published
 * systems' outputs and the two baselines, and prints one table of means. ffmpeg (dev tooling) makes the silent
 * video and the 2 s prompt in a temp dir.
 *
 * Options: --data <dir> --out <file.json> --keep <dir> (the generated WAVs, for listening and analysis) --clips N --pack <dir> --protocols video,ref,text --steps N
 *          --generate-args "<more foley generate options>" (an A/B of one engine option, e.g. --no-continuation)
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const FOLEY = path.join(ROOT, 'bin/foley.js');
const PROTOCOLS = ['video', 'ref', 'text'] as const;
type Protocol = (typeof PROTOCOLS)[number];
const METRICS = ['onsetF1', 'onsetF1Shifted', 'loudnessR', 'melFD', 'avAlign'] as const;
/** Lines `foley score --baselines` adds: loop-ref, the motion-energy curve and the real audio's own AV-Align. */
const BASELINES: readonly string[] = ['loop-ref', 'motion-energy', 'reference'];
type Scores = Partial<Record<(typeof METRICS)[number], number | null>> & { candidate: string; error?: string; partial?: boolean; seconds?: number };

interface Options { data: string; out?: string; keep?: string; clips?: number; pack?: string; protocols: Protocol[]; steps?: string; generateArgs: string[] }

function parseOptions(argv: string[]): Options {
  const o: Options = { data: path.resolve(ROOT, '../shared/data/real-dev'), protocols: [...PROTOCOLS], generateArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${name} needs a value`);
    i++;
    if (name === '--data') o.data = path.resolve(value);
    else if (name === '--out') o.out = path.resolve(value);
    else if (name === '--keep') o.keep = path.resolve(value);
    else if (name === '--clips') o.clips = Number(value);
    else if (name === '--pack') o.pack = path.resolve(value);
    else if (name === '--steps') o.steps = value;
    else if (name === '--generate-args') o.generateArgs = value.split(/\s+/).filter((a) => a.length > 0);
    else if (name === '--protocols') {
      const list = value.split(',');
      const bad = list.filter((p) => !(PROTOCOLS as readonly string[]).includes(p));
      if (bad.length) throw new Error(`unknown protocol ${bad.join(', ')}; valid: ${PROTOCOLS.join(', ')}`);
      o.protocols = list as Protocol[];
    } else throw new Error(`unknown option ${name}; valid: --data --out --keep --clips --pack --protocols --steps --generate-args`);
  }
  if (o.clips !== undefined && !(Number.isInteger(o.clips) && o.clips > 0)) throw new Error('--clips needs a positive whole number');
  return o;
}

interface Clip { id: string; groundTruth: string; systems: string[]; label: string; systemStartSec: number }

/** Output start offsets the README estimates for SyncFusion (its table column "est. output start (s)"). */
function systemStarts(readme: string): Map<string, number> {
  const starts = new Map<string, number>();
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length >= 10 && /^`.+`$/.test(cells[1]!)) {
      const start = Number.parseFloat(cells[8]!);
      if (Number.isFinite(start)) starts.set(cells[1]!.slice(1, -1), start);
    }
  }
  return starts;
}

async function readClips(data: string): Promise<Clip[]> {
  const shared = path.dirname(path.dirname(data));
  const starts = systemStarts(await readFile(path.join(data, 'README.md'), 'utf8'));
  const rows = (await readFile(path.join(data, 'clips.tsv'), 'utf8')).trim().split('\n').slice(1);
  return rows.map((row) => {
    const [rel, , , , , , , systems] = row.split('\t');
    const groundTruth = path.join(shared, rel!);
    const id = path.basename(path.dirname(groundTruth));
    const dir = path.dirname(groundTruth);
    const files = systems === '-' ? [] : systems!.split(',').map((s) => [`${s}.mp4`, `${s}.wav`].map((f) => path.join(dir, f)).find(existsSync) ?? path.join(dir, `${s}.mp4`));
    return { id: `${path.basename(path.dirname(dir))}/${id}`, groundTruth, systems: files, label: id.split('__')[0]!.replace(/-/g, ' '), systemStartSec: starts.get(id) ?? 0 };
  });
}

async function foley(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [FOLEY, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const r = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof r.code === 'number' ? r.code : 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }
}

const firstError = (stderr: string): string => stderr.split('\n').find((l) => l.startsWith('foley'))?.replace(/^foley( score)?: /, '') ?? 'failed';

async function score(reference: string, candidates: string[], extra: string[]): Promise<Scores[]> {
  const r = await foley(['score', reference, ...candidates, '--video', reference, '--json', ...extra]);
  if (r.stdout.trim() === '') throw new Error(firstError(r.stderr));
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Scores);
}

interface ClipResult { clip: string; scores: Record<string, Scores>; skipped: string[] }

async function evalClip(clip: Clip, o: Options, work: string): Promise<ClipResult> {
  const result: ClipResult = { clip: clip.id, scores: {}, skipped: [] };
  const silent = path.join(work, 'silent.mp4');
  const prompt = path.join(work, 'prompt.wav');
  await run('ffmpeg', ['-v', 'error', '-y', '-i', clip.groundTruth, '-an', '-c:v', 'copy', silent]);
  await run('ffmpeg', ['-v', 'error', '-y', '-i', clip.groundTruth, '-vn', '-t', '2', '-c:a', 'pcm_f32le', prompt]);
  const outputs: string[] = [];
  for (const protocol of o.protocols) {
    const out = path.join(work, `${protocol}.wav`);
    const args = ['generate', silent, '-o', out, ...(o.pack ? ['--pack', o.pack] : []), ...(o.steps ? ['--steps', o.steps] : []), ...o.generateArgs];
    if (protocol === 'ref') args.push('--audio-prompt', prompt);
    if (protocol === 'text') args.push('--prompt', clip.label);
    const r = await foley(args);
    const noTags = r.stderr.split('\n').find((l) => /no tags for/.test(l));
    if (protocol === 'text' && noTags) result.skipped.push(`foley/text: the pack has no tags for: ${/no tags for: ([^(]*)/.exec(noTags)?.[1]?.trim()}`);
    if (r.code === 0) {
      outputs.push(out);
      if (o.keep) await copyFile(out, path.join(o.keep, `${clip.id.replaceAll('/', '__')}.${protocol}.wav`));
    } else result.skipped.push(`foley/${protocol}: generate failed: ${firstError(r.stderr)}`);
  }
  try {
    for (const s of await score(clip.groundTruth, outputs, ['--baselines'])) {
      const name = BASELINES.includes(s.candidate) ? s.candidate : `foley/${path.basename(s.candidate, '.wav')}`;
      if (s.error) result.skipped.push(`${name}: ${s.error}`);
      else result.scores[name] = s;
    }
    if (clip.systems.length > 0) {
      const start = clip.systemStartSec > 0 ? ['--ref-start', String(clip.systemStartSec)] : [];
      for (const s of await score(clip.groundTruth, clip.systems, start)) {
        const name = path.basename(s.candidate).replace(/\.(mp4|wav)$/, '');
        if (s.error) result.skipped.push(`${name}: unreadable (${s.error})`);
        else result.scores[name] = s;
        if (s.partial) result.skipped.push(`${name}: shorter output, scored over its first ${s.seconds?.toFixed(2)} s`);
      }
    }
  } catch (e) {
    result.skipped.push(`whole clip: ${(e as Error).message}`);
  }
  return result;
}

type Row = { label: string; n: number } & Record<(typeof METRICS)[number], number | null>;

function meanRow(label: string, list: Scores[]): Row {
  const mean = (k: (typeof METRICS)[number]): number | null => {
    const v = list.map((s) => s[k]).filter((x): x is number => typeof x === 'number');
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  return { label, n: list.length, ...Object.fromEntries(METRICS.map((k) => [k, mean(k)])) } as Row;
}

function tableRows(results: ClipResult[], protocols: Protocol[]): Row[] {
  const rows = protocols.map((p) => meanRow(`foley (${p})`, results.flatMap((r) => r.scores[`foley/${p}`] ?? [])));
  const systems = [...new Set(results.flatMap((r) => Object.keys(r.scores)))].filter((n) => !n.startsWith('foley/') && !BASELINES.includes(n));
  for (const system of systems) {
    const withIt = results.filter((r) => r.scores[system]);
    rows.push(meanRow(system, withIt.map((r) => r.scores[system]!)));
    rows.push(meanRow(`  foley (video), same clips`, withIt.flatMap((r) => r.scores['foley/video'] ?? [])));
  }
  rows.push(meanRow('loop-ref', results.flatMap((r) => r.scores['loop-ref'] ?? [])));
  rows.push(meanRow('motion-energy curve', results.flatMap((r) => r.scores['motion-energy'] ?? [])));
  // The real audio's own AV-Align: the motion peaks AV-Align counts are not where every real sound starts.
  rows.push(meanRow('real audio (AV-Align only)', results.flatMap((r) => r.scores['reference'] ?? [])));
  return rows;
}

function formatTable(rows: Row[], results: ClipResult[]): string {
  const f = (v: number | null, d: number): string => (v === null ? '-' : v.toFixed(d)).padStart(11);
  // "F1 moved": onset F1 of the same onsets moved out of time (src/metrics/onsets.ts shiftedOnsetF1); F1 above it is sync.
  const lines = [`${'system'.padEnd(30)}${'onset F1'.padStart(11)}${'F1 moved'.padStart(11)}${'loudness r'.padStart(11)}${'mel-FD'.padStart(11)}${'AV-Align'.padStart(11)}${'n clips'.padStart(9)}`];
  for (const r of rows) lines.push(`${r.label.padEnd(30)}${f(r.onsetF1, 3)}${f(r.onsetF1Shifted, 3)}${f(r.loudnessR, 3)}${f(r.melFD, 1)}${f(r.avAlign, 3)}${String(r.n).padStart(9)}`);
  const skipped = results.flatMap((r) => r.skipped.map((s) => `  ${r.clip}: ${s}`));
  if (skipped.length) lines.push('', 'Skipped or partial:', ...skipped);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const clips = (await readClips(o.data)).slice(0, o.clips);
  const work = await mkdtemp(path.join(tmpdir(), 'foley-eval-real-'));
  if (o.keep) await mkdir(o.keep, { recursive: true });
  const results: ClipResult[] = [];
  try {
    for (const [i, clip] of clips.entries()) {
      const started = Date.now();
      results.push(await evalClip(clip, o, work));
      process.stderr.write(`[${i + 1}/${clips.length}] ${clip.id} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const rows = tableRows(results, o.protocols);
  process.stdout.write(formatTable(rows, results));
  if (o.out) await writeFile(o.out, `${JSON.stringify({ data: o.data, protocols: o.protocols, means: rows, clips: results }, null, 1)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`eval:real: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  process.exitCode = 1;
});
