"""The sizes asked, what was made, the personas and the shares of each state."""

from __future__ import annotations

from dataclasses import dataclass, field

SQLITE_LIMIT = 20_000  # proposals: above this SQLite takes too long and locks the file meanwhile
BENCH_PASSWORD = "scale-bench-password"  # the personas' password (a generated database only)
PERSONAS = (
    "scale_national_head",
    "scale_province_head",
    "scale_commune_head",
    "scale_cadre",
    "scale_inspector",
    "scale_orgcom",
)

# Shares of proposals by status (the rest of 1.0 is "approved")
PROPOSAL_SHARES = (
    ("draft", 0.05),
    ("submitted", 0.08),
    ("returned", 0.03),
    ("withdrawn", 0.03),
    ("collective_rejected", 0.02),
    ("rejected", 0.12),
    ("approved_by_head", 0.07),
)
PILOT_SHARES = (
    ("planned", 0.04),
    ("suspended", 0.03),
    ("terminated", 0.03),
    ("completed", 0.04),
    ("under_evaluation", 0.06),
    ("evaluated", 0.40),
)  # the rest (0.40) is "active"
REPORTING = ("active", "suspended", "terminated", "completed", "under_evaluation", "evaluated")
RUNNING = "('planned', 'active', 'suspended')"
DONE = "('completed', 'under_evaluation', 'evaluated')"
REPORTED = "('under_evaluation', 'evaluated')"


@dataclass
class Sizes:
    units: int = 5_000
    users: int = 300_000
    proposals: int = 1_000_000
    pilots: int = 250_000
    reports: int = 3_000_000
    seed: int = 14


@dataclass
class Made:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    personas: dict[str, int] = field(default_factory=dict)


class Refused(Exception):
    """The database cannot take this generation (told to the operator as it is)."""
