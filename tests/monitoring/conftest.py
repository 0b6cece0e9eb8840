"""Fixtures of the urging tests: an overdue proposal of SNV."""

from __future__ import annotations

import datetime

import pytest

from portal.workdays import add_working_days
from tests.proposals.conftest import make_proposal


@pytest.fixture
def late(demo, time_machine):
    """cadre_b's proposal, submitted to head_b (SNV) and left undecided past its due date; and a
    proposal of SNV still within its time."""
    overdue = make_proposal(demo["cadre_b"], "submitted")
    time_machine.move_to(
        datetime.datetime.combine(add_working_days(overdue.decision_due, 1), datetime.time(9))
    )
    on_time = make_proposal(demo["cadre_b"], "submitted")
    return overdue, on_time
