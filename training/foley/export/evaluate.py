"""Evaluates a pack through the shipped engine (the `foley` CLI) on held-out synthetic clips.

    nice python -m foley.export.evaluate --pack ../public/models/foley-tiny --data work/synth --clips 12 --out work/tiny/eval.json

Each held-out clip is written as files (`held_out_clips`: H.264 MP4 without sound, its real audio as WAV), then per
protocol `foley generate <clip.mp4> --pack … --seed … --report …` runs with the protocol's options (PROTOCOLS), and
`foley score <real.wav> <outputs…> --video <clip.mp4> --json --baselines` scores every output against the real audio
(onset F1 ±50 ms, loudness-curve r, log-mel Fréchet distance, AV-Align; ../shared/specs/real-clip-metrics.md). Curve
adherence compares `foley measure --curve` of each output with the real audio's curve (which the `curve` protocol
hands to the engine as `--target-curve`). Timings come from the generate reports. Python only writes the clips and
averages what the CLI printed: the same protocols as `npm run eval:real` on real clips, plus `curve` and `excerpt`.

Rows for scale: `loop-ref` (the first 2 s of the real audio looped) and `motion-energy` from `foley score
--baselines` (which also prints the reference's own AV-Align, not used here), and `chance`: another clip's real
audio scored against this clip.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf

from foley.export import engine_cli
from foley.export.held_out_clips import Clip
from foley.export.report import emit_report

AUDIBLE_LUFS = -60.0  # curve points where neither curve reaches this are silence on both sides: not scored
SILENCE_LUFS = -70.0  # the engine's curve floor; −∞ points count as this in the MAE
SCORES = ('onsetF1', 'onsetF1Shifted', 'loudnessR', 'melFD', 'avAlign')

# name → the `foley generate` options for a clip, or None when the clip cannot take the protocol (no such prompt).
PROTOCOLS: dict[str, Callable[[Clip, Path], list[str] | None]] = {
    'video': lambda clip, curve: [],
    'curve': lambda clip, curve: ['--target-curve', str(curve)],
    'text': lambda clip, curve: ['--prompt', clip.text] if clip.text else None,
    'ref': lambda clip, curve: ['--audio-prompt', str(clip.head)] if clip.head else None,
    'ref-no-anchor': lambda clip, curve: ['--audio-prompt', str(clip.head), '--no-anchor'] if clip.head else None,
    'excerpt': lambda clip, curve: ['--audio-prompt', str(clip.excerpt)] if clip.excerpt else None,
}
PROTOCOL_DOCS = {
    'video': 'the silent video alone (shaped to the predicted curve)',
    'curve': "+ the real audio's loudness curve as --target-curve",
    'text': "+ the clip's tags as --prompt",
    'ref': '+ the first 2 s of the real audio as --audio-prompt (the judged protocol)',
    'ref-no-anchor': 'ref with --no-anchor',
    'excerpt': "+ another recording of the clip's sound as --audio-prompt",
}


def curve_adherence(got: dict, want: dict) -> tuple[float | None, float | None]:
    """MAE (LU) and Pearson r between two `foley measure --curve` curves, over points where either is audible."""
    a, b = (np.array(engine_cli.curve_lufs(c), np.float64) for c in (got, want))  # (ch, points)
    n = min(a.shape[1], b.shape[1])
    a, b = a[:, :n].ravel(), b[:, :n].ravel()
    audible = (a > AUDIBLE_LUFS) | (b > AUDIBLE_LUFS)
    if audible.sum() < 3:
        return None, None
    a, b = np.maximum(a[audible], SILENCE_LUFS), np.maximum(b[audible], SILENCE_LUFS)
    r = float(np.corrcoef(a, b)[0, 1]) if a.std() > 1e-6 and b.std() > 1e-6 else None
    return float(np.abs(a - b).mean()), r


def too_short_prompt(extra: list[str], pack: Path) -> str | None:
    """Why the engine would refuse the protocol's --audio-prompt (shorter than the pack's minimum), else None."""
    if '--audio-prompt' not in extra:
        return None
    min_sec = json.loads((pack / 'manifest.json').read_text())['conditioning']['audioPrompt']['minSec']
    seconds = sf.info(extra[extra.index('--audio-prompt') + 1]).duration
    return f'its reference recording is {seconds:.2f} s, the pack needs {min_sec} s' if seconds < min_sec else None


def evaluate_clip(clip: Clip, chance: Clip | None, *, pack: Path, protocols: list[str], seed: int, options: list[str], work: Path) -> dict:
    """One clip through every protocol; returns the CLI's figures per protocol (and per baseline)."""
    work.mkdir(parents=True, exist_ok=True)
    curve_file = work / 'real-curve.json'
    real_curve = engine_cli.measure_curve(clip.audio, curve_file)
    result: dict = {'clip': clip.name, 'scores': {}, 'skipped': []}
    outputs: dict[str, Path] = {}
    for name in protocols:
        extra = PROTOCOLS[name](clip, curve_file)
        why = 'the clip has no usable recording for it (none, or silent)' if extra is None else too_short_prompt(extra, pack)
        if why:
            result['skipped'].append(f'{name}: {why}')
            continue
        out = work / f'{name}.wav'
        report = engine_cli.generate(clip.video, out, work / f'{name}.report.json', pack=pack, seed=seed, options=[*options, *extra])
        timings = report['timings']
        result['scores'][name] = {
            'engineSecondsPerGeneratedSecond': timings['totalMs'] / 1000 / report['durationSec'],
            'sessionRunSecondsPerGeneratedSecond': timings['sessionRunMs'] / 1000 / report['durationSec'],
        }
        result['pack'], result['steps'] = report['pack'], report['steps']
        outputs[name] = out
    candidates = {**outputs, **({'chance': chance.audio} if chance else {})}
    lines = engine_cli.score(clip.audio, list(candidates.values()), video=clip.video, baselines=True)
    for name, file in candidates.items():
        line = lines[str(file)]
        if 'error' in line:
            raise engine_cli.EngineError(f'foley score could not score {name} of {clip.name}: {line["error"]}')
        got = engine_cli.measure_curve(file, work / f'{name}.curve.json')
        mae, r = curve_adherence(got, real_curve)
        result['scores'].setdefault(name, {}).update({k: line.get(k) for k in SCORES}, curveMaeLu=mae, curveR=r)
    for name in ('loop-ref', 'motion-energy'):
        result['scores'][name] = {k: lines[name].get(k) for k in SCORES}
    return result


def mean(values: list) -> float | None:
    finite = [v for v in values if isinstance(v, (int, float)) and math.isfinite(v)]
    return float(np.mean(finite)) if finite else None


def mean_row(per_clip: list[dict]) -> dict:
    keys = sorted({k for s in per_clip for k in s})
    row = {k: mean([s.get(k) for s in per_clip]) for k in keys}
    return {**{k: None if v is None else round(v, 4) for k, v in row.items()}, 'clips': len(per_clip)}


def summarise(results: list[dict], protocols: list[str]) -> dict:
    """Means over clips of every figure the CLI gave, per protocol and baseline, with the number of clips.

    A protocol that skipped clips also gets `video, same clips as <protocol>`, so the two compare on the same clips.
    """
    rows = {}
    for name in [*protocols, 'chance', 'loop-ref', 'motion-energy']:
        rows[name] = mean_row([r['scores'][name] for r in results if name in r['scores']])
        if name in protocols and name != 'video' and 'video' in protocols and rows[name]['clips'] < len(results):
            rows[f'video, same clips as {name}'] = mean_row([r['scores']['video'] for r in results if name in r['scores']])
    return rows


def evaluate_clips(clips: list[Clip], *, pack: Path, protocols: list[str], seed: int, work: Path, options: list[str] | None = None) -> dict:
    """Every clip through the engine; clip n uses seed + n and is scored with clip n+1's real audio as chance."""
    results = []
    for n, clip in enumerate(clips):
        chance = clips[(n + 1) % len(clips)] if len(clips) > 1 else None
        run = {'pack': pack, 'protocols': protocols, 'seed': seed + n, 'options': options or [], 'work': work / clip.name}
        results.append(evaluate_clip(clip, chance, **run))
        print(f'clip {n + 1}/{len(clips)} done', file=sys.stderr, flush=True)
    return {
        'pack': results[0].get('pack') if results else None,
        'steps': results[0].get('steps') if results else None,
        'engineOptions': options or [],
        'clips': len(clips),
        'seed': seed,
        'protocols': {name: PROTOCOL_DOCS[name] for name in protocols},
        'means': summarise(results, protocols),
        'skipped': [f'{r["clip"]}: {s}' for r in results for s in r['skipped']],
        'perClip': results,
    }


def main() -> None:
    import tempfile

    from foley.export.held_out_clips import write_held_out_clips

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--pack', type=Path, required=True)
    parser.add_argument('--data', type=Path, default=Path('work/synth'))
    parser.add_argument('--split', default='eval')
    parser.add_argument('--clips', type=int, default=12)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--protocols', default=','.join(PROTOCOLS), help=f'comma-separated, of: {", ".join(PROTOCOLS)}')
    parser.add_argument('--steps', type=int, help="sampler steps (default: the pack's)")
    parser.add_argument('--cfg', type=float, help="guidance scale (default: the pack's)")
    parser.add_argument('--out', type=Path, help='write the JSON report here too')
    args = parser.parse_args()
    protocols = args.protocols.split(',')
    unknown = [p for p in protocols if p not in PROTOCOLS]
    if unknown:
        parser.error(f'unknown protocol {", ".join(unknown)}; valid: {", ".join(PROTOCOLS)}')
    options = [*(['--steps', str(args.steps)] if args.steps else []), *(['--cfg', str(args.cfg)] if args.cfg else [])]
    with tempfile.TemporaryDirectory(prefix='foley-evaluate-') as scratch:
        try:
            clips = write_held_out_clips(args.data, args.split, args.clips, args.seed, Path(scratch) / 'clips')
            runs = Path(scratch) / 'runs'
            report = evaluate_clips(clips, pack=args.pack.resolve(), protocols=protocols, seed=args.seed, work=runs, options=options)
        except engine_cli.EngineError as error:
            sys.exit(f'evaluate: {error}')
    emit_report(report, args.out)


if __name__ == '__main__':
    main()
