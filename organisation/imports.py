"""Units and people brought in from a province's HR export: an XLSX workbook (read with openpyxl)
or CSV files (Python's csv module), one table of units — code, name, parent code, kind — and one of
people — username, full name, e-mail, unit code, position type, Party member, roles. A table is
known by its header row (English column names, or the Vietnamese ones in COLUMNS).

`read` turns the files into rows that remember where they came from (file, sheet, line); `check`
reads every row against the file and today's organisation and returns every problem, each naming
its line, with what applying would create or change. organisation/services.py applies it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import RoleAssignment, Unit, User

# column → the names a header may give it (the portal's, then a Vietnamese HR export's)
COLUMNS = {
    "code": ("code", "mã đơn vị", "ma_don_vi"),
    "name": ("name", "tên đơn vị", "ten_don_vi"),
    "parent": ("parent", "parent_code", "mã đơn vị cấp trên", "ma_don_vi_cap_tren"),
    "kind": ("kind", "loại", "loai"),
    "username": ("username", "tên đăng nhập", "ten_dang_nhap"),
    "full_name": ("full_name", "họ và tên", "ho_va_ten"),
    "email": ("email", "e-mail", "thư điện tử"),
    "unit": ("unit", "unit_code", "đơn vị", "don_vi"),
    "position_type": ("position_type", "loại vị trí", "loai_vi_tri"),
    "party_member": ("party_member", "đảng viên", "dang_vien"),
    "roles": ("roles", "vai trò", "vai_tro"),
}
UNIT_COLUMNS = ("code", "name", "parent", "kind")
PERSON_COLUMNS = ("username", "full_name", "email", "unit", "position_type", "party_member", "roles")
IMPORTED_ROLES = ("head", "deputy", "cadre", "inspector", "orgcom")  # never an administrator
YES, NO = {"1", "x", "yes", "true", "có", "co", "c"}, {"", "0", "no", "false", "không", "khong", "k"}
MAX_ROWS = 100_000
# What an import can find wrong with a row, by kind (each said with the row's file and line).
PROBLEMS = {
    "code_missing": gettext_lazy("the unit code is missing."),
    "bad_code": gettext_lazy("the unit code “%(code)s” may hold only letters, digits, - and _ (at most 32)."),
    "duplicate_code": gettext_lazy(
        "the unit code “%(code)s” appears twice in the file (first at %(first)s)."
    ),
    "name_missing": gettext_lazy("the unit's name is missing."),
    "unknown_kind": gettext_lazy("“%(kind)s” is not a kind of unit (%(kinds)s)."),
    "closed_unit": gettext_lazy("the unit “%(code)s” is closed; it cannot be changed by an import."),
    "unknown_parent": gettext_lazy("the parent unit “%(parent)s” is neither in the file nor in the portal."),
    "closed_parent": gettext_lazy("the parent unit “%(parent)s” is closed."),
    "cycle": gettext_lazy("the unit “%(code)s” would lie below itself (a cycle of parent codes)."),
    "username_missing": gettext_lazy("the username is missing."),
    "bad_username": gettext_lazy("“%(username)s” is not a valid username (letters, digits and @ . + - _)."),
    "duplicate_username": gettext_lazy(
        "the username “%(username)s” appears twice in the file (first at %(first)s)."
    ),
    "full_name_missing": gettext_lazy("the full name is missing."),
    "bad_email": gettext_lazy("“%(email)s” is not an e-mail address."),
    "duplicate_email": gettext_lazy("the e-mail “%(email)s” appears twice in the file (first at %(first)s)."),
    "email_taken": gettext_lazy("the e-mail “%(email)s” belongs to another person (%(owner)s)."),
    "unknown_unit": gettext_lazy("the unit “%(code)s” is neither in the file nor in the portal."),
    "closed_person_unit": gettext_lazy("the unit “%(code)s” is closed; name its successor."),
    "unknown_position": gettext_lazy("“%(value)s” is not a position type (%(values)s)."),
    "bad_party_member": gettext_lazy("Party member must be yes or no, not “%(value)s”."),
    "unknown_role": gettext_lazy("“%(role)s” is not a role an import gives (%(roles)s)."),
    "second_head": gettext_lazy("the unit “%(code)s” already has a head (%(head)s)."),
}
code_validator = RegexValidator(r"^[A-Za-z0-9_-]+$")


class UnreadableFile(Exception):
    """The files cannot be read at all (not a table, an unknown header)."""


@dataclass
class Row:
    where: str  # "units.csv, dòng 4"
    values: dict[str, str]


@dataclass
class Tables:
    units: list[Row] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)


@dataclass
class Checked:
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, what)
    new_units: list[dict[str, Any]] = field(default_factory=list)  # in an order parents come first
    changed_units: list[dict[str, Any]] = field(default_factory=list)
    new_people: list[dict[str, Any]] = field(default_factory=list)
    changed_people: list[dict[str, Any]] = field(default_factory=list)
    new_roles: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, unit code)

    @property
    def changes(self) -> int:
        return sum(map(len, (self.new_units, self.changed_units, self.new_people, self.changed_people,
                             self.new_roles)))  # fmt: skip


# --- reading -----------------------------------------------------------------------------------


def _header(cells: list[Any]) -> dict[int, str]:
    """Column position → the column it is, from a header row."""
    names = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
    return {n: names[str(cell).strip().lower()] for n, cell in enumerate(cells)
            if cell is not None and str(cell).strip().lower() in names}  # fmt: skip


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _add(tables: Tables, source: str, rows: list[tuple[int, list[Any]]]) -> None:
    if not rows:
        return
    (_first, header_cells), *data = rows
    header = _header(header_cells)
    kind = "people" if "username" in header.values() else "units" if "code" in header.values() else ""
    if not kind:
        raise UnreadableFile(
            _("%(source)s: the first row must name the columns (code, name, parent, kind or username, "
              "full_name, email, unit, position_type, party_member, roles).") % {"source": source}
        )  # fmt: skip
    if len(data) > MAX_ROWS:
        raise UnreadableFile(_("%(source)s: more than %(n)s rows.") % {"source": source, "n": MAX_ROWS})
    target = tables.people if kind == "people" else tables.units
    for line, cells in data:
        values = {column: _cell(cells[n]) if n < len(cells) else "" for n, column in header.items()}
        if any(values.values()):
            target.append(Row(_("%(source)s, line %(line)s") % {"source": source, "line": line}, values))


def read(files: list[tuple[str, bytes]]) -> Tables:
    """The tables in the uploaded files: each CSV is one table, each sheet of a workbook one."""
    tables = Tables()
    for name, content in files:
        if name.lower().endswith(".xlsx"):
            _read_workbook(tables, name, content)
        elif name.lower().endswith(".csv"):
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise UnreadableFile(
                    _("%(source)s: the file must be text in UTF-8.") % {"source": name}
                ) from None
            lines = list(csv.reader(io.StringIO(text, newline="")))
            _add(tables, name, list(enumerate(lines, start=1)))
        else:
            raise UnreadableFile(_("%(source)s: only .xlsx and .csv files are read.") % {"source": name})
    return tables


def _read_workbook(tables: Tables, name: str, content: bytes) -> None:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise UnreadableFile(_("%(source)s: not an Excel workbook (.xlsx).") % {"source": name}) from None
    for sheet in workbook.worksheets:
        rows = [(n, list(values)) for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
        _add(tables, f"{name} / {sheet.title}", rows)


# --- checking ----------------------------------------------------------------------------------


def check(tables: Tables) -> Checked:
    checked = Checked()
    units = {unit.code: unit for unit in Unit.objects.all()}
    file_units = _check_units(tables.units, units, checked)
    _check_people(tables.people, units, file_units, checked)
    return checked


def _sayer(checked: Checked):
    def say(where: str, problem: str, **params: Any) -> None:
        text = str(PROBLEMS[problem])
        checked.problems.append((where, text % params if params else text))

    return say


def _check_units(rows: list[Row], units: dict[str, Unit], checked: Checked) -> dict[str, dict]:
    say = _sayer(checked)
    seen: dict[str, dict] = {}
    kinds = set(Unit.Kind.values)
    for row in rows:
        value = row.values
        code, name, parent, kind = (value.get(column, "") for column in UNIT_COLUMNS)
        ok = True
        if not code:
            say(row.where, "code_missing")
            ok = False
        elif not _valid(code_validator, code) or len(code) > 32:
            say(row.where, "bad_code", code=code)
            ok = False
        elif code in seen:
            say(row.where, "duplicate_code", code=code, first=seen[code]["where"])
            ok = False
        if not name:
            say(row.where, "name_missing")
            ok = False
        if kind and kind not in kinds:
            say(row.where, "unknown_kind", kind=kind, kinds=", ".join(sorted(kinds)))
            ok = False
        if code in units and units[code].closed_on is not None:
            say(row.where, "closed_unit", code=code)
            ok = False
        if ok:
            seen[code] = {"where": row.where, "code": code, "name": name, "parent": parent, "kind": kind}
    for entry in seen.values():
        parent = entry["parent"]
        if not parent:
            continue
        if parent not in seen and parent not in units:
            say(entry["where"], "unknown_parent", parent=parent)
        elif parent not in seen and units[parent].closed_on is not None:
            say(entry["where"], "closed_parent", parent=parent)
    for code, entry in seen.items():
        if _in_cycle(code, seen, units):
            say(entry["where"], "cycle", code=code)
    _plan_units(seen, units, checked)
    return seen


def _parent_of(code: str, seen: dict[str, dict], units: dict[str, Unit]) -> str:
    if code in seen:
        return seen[code]["parent"]
    unit = units.get(code)
    return unit.parent.code if unit is not None and unit.parent_id else ""


def _in_cycle(code: str, seen: dict[str, dict], units: dict[str, Unit]) -> bool:
    visited, current = set(), code
    while current:
        if current in visited:
            return current == code or code in visited
        visited.add(current)
        current = _parent_of(current, seen, units)
    return False


def _plan_units(seen: dict[str, dict], units: dict[str, Unit], checked: Checked) -> None:
    """What the rows create or change, parents first."""
    if checked.problems:
        return
    placed: set[str] = set()

    def place(code: str) -> None:
        if code in placed or code not in seen:
            return
        placed.add(code)
        place(seen[code]["parent"])
        entry = seen[code]
        existing = units.get(code)
        if existing is None:
            checked.new_units.append(entry)
            return
        changes = {
            "name": entry["name"] if entry["name"] != existing.name else None,
            "kind": entry["kind"] if entry["kind"] and entry["kind"] != existing.kind else None,
            "parent": entry["parent"]
            if entry["parent"] != (existing.parent.code if existing.parent_id else "") else None,
        }  # fmt: skip
        if any(value is not None for value in changes.values()):
            checked.changed_units.append(
                {**entry, "changes": [k for k, v in changes.items() if v is not None]}
            )

    for code in seen:
        place(code)


def _valid(validator, value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def _check_people(
    rows: list[Row], units: dict[str, Unit], file_units: dict[str, dict], checked: Checked
) -> None:
    say = _sayer(checked)
    people = {person.username: person for person in User.objects.select_related("unit")}
    emails = {person.email.lower(): person.username for person in people.values() if person.email}
    heads = {code: username for username, code in RoleAssignment.objects.current()
             .filter(role="head").values_list("user__username", "unit__code")}  # fmt: skip
    current = set(RoleAssignment.objects.current().values_list("user__username", "role", "unit__code"))
    positions = set(User.PositionType.values)
    seen: dict[str, str] = {}
    seen_emails: dict[str, str] = {}
    for row in rows:
        value = row.values
        username, full_name, email, unit, position, party, roles = (value.get(c, "") for c in PERSON_COLUMNS)
        ok = True
        if not username:
            say(row.where, "username_missing")
            ok = False
        elif not _valid(UnicodeUsernameValidator(), username) or len(username) > 150:
            say(row.where, "bad_username", username=username)
            ok = False
        elif username in seen:
            say(row.where, "duplicate_username", username=username, first=seen[username])
            ok = False
        if not full_name:
            say(row.where, "full_name_missing")
        if email and not _valid(validate_email, email):
            say(row.where, "bad_email", email=email)
        elif email:
            owner = emails.get(email.lower())
            if email.lower() in seen_emails:
                say(row.where, "duplicate_email", email=email, first=seen_emails[email.lower()])
            elif owner is not None and owner != username:
                say(row.where, "email_taken", email=email, owner=owner)
            seen_emails[email.lower()] = row.where
        if not unit:
            say(row.where, "code_missing")
        elif unit not in units and unit not in file_units:
            say(row.where, "unknown_unit", code=unit)
        elif unit in units and units[unit].closed_on is not None:
            say(row.where, "closed_person_unit", code=unit)
        if position and position not in positions:
            say(row.where, "unknown_position", value=position, values=", ".join(sorted(positions)))
        if party.lower() not in YES | NO:
            say(row.where, "bad_party_member", value=party)
        wanted = [role.strip() for role in roles.replace(",", ";").split(";") if role.strip()]
        for role in wanted:
            if role not in IMPORTED_ROLES:
                say(row.where, "unknown_role", role=role, roles=", ".join(IMPORTED_ROLES))
        if "head" in wanted and unit and heads.get(unit, username) != username:
            say(row.where, "second_head", code=unit, head=heads[unit])
        elif "head" in wanted and unit:
            heads[unit] = username
        if ok:
            seen[username] = row.where
        if not checked.problems:
            _plan_person(
                people.get(username), value, wanted, current, checked, party=party, position=position
            )


def _plan_person(existing, value, wanted, current, checked: Checked, *, party: str, position: str) -> None:
    """A new person, or what changes for one: an empty e-mail, position type or Party member
    leaves what the portal has."""
    entry = {"username": value["username"], "full_name": value["full_name"], "email": value.get("email", ""),
             "unit": value["unit"], "position_type": position or User.PositionType.OTHER_STAFF,
             "is_party_member": party.lower() in YES}  # fmt: skip
    given = {"full_name": True, "email": bool(entry["email"]), "position_type": bool(position),
             "is_party_member": bool(party)}  # fmt: skip
    if existing is None:
        checked.new_people.append(entry)
    else:
        for name, is_given in given.items():
            if not is_given:
                entry[name] = getattr(existing, name)
        differs = [name for name in given if getattr(existing, name) != entry[name]]
        if (existing.unit.code if existing.unit_id else "") != entry["unit"]:
            differs.append("unit")
        if differs:
            checked.changed_people.append({**entry, "changes": differs})
    for role in wanted:
        if (entry["username"], role, entry["unit"]) not in current:
            checked.new_roles.append((entry["username"], role, entry["unit"]))
