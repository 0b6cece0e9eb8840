"""bench/RESULTS.md holds one section per benchmark; each run replaces its own section only."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = """# Benchmark results

Measured by `make bench` in one run on the project's 2-core machine; ratios, not absolute
targets. Regenerate with `make bench` (PostgreSQL when `DATABASE_URL` points at it).
"""


def write_section(name: str, lines: list[str]) -> None:
    """Replace the section `name` (between its markers) with `lines`, or add it at the end."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
    if not text.startswith("# Benchmark results"):
        text = HEADER
    block = f"<!-- {name} -->\n" + "\n".join(lines) + f"\n<!-- /{name} -->\n"
    pattern = re.compile(rf"<!-- {re.escape(name)} -->\n.*?<!-- /{re.escape(name)} -->\n", re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    RESULTS.write_text(text, encoding="utf-8")
    print("\n".join(lines))
