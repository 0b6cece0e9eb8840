"""The unit tree: materialised paths, one-query subtrees, moves and closures."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import services
from portal.errors import DomainError, NotAllowed
from portal.models import Unit


def make_chain(depth: int, prefix: str) -> list[Unit]:
    units: list[Unit] = []
    for level in range(depth):
        units.append(
            Unit.objects.create(
                code=f"{prefix}{level}", name=f"Đơn vị {prefix}{level}", parent=units[-1] if units else None
            )
        )
    return units


def test_a_new_unit_gets_its_parents_path_plus_its_own_step(db):
    root, child = make_chain(2, "P")
    assert child.path.startswith(root.path)
    assert child.depth == 1
    assert child.ancestor_paths() == [root.path, child.path]


def test_the_creation_is_recorded_once_in_history_with_the_path(db):
    (root,) = make_chain(1, "H")
    assert [record.path for record in root.history.all()] == [root.path]


@pytest.mark.parametrize("depth", [2, 12])
def test_a_subtree_is_one_query_whatever_the_depth(db, depth):
    chain = make_chain(depth, f"D{depth}-")
    Unit.objects.create(code=f"OTHER{depth}", name="Ngoài cây")
    with CaptureQueriesContext(connection) as queries:
        codes = set(Unit.objects.subtree(chain[0]).values_list("code", flat=True))
    assert len(queries) == 1
    assert codes == {unit.code for unit in chain}


def test_a_sibling_whose_id_shares_digits_is_not_in_the_subtree(db):
    root = Unit.objects.create(code="R", name="Gốc")
    first = Unit.objects.create(code="A1", name="A1", parent=root)
    for n in range(12):
        Unit.objects.create(code=f"S{n}", name=f"S{n}", parent=root)
    assert set(Unit.objects.subtree(first).values_list("code", flat=True)) == {"A1"}


def test_moving_a_unit_rewrites_the_paths_below_it(db):
    old_root, new_root = (
        Unit.objects.create(code="OLD", name="Cũ"),
        Unit.objects.create(code="NEW", name="Mới"),
    )
    district = Unit.objects.create(code="HUYEN", name="Huyện", parent=old_root)
    commune = Unit.objects.create(code="XA", name="Xã", parent=district)
    district.parent = new_root
    district.save()
    commune.refresh_from_db()
    assert commune.path.startswith(new_root.path)
    assert commune.depth == 2
    assert set(Unit.objects.subtree(new_root).values_list("code", flat=True)) == {"NEW", "HUYEN", "XA"}


def test_a_unit_cannot_be_placed_under_its_own_descendant(db):
    from django.core.exceptions import ValidationError

    root, child = make_chain(2, "C")
    root.parent = child
    with pytest.raises(ValidationError):
        root.full_clean()


def test_closing_a_unit_names_a_successor_and_keeps_the_row(demo):
    admin = demo["admin"]
    district = Unit.objects.create(code="HUYEN1", name="UBND huyện 1", parent=demo["head_top"].unit)
    services.unit_close(actor=admin, unit=district, successor=demo["head_top"].unit)
    district.refresh_from_db()
    assert district.closed_on is not None
    assert district.successor.code == "UBND"
    assert Unit.objects.open().filter(code="HUYEN1").count() == 0
    # closing into a successor is a merge (organisation app): recorded as the reorganisation it is
    assert district.history.first().history_change_reason.startswith("reorganised by admin: HUYEN1 → UBND (#")


def test_a_unit_with_open_units_below_cannot_be_closed(demo):
    with pytest.raises(DomainError):
        services.unit_close(actor=demo["admin"], unit=demo["head_top"].unit, successor=None)


def test_a_unit_cannot_succeed_itself_or_be_closed_twice(demo):
    unit = Unit.objects.create(code="X1", name="X1")
    with pytest.raises(DomainError):
        services.unit_close(actor=demo["admin"], unit=unit, successor=unit)
    services.unit_close(actor=demo["admin"], unit=unit, successor=None)
    with pytest.raises(DomainError):
        services.unit_close(actor=demo["admin"], unit=unit, successor=None)


def test_a_unit_with_people_closes_only_into_a_successor(demo):
    with pytest.raises(DomainError, match="tiếp nhận"):
        services.unit_close(actor=demo["admin"], unit=demo["head_b"].unit, successor=None)
    assert Unit.objects.get(code="SNV").closed_on is None


def test_only_an_administrator_closes_units(demo):
    unit = Unit.objects.create(code="X2", name="X2")
    with pytest.raises(NotAllowed):
        services.unit_close(actor=demo["head_top"], unit=unit, successor=None)


@pytest.mark.postgres
def test_postgresql_answers_a_subtree_from_the_path_index(db):
    chain = make_chain(6, "IX")
    query = Unit.objects.subtree(chain[2]).only("code").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        # With so few rows the planner would scan; forbid that to see whether the index serves.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "unit_path_prefix" in plan, plan


def test_the_admin_closes_a_unit_with_a_successor_through_the_service(demo, client):
    district = Unit.objects.create(code="HUYEN2", name="UBND huyện 2", parent=demo["head_top"].unit)
    client.force_login(demo["admin"])
    url = f"/admin/portal/unit/{district.pk}/close/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"successor": demo["head_top"].unit_id, "closed_on": "01/07/2025"})
    assert response.status_code == 302
    district.refresh_from_db()
    assert str(district.closed_on) == "2025-07-01"
    assert district.successor.code == "UBND"
    assert district.history.first().history_user == demo["admin"]


def test_the_admin_close_page_shows_a_rule_broken_as_a_form_error(demo, client):
    client.force_login(demo["admin"])
    response = client.post(
        f"/admin/portal/unit/{demo['head_top'].unit_id}/close/", {"closed_on": "01/07/2025"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
