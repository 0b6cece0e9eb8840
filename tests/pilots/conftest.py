"""Pilot fixtures: an approved proposal of cadre_a (reviewed by head_a) and a pilot body."""

from __future__ import annotations

import pytest

from tests.proposals.conftest import make_proposal


def pilot_body(proposal_id: int, **overrides) -> dict:
    body = {
        "proposal": proposal_id,
        "start_date": "2026-12-01",
        "end_date": "2027-05-31",
        "report_frequency": "monthly",
        "budget_vnd": 500_000_000,
        "resources": "2 cán bộ chuyên trách",
        "implementers": ["cadre_a", "cadre_a2"],
        "indicators": [
            {"name": "Thời gian xử lý hồ sơ", "unit": "ngày", "baseline": 45, "target": 15},
            {"name": "Tỷ lệ hồ sơ trực tuyến", "unit": "%", "baseline": 10, "target": 80},
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def approved(demo):
    """An approved proposal of cadre_a, reviewed by head_a."""
    return make_proposal(demo["cadre_a"], "approved")
