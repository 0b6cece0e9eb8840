from datetime import date

import time_machine

from tests.form_rows import indicator_rows, rows_data


def test_a_pilot_goes_from_creation_to_evaluation_through_the_api(demo, api, approved):
    import datetime

    from portal.models import RoleAssignment

    # the demo's roles start on the day it is seeded: let them hold on the day this test travels to
    RoleAssignment.objects.update(started_on=datetime.date(2020, 1, 1))
    with time_machine.travel("2026-12-01 09:00 +07:00", tick=False):
        head, cadre = api(demo["head_a"]), api(demo["cadre_a"])
        from tests.pilots.conftest import pilot_body

        response = head.post("/api/v1/pilots/", pilot_body(approved.pk), format="json")
        assert response.status_code == 201, response.json()
        pilot = response.json()
        assert pilot["status"] == "active"
        pid = pilot["id"]
        r = cadre.post(
            f"/api/v1/pilots/{pid}/reports/",
            {
                "period_end": "2026-12-31",
                "summary": "Tháng 12",
                "progress_percent": 30,
                "indicator_values": [{"name": "Thời gian xử lý hồ sơ", "value": 30}],
            },
            format="json",
        )
        assert r.status_code == 201, r.json()
        r = api(demo["inspector"]).post(
            f"/api/v1/pilots/{pid}/inspections/",
            {
                "findings": "Chậm",
                "severity": "minor",
                "corrective_actions": "Bổ sung nhân lực",
                "due_date": "2026-12-20",
            },
            format="json",
        )
        assert r.status_code == 201, r.json()
        r = head.post(
            f"/api/v1/pilots/{pid}/adjust/", {"reason": "Gia hạn", "end_date": "2027-06-30"}, format="json"
        )
        assert r.status_code == 200, r.json()
        assert (
            head.post(f"/api/v1/pilots/{pid}/suspend/", {"reason": "Tạm dừng"}, format="json").status_code
            == 200
        )
        assert (
            head.post(f"/api/v1/pilots/{pid}/resume/", {"reason": "Tiếp tục"}, format="json").status_code
            == 200
        )
        r = cadre.post(f"/api/v1/pilots/{pid}/complete/")
        assert r.status_code == 200, r.json()
        assert r.json()["results_report_due"] == "2026-12-08"
        r = cadre.post(
            f"/api/v1/pilots/{pid}/results-report/",
            {"summary": "Kết quả", "indicator_values": [{"name": "Thời gian xử lý hồ sơ", "value": 20}]},
            format="json",
        )
        assert r.status_code == 200, r.json()
        assert r.json()["evaluation_due"] == "2026-12-10"
        r = head.post(
            f"/api/v1/pilots/{pid}/evaluate/",
            {
                "outcome": "partially_completed",
                "damage": False,
                "objective_causes": "Thiếu dữ liệu",
                "subjective_causes": "",
                "party_opinion": "Đồng ý",
            },
            format="json",
        )
        assert r.status_code == 200, r.json()
        cases = head.get(f"/api/v1/cases/?pilot={pid}").json()
        assert cases["count"] == 1
        assert cases["results"][0]["kind"] == "outcome"
        assert cases["results"][0]["subject"] == "cadre_a"
        client_page = __import__("django.test", fromlist=["Client"]).Client()
        client_page.force_login(demo["head_a"])
        assert client_page.get(f"/pilots/{pid}/").status_code == 200
        assert client_page.get("/pilots/").status_code == 200
        assert client_page.get("/").status_code == 200


def test_the_adjust_form_changes_indicators_and_the_create_form_takes_the_scope(demo, approved, client):
    from pilots.models import Pilot

    client.force_login(demo["head_a"])
    response = client.post(
        f"/pilots/new/{approved.pk}/",
        {
            "start_date": "01/12/2026",
            "end_date": "31/05/2027",
            "report_frequency": "monthly",
            "budget_vnd": "100",
            "scope": "Hai phòng chuyên môn",
            "implementers": "cadre_a",
            **indicator_rows("Thời gian; ngày; 45; 15"),
            **rows_data("milestones", [{"name": "Ban hành quy trình", "due_date": "15/01/2027"}]),
        },
    )
    assert response.status_code == 302
    pilot = Pilot.objects.get(proposal=approved)
    assert pilot.scope == "Hai phòng chuyên môn"
    milestones = list(pilot.milestones.values_list("name", "due_date"))
    assert milestones == [("Ban hành quy trình", date(2027, 1, 15))]
    page = client.get(f"/pilots/{pilot.pk}/").content.decode()
    assert 'name="indicators-0-name" value="Thời gian"' in page
    response = client.post(
        f"/pilots/{pilot.pk}/adjust/",
        {
            "reason": "Thêm chỉ tiêu",
            "start_date": "01/12/2026",
            "end_date": "31/05/2027",
            "report_frequency": "monthly",
            "budget_vnd": "100",
            **indicator_rows("Thời gian; ngày; 45; 15\nHài lòng; %; 60; 90"),
        },
    )
    assert response.status_code == 302
    assert list(pilot.indicators.filter(retired=False).values_list("name", flat=True)) == [
        "Thời gian",
        "Hài lòng",
    ]
    assert pilot.versions.count() == 2


def test_milestones_are_set_at_creation_and_read_back(demo, api, approved):
    from tests.pilots.conftest import pilot_body

    body = pilot_body(approved.pk, milestones=[{"name": "Ban hành quy trình", "due_date": "2027-01-15"}])
    response = api(demo["head_a"]).post("/api/v1/pilots/", body, format="json")
    assert response.status_code == 201, response.json()
    expected = {"name": "Ban hành quy trình", "due_date": "2027-01-15", "done_on": None}
    assert response.json()["milestones"] == [expected]


def test_the_admin_shows_pilots_and_cases_read_only(demo_full, client):
    from pilots.models import Pilot

    client.force_login(demo_full["admin"])
    pilot = Pilot.objects.first()
    pages = ["/admin/pilots/pilot/", f"/admin/pilots/pilot/{pilot.pk}/change/"]
    pages += [f"/admin/pilots/pilot/{pilot.pk}/history/", "/admin/pilots/progressreport/"]
    pages += ["/admin/pilots/inspection/", "/admin/accountability/case/"]
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert client.get(f"/admin/pilots/pilot/{pilot.pk}/delete/").status_code == 403
    assert client.get("/admin/pilots/pilot/add/").status_code == 403
