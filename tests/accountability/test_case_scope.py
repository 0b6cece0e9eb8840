"""Who sees a case, read from the case's own columns (issue "Scale": no pass over the pilots for
a case list), stays the CONTRACT's rule for every demo person: its subject; an outcome case,
whoever sees its pilot — also when the pilot's unit is below the unit that approved it; an abuse
or obstruction case, whoever opened it, the heads above the subject's unit and the inspectors and
Organisation Committee staff covering it."""

from __future__ import annotations

from accountability import services
from accountability.models import Case
from pilots.models import Pilot
from portal.permissions import covers, heads_above
from tests.accountability.test_api import CAUSES, post
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal


def sees(user, case: Case) -> bool:
    """The rule as CONTRACT words it, on the joined records."""
    if user.is_superuser or case.subject_id == user.pk:
        return True
    if case.kind == Case.Kind.OUTCOME:
        return Pilot.objects.visible_to(user).filter(pk=case.pilot_id).exists()
    return (
        case.opened_by_id == user.pk
        or heads_above(user, case.unit)
        or covers(user, "inspector", case.unit)
        or covers(user, "orgcom", case.unit)
    )


def test_every_person_sees_exactly_the_cases_the_rule_gives(as_, demo):
    # An outcome case whose pilot was approved above its unit: head_a wrote the proposal, so
    # the head of UBND approved it and directs the pilot, carried out in SKHDT.
    proposal = make_proposal(demo["head_a"], "approved")
    assert proposal.reviewer_unit.code == "UBND"
    pid = post(as_("head_top"), "/api/v1/pilots/", pilot_body(proposal.pk, implementers=["head_a"])).json()[
        "id"
    ]
    post(as_("head_a"), f"/api/v1/pilots/{pid}/complete/")
    post(as_("head_a"), f"/api/v1/pilots/{pid}/results-report/", {"summary": "Chưa đạt."})
    evaluation = {"outcome": "not_completed", "damage": False, "party_opinion": "Thống nhất.", **CAUSES}
    assert post(as_("head_top"), f"/api/v1/pilots/{pid}/evaluate/", evaluation).status_code == 200
    above = Case.objects.get(pilot_id=pid)
    assert (above.unit.code, above.pilot_unit.code) == ("UBND", "SKHDT")
    # an abuse report about a cadre of SNV and an obstruction report about one of SKHDT
    services.case_report(
        actor=demo["inspector"], kind="abuse", proposal=make_proposal(demo["cadre_b"], "approved"),
        subject=demo["cadre_b"], summary="Nghi vấn lạm dụng.",
    )  # fmt: skip
    services.case_report(
        actor=demo["head_top"], kind="obstruction", proposal=make_proposal(demo["cadre_a"], "submitted"),
        subject=demo["cadre_a2"], summary="Cản trở đổi mới.",
    )  # fmt: skip
    cases = list(Case.objects.select_related("unit"))
    assert len(cases) == 3
    for username, person in demo.items():
        seen = set(Case.objects.visible_to(person).values_list("pk", flat=True))
        assert seen == {case.pk for case in cases if sees(person, case)}, username
    # deputy_a covers SKHDT, where the pilot was carried out, not UBND, which approved it
    assert above.pk in set(Case.objects.visible_to(demo["deputy_a"]).values_list("pk", flat=True))


def test_every_case_waiting_for_a_person_is_one_they_see(demo_full):
    """ "My work" lists the waiting cases without asking the visibility rule again: each of them
    the person sees (the demo holds a case in every status, outcome and confidential)."""
    assert Case.objects.filter(status=Case.Status.REFERRED).exists()
    for username, person in demo_full.items():
        waiting = set(Case.objects.waiting_for(person).values_list("pk", flat=True))
        seen = set(Case.objects.visible_to(person).values_list("pk", flat=True))
        assert waiting <= seen, username
    assert any(Case.objects.waiting_for(person).exists() for person in demo_full.values())
