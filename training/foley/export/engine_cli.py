"""The shipped engine, called the way a user calls it: `node bin/foley.js generate | score | measure`.

Training-side evaluation goes through here so that its figures describe what users run (windows, loudness shaping,
prompt anchoring, reference continuation, the engine's decoder), not a second pipeline in Python. Every figure is
read from what the CLI writes: the `--report` JSON of `generate`, the JSON lines of `score --json`, the curve JSON of
`measure --curve`. A non-zero exit raises EngineError with the CLI's own one-line message; nothing is guessed.
"""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
FOLEY = REPO_ROOT / 'bin' / 'foley.js'


class EngineError(RuntimeError):
    """The CLI exited non-zero (or wrote nothing it promised); the message is its first error line."""


def run_cli(args: list[str]) -> str:
    """Runs `foley <args>` and returns its stdout; raises EngineError naming the command and the CLI's message."""
    result = subprocess.run(['node', str(FOLEY), *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        # The CLI prints progress and notes first and its error line ("foley: …") last.
        message = next((line for line in reversed(lines) if line.startswith('foley')), lines[-1] if lines else 'no message')
        raise EngineError(f'foley {args[0]} exited {result.returncode}: {message}')
    return result.stdout


def generate(video: Path, out: Path, report: Path, *, pack: Path, seed: int, options: list[str]) -> dict:
    """`foley generate` → the WAV at `out`; returns the CLI's `--report` (pack, steps, durationSec, windows, timings)."""
    run_cli(['generate', str(video), '-o', str(out), '--pack', str(pack), '--seed', str(seed), '--report', str(report), *options])
    if not out.is_file() or not report.is_file():
        raise EngineError(f'foley generate exited 0 but did not write {out.name} and {report.name}')
    return json.loads(report.read_text())


def score(reference: Path, candidates: list[Path], *, video: Path | None = None, baselines: bool = False) -> dict[str, dict]:
    """`foley score --json` → {candidate path or baseline name: its line (onsetF1, loudnessR, melFD, avAlign, …)}."""
    args = ['score', str(reference), *map(str, candidates), '--json']
    if video is not None:
        args += ['--video', str(video)]
    if baselines:
        args.append('--baselines')
    lines = [json.loads(line) for line in run_cli(args).splitlines() if line.strip()]
    return {line['candidate']: line for line in lines}


def measure_curve(audio: Path, curve: Path) -> dict:
    """`foley measure --curve` → the per-channel momentary-loudness curve ({rate, windowSec, unit, channels})."""
    run_cli(['measure', str(audio), '--curve', str(curve)])
    return json.loads(curve.read_text())


def curve_lufs(curve: dict) -> list[list[float]]:
    """The curve's channels with silence (null or −∞ in the JSON) as −∞, so comparisons can gate it out."""
    return [[-math.inf if v is None or not math.isfinite(v) else float(v) for v in channel] for channel in curve['channels']]
