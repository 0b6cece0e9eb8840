"""docs/STATES.md is drawn from the TRANSITIONS tables and fails the suite when it drifts."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from proposals.models import Proposal


def test_the_state_diagrams_in_the_docs_match_the_transition_tables():
    call_command("draw_states", "--check")


def test_a_changed_table_makes_the_check_fail(monkeypatch):
    monkeypatch.setitem(Proposal.TRANSITIONS, "reopen", (("rejected",), "draft"))
    with pytest.raises(CommandError, match="draw_states"):
        call_command("draw_states", "--check")


def test_every_transition_of_a_table_is_an_arrow_and_a_vote_draws_both_outcomes():
    from portal.management.commands.draw_states import diagram

    drawn = diagram(Proposal)
    assert "submitted --> approved: decide" in drawn
    assert "submitted --> collective_rejected: decide" in drawn
    assert "submitted --> submitted: party_opinion" in drawn
    lines = drawn.splitlines()
    for action, (sources, target) in Proposal.TRANSITIONS.items():
        for source in sources:
            if target:
                assert f"    {source} --> {target}: {action}" in lines
            else:
                arrows = [line for line in lines if line.startswith(f"    {source} --> ")]
                assert any(line.endswith(f": {action}") for line in arrows)


def test_the_readme_links_the_architecture_map_and_the_state_diagrams():
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text()
    assert "docs/ARCHITECTURE.md" in readme and "docs/STATES.md" in readme
    architecture = (settings.BASE_DIR / "docs" / "ARCHITECTURE.md").read_text()
    assert "Adding a state machine in five steps" in architecture
