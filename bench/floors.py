"""The floor of each measured request: a bare view that runs the single best raw SQL for the
rows the portal's page or API answer shows, with everything the query needs about the person
(their id, the unit ids of their scope, their own and granted rows) looked up once per worker.
Mounted by bench/settings.py only; `make bench` measures it beside the portal in the same run.

    /bench/floor/<name>/?persona=<username>[&id=<pk>]
"""

from __future__ import annotations

import functools

from django.db import connection
from django.http import HttpRequest, JsonResponse

from pilots.models import Pilot
from portal.models import RoleAssignment, User
from portal.permissions import granted_ids, scope_unit_ids

PROPOSAL_ROW = (
    "SELECT p.id, p.title, p.status, p.created_at, p.received_on, p.decision_due, u.name, a.full_name "
    "FROM proposals_proposal p JOIN portal_unit u ON u.id = p.unit_id "
    "JOIN portal_user a ON a.id = p.author_id "
)
PILOT_ROW = (
    "SELECT pi.id, pi.status, pi.start_date, pi.end_date, pr.title, u.name, "
    "(SELECT MIN(r.due_date) FROM pilots_progressreport r WHERE r.pilot_id = pi.id "
    "AND r.status IN ('due', 'correction')) AS next_due "
    "FROM pilots_pilot pi JOIN proposals_proposal pr ON pr.id = pi.proposal_id "
    "JOIN portal_unit u ON u.id = pi.unit_id "
)


@functools.cache
def scope(username: str) -> dict:
    """What the floor queries need about a person, read once per worker process."""
    user = User.objects.get(username=username)
    units = scope_unit_ids(user)
    own_pilots = list(
        Pilot.implementers.through.objects.filter(user=user).values_list("pilot_id", flat=True)
    ) + list(granted_ids(user, Pilot, "view_pilot"))
    own_pilots += list(Pilot.objects.filter(proposal__author=user).values_list("pk", flat=True))
    headed = RoleAssignment.objects.current().filter(user=user, role=RoleAssignment.Role.HEAD)
    from proposals.models import Proposal

    co_implemented = Proposal.co_implementers.through.objects.filter(user=user)
    return {
        "user": user.pk,
        "co_implemented": list(co_implemented.values_list("proposal_id", flat=True)),
        "units": units,
        "granted": list(granted_ids(user, Proposal, "view_proposal")),
        "own_pilots": own_pilots,
        "headed": list(headed.values_list("unit_id", flat=True)),
    }


def _proposals(s: dict, order: str) -> tuple[str, list]:
    if s["units"] is None:
        where, params = "(p.author_id = %s OR p.received_on IS NOT NULL)", [s["user"]]
    else:
        where = (
            "(p.author_id = %s OR p.id = ANY(%s) OR ((p.unit_id = ANY(%s) OR p.reviewer_unit_id = ANY(%s)) "
            "AND p.received_on IS NOT NULL))"
        )
        params = [s["user"], s["granted"], s["units"], s["units"]]
    return f"{PROPOSAL_ROW} WHERE {where} ORDER BY {order} LIMIT 20", params


def _mine(s: dict) -> tuple[str, list]:
    where = "p.author_id = %s OR p.id = ANY(%s)"
    params = [s["user"], s["co_implemented"]]
    return f"{PROPOSAL_ROW} WHERE {where} ORDER BY p.created_at DESC, p.id DESC LIMIT 20", params


def _pilots(s: dict) -> tuple[str, list]:
    if s["units"] is None:
        return f"{PILOT_ROW} ORDER BY pi.created_at DESC, pi.id DESC LIMIT 20", []
    where = "pi.id = ANY(%s) OR pi.unit_id = ANY(%s) OR pi.directing_unit_id = ANY(%s)"
    params = [s["own_pilots"], s["units"], s["units"]]
    return f"{PILOT_ROW} WHERE {where} ORDER BY pi.created_at DESC, pi.id DESC LIMIT 20", params


def _cases(s: dict) -> tuple[str, list]:
    sql = (
        "SELECT c.id, c.kind, c.status, c.opened_at, pr.title FROM accountability_case c "
        "JOIN proposals_proposal pr ON pr.id = c.proposal_id LEFT JOIN pilots_pilot pi ON pi.id = c.pilot_id "
    )
    if s["units"] is None:
        return f"{sql} ORDER BY c.opened_at DESC, c.id DESC LIMIT 20", []
    where = (
        "c.subject_id = %s OR (c.kind = 'outcome' AND (pi.id = ANY(%s) OR pi.unit_id = ANY(%s) "
        "OR pi.directing_unit_id = ANY(%s)))"
    )
    params = [s["user"], s["own_pilots"], s["units"], s["units"]]
    return f"{sql} WHERE {where} ORDER BY c.opened_at DESC, c.id DESC LIMIT 20", params


def _inbox(s: dict) -> tuple[str, list]:
    where = (
        "p.reviewer_unit_id = ANY(%s) AND p.status IN ('submitted', 'collective_rejected') "
        "AND p.author_id <> %s"
    )
    return f"{PROPOSAL_ROW} WHERE {where} ORDER BY p.decision_due, p.id LIMIT 20", [s["headed"], s["user"]]


def _proposal(pk: int) -> tuple[str, list]:
    return (
        "SELECT p.*, (SELECT json_agg(t ORDER BY t.at, t.id) FROM proposals_proposaltransition t "
        "WHERE t.proposal_id = p.id) AS transitions FROM proposals_proposal p WHERE p.id = %s",
        [pk],
    )


def _pilot(pk: int) -> tuple[str, list]:
    return (
        "SELECT pi.*, (SELECT json_agg(r ORDER BY r.period_start) FROM pilots_progressreport r "
        "WHERE r.pilot_id = pi.id) AS reports, "
        "(SELECT json_agg(i ORDER BY i.position) FROM pilots_indicator i "
        "WHERE i.pilot_id = pi.id) AS indicators, (SELECT json_agg(t ORDER BY t.at, t.id) FROM "
        "pilots_pilottransition t WHERE t.pilot_id = pi.id) AS transitions "
        "FROM pilots_pilot pi WHERE pi.id = %s",
        [pk],
    )


QUERIES = {
    "proposals": lambda s, pk: _proposals(s, "p.created_at DESC, p.id DESC"),
    "proposals_received": lambda s, pk: _proposals(s, "p.received_on DESC NULLS LAST, p.id DESC"),
    "mine": lambda s, pk: _mine(s),
    "pilots": lambda s, pk: _pilots(s),
    "cases": lambda s, pk: _cases(s),
    "inbox": lambda s, pk: _inbox(s),
    "proposal": lambda s, pk: _proposal(pk),
    "pilot": lambda s, pk: _pilot(pk),
    "trivial": lambda s, pk: ("SELECT 1", []),
}


def floor(request: HttpRequest, name: str) -> JsonResponse:
    persona = request.GET.get("persona", "")
    sql, params = QUERIES[name](scope(persona) if persona else {}, int(request.GET.get("id") or 0))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"results": rows}, json_dumps_params={"default": str})
