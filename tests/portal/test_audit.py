"""Tamper evidence (issue "Evidence", DOMAIN §5): the demo's chains verify; a transition's note
changed, a history row's field changed, a row deleted and a forged row inserted behind the
portal's back — with the triggers disabled on PostgreSQL — each make `verify_audit` fail naming
the record, and undoing the change makes it pass again. The same tests run on SQLite and, in
CI, on PostgreSQL, where the append-only triggers refuse a plain UPDATE or DELETE."""

from __future__ import annotations

import io
from contextlib import contextmanager

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accountability.models import CaseTransition
from pilots.models import Pilot
from portal import audit
from portal.models import AuditChain, AuditLink, Notification
from proposals.models import Proposal, ProposalTransition
from tests.proposals.conftest import make_proposal


def verify(*args) -> str:
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def broken(*args) -> str:
    with pytest.raises(CommandError) as error:
        verify(*args)
    return str(error.value)


@contextmanager
def behind_the_portals_back(model):
    """A raw cursor on `model`'s table, as a superuser would have one: on PostgreSQL the triggers
    are switched off for the while (`session_replication_role`, inside the test's transaction)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield cursor, table
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_the_demo_verifies_and_every_proposal_has_its_chain(demo_full):
    assert "audit trail intact" in verify()
    assert AuditChain.objects.count() == Proposal.objects.count()
    proposal = Proposal.objects.filter(pilot__isnull=False).first()
    labels = set(AuditLink.objects.filter(dossier=proposal.pk).values_list("table", flat=True))
    assert {"proposals.HistoricalProposal", "proposals.ProposalTransition", "pilots.HistoricalPilot",
            "pilots.PilotTransition", "pilots.PlanVersion"} <= labels  # fmt: skip
    assert audit.fingerprint(proposal.pk)[1] == AuditLink.objects.filter(dossier=proposal.pk).count()
    assert "intact" in verify("--proposal", str(proposal.pk))


def test_a_changed_transition_note_is_named_and_undoing_it_heals(demo_full):
    row = ProposalTransition.objects.exclude(note="").order_by("pk").first()
    with behind_the_portals_back(ProposalTransition) as (cursor, table):
        cursor.execute(f'UPDATE "{table}" SET note = %s WHERE id = %s', ["Sửa lén.", row.pk])
        message = broken()
        assert f"proposal {row.proposal_id}: proposals.ProposalTransition #{row.pk} was changed" in message
        cursor.execute(f'UPDATE "{table}" SET note = %s WHERE id = %s', [row.note, row.pk])
    assert "intact" in verify()


def test_a_changed_history_field_is_named(demo_full):
    history = Pilot.history.model
    row = history.objects.order_by("history_id").first()
    with behind_the_portals_back(history) as (cursor, table):
        cursor.execute(f'UPDATE "{table}" SET budget_vnd = %s WHERE history_id = %s', [1, row.history_id])
        assert f"pilots.HistoricalPilot #{row.history_id} was changed" in broken()
        assert f"pilots.HistoricalPilot #{row.history_id}" in broken("--proposal", str(row.proposal_id))
        other = Proposal.objects.exclude(pk=row.proposal_id).first()
        assert "intact" in verify("--proposal", str(other.pk))
        cursor.execute(
            f'UPDATE "{table}" SET budget_vnd = %s WHERE history_id = %s', [row.budget_vnd, row.history_id]
        )
    assert "intact" in verify()


def test_a_deleted_row_is_named(demo_full):
    row = CaseTransition.objects.order_by("pk").first()
    values = CaseTransition.objects.filter(pk=row.pk).values().get()
    with behind_the_portals_back(CaseTransition) as (cursor, table):
        cursor.execute(f'DELETE FROM "{table}" WHERE id = %s', [row.pk])
        assert f"accountability.CaseTransition #{row.pk} was deleted" in broken()
        CaseTransition.objects.bulk_create([CaseTransition(**values)])  # put back as it was, no new link
    assert "intact" in verify()


def test_a_forged_row_is_named(demo_full):
    model = ProposalTransition
    original = model.objects.order_by("pk").first()
    values = model.objects.filter(pk=original.pk).values().get() | {"id": None, "note": "Giả mạo."}
    with behind_the_portals_back(model) as (cursor, table):
        forged = model.objects.bulk_create([model(**values)])[0]  # bulk_create sends no signal: no link
        forged_id = forged.pk or model.objects.order_by("-pk").values_list("pk", flat=True).first()
        assert f"proposals.ProposalTransition #{forged_id} was inserted without a link" in broken()
        cursor.execute(f'DELETE FROM "{table}" WHERE id = %s', [forged_id])
    assert "intact" in verify()


def test_an_altered_link_is_named(demo_full):
    link = AuditLink.objects.order_by("pk")[5]
    with behind_the_portals_back(AuditLink) as (cursor, table):
        cursor.execute(f'UPDATE "{table}" SET row_digest = %s WHERE id = %s', ["0" * 64, link.pk])
        assert "has a link that was altered or removed" in broken()
        cursor.execute(f'UPDATE "{table}" SET row_digest = %s WHERE id = %s', [link.row_digest, link.pk])
        cursor.execute(f'DELETE FROM "{table}" WHERE id = (SELECT MAX(id) FROM "{table}")')
        assert "does not match" in broken() or "was inserted without a link" in broken()


def test_a_change_rolled_back_leaves_no_link(demo):
    proposal = make_proposal(demo["cadre_a"], "draft")
    links = AuditLink.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        proposal.title = "Đổi tên rồi hủy"
        proposal.save()
        assert AuditLink.objects.count() == links + 1  # the link is written with the row
        raise RuntimeError
    assert AuditLink.objects.count() == links and "intact" in verify()


def test_the_nightly_check_alerts_the_administrators_once(
    demo_full, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert audit.check_and_alert().intact
    row = ProposalTransition.objects.exclude(note="").order_by("pk").first()
    with behind_the_portals_back(ProposalTransition) as (cursor, table):
        cursor.execute(f'UPDATE "{table}" SET note = %s WHERE id = %s', ["Sửa lén.", row.pk])
        with django_capture_on_commit_callbacks(execute=True):
            first, second = audit.check_and_alert(), audit.check_and_alert()
        assert not first.intact and first.alerted and not second.alerted
        alerts = Notification.objects.filter(kind="audit_broken")
        assert list(alerts.values_list("recipient__username", flat=True)) == ["admin"]
        body = alerts.get().body
        assert f"Đề xuất {row.proposal_id}, bảng proposals.ProposalTransition, bản ghi {row.pk}" in body
        assert "bị sửa sau khi đã ghi" in body
        assert len(mail.outbox) == 1 and mail.outbox[0].to == [demo_full["admin"].email]
        assert alerts.get().texts["en"]["body"].count("it was changed after it was written") == 1
        cursor.execute(f'UPDATE "{table}" SET note = %s WHERE id = %s', [row.note, row.pk])
    assert audit.check_and_alert().intact


@pytest.mark.postgres
def test_the_triggers_refuse_update_and_delete_on_every_covered_table(demo_full):
    tables = [covered.model for covered in audit.COVERED.values()] + [AuditLink]
    tried = []
    for model in tables:
        pk = model._meta.pk.column
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT MIN("{pk}") FROM "{table}"')
            first = cursor.fetchone()[0]
            if first is None:
                continue
            for statement in (f'UPDATE "{table}" SET "{pk}" = "{pk}" WHERE "{pk}" = %s',
                              f'DELETE FROM "{table}" WHERE "{pk}" = %s'):  # fmt: skip
                with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                    cursor.execute(statement, [first])
        tried.append(table)
    assert {"proposals_proposaltransition", "proposals_historicalproposal", "pilots_historicalpilot",
            "accountability_casetransition", "portal_auditlink"} <= set(tried)  # fmt: skip
    assert "intact" in verify()
