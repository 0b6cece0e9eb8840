"""Issue "Organisation changes", acceptance 1: a merge, a split and a move carry every open record
to its successor with its deadlines, end the roles of the closed units, keep each decided record
(and every history row) in the unit it was decided in, and give the successor's head through the
permission gate exactly the merged subtree."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accountability.models import Case
from organisation import services
from organisation.models import Reorganisation
from organisation.plan import PlanError, normalised
from pilots.models import Pilot, ProgressReport
from portal import audit, reminders
from portal import services as portal_services
from portal.errors import DomainError, NotAllowed
from portal.models import Notification, RoleAssignment, Unit, User
from portal.workdays import add_working_days
from proposals.models import Proposal
from support.models import Obstacle
from tests.organisation.conftest import OPEN_PROPOSAL_STATES
from tests.proposals.conftest import make_proposal

TODAY = timezone.localdate


def plan(*steps, reference="Nghị quyết 01/NQ-HĐND", effective_on=None):
    return normalised({"reference": reference, "effective_on": effective_on or TODAY(), "steps": list(steps)})


def apply(demo, *steps, **kwargs) -> Reorganisation:
    reorganisation, new = services.reorganisation_load(actor=demo["admin"], plan=plan(*steps, **kwargs))
    assert new
    return services.reorganisation_apply(actor=demo["admin"], reorganisation=reorganisation)


def deadlines() -> dict:
    """Every deadline of every record, by record."""
    return {
        **{("proposal", p.pk): p.decision_due for p in Proposal.objects.all()},
        **{
            ("pilot", p.pk): (p.start_date, p.end_date, p.results_report_due, p.evaluation_due)
            for p in Pilot.objects.all()
        },
        **{("report", r.pk): (r.period_end, r.due_date, r.status) for r in ProgressReport.objects.all()},
        **{("obstacle", o.pk): o.answer_due for o in Obstacle.objects.all()},
    }


def seen_units(user: User) -> set[str]:
    return set(Proposal.objects.visible_to(user).values_list("unit__code", flat=True)) | set(
        Pilot.objects.visible_to(user).values_list("unit__code", flat=True)
    )


def test_a_merge_moves_every_open_record_ends_the_roles_and_keeps_what_was_decided(world, demo):
    before = deadlines()
    decided_history = {
        key: list(p.history.values_list("unit__code", flat=True))
        for key, p in world.proposals.items() if key[1] not in OPEN_PROPOSAL_STATES
    }  # fmt: skip
    reorganisation = apply(demo, {"merge": ["SKHDT", "SNV"], "into": "STC"})
    world.refresh()
    assert deadlines() == before  # nothing moved in time
    for (code, state), proposal in world.proposals.items():
        if state in OPEN_PROPOSAL_STATES:
            assert (proposal.unit.code, proposal.reviewer_unit.code) == ("STC", "STC"), (code, state)
            units_in_history = list(
                proposal.history.order_by("history_id").values_list("unit__code", flat=True)
            )
            assert units_in_history[0] == code and units_in_history[-1] == "STC"
            assert proposal.history.latest("history_id").history_change_reason.startswith(
                "reorganised by admin"
            )
        else:  # decided where it was decided; its history untouched
            assert proposal.unit.code == code, (code, state)
            assert (
                list(proposal.history.values_list("unit__code", flat=True)) == decided_history[(code, state)]
            )
    for (code, state), pilot in world.pilots.items():
        expected = code if state == "evaluated" else "STC"
        assert (pilot.unit.code, pilot.directing_unit.code) == (expected, expected), (code, state)
        # the proposal behind a pilot was decided: it keeps its unit
        assert pilot.proposal.unit.code == code
    for code, case in world.cases.items():
        assert (case.status, case.unit.code, case.pilot_unit.code) == ("open", "STC", "STC"), code
    for code, obstacle in world.obstacles.items():
        assert obstacle.answerer_unit.code == "STC", code
    # the closed units stay, under their successor, with their history
    for code in ("SKHDT", "SNV"):
        unit = Unit.objects.get(code=code)
        assert (unit.closed_on, unit.successor.code, unit.parent.code) == (TODAY(), "STC", "STC")
    # roles: the heads' and the deputy's end; the cadres go on in the new unit, where they now work
    current = RoleAssignment.objects.current()
    for username in ("head_a", "deputy_a", "head_b"):
        assert not current.filter(user=demo[username]).exists(), username
        assert RoleAssignment.objects.filter(user=demo[username], ended_on=TODAY()).exists()
    for username in ("cadre_a", "cadre_a2", "cadre_b"):
        person = User.objects.get(username=username)
        assert person.unit.code == "STC"
        assert set(current.filter(user=person).values_list("role", "unit__code")) == {("cadre", "STC")}
    # the gate: the successor's head sees exactly the merged subtree's records, the old heads nothing
    head_c = User.objects.get(username="head_c")
    assert seen_units(head_c) == {"SKHDT", "SNV", "STC"}
    assert Proposal.objects.visible_to(head_c).count() == Proposal.objects.exclude(status="draft").count()
    assert Pilot.objects.visible_to(head_c).count() == Pilot.objects.count()
    assert set(Case.objects.visible_to(head_c)) == set(Case.objects.all())
    for username in ("head_a", "head_b"):
        assert not Proposal.objects.visible_to(User.objects.get(username=username)).exists(), username
    # the successor's head is told what they inherited
    told = Notification.objects.get(recipient=head_c, kind="units_inherited")
    assert "SKHDT" in told.subject and "SNV" in told.subject
    # the audit chains take the moved rows' history like any other
    assert audit.verify() == []
    assert reorganisation.status == "applied" and reorganisation.outcome["steps"][0]["units"] == [
        "SKHDT",
        "SNV",
    ]


def test_the_reminders_of_a_moved_record_go_to_the_successors_head(stc, demo):
    submitted = make_proposal(demo["cadre_a"], "submitted")
    apply(demo, {"merge": ["SKHDT", "SNV"], "into": "STC"})
    overdue_day = add_working_days(submitted.decision_due, 1)
    reminders.sweep(overdue_day)
    head_c = User.objects.get(username="head_c")
    assert Notification.objects.filter(
        recipient=head_c, kind="proposal_overdue", object_id=submitted.pk
    ).exists()
    assert not Notification.objects.filter(recipient=demo["head_a"], kind="proposal_overdue").exists()


def test_closing_a_unit_into_a_successor_is_the_same_merge(demo):
    """The defect of the issue: closing SNV into SKHDT left head_a without SNV's proposals and
    head_b still head of a closed unit."""
    submitted, _rejected = (
        make_proposal(demo["cadre_b"], "submitted"),
        make_proposal(demo["cadre_b"], "rejected"),
    )
    make_proposal(demo["cadre_a"], "submitted")
    snv, skhdt = Unit.objects.get(code="SNV"), Unit.objects.get(code="SKHDT")
    portal_services.unit_close(actor=demo["admin"], unit=snv, successor=skhdt)
    assert {"SNV", "SKHDT"} <= seen_units(demo["head_a"])
    assert Proposal.objects.visible_to(demo["head_a"]).filter(unit__code="SNV", status="rejected").exists()
    assert not RoleAssignment.objects.current().filter(user=demo["head_b"]).exists()
    submitted.refresh_from_db()
    assert submitted.reviewer_unit.code == "SKHDT"


def test_a_split_shares_people_and_records_by_person_or_by_hand(world, demo):
    by_hand = world.proposals[("SKHDT", "returned")]
    apply(demo, {
        "split": "SKHDT",
        "into": [{"code": "SKH", "name": "Sở Kế hoạch"}, {"code": "SDT", "name": "Sở Đầu tư"}],
        "people": {"cadre_a2": "SDT"},
        "records": {f"proposals.proposal:{by_hand.pk}": "SDT"},
    })  # fmt: skip
    world.refresh()
    skh, sdt = Unit.objects.get(code="SKH"), Unit.objects.get(code="SDT")
    assert skh.parent.code == sdt.parent.code == "UBND"
    assert (
        User.objects.get(username="cadre_a").unit == skh and User.objects.get(username="cadre_a2").unit == sdt
    )
    for (code, state), proposal in world.proposals.items():
        if code != "SKHDT":
            assert proposal.unit.code == "SNV"
        elif proposal == by_hand:
            assert proposal.unit == sdt
        elif state in OPEN_PROPOSAL_STATES:  # cadre_a's: with cadre_a to SKH
            assert proposal.unit == skh, state
        else:
            assert proposal.unit.code == "SKHDT", state
    assert world.pilots[("SKHDT", "active")].unit == skh
    old = Unit.objects.get(code="SKHDT")
    assert (old.closed_on, old.successor, old.parent.code) == (TODAY(), skh, "UBND")
    assert not RoleAssignment.objects.current().filter(unit=old).exists()


def test_a_move_gives_the_new_parent_the_subtree(stc, demo):
    """SNV under STC: head_c now sees SNV's records; a review that went up past head_b (head_b
    wrote it) goes to the new parent."""
    own = make_proposal(demo["head_b"], "submitted")
    assert own.reviewer_unit.code == "UBND"
    apply(demo, {"move": "SNV", "to": "STC"})
    own.refresh_from_db()
    assert own.reviewer_unit.code == "STC"
    snv = Unit.objects.get(code="SNV")
    assert snv.parent.code == "STC" and snv.closed_on is None
    assert "SNV" in seen_units(User.objects.get(username="head_c"))
    assert RoleAssignment.objects.current().filter(user=demo["head_b"], role="head", unit=snv).exists()


def test_a_plan_applied_twice_is_a_no_op_and_a_future_one_waits_for_its_day(stc, demo, tmp_path, capsys):
    text = f"reference: NQ 02\neffective_on: {TODAY():%Y-%m-%d}\nsteps:\n  - merge: [SNV]\n    into: STC\n"
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    call_command("reorganise", str(path), "--dry-run")
    assert "merge SNV → STC" in capsys.readouterr().out
    assert Unit.objects.get(code="SNV").closed_on is None  # the dry run changed nothing
    call_command("reorganise", str(path))
    moved = Proposal.objects.filter(unit__code="STC").count()
    call_command("reorganise", str(path))
    assert "nothing to do" in capsys.readouterr().out
    assert Proposal.objects.filter(unit__code="STC").count() == moved
    assert Reorganisation.objects.count() == 1
    later = TODAY() + datetime.timedelta(days=30)
    waiting, _new = services.reorganisation_load(
        actor=demo["admin"], plan=plan({"move": "SKHDT", "to": "STC"}, effective_on=later)
    )
    with pytest.raises(DomainError, match=later.strftime("%d/%m/%Y")):
        services.reorganisation_apply(actor=demo["admin"], reorganisation=waiting)
    assert services.apply_due(later) == 1
    assert Unit.objects.get(code="SKHDT").parent.code == "STC"


def test_a_plan_lists_every_problem_at_once(stc, demo):
    bad = plan(
        {"merge": ["NOPE", "SNV"], "into": "SKHDT"},
        {"split": "SNV", "into": [{"code": "SKHDT", "name": "again"}]},
        {"move": "UBND", "to": "SNV"},
        {"rename": "SNV", "code": "SKHDT"},
        {"move": ["SNV", "SKHDT"], "to": "UBND"},
    )
    with pytest.raises(PlanError) as raised:
        services.reorganisation_load(actor=demo["admin"], plan=bad)
    problems = raised.value.problems
    assert len(problems) >= 6 and all(problem.startswith("Bước") for problem in problems), problems
    assert any(problem.startswith("Bước 5: ") for problem in problems)
    assert not Reorganisation.objects.exists()
    with pytest.raises(NotAllowed):
        services.reorganisation_load(actor=demo["head_top"], plan=plan({"move": "SNV", "to": "STC"}))
