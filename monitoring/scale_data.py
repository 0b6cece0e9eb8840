"""Generated data at the size of a whole country (issue "Scale"), for `generate_scale_data`.

Units after the 2025 reform (one national root, ministries with their departments, 34 provinces
of very different sizes with their departments and communes), people spread over them in
proportion to a unit's size, proposals in every state written by those people, pilots of the
approved ones in every state with implementers, indicators, progress reports and indicator
values, accountability cases of the failed evaluations, history rows and transition rows for
every state change, and the per-object grants the services give (co-implementers, implementers,
inspectors).

Every row is made by the database in `INSERT … SELECT` statements over a series, so a million
proposals take minutes. Randomness is a hash of (seed, what, row number): the same seed gives
the same rows, on PostgreSQL and on SQLite (where the same functions are registered in Python).
Rows go straight into the tables, as a migration would: the services are not called, so no
notification is sent and the audit chain does not cover them (`audit_adopt` adopts them).
"""

from __future__ import annotations

import datetime
import hashlib
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import connection, models, transaction
from django.utils import timezone

from accountability.models import Case
from pilots.models import Indicator, IndicatorValue, Pilot, PilotTransition, ProgressReport
from portal.models import PATH_STEP, RoleAssignment, Unit, User
from proposals.models import Proposal, ProposalTransition

SQLITE_LIMIT = 20_000  # proposals: above this SQLite takes too long and locks the file meanwhile
BENCH_PASSWORD = "scale-bench-password"  # the personas' password (a generated database only)
PERSONAS = (
    "scale_national_head",
    "scale_province_head",
    "scale_commune_head",
    "scale_cadre",
    "scale_inspector",
    "scale_orgcom",
)

# Shares of proposals by status (the rest of 1.0 is "approved")
PROPOSAL_SHARES = (
    ("draft", 0.05),
    ("submitted", 0.08),
    ("returned", 0.03),
    ("withdrawn", 0.03),
    ("collective_rejected", 0.02),
    ("rejected", 0.12),
    ("approved_by_head", 0.07),
)
PILOT_SHARES = (
    ("planned", 0.04),
    ("suspended", 0.03),
    ("terminated", 0.03),
    ("completed", 0.04),
    ("under_evaluation", 0.06),
    ("evaluated", 0.40),
)  # the rest (0.40) is "active"
REPORTING = ("active", "suspended", "terminated", "completed", "under_evaluation", "evaluated")
RUNNING = "('planned', 'active', 'suspended')"
DONE = "('completed', 'under_evaluation', 'evaluated')"
REPORTED = "('under_evaluation', 'evaluated')"


@dataclass
class Sizes:
    units: int = 5_000
    users: int = 300_000
    proposals: int = 1_000_000
    pilots: int = 250_000
    reports: int = 3_000_000
    seed: int = 14


@dataclass
class Made:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    personas: dict[str, int] = field(default_factory=dict)


class Refused(Exception):
    """The database cannot take this generation (told to the operator as it is)."""


# --- the same few functions on both databases --------------------------------------------------


def _unit_interval(seed: int, tag: str, i: int) -> float:
    digest = hashlib.md5(f"{seed}:{tag}:{i}".encode(), usedforsecurity=False).hexdigest()
    return int(digest[:8], 16) / 4294967296.0


class Dialect:
    """What differs between PostgreSQL and SQLite, as functions both can call."""

    def __init__(self, cursor, seed: int, today: datetime.date) -> None:
        self.cursor = cursor
        self.postgres = connection.vendor == "postgresql"
        self.fn = "pg_temp." if self.postgres else ""
        self.today = today
        if self.postgres:
            self._postgres_functions(seed)
        else:
            self._sqlite_functions(seed)

    def _postgres_functions(self, seed: int) -> None:
        today = self.today.isoformat()
        for sql in (
            f"""CREATE FUNCTION pg_temp.rnd(i bigint, tag text) RETURNS double precision
                IMMUTABLE LANGUAGE sql AS $$ SELECT ('x' || substr(md5('{seed}:' || tag || ':' || i), 1, 8))
                ::bit(32)::bigint / 4294967296.0 $$""",
            """CREATE FUNCTION pg_temp.pick(i bigint, tag text, n bigint) RETURNS bigint
                IMMUTABLE LANGUAGE sql AS $$ SELECT floor(pg_temp.rnd(i, tag) * n)::bigint $$""",
            f"""CREATE FUNCTION pg_temp.day(offset_days bigint) RETURNS date
                IMMUTABLE LANGUAGE sql AS $$ SELECT DATE '{today}' + offset_days::int $$""",
            """CREATE FUNCTION pg_temp.add_days(d date, n bigint) RETURNS date
                IMMUTABLE LANGUAGE sql AS $$ SELECT d + n::int $$""",
            """CREATE FUNCTION pg_temp.stamp(d date, i bigint) RETURNS timestamptz
                IMMUTABLE LANGUAGE sql AS $$ SELECT (d + time '08:00' + (i % 28800) * interval '1 second')
                AT TIME ZONE 'Asia/Ho_Chi_Minh' $$""",
        ):
            self.cursor.execute(sql)

    def _sqlite_functions(self, seed: int) -> None:
        raw = connection.connection
        today = self.today
        zone = datetime.timezone(datetime.timedelta(hours=7))

        def stamp(day: str, i: int) -> str:
            local = datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(8), zone)
            moment = (local + datetime.timedelta(seconds=i % 28800)).astimezone(datetime.UTC)
            return moment.strftime("%Y-%m-%d %H:%M:%S")

        raw.create_function("rnd", 2, lambda i, tag: _unit_interval(seed, tag, i), deterministic=True)
        raw.create_function(
            "pick", 3, lambda i, tag, n: int(_unit_interval(seed, tag, i) * n), deterministic=True
        )
        raw.create_function(
            "day", 1, lambda n: (today + datetime.timedelta(days=n)).isoformat(), deterministic=True
        )
        raw.create_function(
            "add_days",
            2,
            lambda d, n: (datetime.date.fromisoformat(d) + datetime.timedelta(days=n)).isoformat(),
            deterministic=True,
        )
        raw.create_function("stamp", 2, stamp, deterministic=True)
        self.cursor.execute("CREATE TEMP TABLE series (n INTEGER PRIMARY KEY)")

    def series(self, count: int, alias: str = "g") -> str:
        """A FROM item of the numbers 1 … count as `alias.n`."""
        if self.postgres:
            return f"generate_series(1, {int(count)}) AS {alias}(n)"
        self.cursor.execute("SELECT COALESCE(MAX(n), 0) FROM series")
        have = self.cursor.fetchone()[0]
        if have < count:
            self.cursor.execute(
                "WITH RECURSIVE s(n) AS (SELECT %s UNION ALL SELECT n + 1 FROM s WHERE n < %s) "
                "INSERT INTO series SELECT n FROM s",
                [have + 1, count],
            )
        return f"(SELECT n FROM series WHERE n <= {int(count)}) AS {alias}"

    def json(self, text: str) -> str:
        return f"'{text}'::jsonb" if self.postgres else f"'{text}'"


def _literal(cursor, value) -> str:
    from psycopg2.extras import Json  # only reached on PostgreSQL for dicts

    if isinstance(value, dict):
        value = Json(value) if connection.vendor == "postgresql" else "{}"
    elif isinstance(value, str):
        value = str(value)  # a TextChoices member is a str subclass
    elif isinstance(value, datetime.datetime) and connection.vendor != "postgresql":
        value = value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    if connection.vendor == "postgresql":
        return cursor.mogrify("%s", [value]).decode()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def insert(cursor, model: type[models.Model], select: dict[str, str], source: str) -> int:
    """INSERT INTO the model's table SELECT the given expressions FROM `source`; every other
    NOT NULL column gets its field's default (or the empty value of its type)."""
    columns, expressions = [], []
    for model_field in model._meta.concrete_fields:
        column = model_field.column
        if column in select:
            expression = select.pop(column)
        elif model_field.null or isinstance(model_field, models.AutoField):
            continue
        else:
            default = model_field.get_default() if model_field.has_default() else None
            if callable(default) or default is None:
                default = {
                    "BooleanField": False,
                    "JSONField": {},
                    "DateTimeField": timezone.now(),
                    "DateField": timezone.localdate(),
                }.get(
                    model_field.get_internal_type(), 0 if isinstance(model_field, models.IntegerField) else ""
                )
            expression = _literal(cursor, default)
        columns.append(column)
        expressions.append(expression)
    if select:
        raise LookupError(f"{model.__name__} has no columns {sorted(select)}")
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM {source}"
    )
    return cursor.rowcount


def insert_history(cursor, model: type[models.Model], source: str, overrides: dict[str, str]) -> int:
    """History rows of `model` copied from its rows (`s` in `source`), as simple_history writes
    them, with `overrides` for what differs at that moment."""
    history = model.history.model
    tracked = {f.column for f in history._meta.concrete_fields} - {
        "history_id",
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
    }
    select = {column: f"s.{column}" for column in tracked}
    select.update(overrides)
    return insert(cursor, history, select, source)


def _shares(expression: str, shares: tuple[tuple[str, float], ...], rest: str) -> str:
    """CASE over a uniform [0, 1) expression giving each value its share."""
    parts, edge = [], 0.0
    for value, share in shares:
        edge += share
        parts.append(f"WHEN {expression} < {edge:.4f} THEN '{value}'")
    return f"CASE {' '.join(parts)} ELSE '{rest}' END"


# --- the generation --------------------------------------------------------------------------


def generate(sizes: Sizes, *, stdout=None) -> Made:
    """Fill an empty portal database; refuse one that already holds units."""
    if (
        connection.vendor != "postgresql"
        and max(sizes.proposals, sizes.users, sizes.reports / 3) > SQLITE_LIMIT
    ):
        raise Refused(
            f"SQLite takes at most {SQLITE_LIMIT:,} generated proposals and people: it writes from one "
            "process, holds the whole file locked meanwhile and has no parallel plans, so the national size "
            "would take hours and measure nothing a deployment runs. Set DATABASE_URL to PostgreSQL."
        )
    if Unit.objects.exists():
        raise Refused("the database already holds units: generate into an empty, migrated database")
    if sizes.units < 200 or sizes.users < sizes.units * 3:
        raise Refused("at least 200 units and three people per unit")
    made = Made()
    with transaction.atomic(), connection.cursor() as cursor:
        dialect = Dialect(cursor, sizes.seed, timezone.localdate())
        steps = (
            ("units", lambda: _units(cursor, sizes)),
            ("users", lambda: _users(cursor, dialect, sizes)),
            ("roles", lambda: _roles(cursor, dialect)),
            ("proposals", lambda: _proposals(cursor, dialect, sizes)),
            ("pilots", lambda: _pilots(cursor, dialect, sizes)),
            ("reports", lambda: _reports(cursor, dialect, sizes)),
            ("cases", lambda: _cases(cursor, dialect)),
            ("grants", lambda: _grants(cursor, dialect)),
        )
        for name, step in steps:
            started = time.perf_counter()
            made.counts[name] = step()
            made.seconds[name] = time.perf_counter() - started
            if stdout:
                stdout.write(f"  {name}: {made.counts[name]:,} rows in {made.seconds[name]:.1f} s")
        made.personas = _personas(cursor, make_password(BENCH_PASSWORD))
        _reset_sequences(cursor)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does on a live database after such a load
    return made


def _units(cursor, sizes: Sizes) -> int:
    """The tree, built here (5,000 rows): root, ministries with departments, provinces with
    departments and communes; communes shared out by a skewed weight (a few big provinces)."""
    rows: list[tuple] = []  # (id, code, name, kind, parent, province, weight)

    def add(code: str, name: str, kind: str, parent: int | None, province: int | None, weight: int) -> int:
        rows.append((len(rows) + 1, code, name, kind, parent, province, weight))
        return len(rows)

    root = add("VN", "Chính phủ", "peoples_committee", None, None, 20)
    scale = sizes.units / 5000
    ministries = max(2, round(30 * scale))
    provinces = max(3, round(34 * scale)) if scale < 1 else 34
    for m in range(ministries):
        ministry = add(f"BO{m + 1:02d}", f"Bộ {m + 1}", "ministry", root, None, 10)
        for d in range(10):
            add(
                f"BO{m + 1:02d}-V{d + 1:02d}", f"Vụ {d + 1} thuộc Bộ {m + 1}", "department", ministry, None, 6
            )
    province_ids = []
    for p in range(provinces):
        province = add(f"T{p + 1:02d}", f"Tỉnh {p + 1}", "peoples_committee", root, None, 10)
        province_ids.append(province)
        for d in range(20):
            add(f"T{p + 1:02d}-S{d + 1:02d}", f"Sở {d + 1} tỉnh {p + 1}", "department", province, province, 5)
    communes = sizes.units - len(rows)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(provinces)]
    total = sum(weights)
    shares = [max(1, int(communes * w / total)) for w in weights]
    shares[0] += communes - sum(shares)
    for p, (province, count) in enumerate(zip(province_ids, shares, strict=True)):
        for c in range(count):
            add(f"T{p + 1:02d}-X{c + 1:04d}", f"Xã {c + 1} tỉnh {p + 1}", "commune", province, province, 1)
    rows = rows[: sizes.units]
    paths: dict[int, str] = {}
    values = []
    for pk, code, name, kind, parent, _province, _weight in rows:
        paths[pk] = (paths[parent] if parent else "") + f"{pk:0{PATH_STEP}d}/"
        depth = paths[pk].count("/") - 1
        values.append((pk, code, name, kind, parent, paths[pk], depth))
    Unit.objects.bulk_create(
        [Unit(id=pk, code=code, name=name, kind=kind, parent_id=parent, path=path, depth=depth)
         for pk, code, name, kind, parent, path, depth in values],
        batch_size=2000,
    )  # fmt: skip
    cursor.execute(
        "CREATE TEMP TABLE scale_unit "
        "(id bigint PRIMARY KEY, province bigint, weight int, lo bigint, hi bigint)"
    )
    low = 0
    unit_rows = []
    for pk, _code, _name, _kind, _parent, province, weight in rows:
        unit_rows.append((pk, province or pk, weight, low, low + weight))
        low += weight
    _many(cursor, "INSERT INTO scale_unit VALUES (%s, %s, %s, %s, %s)", unit_rows)
    cursor.execute("CREATE INDEX scale_unit_lo ON scale_unit (lo)")
    insert_history(
        cursor,
        Unit,
        "portal_unit s",
        {
            "history_date": _literal(cursor, timezone.now()),
            "history_type": "'+'",
            "history_change_reason": "'created'",
        },
    )
    cursor.execute("CREATE TEMP TABLE scale_meta (name text PRIMARY KEY, value bigint)")
    _many(
        cursor,
        "INSERT INTO scale_meta VALUES (%s, %s)",
        [
            ("units", len(rows)),
            ("weight", low),
            ("provinces", provinces),
            ("first_province", province_ids[0]),
        ],
    )
    return len(rows)


def _many(cursor, sql: str, rows: list[tuple]) -> None:
    for start in range(0, len(rows), 1000):
        cursor.executemany(sql, rows[start : start + 1000])


def _meta(cursor, name: str) -> int:
    cursor.execute("SELECT value FROM scale_meta WHERE name = %s", [name])
    return cursor.fetchone()[0]


def _users(cursor, dialect: Dialect, sizes: Sizes) -> int:
    """Person k ≤ units heads unit k; the next two per province and ministry are its inspectors,
    one per province its Organisation Committee member; everyone else is a cadre, in a unit
    drawn by the units' weights."""
    fn, units, weight = dialect.fn, _meta(cursor, "units"), _meta(cursor, "weight")
    cursor.execute("CREATE TEMP TABLE scale_staff (n bigint PRIMARY KEY, unit_id bigint, role text)")
    cursor.execute("INSERT INTO scale_staff SELECT u.id, u.id, 'head' FROM portal_unit u")
    cursor.execute(
        f"""INSERT INTO scale_staff
            SELECT {units} + ROW_NUMBER() OVER (ORDER BY u.id, r.role), u.id, r.role
            FROM portal_unit u, (SELECT 'inspector' AS role UNION ALL SELECT 'inspector2'
                                 UNION ALL SELECT 'orgcom') r
            WHERE u.depth <= 1"""
    )
    cursor.execute("SELECT COUNT(*) FROM scale_staff")
    staff = cursor.fetchone()[0]
    cadres = sizes.users - staff
    if cadres < units:
        raise Refused("too few people for the units")
    cursor.execute(
        f"""INSERT INTO scale_staff
            SELECT {staff} + g.n, su.id, 'cadre'
            FROM {dialect.series(cadres)}
            JOIN scale_unit su ON su.lo = (SELECT MAX(w.lo) FROM scale_unit w
                                          WHERE w.lo <= {fn}pick(g.n, 'unit', {weight}))"""
    )
    # one cadre at least in every unit, so that every unit has work of its own
    cursor.execute(
        f"""UPDATE scale_staff SET unit_id = n - {staff}
            WHERE role = 'cadre' AND n - {staff} <= {units}"""
    )
    joined = dialect.fn + "stamp(" + dialect.fn + "day(-1500), 0)"
    made = insert(
        cursor,
        User,
        {
            "id": "s.n",
            "password": "'!'",
            "username": "'u' || s.n",
            "email": "'u' || s.n || '@scale.invalid'",
            "full_name": "'Cán bộ ' || s.n",
            "unit_id": "s.unit_id",
            "date_joined": joined,
            "position_type": "CASE WHEN s.role = 'head' THEN 'administrative_leader' ELSE 'other_staff' END",
            "position_title": "CASE WHEN s.role = 'head' THEN 'Thủ trưởng' ELSE 'Chuyên viên' END",
            "is_party_member": f"{fn}rnd(s.n, 'party') < 0.4",
            "is_active": "true",
        },
        "scale_staff s",
    )
    cursor.execute("CREATE TEMP TABLE scale_cadre (k bigint PRIMARY KEY, user_id bigint, unit_id bigint)")
    cursor.execute(
        "INSERT INTO scale_cadre SELECT ROW_NUMBER() OVER (ORDER BY n), n, unit_id FROM scale_staff "
        "WHERE role = 'cadre'"
    )
    cursor.execute("INSERT INTO scale_meta VALUES ('cadres', %s)", [cadres])
    return made


def _roles(cursor, dialect: Dialect) -> int:
    started = dialect.fn + "day(-1500)"
    return insert(
        cursor,
        RoleAssignment,
        {
            "user_id": "s.n",
            "role": "CASE WHEN s.role = 'inspector2' THEN 'inspector' ELSE s.role END",
            "unit_id": "s.unit_id",
            "started_on": started,
        },
        "scale_staff s WHERE s.role <> 'cadre'",
    )


def _proposals(cursor, dialect: Dialect, sizes: Sizes) -> int:
    fn, cadres = dialect.fn, _meta(cursor, "cadres")
    status = _shares(f"{fn}rnd(g.n, 'status')", PROPOSAL_SHARES, "approved")
    open_states = "('draft', 'submitted', 'returned')"
    # open work is recent; decided work is spread over three years
    created = (
        f"{fn}day(-(CASE WHEN s.status IN {open_states} THEN {fn}pick(s.id, 'age', 40) "
        f"ELSE 60 + {fn}pick(s.id, 'age', 1040) END))"
    )
    cursor.execute(
        f"""CREATE TEMP TABLE scale_proposal AS SELECT s.*, {created} AS created FROM (
            SELECT g.n AS id, c.user_id AS author_id, c.unit_id AS unit_id, {status} AS status
            FROM {dialect.series(sizes.proposals)}
            JOIN scale_cadre c ON c.k = 1 + {fn}pick(g.n, 'author', {cadres})) s"""
    )
    received = "CASE WHEN s.status = 'draft' THEN NULL ELSE s.created END"
    days_to_decide = f"2 + {fn}pick(s.id, 'decided', 12)"
    working_days = f"({days_to_decide}) * 5 / 7"
    decided = (
        "CASE WHEN s.status IN ('approved', 'approved_by_head', 'rejected', 'collective_rejected') "
        f"THEN {fn}add_days(s.created, {days_to_decide}) END"
    )
    text = "'Đề xuất tháo gỡ điểm nghẽn số ' || s.id"
    made = insert(
        cursor,
        Proposal,
        {
            "id": "s.id",
            "title": text,
            "necessity": "'Thủ tục hiện hành kéo dài, chồng chéo giữa các cơ quan.'",
            "gap_kind": "'unregulated'",
            "legal_basis": "'Nghị định 73/2023/NĐ-CP, Điều 7.'",
            "resources": "'Nhân lực hiện có của đơn vị.'",
            "feasibility": "'Khả thi trong phạm vi thẩm quyền.'",
            "impact_positive": "'Giảm thời gian và chi phí cho người dân.'",
            "impact_negative": "'Cán bộ cần thời gian làm quen.'",
            "risks": "'Chậm tiến độ nếu thiếu phối hợp.'",
            "solution": "'Thí điểm quy trình liên thông một cửa trong phạm vi đơn vị.'",
            "scope": "'Trong phạm vi đơn vị'",
            "start_date": f"{fn}add_days(s.created, 30)",
            "end_date": f"{fn}add_days(s.created, 395)",
            "budget_vnd": f"1000000 * (1 + {fn}pick(s.id, 'budget', 500))",
            "expected_results": "'Rút ngắn thời gian giải quyết hồ sơ.'",
            "conditions_confirmed": "true",
            "status": "s.status",
            "author_id": "s.author_id",
            "unit_id": "s.unit_id",
            "reviewer_unit_id": "s.unit_id",
            "received_on": received,
            "decision_due": f"CASE WHEN s.status = 'draft' THEN NULL ELSE {fn}add_days(s.created, 9) END",
            "decision_mode": "'pilot'",
            "decided_on": decided,
            "decision_working_days": f"CASE WHEN ({decided}) IS NULL THEN NULL ELSE {working_days} END",
            "decided_by_id": f"CASE WHEN ({decided}) IS NULL THEN NULL ELSE s.unit_id END",
            "votes_for": "CASE WHEN s.status = 'approved' THEN 5 END",
            "votes_against": "CASE WHEN s.status = 'approved' THEN 1 END",
            "votes_abstain": "CASE WHEN s.status = 'approved' THEN 0 END",
            "search_text": "'de xuat thao go diem nghen so ' || s.id",
            "created_at": f"{fn}stamp(s.created, s.id)",
            "updated_at": f"{fn}stamp(COALESCE({decided}, s.created), s.id)",
        },
        "scale_proposal s",
    )
    # history: the draft as created, then the row as it stands (one row per state change is
    # more than the lists read; two keep the history tables at a realistic size)
    history_source = "proposals_proposal s"
    insert_history(
        cursor,
        Proposal,
        history_source,
        {
            "status": "'draft'",
            "received_on": "NULL",
            "decision_due": "NULL",
            "decided_on": "NULL",
            "decision_working_days": "NULL",
            "decided_by_id": "NULL",
            "history_date": "s.created_at",
            "history_type": "'+'",
            "history_user_id": "s.author_id",
            "history_change_reason": "'created'",
        },
    )
    insert_history(
        cursor,
        Proposal,
        history_source + " WHERE s.status <> 'draft'",
        {
            "history_date": "s.updated_at",
            "history_type": "'~'",
            "history_user_id": "CASE WHEN s.decided_by_id IS NULL THEN s.author_id ELSE s.decided_by_id END",
            "history_change_reason": "s.status",
        },
    )
    insert(
        cursor,
        ProposalTransition,
        {
            "proposal_id": "s.id",
            "action": "'submit'",
            "actor_id": "s.author_id",
            "at": "s.created_at",
            "from_status": "'draft'",
            "to_status": "'submitted'",
            "params": dialect.json("{}"),
        },
        "proposals_proposal s WHERE s.status <> 'draft'",
    )
    final = {
        "returned": ("return", "submitted"),
        "withdrawn": ("withdraw", "submitted"),
        "approved": ("decide", "submitted"),
        "collective_rejected": ("decide", "submitted"),
        "approved_by_head": ("override", "collective_rejected"),
        "rejected": ("reject", "collective_rejected"),
    }
    action = "CASE s.status " + " ".join(f"WHEN '{k}' THEN '{a}'" for k, (a, _f) in final.items()) + " END"
    before = "CASE s.status " + " ".join(f"WHEN '{k}' THEN '{f}'" for k, (_a, f) in final.items()) + " END"
    insert(
        cursor,
        ProposalTransition,
        {
            "proposal_id": "s.id",
            "action": action,
            "actor_id": "CASE WHEN s.decided_by_id IS NULL THEN s.author_id ELSE s.decided_by_id END",
            "at": "s.updated_at",
            "from_status": before,
            "to_status": "s.status",
            "params": dialect.json("{}"),
        },
        "proposals_proposal s WHERE s.status NOT IN ('draft', 'submitted')",
    )
    return made


def _pilots(cursor, dialect: Dialect, sizes: Sizes) -> int:
    fn = dialect.fn
    status = _shares(f"{fn}rnd(s.id, 'pilot')", PILOT_SHARES, "active")
    cursor.execute(
        f"""CREATE TEMP TABLE scale_pilot AS SELECT s.*, {status} AS status FROM (
            SELECT ROW_NUMBER() OVER (ORDER BY p.id) AS id, p.id AS proposal_id, p.unit_id,
                   p.author_id, p.decided_on
            FROM proposals_proposal p
            WHERE p.status IN ('approved', 'approved_by_head')
            ORDER BY p.id LIMIT {int(sizes.pilots)}) s"""
    )
    reporting = "('" + "', '".join(REPORTING) + "')"
    cursor.execute(f"SELECT COUNT(*) FROM scale_pilot WHERE status IN {reporting}")
    reporting_pilots = max(1, cursor.fetchone()[0])
    per_pilot = max(1, -(-sizes.reports // reporting_pilots))
    cursor.execute("INSERT INTO scale_meta VALUES ('reports_per_pilot', %s)", [per_pilot])
    # a reporting pilot's periods end at its last period: open now for an active pilot (due
    # between 20 days ago and 20 days ahead), over for the others
    step = f"(CASE WHEN {fn}rnd(s.id, 'freq') < 0.7 THEN 30 ELSE 91 END)"
    last_end = (
        f"(CASE WHEN s.status IN ('active', 'suspended') THEN {fn}day(-25 + {fn}pick(s.id, 'due', 40)) "
        f"WHEN s.status = 'planned' THEN {fn}day(60) ELSE {fn}day(-30 - {fn}pick(s.id, 'ended', 300)) END)"
    )
    outcome = _shares(
        f"{fn}rnd(s.id, 'outcome')", (("completed", 0.7), ("partially_completed", 0.2)), "not_completed"
    )
    ends_later, progress = f"{fn}add_days({last_end}, 400)", f"{fn}pick(s.id, 'progress', 90)"
    start = (
        f"(CASE WHEN s.status = 'planned' THEN {fn}day(10 + {fn}pick(s.id, 'starts', 30)) "
        f"ELSE {fn}add_days({last_end}, -{per_pilot} * {step} + 1) END)"
    )
    made = insert(
        cursor,
        Pilot,
        {
            "id": "s.id",
            "proposal_id": "s.proposal_id",
            "unit_id": "s.unit_id",
            "directing_unit_id": "s.unit_id",
            "status": "s.status",
            "mode": "'pilot'",
            "start_date": start,
            "end_date": f"CASE WHEN s.status IN {RUNNING} THEN {ends_later} ELSE {last_end} END",
            "report_frequency": f"CASE WHEN {step} = 30 THEN 'monthly' ELSE 'quarterly' END",
            "budget_vnd": f"1000000 * (1 + {fn}pick(s.id, 'budget', 500))",
            "scope": "'Trong phạm vi đơn vị'",
            "progress_percent": f"CASE WHEN s.status IN {DONE} THEN 100 ELSE {progress} END",
            "suspended_on": f"CASE WHEN s.status = 'suspended' THEN {fn}day(-10) END",
            "completed_on": f"CASE WHEN s.status IN {DONE} THEN {last_end} END",
            "results_report_due": f"CASE WHEN s.status IN {DONE} THEN {fn}add_days({last_end}, 7) END",
            "results_reported_on": f"CASE WHEN s.status IN {REPORTED} THEN {fn}add_days({last_end}, 5) END",
            "evaluation_due": f"CASE WHEN s.status IN {REPORTED} THEN {fn}add_days({last_end}, 14) END",
            "outcome": f"CASE WHEN s.status <> 'evaluated' THEN '' ELSE {outcome} END",
            "evaluated_on": f"CASE WHEN s.status = 'evaluated' THEN {fn}add_days({last_end}, 12) END",
            "created_by_id": "s.unit_id",
            "created_at": f"{fn}stamp({fn}add_days(s.decided_on, 1), s.id)",
        },
        "scale_pilot s",
    )
    insert_history(
        cursor,
        Pilot,
        "pilots_pilot s",
        {
            "history_date": "s.created_at",
            "history_type": "'+'",
            "history_user_id": "s.created_by_id",
            "history_change_reason": "s.status",
        },
    )
    insert(
        cursor,
        PilotTransition,
        {
            "pilot_id": "s.id",
            "action": "'start'",
            "actor_id": "s.created_by_id",
            "at": "s.created_at",
            "from_status": "'planned'",
            "to_status": "'active'",
            "params": dialect.json("{}"),
        },
        "pilots_pilot s WHERE s.status <> 'planned'",
    )
    final = {
        "suspended": ("suspend", "active"),
        "terminated": ("terminate", "active"),
        "completed": ("complete", "active"),
        "under_evaluation": ("results_report", "completed"),
        "evaluated": ("evaluate", "under_evaluation"),
    }
    action = "CASE s.status " + " ".join(f"WHEN '{k}' THEN '{a}'" for k, (a, _f) in final.items()) + " END"
    before = "CASE s.status " + " ".join(f"WHEN '{k}' THEN '{f}'" for k, (_a, f) in final.items()) + " END"
    insert(
        cursor,
        PilotTransition,
        {
            "pilot_id": "s.id",
            "action": action,
            "actor_id": "s.created_by_id",
            "at": f"{fn}stamp(s.end_date, s.id)",
            "from_status": before,
            "to_status": "s.status",
            "params": dialect.json("{}"),
        },
        "pilots_pilot s WHERE s.status NOT IN ('planned', 'active')",
    )
    cursor.execute(
        """INSERT INTO pilots_pilot_implementers (pilot_id, user_id)
            SELECT s.id, s.author_id FROM scale_pilot s"""
    )
    for position, name, unit in ((0, "Thời gian giải quyết hồ sơ", "ngày"), (1, "Tỷ lệ hài lòng", "%")):
        insert(
            cursor,
            Indicator,
            {
                "pilot_id": "s.id",
                "name": f"'{name}'",
                "unit": f"'{unit}'",
                "baseline": "20" if position == 0 else "60",
                "target": "10" if position == 0 else "90",
                "position": str(position),
                "retired": "false",
            },
            "scale_pilot s",
        )
    return made


def _reports(cursor, dialect: Dialect, sizes: Sizes) -> int:
    """`reports_per_pilot` periods for every pilot that reports, the last one open for an active
    pilot; accepted ones carry a value of the first indicator."""
    fn, per_pilot = dialect.fn, _meta(cursor, "reports_per_pilot")
    reporting = "('" + "', '".join(REPORTING) + "')"
    step = "(CASE WHEN p.report_frequency = 'monthly' THEN 30 ELSE 91 END)"
    period_end = f"{fn}add_days(p.start_date, (k.n) * {step} - 1)"
    last = f"k.n = {per_pilot} AND p.status IN ('active', 'suspended')"
    status = (
        f"CASE WHEN {last} THEN 'due' WHEN k.n = {per_pilot - 1} AND {fn}rnd(p.id, 'late') < 0.1 "
        f"THEN 'submitted' WHEN k.n = {per_pilot - 1} AND {fn}rnd(p.id, 'late') < 0.13 THEN 'correction' "
        "ELSE 'accepted' END"
    )
    source = f"pilots_pilot p, {dialect.series(per_pilot, 'k')} WHERE p.status IN {reporting}"
    handed_in = f"{fn}stamp({fn}add_days({period_end}, 3), p.id)"
    made = insert(
        cursor,
        ProgressReport,
        {
            "pilot_id": "p.id",
            "period_start": f"{fn}add_days(p.start_date, (k.n - 1) * {step})",
            "period_end": period_end,
            "due_date": f"{fn}add_days({period_end}, 5)",
            "status": status,
            "summary": f"CASE WHEN {last} THEN '' ELSE 'Triển khai đúng kế hoạch kỳ ' || k.n END",
            "progress_percent": f"CASE WHEN {last} THEN NULL ELSE k.n * 100 / {per_pilot} END",
            "submitted_at": f"CASE WHEN {last} THEN NULL ELSE {handed_in} END",
            "submitted_by_id": f"CASE WHEN {last} THEN NULL ELSE p.created_by_id END",
            "reviewed_by_id": f"CASE WHEN {last} THEN NULL ELSE p.directing_unit_id END",
        },
        source,
    )
    insert_history(
        cursor,
        ProgressReport,
        "pilots_progressreport s",
        {
            "history_date": f"COALESCE(s.submitted_at, {fn}stamp(s.period_start, s.id))",
            "history_type": "'+'",
            "history_user_id": "s.submitted_by_id",
            "history_change_reason": "s.status",
        },
    )
    insert(
        cursor,
        IndicatorValue,
        {
            "indicator_id": "i.id",
            "report_id": "r.id",
            "value": "20 - 10 * (r.progress_percent / 100.0)",
            "as_of": "r.period_end",
            "final": "false",
            "recorded_at": "r.submitted_at",
        },
        "pilots_progressreport r JOIN pilots_indicator i ON i.pilot_id = r.pilot_id AND i.position = 0 "
        "WHERE r.status = 'accepted'",
    )
    return made


def _cases(cursor, dialect: Dialect) -> int:
    """An outcome case for every evaluation that was not `completed`; most already decided."""
    fn = dialect.fn
    made = insert(
        cursor,
        Case,
        {
            "pilot_id": "p.id",
            "proposal_id": "p.proposal_id",
            "unit_id": "p.unit_id",
            "kind": "'outcome'",
            "status": _shares(
                f"{fn}rnd(p.id, 'case')", (("open", 0.2), ("liability_excluded", 0.6)), "decided"
            ),
            "subject_id": "pr.author_id",
            "opened_by_id": "p.directing_unit_id",
            "opened_at": f"{fn}stamp(p.evaluated_on, p.id)",
            "summary": "'Kết quả thí điểm chưa đạt mục tiêu.'",
            "determination_due": f"{fn}add_days(p.evaluated_on, 30)",
        },
        "pilots_pilot p JOIN proposals_proposal pr ON pr.id = p.proposal_id "
        "WHERE p.status = 'evaluated' AND p.outcome <> 'completed'",
    )
    insert_history(
        cursor,
        Case,
        "accountability_case s",
        {
            "history_date": "s.opened_at",
            "history_type": "'+'",
            "history_user_id": "s.opened_by_id",
            "history_change_reason": "s.status",
        },
    )
    return made


def _grants(cursor, dialect: Dialect) -> int:
    """As the services give them: a co-implementer on 3% of proposals (and view of it), an
    inspector of the province on a fifth of the pilots (view and inspect of it and its proposal),
    every implementer's view of the pilot."""
    fn, cadres = dialect.fn, _meta(cursor, "cadres")
    permission = {
        codename: Permission.objects.get(codename=codename, content_type__app_label=app).pk
        for codename, app in (
            ("view_proposal", "proposals"),
            ("view_pilot", "pilots"),
            ("inspect_pilot", "pilots"),
        )
    }
    made = 0
    cursor.execute(
        f"""INSERT INTO proposals_proposal_co_implementers (proposal_id, user_id)
            SELECT p.id, c.user_id FROM proposals_proposal p
            JOIN scale_cadre c ON c.k = 1 + {fn}pick(p.id, 'co', {cadres})
            WHERE {fn}rnd(p.id, 'has_co') < 0.03 AND c.user_id <> p.author_id"""
    )
    cursor.execute(
        f"""INSERT INTO proposals_proposaluserobjectpermission (permission_id, user_id, content_object_id)
            SELECT {permission["view_proposal"]}, user_id, proposal_id
            FROM proposals_proposal_co_implementers"""
    )
    made += cursor.rowcount
    cursor.execute(
        f"""INSERT INTO pilots_pilotuserobjectpermission (permission_id, user_id, content_object_id)
            SELECT {permission["view_pilot"]}, user_id, pilot_id FROM pilots_pilot_implementers"""
    )
    made += cursor.rowcount
    cursor.execute(
        f"""CREATE TEMP TABLE scale_inspection AS
            SELECT p.id AS pilot_id, p.proposal_id, st.n AS user_id
            FROM pilots_pilot p JOIN scale_unit su ON su.id = p.unit_id
            JOIN scale_staff st ON st.unit_id = su.province AND st.role = 'inspector'
            WHERE {fn}rnd(p.id, 'inspected') < 0.2"""
    )
    for codename in ("view_pilot", "inspect_pilot"):
        cursor.execute(
            f"""INSERT INTO pilots_pilotuserobjectpermission (permission_id, user_id, content_object_id)
                SELECT {permission[codename]}, user_id, pilot_id FROM scale_inspection"""
        )
        made += cursor.rowcount
    cursor.execute(
        f"""INSERT INTO proposals_proposaluserobjectpermission (permission_id, user_id, content_object_id)
            SELECT {permission["view_proposal"]}, user_id, proposal_id FROM scale_inspection"""
    )
    return made + cursor.rowcount


def _personas(cursor, password: str) -> dict[str, int]:
    """Six people to measure as, with the bench password: the national head, the head of the
    biggest province, the head of a commune of a middle-sized province, a cadre of that commune,
    an inspector and an Organisation Committee member of the biggest province... of the root."""
    first_province = _meta(cursor, "first_province")
    provinces = _meta(cursor, "provinces")
    cursor.execute(
        "SELECT u.id FROM portal_unit u WHERE u.kind = 'commune' AND u.code LIKE %s ORDER BY u.id LIMIT 1",
        [f"T{min(provinces, 10):02d}-X%"],
    )
    commune = cursor.fetchone()[0]
    cursor.execute("SELECT c.user_id FROM scale_cadre c WHERE c.unit_id = %s ORDER BY c.k LIMIT 1", [commune])
    cadre = cursor.fetchone()[0]
    cursor.execute("SELECT n FROM scale_staff WHERE unit_id = %s AND role = 'inspector'", [first_province])
    inspector = cursor.fetchone()[0]
    cursor.execute("SELECT n FROM scale_staff WHERE unit_id = 1 AND role = 'orgcom'")
    orgcom = cursor.fetchone()[0]
    ids = dict(zip(PERSONAS, (1, first_province, commune, cadre, inspector, orgcom), strict=True))
    for username, pk in ids.items():
        cursor.execute(
            "UPDATE portal_user SET username = %s, password = %s WHERE id = %s",
            [username, password, pk],
        )
    return ids


def _reset_sequences(cursor) -> None:
    if connection.vendor != "postgresql":
        return
    from django.apps import apps
    from django.core.management.color import no_style

    for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
        cursor.execute(sql)
