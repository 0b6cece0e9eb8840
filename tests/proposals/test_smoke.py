import pytest


@pytest.mark.parametrize(
    "state",
    [
        "draft",
        "submitted",
        "returned",
        "withdrawn",
        "approved",
        "collective_rejected",
        "approved_by_head",
        "rejected",
    ],
)
def test_a_proposal_reaches_every_state(proposal_in, state):
    assert proposal_in(state).status == state
