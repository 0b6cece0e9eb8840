"""Reorganisations, one function per verb on the workflow helper: an administrator loads a plan
(checked whole, every problem at once), previews what it would move, applies it — now, or on its
effective date by the daily task — or cancels it. Applying is one transaction:

- a merged or split unit is closed on the date with its successor; a merged unit is placed under
  its successor, so that whoever covers the successor covers the records decided in it, which keep
  showing the unit they were decided in;
- its open units below, its people and the open records every app registers (portal.successors)
  move to the successor, their deadlines untouched; a decision that would fall to someone with a
  part in the record goes up, as it would have been routed;
- the roles held in it end on the date (a cadre's goes on in their new unit) and the successor's
  head is told what they inherited.

The preview is the same code in a transaction rolled back."""

from __future__ import annotations

import datetime
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import get_history_manager_for_model

from organisation import imports, permissions, sharing
from organisation.models import Reorganisation
from organisation.plan import NewUnit, Plan, PlanError, Step, check, from_stored, normalised
from portal import audit, successors
from portal import services as portal_services
from portal.celery import enqueue
from portal.errors import DomainError, NotAllowed
from portal.models import RoleAssignment, Unit, User
from portal.workflow import Workflow, ensure, tell

logger = logging.getLogger(__name__)

RULES = {
    "apply": (permissions.can_reorganise, gettext_lazy("Only an administrator changes the organisation.")),
    "cancel": (permissions.can_reorganise, gettext_lazy("Only an administrator changes the organisation.")),
}

FLOW = Workflow(
    model=Reorganisation,
    rules=RULES,
    refused=gettext_lazy("This action is not allowed while the reorganisation is “%(status)s”."),
)


def moved_counts(outcome: dict[str, Any]) -> list[tuple[str, int]]:
    """How many records of each kind an outcome moved, by the kind's name, for the page."""
    from django.apps import apps

    rows = {(label, pk) for label, pk, *_rest in outcome.get("records", [])}
    counts = Counter(label for label, _pk in rows)
    return [(str(apps.get_model(label)._meta.verbose_name_plural), n) for label, n in sorted(counts.items())]


class _Rollback(Exception):
    """Raised at the end of a preview so that nothing it did stays."""


@dataclass
class Outcome:
    """What applying moved: per step, and every record with its unit before and after."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    records: list[list[Any]] = field(default_factory=list)  # [label, pk, field, from code, to code]

    def as_json(self) -> dict[str, Any]:
        return {"steps": self.steps, "records": self.records}


# --- loading, previewing, applying ---------------------------------------------------------------


@transaction.atomic
def reorganisation_load(*, actor: User, plan: Plan) -> tuple[Reorganisation, bool]:
    """The reorganisation of `plan` and whether it is new: the same plan loaded again is the same
    record (its fingerprint), whatever became of it. A new one is checked whole (PlanError)."""
    ensure(permissions.can_reorganise(actor), _("Only an administrator changes the organisation."))
    existing = Reorganisation.objects.filter(fingerprint=plan.fingerprint).first()
    if existing is not None:
        return existing, False
    problems = check(plan)
    if problems:
        raise PlanError(problems)
    reorganisation = Reorganisation(
        reference=plan.reference, effective_on=plan.effective_on, plan=plan.data,
        fingerprint=plan.fingerprint, created_by=actor,
    )  # fmt: skip
    FLOW.record(reorganisation, action="plan", actor=actor, to_status=Reorganisation.Status.PLANNED)
    return reorganisation, True


def reorganisation_preview(*, actor: User, plan: Plan) -> Outcome:
    """What applying `plan` today would move, and nothing kept (PlanError if it cannot apply)."""
    ensure(permissions.can_reorganise(actor), _("Only an administrator changes the organisation."))
    problems = check(plan)
    if problems:
        raise PlanError(problems)
    outcome = Outcome()
    try:
        with transaction.atomic():
            _Applying(actor, plan, outcome, reference=plan.reference).run()
            raise _Rollback
    except _Rollback:
        pass
    return outcome


@transaction.atomic
def reorganisation_apply(
    *, actor: User, reorganisation: Reorganisation, today: datetime.date | None = None
) -> Reorganisation:
    """Apply a planned reorganisation in one transaction, on its effective date or after it."""
    reorganisation, to_status = FLOW.begin(reorganisation, actor=actor, action="apply")
    if reorganisation.effective_on > (today or timezone.localdate()):
        raise DomainError(
            _("It takes effect on %(date)s; it will be applied on that day.")
            % {"date": f"{reorganisation.effective_on:%d/%m/%Y}"}
        )
    plan = from_stored(reorganisation.plan)
    problems = check(plan)
    if problems:
        raise PlanError(problems)
    outcome = Outcome()
    _Applying(actor, plan, outcome, reference=f"{plan.reference} (#{reorganisation.pk})").run()
    reorganisation.outcome = outcome.as_json()
    reorganisation.applied_at = timezone.now()
    FLOW.record(reorganisation, action="apply", actor=actor, to_status=to_status)
    return reorganisation


@transaction.atomic
def unit_merge(*, actor: User, unit: Unit, successor: Unit, day: datetime.date) -> Reorganisation:
    """One unit closed into another (the admin's "close this unit"): a plan of one merge, applied
    now, or on `day` when it lies ahead."""
    plan = normalised({
        "reference": f"{unit.code} → {successor.code}",
        "effective_on": day,
        "steps": [{"merge": [unit.code], "into": successor.code}],
    })  # fmt: skip
    reorganisation, _new = reorganisation_load(actor=actor, plan=plan)
    if reorganisation.status == Reorganisation.Status.PLANNED and day <= timezone.localdate():
        reorganisation = reorganisation_apply(actor=actor, reorganisation=reorganisation)
    return reorganisation


@transaction.atomic
def reorganisation_share(
    *, actor: User, reorganisation: Reorganisation, step: int, choices: dict[str, str]
) -> Reorganisation:
    """A planned split's people, units below and open records shared out by hand (`choices`: the
    page's field → the part's code): the stored plan is rewritten, with its history; PlanError
    (400) for a choice that cannot be, DomainError (409) once it is no longer planned."""
    ensure(permissions.can_reorganise(actor), _("Only an administrator changes the organisation."))
    reorganisation = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
    if reorganisation.status != Reorganisation.Status.PLANNED:
        raise DomainError(_("Only a planned reorganisation can still be changed."))
    plan = sharing.shared(from_stored(reorganisation.plan), step, choices)
    if plan.fingerprint == reorganisation.fingerprint:
        return reorganisation
    if Reorganisation.objects.filter(fingerprint=plan.fingerprint).exists():
        raise DomainError(_("Another reorganisation already has this very plan."))
    reorganisation.plan, reorganisation.fingerprint = plan.data, plan.fingerprint
    reorganisation._change_reason = f"shared out by hand by {actor.username}"
    reorganisation.save()
    return reorganisation


@transaction.atomic
def reorganisation_cancel(*, actor: User, reorganisation: Reorganisation) -> Reorganisation:
    reorganisation, to_status = FLOW.begin(reorganisation, actor=actor, action="cancel")
    return FLOW.record(reorganisation, action="cancel", actor=actor, to_status=to_status)


def apply_due(day: datetime.date) -> int:
    """Apply the planned reorganisations whose day has come, each in its own transaction, by whoever
    loaded it (a daily job of the sweep, before the day's reminders go out); one that no longer
    fits the organisation of today stays planned for an administrator to see. How many applied."""
    applied = 0
    for reorganisation in (
        Reorganisation.objects.due(day).select_related("created_by").order_by("effective_on", "pk")
    ):
        try:
            reorganisation_apply(actor=reorganisation.created_by, reorganisation=reorganisation, today=day)
        except (NotAllowed, DomainError) as error:  # a PlanError is a DomainError
            logger.warning("reorganisation #%s stays planned: %s", reorganisation.pk, error)
            continue
        applied += 1
    return applied


# --- the steps --------------------------------------------------------------------------------


class _Applying:
    """One plan applied on its effective date: the steps in order, each recorded in `outcome`."""

    def __init__(self, actor: User, plan: Plan, outcome: Outcome, *, reference: str):
        self.actor, self.plan, self.outcome = actor, plan, outcome
        self.day = plan.effective_on
        self.reason = f"reorganised by {actor.username}: {reference}"
        self.inherited: dict[int, Counter] = defaultdict(Counter)  # successor unit → what it got
        self.closed_into: dict[int, list[str]] = defaultdict(list)
        self.heads: dict[int, int | None] = {}  # unit → its head's id, asked once
        self.parents: dict[int, Unit] = {}

    def run(self) -> None:
        for step in self.plan.steps:
            summary = getattr(self, f"_{step.kind}")(step)
            self.outcome.steps.append({"kind": step.kind, **summary})
        self._tell_heads()

    # merge: A, B → C ------------------------------------------------------------------------

    def _merge(self, step: Step) -> dict[str, Any]:
        merged = list(Unit.objects.filter(code__in=step.units).order_by("path"))
        target = self._successor(step.into[0], beside=merged[0])
        done = [unit for unit in merged if unit.closed_on is not None]  # merged by an earlier run
        closing = [unit for unit in merged if unit.closed_on is None]
        summary = {"units": [unit.code for unit in closing], "into": target.code, **self._empty()}
        for unit in closing:
            self._hand_over(unit, lambda _row, _person, target=target: target, target, summary)
            unit.parent, unit.closed_on, unit.successor = target, self.day, target
            self._save(unit)
            self.closed_into[target.pk].append(unit.code)
        summary["already"] = [unit.code for unit in done]
        return summary

    # split: A → B, C ------------------------------------------------------------------------

    def _split(self, step: Step) -> dict[str, Any]:
        unit = Unit.objects.get(code=step.units[0])
        parts = [self._successor(successor, beside=unit) for successor in step.into]
        by_code = {part.code: part for part in parts}
        first = parts[0]
        people = {
            person.pk: by_code[step.people.get(person.username, first.code)]
            for person in User.objects.filter(unit=unit)
        }
        by_hand = {key: by_code[code] for key, code in step.records.items()}
        children = {code: by_code[target] for code, target in step.children.items()}

        def share(row: models.Model, person: int | None) -> Unit:
            key = f"{row._meta.label_lower}:{row.pk}"
            return by_hand.get(key) or people.get(person) or first

        summary = {"units": [unit.code], "into": [part.code for part in parts], **self._empty()}
        self._hand_over(unit, share, first, summary, people=people, children=children)
        unit.closed_on, unit.successor = self.day, first
        self._save(unit)
        for part in parts:
            self.closed_into[part.pk].append(unit.code)
        return summary

    # move and rename ----------------------------------------------------------------------

    def _move(self, step: Step) -> dict[str, Any]:
        unit = Unit.objects.get(code=step.units[0])
        target = Unit.objects.get(code=step.to)
        summary = {"units": [unit.code], "to": target.code, "from": unit.parent.code if unit.parent else "",
                   **self._empty()}  # fmt: skip
        if unit.parent_id == target.pk:
            return summary
        old_above = set(unit.ancestor_paths()[:-1])
        unit.parent = target
        self._save(unit)
        self._reroute_above(unit, old_above, target, summary)
        return summary

    def _rename(self, step: Step) -> dict[str, Any]:
        unit = Unit.objects.get(code=step.units[0])
        summary = {"units": [unit.code], "name": [unit.name, step.name or unit.name],
                   "code": [unit.code, step.code or unit.code]}  # fmt: skip
        unit.name, unit.code = step.name or unit.name, step.code or unit.code
        self._save(unit)
        return summary

    # what every closing unit hands over ---------------------------------------------------------

    def _empty(self) -> dict[str, Any]:
        return {"records": {}, "people": 0, "units_below": 0, "roles_ended": 0, "roles_continued": 0}

    def _successor(self, successor: NewUnit, *, beside: Unit) -> Unit:
        existing = Unit.objects.filter(code=successor.code).first()
        if existing is not None:
            return existing
        parent = Unit.objects.get(code=successor.parent) if successor.parent else beside.parent
        unit = Unit(
            code=successor.code, name=successor.name, kind=successor.kind or beside.kind, parent=parent
        )
        self._save(unit)
        return unit

    def _hand_over(self, unit, share, main: Unit, summary, *, people=None, children=None) -> None:
        """Everything open of `unit` to its successor(s): `share(row, person)` picks one for a row."""
        for child in Unit.objects.filter(parent=unit, closed_on__isnull=True).order_by("path"):
            child.parent = (children or {}).get(child.code, main)
            self._save(child)
            summary["units_below"] += 1
        members = (
            people if people is not None else dict.fromkeys(unit.members.values_list("pk", flat=True), main)
        )
        self._end_roles(unit, members, summary)
        moving = list(User.objects.filter(pk__in=members))
        for person in moving:
            person.unit = members[person.pk]
        self._write(User, moving, ["unit"])
        summary["people"] = len(moving)
        for follower in successors.followers():
            moved = self._move_rows(follower, unit, share)
            if moved:
                summary["records"][follower.label] = moved

    def _end_roles(self, unit: Unit, members: dict[int, Unit], summary) -> None:
        """The roles held in `unit` end on the day; a cadre's goes on in their new unit."""
        ending = list(
            RoleAssignment.objects.filter(unit=unit).filter(
                models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=self.day)
            )
        )
        for role in ending:
            role.ended_on = max(self.day, role.started_on)
        self._write(RoleAssignment, ending, ["ended_on"])
        self.heads.pop(unit.pk, None)
        cadres = {role.user_id: members[role.user_id] for role in ending
                  if role.role == RoleAssignment.Role.CADRE and role.user_id in members}  # fmt: skip
        held = set(
            RoleAssignment.objects.current(self.day)
            .filter(role=RoleAssignment.Role.CADRE, user_id__in=cadres)
            .values_list("user_id", "unit_id")
        )
        continued = [
            RoleAssignment(user_id=user, role=RoleAssignment.Role.CADRE, unit=successor, started_on=self.day,
                           note=self.plan.reference[:255])
            for user, successor in cadres.items() if (user, successor.pk) not in held
        ]  # fmt: skip
        self._write(RoleAssignment, continued, [], created=True)
        summary["roles_ended"] += len(ending)
        summary["roles_continued"] += len(continued)

    def _head(self, unit: Unit) -> int | None:
        """The unit's head now (asked once per unit in a run)."""
        if unit.pk not in self.heads:
            head = RoleAssignment.objects.head_of(unit)
            self.heads[unit.pk] = head.pk if head else None
        return self.heads[unit.pk]

    def _routed(self, unit: Unit, involved: set[int]) -> Unit:
        """`unit`, or the first unit above it whose head has no part in the record (Art. 7(4))."""
        while unit.parent_id is not None and self._head(unit) in involved:
            if unit.parent_id not in self.parents:
                self.parents[unit.parent_id] = unit.parent
            unit = self.parents[unit.parent_id]
        return unit

    def _move_rows(self, follower: successors.Follower, unit: Unit, share) -> int:
        """The follower's open rows of `unit` to the unit `share` gives each, written in bulk with
        a history row each (linked into the audit chain like any other)."""
        changed = []
        for row in follower.open_rows([unit]):
            target = share(row, sharing.person_of(row, follower.person))
            fields = [name for name in follower.fields if getattr(row, f"{name}_id") == unit.pk]
            for name in fields:
                new = self._routed(target, follower.involved(row)) if name in follower.decisions else target
                self.outcome.records.append([follower.label, row.pk, name, unit.code, new.code])
                setattr(row, name, new)
            if fields:
                changed.append(row)
                self.inherited[target.pk][follower.label] += 1
        self._write(follower.model, changed, list(follower.fields))
        return len(changed)

    def _reroute_above(self, unit: Unit, old_above: set[str], target: Unit, summary) -> None:
        """After a move: an open decision routed to a unit that is no longer above goes to the
        new parent (and up, past anyone with a part in it)."""
        subtree = list(Unit.objects.subtree(unit))
        old_ids = set(Unit.objects.filter(path__in=old_above).values_list("pk", flat=True))
        for follower in successors.followers():
            if not follower.decisions:
                continue
            changed = []
            for row in follower.open_rows(subtree):
                moved = False
                for name in follower.decisions:
                    if getattr(row, f"{name}_id") in old_ids:
                        new = self._routed(target, follower.involved(row))
                        self.outcome.records.append([follower.label, row.pk, name, "", new.code])
                        setattr(row, name, new)
                        moved = True
                changed.append(row) if moved else None
            self._write(follower.model, changed, list(follower.decisions))
            if changed:
                summary["records"][follower.label] = len(changed)

    # writing ----------------------------------------------------------------------------------

    def _save(self, obj: models.Model) -> None:
        obj._change_reason = self.reason
        obj.save()

    def _write(self, model: type[models.Model], rows: list[models.Model], fields: list[str], *,
               created: bool = False) -> None:  # fmt: skip
        """Rows changed (or `created`) in bulk, each with its history row — django-simple-history's
        bulk writer, the same rows its signal would have written one by one."""
        if not rows:
            return
        if created:
            rows = model._default_manager.bulk_create(rows, batch_size=500)
        else:
            model._default_manager.bulk_update(rows, fields, batch_size=500)
        history = get_history_manager_for_model(model).bulk_history_create(
            rows,
            update=not created,
            default_user=self.actor,
            default_change_reason=self.reason,
            batch_size=500,
        )
        audit.link_rows(type(history[0]), [entry.pk for entry in history])

    def _tell_heads(self) -> None:
        for unit in Unit.objects.filter(pk__in=self.closed_into).order_by("path"):
            head = RoleAssignment.objects.head_of(unit)
            received = self.inherited.get(unit.pk, Counter())
            tell([head], "units_inherited", unit, units=", ".join(self.closed_into[unit.pk]), unit=unit,
                 proposals=received["proposals.proposal"], pilots=received["pilots.pilot"],
                 cases=received["accountability.case"],
                 url=reverse("unit-detail", args=[unit.code]))  # fmt: skip


# --- import of units and people ------------------------------------------------------------------


@transaction.atomic
def people_import(*, actor: User, tables: imports.Tables, dry_run: bool = False) -> imports.Checked:
    """Units and people of an HR export, checked whole: with any problem (or a dry run) nothing
    changes and every problem is returned by line; else everything is created or updated in this
    transaction, through the same records as by hand (history, role notices), and each new person
    with an e-mail gets a link to set their password once it has committed."""
    ensure(permissions.can_reorganise(actor), _("Only an administrator changes the organisation."))
    checked = imports.check(tables)
    if dry_run or checked.problems:
        return checked
    reason = f"imported by {actor.username}"
    units = {unit.code: unit for unit in Unit.objects.all()}
    for entry in checked.new_units:
        unit = Unit(code=entry["code"], name=entry["name"], kind=entry["kind"] or Unit.Kind.OTHER,
                    parent=units.get(entry["parent"]))  # fmt: skip
        unit._change_reason = reason
        unit.save()
        units[unit.code] = unit
    for entry in checked.changed_units:
        unit = units[entry["code"]]
        unit.name, unit.kind = entry["name"], entry["kind"] or unit.kind
        unit.parent = units.get(entry["parent"])
        unit._change_reason = reason
        unit.save()
    people = {person.username: person for person in User.objects.filter(
        username__in=[entry["username"] for entry in checked.changed_people])}  # fmt: skip
    created = []
    for entry in [*checked.new_people, *checked.changed_people]:
        person = people.get(entry["username"]) or User(username=entry["username"])
        if person.pk is None:
            person.set_unusable_password()
            created.append(person)
        person.full_name, person.email = entry["full_name"], entry["email"]
        person.unit, person.position_type = units[entry["unit"]], entry["position_type"]
        person.is_party_member = entry["is_party_member"]
        person._change_reason = reason
        person.save()
        people[person.username] = person
    for username, role, code in checked.new_roles:
        person = people.get(username) or User.objects.get(username=username)
        portal_services.role_assign(actor=actor, user=person, role=role, unit=units[code], note=reason)
    welcome = [person.pk for person in created if person.email]
    if welcome:
        transaction.on_commit(lambda: enqueue("organisation.tasks.send_welcome", welcome))
    return checked
