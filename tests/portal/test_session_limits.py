"""Sessions end (issue "Trust", defect 4, sessions): after 30 minutes without a request, and in
any case 12 hours after signing in, however active (product rules)."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

PASSWORD = "demo-Pass-2026"


def signed_in(demo) -> Client:
    """Signed in through the sign-in form, as a person is."""
    client = Client()
    response = client.post("/accounts/login/", {"username": "cadre_a", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def test_thirty_idle_minutes_end_the_session(demo, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = signed_in(demo)
    assert client.get("/").status_code == 200
    time_machine.shift(datetime.timedelta(minutes=29))
    assert client.get("/").status_code == 200  # still active: the clock restarts
    time_machine.shift(datetime.timedelta(minutes=29))
    assert client.get("/").status_code == 200
    time_machine.shift(datetime.timedelta(minutes=31))
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_twelve_hours_end_even_an_active_session(demo, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = signed_in(demo)
    for _ in range(12 * 3):  # a request every 20 minutes, for 12 hours
        assert client.get("/").status_code == 200
        time_machine.shift(datetime.timedelta(minutes=20))
    time_machine.shift(datetime.timedelta(minutes=1))  # 12 hours and a minute after signing in
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert signed_in(demo).get("/").status_code == 200  # signing in again starts anew
