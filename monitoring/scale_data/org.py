"""The organisation: the unit tree, the people and their roles, the per-object grants, the
personas the benchmarks log in as."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone

from monitoring.scale_data.shape import PERSONAS, Refused, Sizes
from monitoring.scale_data.sql import Dialect, _literal, _many, _meta, insert, insert_history
from portal.models import PATH_STEP, RoleAssignment, Unit, User


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
            "search_text": "'can bo ' || s.n || ' u' || s.n",
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
    cursor.execute(  # an implementer reads the proposal behind the pilot (the author already may)
        f"""INSERT INTO proposals_proposaluserobjectpermission (permission_id, user_id, content_object_id)
            SELECT DISTINCT {permission["view_proposal"]}, i.user_id, p.proposal_id
            FROM pilots_pilot_implementers i JOIN pilots_pilot p ON p.id = i.pilot_id
            JOIN proposals_proposal pr ON pr.id = p.proposal_id
            WHERE i.user_id <> pr.author_id AND NOT EXISTS (
                SELECT 1 FROM proposals_proposal_co_implementers c
                WHERE c.proposal_id = p.proposal_id AND c.user_id = i.user_id)"""
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
