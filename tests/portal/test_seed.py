"""seed_demo creates exactly the organisation of shared/CONTRACT.md, and is idempotent."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal.models import RoleAssignment, Unit, User


def test_the_demo_has_the_contracts_units_and_tree(demo):
    tree = {unit.code: unit.parent.code if unit.parent else None for unit in Unit.objects.all()}
    assert tree == {"UBND": None, "SKHDT": "UBND", "SNV": "UBND", "BTC": None}
    assert Unit.objects.get(code="UBND").name == "UBND tỉnh Demo"
    assert Unit.objects.get(code="SKHDT").name == "Sở Kế hoạch và Đầu tư"
    assert Unit.objects.get(code="SNV").name == "Sở Nội vụ"
    assert Unit.objects.get(code="BTC").name == "Ban Tổ chức Tỉnh ủy"


def test_every_demo_user_has_a_vietnamese_full_name_and_the_demo_password(demo):
    assert len(demo) == 10
    for user in demo.values():
        assert user.check_password("demo-Pass-2026")
        assert len(user.full_name.split()) >= 3
    assert demo["admin"].is_superuser


def test_running_it_twice_changes_nothing(demo):
    before = (User.objects.count(), Unit.objects.count(), RoleAssignment.objects.count())
    call_command("seed_demo", "--force", verbosity=0)
    assert (User.objects.count(), Unit.objects.count(), RoleAssignment.objects.count()) == before


def test_the_password_comes_from_demo_password(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Another-Pass-1")
    call_command("seed_demo", "--force", verbosity=0)
    assert User.objects.get(username="cadre_a").check_password("Another-Pass-1")


def test_it_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", verbosity=0)
    assert User.objects.count() == 0


def test_the_full_demo_has_proposals_in_every_state_and_is_idempotent(demo_full):
    from proposals.models import Proposal

    assert set(Proposal.objects.values_list("status", flat=True)) == set(Proposal.Status.values)
    assert Proposal.objects.filter(status="submitted", decision_due__lt=timezone.localdate()).exists()
    before = Proposal.objects.count()
    call_command("seed_demo", "--force", verbosity=0)
    assert Proposal.objects.count() == before
    assert Proposal.objects.get(author__username="head_a", status="submitted").reviewer_unit.code == "UBND"
