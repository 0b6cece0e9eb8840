"""A split shared out by hand, before it is applied: the people, the open units below and the open
records of the unit a split closes, each with the part the plan now gives it — by hand, or by the
rule (a record follows its person; everyone and everything else goes to the first part) — and the
plan with an administrator's choices (only those that differ from the rule are written down, so a
person moved by hand takes along the records that follow them)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from organisation.plan import Plan, PlanError, Step, with_steps
from portal import successors
from portal.models import Unit, User

# Records listed on the page for one split; the others follow their person (or the plan file).
LIMIT = 300


@dataclass(frozen=True)
class Share:
    """One thing the split shares out: `key` is the form's field ("person:cadre_x", "unit:PHONG",
    "record:proposals.proposal:12"), `part` the code of the part it goes to."""

    key: str
    kind: str  # person, unit or record
    label: str
    part: str
    by_hand: bool
    person: int | None = None  # a record's: the person it follows by the rule


@dataclass(frozen=True)
class Split:
    index: int  # the step's place in the plan, from 0
    unit: Unit
    parts: list[str]
    shares: list[Share]
    more: int  # records past LIMIT, not listed
    names: dict[str, str]  # each part's code → its name (a new unit's from the plan)


def _rule(step: Step, person: int | None, people: dict[int, str]) -> str:
    return people.get(person) or step.into[0].code


def person_of(row, path: str) -> int | None:
    """The person a row follows in a split: `path` is "author_id" or "proposal__author_id"."""
    value = row
    for part in path.split("__") if path else []:
        value = getattr(value, part, None)
    return value if isinstance(value, int) else None


def _open_unit(step: Step | None) -> Unit | None:
    """The unit a split step closes, while it is open (else None)."""
    if step is None or step.kind != "split":
        return None
    return Unit.objects.filter(code=step.units[0], closed_on__isnull=True).first()


def splits(plan: Plan) -> list[Split]:
    """Each split step of the plan whose unit is still open, with what it shares out today."""
    steps = [(index, step, _open_unit(step)) for index, step in enumerate(plan.steps)]
    return [_split(index, step, unit) for index, step, unit in steps if unit is not None]


def _split(index: int, step: Step, unit: Unit) -> Split:
    first = step.into[0].code
    members = list(User.objects.filter(unit=unit).order_by("full_name", "username"))
    people = {person.pk: step.people.get(person.username, first) for person in members}
    shares = [
        Share(f"person:{p.username}", "person", f"{p.full_name} ({p.username})", people[p.pk],
              p.username in step.people)
        for p in members
    ]  # fmt: skip
    for child in Unit.objects.filter(parent=unit, closed_on__isnull=True).order_by("path"):
        shares.append(Share(f"unit:{child.code}", "unit", str(child), step.children.get(child.code, first),
                            child.code in step.children))  # fmt: skip
    listed, total = 0, 0
    for follower in successors.followers():
        rows = follower.open_rows([unit])
        total += rows.count()
        for row in rows[: max(LIMIT - listed, 0)]:
            key = f"{follower.label}:{row.pk}"
            person = person_of(row, follower.person)
            part = step.records.get(key) or _rule(step, person, people)
            label = f"{str(follower.model._meta.verbose_name).capitalize()}: {row}"
            shares.append(Share(f"record:{key}", "record", label, part, key in step.records, person))
            listed += 1
    existing = dict(
        Unit.objects.filter(code__in=[part.code for part in step.into]).values_list("code", "name")
    )
    names = {part.code: existing.get(part.code) or part.name or part.code for part in step.into}
    return Split(index, unit, list(names), shares, total - listed, names)


def shared(plan: Plan, index: int, choices: dict[str, str]) -> Plan:
    """The plan with the choices (form field → part code) for the split at `index`, each checked
    against what that split shares out; PlanError naming each choice that cannot be. A choice of
    the part something goes to already is no choice: the page sends every row."""
    step = plan.steps[index] if 0 <= index < len(plan.steps) else None
    unit = _open_unit(step)
    if unit is None:
        raise PlanError(
            [_("This step of the plan shares nothing out by hand: it is not a split of an open unit.")]
        )
    split = _split(index, step, unit)
    known = {share.key: share for share in split.shares}
    problems = [
        _("“%(choice)s” is not a part of this split.") % {"choice": part}
        for part in sorted(set(choices.values()) - set(split.parts))
    ] + [
        _("“%(key)s” is not something this split shares out.") % {"key": key}
        for key in sorted(set(choices) - set(known))
    ]
    if problems:
        raise PlanError(problems)
    choices = {key: part for key, part in choices.items() if known[key].part != part}
    first = split.parts[0]
    people = {key.removeprefix("person:"): part for key, part in choices.items() if key.startswith("person:")}
    kept_people = {**step.people, **people}
    kept_people = {name: part for name, part in kept_people.items() if part != first}
    children = {**step.children, **{key.removeprefix("unit:"): part for key, part in choices.items()
                                     if key.startswith("unit:")}}  # fmt: skip
    children = {code: part for code, part in children.items() if part != first}
    by_person = {
        person.pk: kept_people.get(person.username, first) for person in User.objects.filter(unit=unit)
    }
    records = dict(step.records)
    for key, part in choices.items():
        if key.startswith("record:"):
            label_pk = key.removeprefix("record:")
            records.pop(label_pk, None)
            if part != _rule(step, known[key].person, by_person):
                records[label_pk] = part
    changed = replace(step, people=kept_people, children=children, records=records)
    return with_steps(plan, [changed if n == index else other for n, other in enumerate(plan.steps)])
