"""`generate_scale_data` (issue "Scale"): every state, the rows that go with each, the personas,
the same rows for the same seed, and the refusals."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F
from django.test import Client

from accountability.models import Case
from monitoring.scale_data import PERSONAS, Sizes, generate
from pilots.models import Pilot, PilotTransition, ProgressReport
from portal.models import RoleAssignment, Unit, User
from proposals.models import Proposal, ProposalTransition

SMALL = {"units": 220, "users": 1500, "proposals": 3000, "pilots": 600, "reports": 4000}


def fingerprint() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, COUNT(*), SUM(author_id), SUM(unit_id), MIN(created_at), MAX(decided_on) "
            "FROM proposals_proposal GROUP BY status ORDER BY status"
        )
        proposals = cursor.fetchall()
        cursor.execute(
            "SELECT status, COUNT(*), SUM(unit_id) FROM pilots_pilot GROUP BY status ORDER BY status"
        )
        return proposals, cursor.fetchall()


@pytest.mark.django_db
def test_the_generated_country_holds_every_state_with_its_history_transitions_and_grants():
    call_command("generate_scale_data", *[f"--{name}={value}" for name, value in SMALL.items()])

    assert Unit.objects.count() == SMALL["units"] and User.objects.count() == SMALL["users"]
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Proposal.Status.values)
    assert set(Pilot.objects.values_list("status", flat=True)) == set(Pilot.Status.values)
    assert Pilot.objects.count() == SMALL["pilots"]
    assert ProgressReport.objects.count() >= SMALL["reports"]
    assert set(ProgressReport.objects.values_list("status", flat=True)) == set(ProgressReport.Status.values)
    submitted = Proposal.objects.exclude(status="draft").count()
    assert ProposalTransition.objects.filter(action="submit").count() == submitted
    assert Proposal.history.count() == Proposal.objects.count() + submitted
    assert (
        PilotTransition.objects.filter(action="start").count()
        == Pilot.objects.exclude(status="planned").count()
    )
    assert (
        Case.objects.count() == Pilot.objects.filter(status="evaluated").exclude(outcome="completed").count()
    )
    # every unit has its head, and nobody decides their own work
    assert RoleAssignment.objects.filter(role="head").count() == SMALL["units"]
    assert not Proposal.objects.filter(decided_by=F("author")).exists()
    # the skew: the biggest province holds more communes than the smallest
    communes = [Unit.objects.filter(parent=p, kind="commune").count() for p in provinces()]
    assert max(communes) > 2 * min(communes)


def provinces():
    return Unit.objects.filter(code__regex=r"^T[0-9]+$").order_by("pk")


@pytest.mark.django_db
def test_the_personas_open_their_lists_and_see_only_their_scope():
    generate(Sizes(**SMALL))
    cadre = User.objects.get(username="scale_cadre")
    national = User.objects.get(username="scale_national_head")
    assert {p.username for p in User.objects.filter(username__in=PERSONAS)} == set(PERSONAS)
    assert Proposal.objects.visible_to(national).count() == Proposal.objects.exclude(status="draft").count()
    assert set(Proposal.objects.visible_to(cadre).values_list("author", flat=True)) <= {cadre.pk}
    for username in PERSONAS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in ("/", "/proposals/all/", "/pilots/", "/cases/", "/api/v1/proposals/", "/api/v1/pilots/"):
            assert client.get(url, secure=True).status_code == 200, (username, url)


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows():
    class Again(Exception):
        pass

    prints = []
    for _ in range(2):
        try:
            with transaction.atomic():
                generate(Sizes(**SMALL, seed=7))
                prints.append(fingerprint())
                raise Again
        except Again:
            pass
    assert prints[0] == prints[1] and prints[0][0]


@pytest.mark.django_db
def test_it_refuses_a_database_that_holds_units_and_sqlite_at_national_size():
    Unit.objects.create(code="X", name="Đơn vị")
    with pytest.raises(CommandError, match="already holds units"):
        call_command("generate_scale_data", *[f"--{name}={value}" for name, value in SMALL.items()])
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError, match="SQLite takes at most"):
            call_command("generate_scale_data")
