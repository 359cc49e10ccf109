"""The one way the measuring commands hand back their results: JSON on stdout, and to `--out` when given."""

from __future__ import annotations

import json
from pathlib import Path


def emit_report(report: dict, out: Path | None) -> None:
    text = json.dumps(report, indent=2)
    print(text)
    if out:
        out.write_text(text + '\n')
