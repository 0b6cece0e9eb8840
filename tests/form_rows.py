"""Rows of a table field (indicators, milestones) as a browser posts them: a Django formset."""

from __future__ import annotations


def rows_data(prefix: str, rows: list[dict]) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "50",
    }  # fmt: skip
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": str(value) for name, value in row.items()})
    return data


def indicator_rows(text: str) -> dict[str, str]:
    """`name; unit; baseline; target` lines as the rows of the indicators table."""
    names = ("name", "unit", "baseline", "target")
    rows = [
        dict(zip(names, (part.strip() for part in line.split(";")), strict=False))
        for line in text.splitlines()
    ]
    return rows_data("indicators", rows)
