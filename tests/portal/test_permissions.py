"""Who sees which units: own unit, covered subtrees and per-object grants; 404 for the rest."""

import pytest

from portal.models import Unit
from portal.permissions import grant, roles_of, visible_units


def codes(user) -> set[str]:
    return set(visible_units(user).values_list("code", flat=True))


def test_a_head_sees_exactly_their_subtree(demo):
    division = Unit.objects.create(code="PKH", name="Phòng Kế hoạch", parent=demo["head_a"].unit)
    assert codes(demo["head_a"]) == {"SKHDT", division.code}
    assert codes(demo["head_top"]) == {"UBND", "SKHDT", "SNV", "PKH"}


def test_a_cadre_sees_only_their_own_unit(demo):
    assert codes(demo["cadre_a"]) == {"SKHDT"}


def test_inspector_and_organisation_committee_see_the_subtree_they_are_assigned(demo):
    assert codes(demo["inspector"]) == {"UBND", "SKHDT", "SNV"}
    assert codes(demo["orgcom"]) == {"UBND", "SKHDT", "SNV", "BTC"}


def test_a_per_object_grant_adds_a_single_unit(demo):
    grant(demo["cadre_a"], "view_unit", demo["head_b"].unit)
    assert codes(demo["cadre_a"]) == {"SKHDT", "SNV"}


def test_a_group_grant_reaches_its_members(demo):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Tổ công tác liên ngành")
    demo["cadre_b"].groups.add(group)
    grant(group, "view_unit", demo["head_a"].unit)
    assert codes(demo["cadre_b"]) == {"SNV", "SKHDT"}


def test_an_ended_role_no_longer_gives_visibility(demo):
    from portal import services

    assignment = demo["head_b"].role_assignments.get(role="head")
    services.role_end(actor=demo["admin"], assignment=assignment)
    demo["head_b"].refresh_from_db()
    assert codes(demo["head_b"]) == {"SNV"}
    assert roles_of(demo["head_b"]) == []


def test_the_visibility_filter_is_one_query_for_any_tree_depth(demo, django_assert_num_queries):
    parent = demo["head_a"].unit
    for level in range(10):
        parent = Unit.objects.create(code=f"L{level}", name=f"Cấp {level}", parent=parent)
    user = demo["head_a"]
    with django_assert_num_queries(2):  # the person's roles (cached after), then the units
        assert len(list(visible_units(user))) == 11
    with django_assert_num_queries(1):
        assert len(list(visible_units(user))) == 11


@pytest.mark.parametrize(
    ("username", "code", "status"),
    [
        ("head_a", "SKHDT", 200),
        ("head_a", "SNV", 404),
        ("cadre_b", "SKHDT", 404),
        ("cadre_a", "SKHDT", 200),
        ("head_top", "SNV", 200),
        ("inspector", "SNV", 200),
        ("orgcom", "BTC", 200),
        ("head_top", "BTC", 404),
        ("head_a", "NOSUCH", 404),
    ],
)
def test_unit_pages_and_api_show_what_is_visible_and_404_the_rest(demo, client, api, username, code, status):
    client.force_login(demo[username])
    assert client.get(f"/units/{code}/").status_code == status
    assert api(demo[username]).get(f"/api/v1/units/{code}/").status_code == status


def test_the_unit_list_api_holds_only_what_the_caller_may_see(demo, api):
    response = api(demo["head_b"]).get("/api/v1/units/")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [row["code"] for row in response.json()["results"]] == ["SNV"]
