"""The permission matrix (issue "Trust", standing test): every route of the URL conf — the pages
with GET and POST, the API with the methods its OpenAPI schema documents and one it does not —
for every demo persona and the signed-out visitor, on every object of the seeded demo (so on
objects in every state the demo holds); and every page of the administration, which only staff
may open. Nothing here is a hand list of URLs: the routes come from
the resolver and the schema, and each must have an expected rule below — a route without one
fails the test.

The rules: a route that takes an object answers a persona who may not see the object (the
product's one gate for that kind of object) exactly as it answers for an object that does not
exist — 404, or the 403 or 405 it gives that persona whatever the id — and never with a success
or a redirect: anything else would tell that the object exists or act on it. Signed out, every
route but the public ones sends to the sign-in page (pages) or answers 401 (API). Every API list
holds only what the caller may see. No request gets a 5xx. Each request that could change data
runs in a transaction rolled back after it, so every persona meets the objects as seeded."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from rest_framework.test import APIClient

from tests.trust import record

pytestmark = pytest.mark.campaign

PERSONAS = [None, "head_top", "deputy_a", "head_a", "cadre_a", "cadre_a2", "head_b", "cadre_b", "inspector",
            "orgcom", "admin"]  # fmt: skip

# Routes anyone may open, signed in or not (/metrics answers 404 or asks for its own bearer token).
PUBLIC = {
    "login", "login-code", "two-factor-setup", "set_language", "public", "evidence-verify", "api-token",
    "api-dossier-verify", "api-fallback", "api-root", "healthz", "metrics", "favicon",
    "password_reset_confirm", "password_reset_complete", "oidc_authentication_init",
    "oidc_authentication_callback",
}  # fmt: skip
# Routes without an object: any signed-in person may open them (what a list holds is checked
# below), a signed-out one is sent to sign in.
SIGNED_IN = {
    "home", "work-count", "people-search", "notifications", "notifications-read", "unit-list",
    "reorganisation-list", "people-import",
    "proposal-list", "proposal-inbox",
    "proposal-all", "proposal-create", "pilot-list", "pilot-reports-due", "pilot-inspections", "case-list",
    "case-mine", "case-report", "obstacle-list", "urging-list", "report", "report-items", "report-units",
    "report-downloads", "report-freeze", "review-list", "model-list", "two-factor-backup-codes",
    "backup-codes-renew",
    "account-security", "logout", "password_change", "password_change_done", "api-tokens", "api-logout",
    "api-logout-all", "api-me", "api-schema", "api-docs", "api-redoc", "api-report-summary",
    "api-report-compliance", "api-unit-list", "api-proposal-list", "api-pilot-list", "api-case-list",
    "api-obstacle-list", "api-urging-list", "api-reward-list", "api-model-list", "api-review-list",
    "api-report-snapshot-list", "api-institutionalisation-list",
}  # fmt: skip
# The path segment before an object's id names its kind; the id's own name does where it is not
# "pk" (`pilots/new/<proposal_pk>/`).
SEGMENTS = {
    "proposals": "proposal", "dossier": "proposal", "documents": "proposal", "pilots": "pilot",
    "cases": "case", "obstacles": "obstacle", "urgings": "urging", "rewards": "reward", "models": "model",
    "institutionalisations": "institutionalisation", "reviews": "review", "snapshots": "snapshot",
    "downloads": "export", "organisation": "reorganisation", "units": "unit", "unit": "unit",
    "people": "person", "tokens": "token",
}  # fmt: skip
ID_NAMES = {"proposal_pk": "proposal", "pilot_pk": "pilot"}
LIST_KINDS = {
    "api-proposal-list": "proposal", "api-pilot-list": "pilot", "api-case-list": "case",
    "api-obstacle-list": "obstacle", "api-urging-list": "urging", "api-reward-list": "reward",
    "api-review-list": "review", "api-report-snapshot-list": "snapshot", "api-unit-list": "unit",
}  # fmt: skip
MISSING = "999999999"


class Rollback(Exception):
    pass


def visible(kind: str, user) -> set:
    """Who may see what: each kind of object's own gate, as the product defines it."""
    from knox.models import AuthToken

    from accountability.models import Case
    from monitoring.models import ExportJob, PeriodicReview, ReportSnapshot, Urging
    from monitoring.permissions import reportable_units
    from pilots.models import Pilot
    from portal.models import User
    from portal.permissions import visible_units
    from proposals.models import Proposal
    from recognition.models import Reward
    from recognition.permissions import may_read_record
    from replication.models import InnovationModel, Institutionalisation
    from support.models import Obstacle

    gated = {"proposal": Proposal, "pilot": Pilot, "case": Case, "obstacle": Obstacle, "urging": Urging,
             "reward": Reward}  # fmt: skip
    if kind in gated:
        return set(gated[kind].objects.visible_to(user).values_list("pk", flat=True))
    if kind == "model":
        return set(InnovationModel.objects.values_list("pk", flat=True))
    if kind == "institutionalisation":
        return set(Institutionalisation.objects.values_list("pk", flat=True))
    if kind == "review":
        return set(PeriodicReview.objects.filter(unit__in=visible_units(user)).values_list("pk", flat=True))
    if kind == "snapshot":
        return set(
            ReportSnapshot.objects.filter(unit__in=reportable_units(user)).values_list("pk", flat=True)
        )
    if kind == "export":
        return set(ExportJob.objects.filter(owner=user).values_list("pk", flat=True))
    if kind == "unit":
        return set(visible_units(user).values_list("code", flat=True))
    if kind == "reorganisation":
        from organisation.models import Reorganisation
        from organisation.permissions import can_reorganise

        return set(Reorganisation.objects.values_list("pk", flat=True)) if can_reorganise(user) else set()
    if kind == "token":
        return set(AuthToken.objects.filter(user=user).values_list("token_key", flat=True))
    if kind == "person":
        return {
            person.username for person in User.objects.select_related("unit") if may_read_record(user, person)
        }
    raise AssertionError(kind)


def every(kind: str) -> list:
    """One object of a kind that does not exist, then every one in the seeded demo."""
    from knox.models import AuthToken

    from portal.models import Unit, User

    if kind == "unit":
        return ["NOSUCH", *Unit.objects.values_list("code", flat=True)]
    if kind == "person":
        return ["nobody", *User.objects.values_list("username", flat=True)]
    if kind == "token":
        return ["nosuchtoken", *AuthToken.objects.values_list("token_key", flat=True)]
    return [int(MISSING), *sorted(_pks(kind))]


def _pks(kind: str) -> set:
    from django.apps import apps

    models = {
        "proposal": "proposals.Proposal",
        "pilot": "pilots.Pilot",
        "case": "accountability.Case",
        "obstacle": "support.Obstacle",
        "urging": "monitoring.Urging",
        "reward": "recognition.Reward",
        "model": "replication.InnovationModel",
        "institutionalisation": "replication.Institutionalisation",
        "review": "monitoring.PeriodicReview",
        "snapshot": "monitoring.ReportSnapshot",
        "export": "monitoring.ExportJob",
        "reorganisation": "organisation.Reorganisation",
    }
    return set(apps.get_model(models[kind]).objects.values_list("pk", flat=True))


@dataclass
class Route:
    name: str
    template: str  # with {param} placeholders
    api: bool
    methods: list[str]
    params: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str | None:
        """The kind of the object the route is about, from its first id."""
        if not self.params:
            return None
        first = self.params[0]
        if first in ID_NAMES:
            return ID_NAMES[first]
        before = self.template.split("{" + first + "}")[0].rstrip("/").rsplit("/", 1)[-1]
        return SEGMENTS.get(before)


def page_routes() -> list[Route]:
    found = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                if not (prefix + route).startswith(("admin/", "api/", "^api/")):
                    walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern) and not (prefix + route).startswith(
                ("admin/", "api/", "^api/")
            ):
                template = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", prefix + route)
                found.append(
                    Route(entry.name, template, False, ["get", "post"], re.findall(r"{(\w+)}", template))
                )

    walk(get_resolver().url_patterns, "")
    return found


def api_routes() -> list[Route]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        methods = [method for method in operations if method in ("get", "post", "put", "patch", "delete")]
        undocumented = next(m for m in ("delete", "put", "patch", "post", "get") if m not in methods)
        params = re.findall(r"{(\w+)}", path)
        name = resolve(re.sub(r"{\w+}", "1", path).replace("/1/file/1/", "/1/file/pdf/")).url_name
        found.append(Route(name, path.replace("{id}", "{pk}"), True, [*methods, undocumented],
                           ["pk" if p == "id" else p for p in params]))  # fmt: skip
    return found


def samples(route: Route, main) -> list[dict]:
    """The values of the route's parameters for one object: its related rows where it has them."""
    from evidence.documents import Kind as DocumentKind

    values: dict[str, list] = {route.params[0]: [main]}
    for param in route.params[1:]:
        if param == "attachment_pk":
            values[param] = [*_related_pks(route.kind, main, "attachments")[:2], int(MISSING)]
        elif param == "report_pk":
            values[param] = [*_related_pks(route.kind, main, "reports")[:2], int(MISSING)]
        elif param == "action_pk":
            values[param] = [*_corrective_actions(main)[:2], int(MISSING)]
        elif param == "action":
            values[param] = sorted(_view_actions(route))
        elif param == "change":
            values[param] = ["add", "remove"]
        elif param == "username":
            values[param] = ["cadre_a2"]
        elif param == "key":
            values[param] = [f"{kind}-{main}" for kind in DocumentKind.values]
        elif param == "kind":
            values[param] = ["xlsx", "pdf"]
        elif param == "step":
            values[param] = [0, 1]
        else:
            raise AssertionError(f"{route.name}: no sample for {param}")
    combos = [{}]
    for param, options in values.items():
        combos = [combo | {param: option} for combo in combos for option in options]
    return combos


def _related_pks(kind: str, pk, related: str) -> list:
    from django.apps import apps

    names = {
        "proposal": "proposals.Proposal",
        "pilot": "pilots.Pilot",
        "case": "accountability.Case",
        "obstacle": "support.Obstacle",
        "reward": "recognition.Reward",
        "model": "replication.InnovationModel",
        "review": "monitoring.PeriodicReview",
    }
    row = apps.get_model(names[kind]).objects.filter(pk=pk).first()
    return list(getattr(row, related).values_list("pk", flat=True)) if row is not None else []


def _corrective_actions(pilot_pk) -> list:
    from pilots.models import CorrectiveAction

    return list(CorrectiveAction.objects.filter(inspection__pilot_id=pilot_pk).values_list("pk", flat=True))


def _view_actions(route: Route) -> set[str]:
    """The actions a `<str:action>` route dispatches, read from its view module's table."""
    import importlib

    callback = resolve(route.template.format(**dict.fromkeys(route.params, "1") | {"action": "x"})).func
    return set(importlib.import_module(callback.__module__).ACTIONS) | {"nonsense"}


@dataclass
class Tally:
    requests: int = 0
    leaks: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    def seen(self, who, method: str, url: str, status: int) -> None:
        self.requests += 1
        self.statuses[status] += 1
        if status >= 500:
            self.errors.append((who, method, url, status))

    def leak(self, who, method: str, url: str, status: int, why: str) -> None:
        self.leaks.append((who, method, url, status, why))


def send(client, method: str, url: str, api: bool):
    """One request; whatever it changes is rolled back."""
    if method == "get":
        return client.get(url)
    response = None
    try:
        with transaction.atomic():
            response = (
                getattr(client, method)(url, {}, format="json") if api else getattr(client, method)(url, {})
            )
            raise Rollback
    except Rollback:
        pass
    return response


def test_every_route_for_every_persona_on_every_object(demo_full, settings):
    from portal import tokens
    from portal.models import User

    settings.AXES_ENABLED = False
    _planned_reorganisation()
    routes = page_routes() + api_routes()
    unknown = sorted(
        {
            r.name or r.template
            for r in routes
            if r.name not in PUBLIC | SIGNED_IN and (r.params == [] or r.kind is None)
        }
    )
    assert not unknown, f"routes without an expected rule (add one to this test): {unknown}"

    users = {name: User.objects.get(username=name) for name in PERSONAS if name}
    for user in users.values():
        tokens.issue(user)  # an API token each, for the routes that end one
    clients: dict = {}
    for name in PERSONAS:
        page, api = Client(), APIClient()
        if name:
            page.force_login(users[name])
            api.force_authenticate(users[name])
        clients[name] = (page, api)
    sight = {(kind, name): visible(kind, users[name]) for kind in SEGMENTS.values() for name in users}
    objects = {kind: every(kind) for kind in set(SEGMENTS.values())}
    tally = Tally()
    missing: dict = {}  # (persona, method, url of the missing object) → its status

    for route in routes:
        for name in PERSONAS:
            client = clients[name][1 if route.api else 0]
            if route.kind is None:
                for method in route.methods:
                    url = route.template
                    response = send(client, method, url, route.api)
                    tally.seen(name, method, url, response.status_code)
                    if name is None and route.name not in PUBLIC:
                        _signed_out(tally, route, method, url, response)
                continue
            checked_visible = checked_invisible = False
            for main in objects[route.kind]:
                may_see = name is not None and main in sight[(route.kind, name)]
                if may_see and checked_visible:
                    continue  # what a permitted persona may do is each app's own tests' business
                if name is None and checked_invisible:
                    continue  # signed out, one object tells as much as all
                methods = route.methods if not checked_invisible or may_see else route.methods[:-1]
                for values in samples(route, main):
                    url = route.template.format(**values)
                    for method in methods if route.api else route.methods:
                        response = send(client, method, url, route.api)
                        status = response.status_code
                        tally.seen(name, method, url, status)
                        if name is None:
                            _signed_out(tally, route, method, url, response)
                        elif not may_see:
                            # The same answer as for an object that does not exist, and no success.
                            like = (
                                name,
                                method,
                                route.template.format(**values | {route.params[0]: objects[route.kind][0]}),
                            )
                            answered_missing = missing.setdefault(like, status)
                            if status < 400 or status != answered_missing:
                                tally.leak(
                                    name, method, route.template, status, f"missing: {answered_missing}"
                                )
                checked_visible |= may_see
                checked_invisible |= not may_see

    for list_name, kind in LIST_KINDS.items():
        for name in users:
            listed = _listed(clients[name][1], next(r for r in routes if r.name == list_name).template, kind)
            tally.requests += 1
            if not listed <= sight[(kind, name)]:
                tally.leak(name, "get", list_name, 200, f"lists {sorted(listed - sight[(kind, name)])}")

    admin_pages = _admin_pages()
    for name in PERSONAS:
        for url in admin_pages:
            response = clients[name][0].get(url)
            tally.seen(name, "get", url, response.status_code)
            staff = name is not None and users[name].is_staff
            if not staff and not (response.status_code == 302 and "login" in response["Location"]):
                tally.leak(name, "get", url, response.status_code, "the administration, not staff")

    figures = {
        "routes": len({r.name for r in routes}), "route_templates": len(routes),
        "personas": len(PERSONAS), "requests": tally.requests, "leaks": len(tally.leaks),
        "server_errors": len(tally.errors), "statuses": dict(sorted(tally.statuses.items())),
    }  # fmt: skip
    record("permission_matrix", **figures)
    assert not tally.errors, tally.errors[:20]
    assert not tally.leaks, sorted(Counter((leak[2], leak[1], leak[3]) for leak in tally.leaks).items())
    assert tally.requests > 5000, figures  # the matrix really ran


def _planned_reorganisation() -> None:
    """A reorganisation waiting for its day, so that its pages are tried on a real one."""
    from organisation import services
    from organisation.plan import normalised
    from portal.models import User

    plan = normalised({"reference": "QĐ 99", "effective_on": "2099-01-01",
                       "steps": [{"rename": "SNV", "name": "Sở Nội vụ mới"}]})  # fmt: skip
    services.reorganisation_load(actor=User.objects.get(username="admin"), plan=plan)


def _admin_pages() -> list[str]:
    """The list and the add page of every model the administration registers."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    pages = ["/admin/"]
    for model in admin.site._registry:
        for view in ("changelist", "add"):
            try:
                pages.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"))
            except NoReverseMatch:
                continue
    return pages


def _signed_out(tally: Tally, route: Route, method: str, url: str, response) -> None:
    status = response.status_code
    if route.api:
        if status not in (401, 405) and not (status == 404 and route.name == "api-fallback"):
            tally.leak(None, method, url, status, "signed out")
    elif status == 302:
        if not response["Location"].startswith("/accounts/login/"):
            tally.leak(None, method, url, status, f"signed out, sent to {response['Location']}")
    elif status not in (405,):
        tally.leak(None, method, url, status, "signed out")


def _listed(client, template: str, kind: str) -> set:
    found, url = set(), template
    key = "code" if kind == "unit" else "id"
    while url:
        body = client.get(url).json()
        found |= {row[key] for row in body["results"]}
        url = body["next"]
    return found
