"""The audit chains under concurrent writers, on real PostgreSQL connections (SQLite has no row
locks): writers of different proposals never wait for each other, and writers of the same
proposal take their turn, so every chain stays whole."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from portal.models import AuditLink, User
from proposals import services
from proposals.models import Proposal
from tests.proposals.conftest import make_proposal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def retitle(author: User, pk: int, title: str) -> None:
    """An edit through the service, on this thread's own connection and objects."""
    services.proposal_update(actor=User.objects.get(pk=author.pk), proposal=Proposal.objects.get(pk=pk),
                             data={"title": title})  # fmt: skip


def test_a_writer_of_another_proposal_does_not_wait(demo):
    author = demo["cadre_a"]
    first, second = make_proposal(author, "draft"), make_proposal(author, "draft")
    holding, released, timings = threading.Event(), threading.Event(), {}

    def hold_the_first_chain() -> None:
        try:
            with transaction.atomic():
                retitle(author, first.pk, "Giữ khóa chuỗi")
                holding.set()
                released.wait(timeout=30)
        finally:
            connection.close()

    def write_the_second() -> None:
        try:
            began = time.monotonic()
            retitle(author, second.pk, "Không phải chờ")
            timings["second"] = time.monotonic() - began
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_first_chain)
    holder.start()
    assert holding.wait(timeout=30)
    writer = threading.Thread(target=write_the_second)
    writer.start()
    writer.join(timeout=20)
    released.set()
    holder.join(timeout=30)
    assert not writer.is_alive() and timings["second"] < 5, timings
    call_command("verify_audit")


def test_writers_of_the_same_proposal_keep_its_chain_whole(demo):
    author = demo["cadre_a"]
    proposal = make_proposal(author, "draft")
    barrier, errors = threading.Barrier(4), []

    def edit(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for round_ in range(3):
                retitle(author, proposal.pk, f"Sửa {n}.{round_}")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    seqs = list(AuditLink.objects.filter(dossier=proposal.pk).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 13  # creation + 12 edits
    call_command("verify_audit", "--proposal", str(proposal.pk))
