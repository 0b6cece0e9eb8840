"""Concurrency storms (issue "Trust", standing test): for each state-changing operation the
OpenAPI schema documents, 50 requests at once — real threads, each on its own PostgreSQL
connection, released together — on one object of the seeded demo.

The target is found, not listed: for each operation the test tries the demo's personas and
objects (the kind the path names, in every state the demo holds) with the bodies below, each
try rolled back, until one request succeeds; what that one request wrote (rows of every table:
transitions, history, notifications, audit links…) is the effect of one. Then the storm: the
rows it wrote must be exactly as many effects as it had successes — one for an operation that
moves a state or fills a slot, one per request for those that add (an explanation, an
attachment) — and no request may get a 5xx. An edit repeated to the same end (PATCH) is one
change however many succeed. An operation no persona can succeed with on the demo, even after
emptying the database and seeding it again, fails the test: each must be stormed."""

from __future__ import annotations

import datetime
import threading
import time
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from rest_framework.test import APIClient

from tests.files import PDF
from tests.trust import record

pytestmark = [pytest.mark.postgres, pytest.mark.campaign, pytest.mark.django_db(transaction=True)]

STORM = 50
PERSONAS = [
    "cadre_a",
    "cadre_a2",
    "cadre_b",
    "head_a",
    "head_b",
    "head_top",
    "deputy_a",
    "inspector",
    "orgcom",
    "admin",
]
# Operations whose every success adds one more of something; for the others one success only.
ADDITIVE = {
    "/api/v1/proposals/",
    "/api/v1/proposals/{id}/",
    "/api/v1/cases/{id}/explanation/",
    "/api/v1/pilots/{id}/attachments/",
    "/api/v1/pilots/{id}/obstacles/",
    "/api/v1/models/{id}/attachments/",
    "/api/v1/reviews/{id}/attachments/",
    "/api/v1/pilots/{id}/inspections/",
    "/api/v1/pilots/{id}/adjust/",
    "/api/v1/urgings/",
    "/api/v1/rewards/",
    "/api/v1/dossiers/verify/",
    "/api/v1/cases/{id}/review/",  # "adds an inspector's review" (CONTRACT)
    "/api/v1/reports/snapshots/",  # each freezes the figures as they are at its moment
    "/api/v1/reviews/",  # each a review document of its own, with the figures of its moment
}
# Operations that repeat to the same end: the same edit fifty times is one change.
IDEMPOTENT = {"/api/v1/proposals/{id}/"}  # fmt: skip
# The order matters where one storm makes the state another needs, or uses up one another
# needs. First the steps on the demo's few proposals awaiting a decision (a rejection and an
# override use up its one collectively rejected proposal, so the override re-seeds the demo);
# last the ones that need what earlier storms made (an evaluated pilot to publish, a corrective
# action to close) or that use up what they need (an answered obstacle cannot be escalated).
EARLY = [
    "/api/v1/proposals/{id}/reject/", "/api/v1/proposals/{id}/party-opinion/",
    "/api/v1/proposals/{id}/decide/", "/api/v1/proposals/{id}/override/",
]  # fmt: skip
LATER = [
    "/api/v1/obstacles/{id}/answer/", "/api/v1/obstacles/{id}/confirm/", "/api/v1/models/",
    "/api/v1/pilots/{id}/corrective-actions/{action_pk}/close/",
]  # fmt: skip
# Not stormed: signing in and out are about tokens (tests/portal/test_tokens.py, test_lockout.py).
LEFT_OUT = {"/api/v1/auth/token/", "/api/v1/auth/logout/", "/api/v1/auth/logoutall/"}
IGNORED_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
TEXT = "Nội dung kiểm thử đồng thời."


def _dates(pk) -> list[str]:
    from pilots.models import ProgressReport

    return [d.isoformat() for d in ProgressReport.objects.filter(pilot_id=pk, status="due")
            .order_by("period_end").values_list("period_end", flat=True)[:2]]  # fmt: skip


def _votes(extra: dict) -> list[dict]:
    return [
        extra | {"votes_for": n, "votes_against": 0, "votes_abstain": 0, "head_vote": "for"} for n in (2, 1)
    ] + [extra]


def bodies(path: str, pk) -> list[dict]:
    """Bodies to try for an operation on the object `pk` (for a create, `pk` is what it is about)."""
    today = datetime.date.today()
    later = today + datetime.timedelta(days=180)
    return {
        "/api/v1/proposals/": lambda: [{"title": "Đề xuất thử đồng thời", "gap_kind": "unregulated"}],
        "/api/v1/proposals/{id}/": lambda: [{"title": "Tiêu đề sửa đồng thời"}],
        "/api/v1/proposals/{id}/submit/": lambda: [{}],
        "/api/v1/proposals/{id}/withdraw/": lambda: [{"reason": TEXT}],
        "/api/v1/proposals/{id}/return/": lambda: [{"reason": TEXT}],
        "/api/v1/proposals/{id}/reject/": lambda: [{"reason": TEXT}],
        "/api/v1/proposals/{id}/party-opinion/": lambda: [{"opinion": TEXT, "supports": True}],
        "/api/v1/proposals/{id}/decide/": lambda: _votes({"mode": "pilot"}),
        "/api/v1/proposals/{id}/override/": lambda: [{"responsibility_statement": TEXT}],
        "/api/v1/proposals/{id}/co-implementers/": lambda: [
            {"username": "cadre_a2"},
            {"username": "cadre_b"},
        ],
        "/api/v1/proposals/{id}/co-implementers/{username}/remove/": lambda: [{}],
        "/api/v1/pilots/": lambda: [
            {"proposal": pk, "start_date": today.isoformat(), "end_date": later.isoformat()}
        ],
        "/api/v1/pilots/{id}/adjust/": lambda: [{"reason": TEXT, "budget_vnd": 123_000_000}],
        "/api/v1/pilots/{id}/attachments/": lambda: [{"file": "PDF", "description": TEXT}],
        "/api/v1/pilots/{id}/complete/": lambda: [{}],
        "/api/v1/pilots/{id}/corrective-actions/{action_pk}/close/": lambda: [{"note": TEXT}],
        "/api/v1/pilots/{id}/evaluate/": lambda: _votes(
            {"outcome": "completed", "party_opinion": TEXT, "damage": False}
        ),
        "/api/v1/pilots/{id}/inspections/": lambda: [
            {"findings": TEXT, "severity": "minor", "corrective_actions": TEXT, "due_date": later.isoformat()}
        ],
        "/api/v1/pilots/{id}/inspectors/": lambda: [{"username": "inspector"}],
        "/api/v1/pilots/{id}/inspectors/{username}/remove/": lambda: [{}],
        "/api/v1/pilots/{id}/obstacles/": lambda: [{"kind": "legal", "description": TEXT, "request": TEXT}],
        "/api/v1/pilots/{id}/reports/": lambda: [
            {"period_end": end, "summary": TEXT, "progress_percent": 40} for end in _dates(pk)
        ],
        "/api/v1/pilots/{id}/reports/{report_pk}/review/": lambda: [{"accept": True, "note": TEXT}],
        "/api/v1/pilots/{id}/results-report/": lambda: [{"summary": TEXT}],
        "/api/v1/pilots/{id}/resume/": lambda: [{"reason": TEXT}],
        "/api/v1/pilots/{id}/suspend/": lambda: [{"reason": TEXT}],
        "/api/v1/pilots/{id}/terminate/": lambda: [{"reason": TEXT}],
        "/api/v1/cases/": lambda: [
            {"kind": "abuse", "proposal": pk, "subject": s, "summary": TEXT} for s in ("cadre_a", "cadre_b")
        ],
        "/api/v1/cases/{id}/determine/": lambda: [
            {"acted_per_policy": True, "pure_motive": True, "common_good": True, "objective_causes": TEXT}
        ],
        "/api/v1/cases/{id}/explanation/": lambda: [{"text": TEXT}],
        "/api/v1/cases/{id}/referral-outcome/": lambda: [{"outcome": "cleared", "note": TEXT}],
        "/api/v1/cases/{id}/relief/": lambda: [{"decision": "exempted", "basis": TEXT}],
        "/api/v1/cases/{id}/review/": lambda: [{"findings": TEXT, "recommendation": "protect"}],
        "/api/v1/obstacles/{id}/answer/": lambda: [{"decision": "support_granted", "note": TEXT}],
        "/api/v1/obstacles/{id}/confirm/": lambda: [{"cleared": True, "note": TEXT}],
        "/api/v1/obstacles/{id}/escalate/": lambda: [{"note": TEXT}],
        "/api/v1/urgings/": lambda: [
            {"unit": pk, "items": [{"kind": "proposal", "id": i}], "note": TEXT} for i in _overdue(pk)
        ],
        "/api/v1/urgings/{id}/answer/": lambda: [
            {"note": TEXT, "by": (today + datetime.timedelta(days=10)).isoformat()}
        ],
        "/api/v1/models/": lambda: [{"pilot": pk, "summary": TEXT, "conditions": TEXT, "field": "digital"}],
        "/api/v1/models/{id}/adopt/": lambda: [{}],
        "/api/v1/models/{id}/attachments/": lambda: [{"file": "PDF", "description": TEXT}],
        "/api/v1/models/{id}/institutionalise/": lambda: [
            {"document_kind": "Quyết định", "drafting_agency": "Sở Tư pháp"}
        ],
        "/api/v1/institutionalisations/{id}/advance/": lambda: [
            {"stage": "issued", "document_number": "12/QĐ-UBND", "issued_on": today.isoformat()},
            {"stage": "dropped", "note": TEXT},
        ],
        "/api/v1/rewards/": lambda: [
            {
                "pilot": pk,
                "cadre": c,
                "kind": "commendation",
                "decision_ref": "01/QĐ-KT",
                "decided_on": today.isoformat(),
            }
            for c in ("cadre_a", "cadre_a2")
        ],
        "/api/v1/reviews/": lambda: [
            {
                "unit": pk,
                "kind": kind,
                "period_start": f"{today.year}-01-01",
                "period_end": f"{today.year}-06-30",
                "findings": TEXT,
            }
            for kind in ("preliminary", "final")
        ],
        "/api/v1/reviews/{id}/attachments/": lambda: [{"file": "PDF", "description": TEXT}],
        "/api/v1/reports/snapshots/": lambda: [
            {"unit": pk, "period": f"{today.year - 1}"},
            {"unit": pk, "period": f"{today.year - 1}-H1"},
        ],
        "/api/v1/dossiers/verify/": lambda: [{"file": "PDF"}],
    }[path]()


def _overdue(code) -> list[int]:
    from proposals.models import Proposal

    return list(
        Proposal.objects.filter(status="submitted", reviewer_unit__code=code).values_list("pk", flat=True)[:2]
    )


def targets(path: str) -> list:
    """The objects an operation may be about: the kind its path names, every row of it."""
    from accountability.models import Case
    from monitoring.models import PeriodicReview, Urging
    from pilots.models import Pilot
    from portal.models import Unit
    from proposals.models import Proposal
    from replication.models import InnovationModel, Institutionalisation
    from support.models import Obstacle

    creates = {
        "/api/v1/pilots/": Proposal,
        "/api/v1/cases/": Proposal,
        "/api/v1/models/": Pilot,
        "/api/v1/rewards/": Pilot,
        "/api/v1/proposals/": None,
        "/api/v1/dossiers/verify/": None,
    }
    if path in creates:
        return (
            list(creates[path].objects.order_by("pk").values_list("pk", flat=True))
            if creates[path]
            else [None]
        )
    if path in ("/api/v1/reviews/", "/api/v1/urgings/", "/api/v1/reports/snapshots/"):
        return list(Unit.objects.order_by("path").values_list("code", flat=True))
    kinds = {
        "proposals": Proposal,
        "pilots": Pilot,
        "cases": Case,
        "obstacles": Obstacle,
        "urgings": Urging,
        "models": InnovationModel,
        "institutionalisations": Institutionalisation,
        "reviews": PeriodicReview,
    }
    return list(kinds[path.split("/")[3]].objects.order_by("pk").values_list("pk", flat=True))


def urls(path: str, pk) -> list[str]:
    from pilots.models import CorrectiveAction, ProgressReport

    url = path.replace("{id}", str(pk))
    if "{action_pk}" in url:
        actions = CorrectiveAction.objects.filter(inspection__pilot_id=pk, closed_on__isnull=True)
        return [url.replace("{action_pk}", str(a)) for a in actions.values_list("pk", flat=True)]
    if "{report_pk}" in url:
        reports = ProgressReport.objects.filter(pilot_id=pk, status="submitted").values_list("pk", flat=True)
        return [url.replace("{report_pk}", str(r)) for r in reports]
    if "{username}" in url:
        return [url.replace("{username}", name) for name in ("cadre_a2", "cadre_b", "inspector")]
    return [url]


def client_for(username: str) -> APIClient:
    from portal.models import User

    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def send(client: APIClient, method: str, url: str, body: dict):
    if "file" in body:  # a file of its own for each request
        upload = body | {"file": SimpleUploadedFile("storm.pdf", PDF, content_type="application/pdf")}
        return getattr(client, method)(url, upload, format="multipart")
    return getattr(client, method)(url, body, format="json")


def counts() -> Counter:
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t not in IGNORED_TABLES]
        found = Counter()
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            found[table] = cursor.fetchone()[0]
    return found


class Rollback(Exception):
    pass


def probe(method: str, path: str):
    """The first (persona, url, body) whose request succeeds, and the rows one success writes."""
    for pk in targets(path):
        for url in urls(path, pk):
            for body in bodies(path, pk):
                for name in PERSONAS:
                    client, effect = client_for(name), None
                    try:
                        with transaction.atomic():
                            before = counts()
                            response = send(client, method, url, body)
                            if response.status_code < 300:
                                effect = +(counts() - before)
                            raise Rollback
                    except Rollback:
                        pass
                    assert response.status_code < 500, (name, url, body, response.content[:500])
                    if effect is not None:
                        return name, url, body, effect
                    if response.status_code == 409:
                        break  # whoever may act, not in this object's state
    return None


def storm(name: str, method: str, url: str, body: dict) -> Counter:
    barrier = threading.Barrier(STORM)
    statuses: list[int] = [0] * STORM
    clients = [client_for(name) for _ in range(STORM)]

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=60)
            statuses[index] = send(clients[index], method, url, body).status_code
        except BaseException as error:
            statuses[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(STORM)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), f"{url}: a request is stuck (deadlock?)"
    return Counter(statuses)


def operations() -> list[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = [(method, path) for path, ops in schema["paths"].items() for method in ops
             if method in ("post", "put", "patch", "delete") and path not in LEFT_OUT]  # fmt: skip
    return sorted(
        found,
        key=lambda op: (
            LATER.index(op[1]) + 1 if op[1] in LATER else EARLY.index(op[1]) - 9 if op[1] in EARLY else 0
        ),
    )


def test_fifty_requests_at_once_have_the_effect_they_should(demo_full, settings):
    settings.AXES_ENABLED = False
    results, problems, unreached = {}, [], []
    started = time.monotonic()
    for method, path in operations():
        found = probe(method, path)
        if found is None:
            call_command("flush", "--no-input", verbosity=0)  # earlier storms used the state up
            call_command("seed_demo", "--force", verbosity=0)
            found = probe(method, path)
        if found is None:
            unreached.append(path)
            continue
        name, url, body, effect = found
        before = counts()
        statuses = storm(name, method, url, body)
        written = +(counts() - before)
        successes = sum(n for status, n in statuses.items() if isinstance(status, int) and status < 300)
        results[path] = {"as": name, "statuses": dict(statuses), "successes": successes}
        print(f"storm {method} {path} as {name}: {dict(statuses)} at {time.monotonic() - started:.0f} s")
        times = min(successes, 1) if path in IDEMPOTENT else successes
        expected = Counter({table: n * times for table, n in effect.items()})
        if any(not isinstance(status, int) or status >= 500 for status in statuses):
            problems.append((path, "server errors", dict(statuses)))
        if path not in ADDITIVE and successes != 1:
            problems.append((path, f"{successes} successes", dict(statuses)))
        if written != expected:
            problems.append((path, "rows", dict(written), "expected", dict(expected)))
    figures = {
        "operations": len(results) + len(unreached),
        "stormed": len(results),
        "requests": STORM * len(results),
        "unreached": unreached,
        "problems": len(problems),
        "seconds": round(time.monotonic() - started),
        "one_success": sum(1 for r in results.values() if r["successes"] == 1),
    }
    record("storms", **figures)
    assert not problems, "\n".join(map(str, problems))
    assert not unreached, f"no persona succeeds with these on the demo: {unreached}"
