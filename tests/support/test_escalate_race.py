"""Ten heads' clicks on "escalate" at once (found by the concurrency storms, issue "Trust"): on
`main` every request but the first was a 500 — the row lock was taken in one query with its
joins, and PostgreSQL, re-checking the escalated row against the old answering unit, found no
row. Now the lock is taken on the row alone: one escalation, the others 403 (the obstacle is no
longer theirs to escalate)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection
from rest_framework.test import APIClient

from support.models import Obstacle, ObstacleTransition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_escalations_make_one(demo_full):
    from portal.models import User

    obstacle = Obstacle.objects.filter(status="open", answerer_unit__code="SKHDT").first()
    head = User.objects.get(username="head_a")
    clients = []
    for _ in range(10):
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(head)
        clients.append(client)
    barrier, statuses = threading.Barrier(10), Counter()

    def run(client) -> None:
        try:
            barrier.wait(timeout=30)
            url = f"/api/v1/obstacles/{obstacle.pk}/escalate/"
            statuses[client.post(url, {"note": "Vượt thẩm quyền."}, format="json").status_code] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == Counter({200: 1, 403: 9})
    assert ObstacleTransition.objects.filter(obstacle=obstacle, action="escalate").count() == 1
