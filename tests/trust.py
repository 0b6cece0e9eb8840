"""The figures of the standing trust tests (issue "Trust"): each campaign records what it did —
routes, requests, leaks; generated cases and failures; drills and what was lost — and the run
prints them at its end (tests/conftest.py, `pytest_terminal_summary`). tests/TRUST.md keeps the
figures of a recorded run."""

from __future__ import annotations

import json
import os
from pathlib import Path

FOLDER = Path(
    os.environ.get("TRUST_FIGURES", Path(__file__).resolve().parent / "e2e" / "artifacts" / "trust")
)


def record(name: str, **figures) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    (FOLDER / f"{name}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1, default=str))


def recorded() -> dict[str, dict]:
    if not FOLDER.is_dir():
        return {}
    return {path.stem: json.loads(path.read_text()) for path in sorted(FOLDER.glob("*.json"))}


def clear() -> None:
    for path in FOLDER.glob("*.json") if FOLDER.is_dir() else []:
        path.unlink()
