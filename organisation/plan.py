"""A reorganisation plan as an administrator writes it (YAML, or JSON, which YAML reads too):

    reference: Nghị quyết 1656/NQ-UBTVQH15
    effective_on: 2025-07-01
    steps:
      - merge: [XA_A, XA_B]          # closed, their open records to `into`
        into: XA_MOI                 # an existing unit, or a new one when `name` is given
        name: Xã Mới
        kind: commune
        parent: TINH                 # a new unit's parent: by default the first merged unit's
      - split: XA_C                  # closed, its people, units and open records shared out
        into:
          - {code: XA_C1, name: Xã C1}   # a new unit (beside XA_C unless `parent`), or an existing one
          - {code: XA_C2, name: Xã C2}
        people: {cadre_x: XA_C2}     # by hand; everyone else goes to the first
        units: {PHONG_Y: XA_C2}      # its open units below
        records: {"proposals.proposal:12": XA_C2}   # else a record follows its person
      - move: PHONG_X                # a subtree under another parent
        to: SNV
      - rename: SNV
        name: Sở Nội vụ
        code: SNV2

`read` parses the text, `check` reads it against the units and people of today and returns every
problem at once, each naming its step; the canonical form (`normalised`) is what is stored and
fingerprinted, so the same plan loaded twice is recognised."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from portal.errors import DomainError
from portal.models import Unit, User

KINDS = ("merge", "split", "move", "rename")


class PlanError(DomainError):
    """The plan cannot be read or applied: every problem found, in the reader's language."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class NewUnit:
    code: str
    name: str = ""
    kind: str = ""
    parent: str = ""

    @property
    def is_new(self) -> bool:
        return bool(self.name)


@dataclass
class Step:
    kind: str
    units: list[str]  # merge: the merged; split, move, rename: the one unit
    into: list[NewUnit] = field(default_factory=list)  # merge: one; split: two or more
    to: str = ""  # move
    name: str = ""  # rename
    code: str = ""  # rename
    people: dict[str, str] = field(default_factory=dict)
    children: dict[str, str] = field(default_factory=dict)
    records: dict[str, str] = field(default_factory=dict)


@dataclass
class Plan:
    reference: str
    effective_on: datetime.date
    steps: list[Step]
    data: dict[str, Any]  # the canonical form

    @property
    def fingerprint(self) -> str:
        text = json.dumps(self.data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def read(text: str | bytes) -> Plan:
    """The plan in `text`; PlanError naming what cannot be read."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _("line %(line)s") % {"line": mark.line + 1} if mark else ""
        raise PlanError([_("The plan cannot be read (%(where)s).") % {"where": where or "?"}]) from error
    if not isinstance(data, dict):
        raise PlanError([_("The plan must have a reference, an effective date and steps.")])
    return normalised(data)


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _codes(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [_text(item) for item in value if _text(item)]
    return [_text(value)] if _text(value) else []


def _mapping(value: Any) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _new_unit(value: Any) -> NewUnit:
    if isinstance(value, dict):
        return NewUnit(
            _text(value.get("code")),
            _text(value.get("name")),
            _text(value.get("kind")),
            _text(value.get("parent")),
        )
    return NewUnit(_text(value))


def normalised(data: dict[str, Any]) -> Plan:
    problems: list[str] = []
    reference = _text(data.get("reference"))
    if not reference:
        problems.append(_("The plan names no decision (reference)."))
    raw_date = data.get("effective_on")
    effective_on = raw_date if isinstance(raw_date, datetime.date) else parse_date(_text(raw_date) or "-")
    if effective_on is None:
        problems.append(_("The effective date (effective_on) must be a date such as 2025-07-01."))
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.append(_("The plan has no steps."))
        raw_steps = []
    steps = []
    for number, raw in enumerate(raw_steps, start=1):
        kinds = [kind for kind in KINDS if isinstance(raw, dict) and kind in raw]
        if len(kinds) != 1:
            problems.append(_("Step %(n)s: say one of merge, split, move or rename.") % {"n": number})
            continue
        kind = kinds[0]
        step = Step(kind=kind, units=_codes(raw[kind]))
        if kind == "merge":
            step.into = [NewUnit(_text(raw.get("into")), _text(raw.get("name")), _text(raw.get("kind")),
                                 _text(raw.get("parent")))]  # fmt: skip
        elif kind == "split":
            step.into = [_new_unit(item) for item in raw.get("into") or []]
            step.people, step.children = _mapping(raw.get("people")), _mapping(raw.get("units"))
            step.records = _mapping(raw.get("records"))
        elif kind == "move":
            step.to = _text(raw.get("to"))
        else:
            step.name, step.code = _text(raw.get("name")), _text(raw.get("code"))
        steps.append(step)
    if problems:
        raise PlanError(problems)
    canonical = {
        "reference": reference,
        "effective_on": effective_on.isoformat(),
        "steps": [_canonical(step) for step in steps],
    }
    return Plan(reference, effective_on, steps, canonical)


def _canonical(step: Step) -> dict[str, Any]:
    out: dict[str, Any] = {step.kind: step.units}
    if step.into:
        out["into"] = [vars(unit) for unit in step.into]
    for name in ("to", "name", "code", "people", "children", "records"):
        if getattr(step, name):
            out[name] = getattr(step, name)
    return out


def with_steps(plan: Plan, steps: list[Step]) -> Plan:
    """The same plan with other steps (its canonical form and fingerprint follow)."""
    return Plan(
        plan.reference, plan.effective_on, steps, {**plan.data, "steps": [_canonical(s) for s in steps]}
    )


def from_stored(data: dict[str, Any]) -> Plan:
    """The plan of a stored reorganisation (its canonical form read back)."""
    steps = []
    for raw in data["steps"]:
        kind = next(kind for kind in KINDS if kind in raw)
        steps.append(
            Step(
                kind=kind, units=list(raw[kind]), into=[NewUnit(**unit) for unit in raw.get("into", [])],
                to=raw.get("to", ""), name=raw.get("name", ""), code=raw.get("code", ""),
                people=raw.get("people", {}), children=raw.get("children", {}),
                records=raw.get("records", {}),
            )
        )  # fmt: skip
    return Plan(data["reference"], datetime.date.fromisoformat(data["effective_on"]), steps, data)


# --- checking against today's organisation --------------------------------------------------------


def check(plan: Plan) -> list[str]:
    """Every problem of the plan against the units and people of today, each naming its step.
    Steps are read in order, so a later step may use a unit an earlier one creates."""
    units = {unit.code: unit for unit in Unit.objects.all()}
    created: set[str] = set()
    problems: list[str] = []
    for number, step in enumerate(plan.steps, start=1):
        for problem in _step_problems(step, units, created):
            problems.append(_("Step %(n)s: %(problem)s") % {"n": number, "problem": problem})
        created |= {unit.code for unit in step.into if unit.is_new and unit.code not in units}
    return problems


def _known(code: str, units: dict[str, Unit], created: set[str]) -> str | None:
    """A problem when `code` names no unit (of today, or made by an earlier step)."""
    if not code:
        return _("a unit code is missing.")
    if code not in units and code not in created:
        return _("there is no unit “%(code)s”.") % {"code": code}
    return None


def _merged_already(step: Step, code: str, units: dict[str, Unit]) -> bool:
    """A merge applied before (the same file loaded again): the unit is closed into its target."""
    target = units.get(step.into[0].code) if step.kind == "merge" and step.into else None
    return target is not None and units[code].successor_id == target.pk


def _step_problems(step: Step, units: dict[str, Unit], created: set[str]) -> list[str]:
    problems = []
    if not step.units:
        return [_("name the unit(s) it changes.")]
    if step.kind != "merge" and len(step.units) > 1:
        return [_("a split, a move or a renaming changes one unit at a time.")]
    for code in step.units:
        problem = _known(code, units, created)
        if problem:
            problems.append(problem)
        elif code in units and units[code].closed_on is not None and not _merged_already(step, code, units):
            problems.append(_("the unit “%(code)s” is closed.") % {"code": code})
    if len(set(step.units)) != len(step.units):
        problems.append(_("a unit is named twice."))
    if step.kind in ("merge", "split"):
        problems += _successor_problems(step, units, created)
    if step.kind == "split":
        problems += _share_problems(step)
    if step.kind == "move":
        problem = _known(step.to, units, created)
        moved = units.get(step.units[0])
        target = units.get(step.to)
        if problem:
            problems.append(problem)
        elif moved and target and target.path.startswith(moved.path):
            problems.append(_("a unit cannot be placed under itself."))
        elif target and target.closed_on is not None:
            problems.append(_("the unit “%(code)s” is closed.") % {"code": step.to})
    if step.kind == "rename":
        if not step.name and not step.code:
            problems.append(_("give the new name or the new code."))
        if step.code and step.code in units and step.code != step.units[0]:
            problems.append(_("the code “%(code)s” is already used.") % {"code": step.code})
    return problems


def _successor_problems(step: Step, units: dict[str, Unit], created: set[str]) -> list[str]:
    problems = []
    wanted = 1 if step.kind == "merge" else 2
    if len(step.into) < wanted or (step.kind == "merge" and not step.into[0].code):
        problems.append(
            _("name the unit they are merged into.") if step.kind == "merge"
            else _("a split needs at least two successor units.")
        )  # fmt: skip
    kinds = set(Unit.Kind.values)
    for successor in step.into:
        if not successor.code:
            continue
        if successor.code in step.units:
            problems.append(_("“%(code)s” cannot succeed itself.") % {"code": successor.code})
        if successor.is_new:
            if successor.code in units or successor.code in created:
                problems.append(_("the code “%(code)s” is already used.") % {"code": successor.code})
            if successor.kind and successor.kind not in kinds:
                problems.append(_("“%(kind)s” is not a kind of unit.") % {"kind": successor.kind})
            if successor.parent:
                problem = _known(successor.parent, units, created)
                problems += [problem] if problem else []
        else:
            problem = _known(successor.code, units, created)
            if problem:
                problems.append(problem)
            elif successor.code in units:
                unit = units[successor.code]
                if unit.closed_on is not None:
                    problems.append(_("the unit “%(code)s” is closed.") % {"code": successor.code})
                if any(unit.path.startswith(units[code].path) for code in step.units if code in units):
                    problems.append(
                        _("“%(code)s” lies inside a unit that closes.") % {"code": successor.code}
                    )
    return problems


def _share_problems(step: Step) -> list[str]:
    problems = []
    successors = {unit.code for unit in step.into}
    users = set(User.objects.filter(username__in=step.people).values_list("username", flat=True))
    for username, code in step.people.items():
        if username not in users:
            problems.append(_("there is no person “%(username)s”.") % {"username": username})
        if code not in successors:
            problems.append(_("“%(code)s” is not one of the successor units.") % {"code": code})
    for record, code in {**step.children, **step.records}.items():
        if code not in successors:
            problems.append(_("“%(code)s” is not one of the successor units.") % {"code": code})
        if record in step.records and (":" not in record or not record.rpartition(":")[2].isdigit()):
            problems.append(
                _("“%(record)s” does not name a record (write it as proposals.proposal:12).")
                % {"record": record}
            )
    return problems
