"""History: every change keeps a record naming the person who made it."""

from portal import services
from portal.models import RoleAssignment, Unit


def test_an_admin_edit_is_recorded_with_the_acting_user(demo, client):
    client.force_login(demo["admin"])
    unit = Unit.objects.get(code="SNV")
    response = client.post(
        f"/admin/portal/unit/{unit.pk}/change/",
        {
            "code": "SNV",
            "name": "Sở Nội vụ tỉnh Demo",
            "kind": "department",
            "parent": unit.parent_id,
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    latest = unit.history.first()
    assert latest.name == "Sở Nội vụ tỉnh Demo"
    assert latest.history_user == demo["admin"]


def test_a_role_given_through_the_admin_goes_through_the_service(demo, client):
    client.force_login(demo["admin"])
    response = client.post(
        "/admin/portal/roleassignment/add/",
        {
            "user": demo["cadre_a2"].pk,
            "role": "deputy",
            "unit": demo["cadre_a2"].unit_id,
            "started_on": "01/12/2026",
            "note": "QĐ 12/QĐ-SKHDT",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    assignment = RoleAssignment.objects.get(user=demo["cadre_a2"], role="deputy")
    assert assignment.history.first().history_change_reason == "role assigned by admin"
    assert demo["cadre_a2"].notifications.filter(kind="role_assigned").count() == 2


def test_a_second_head_for_a_unit_is_refused(demo):
    import pytest

    from portal.errors import DomainError

    with pytest.raises(DomainError):
        services.role_assign(
            actor=demo["admin"], user=demo["deputy_a"], role="head", unit=demo["head_a"].unit
        )


def test_only_an_administrator_assigns_roles(demo):
    import pytest

    from portal.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.role_assign(
            actor=demo["head_a"], user=demo["cadre_a2"], role="deputy", unit=demo["head_a"].unit
        )
