"""The same few functions on PostgreSQL and SQLite, and `INSERT … SELECT` over a series."""

from __future__ import annotations

import datetime
import hashlib

from django.db import connection, models
from django.utils import timezone

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


def _many(cursor, sql: str, rows: list[tuple]) -> None:
    for start in range(0, len(rows), 1000):
        cursor.executemany(sql, rows[start : start + 1000])


def _meta(cursor, name: str) -> int:
    cursor.execute("SELECT value FROM scale_meta WHERE name = %s", [name])
    return cursor.fetchone()[0]
