"""`/metrics` (issue "Scale", beyond one box): Prometheus metrics (django-prometheus) for a scraper
with the bearer token, off — a plain 404 — unless PROMETHEUS_METRICS=1; the probe and the metrics
answer the cluster over plain HTTP, everything else still goes to HTTPS."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-for-the-tests-0123456789abcdef"


def settings_with(monkeypatch, **env: str) -> dict:
    """The portal's settings module run again with these variables (and a secret key)."""
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 60)
    for name in ("PROMETHEUS_METRICS", "PROMETHEUS_METRICS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "portal" / "settings.py"))


@pytest.fixture
def metrics_on(settings, monkeypatch):
    built = settings_with(monkeypatch, PROMETHEUS_METRICS="1", PROMETHEUS_METRICS_TOKEN=TOKEN)
    settings.PROMETHEUS_METRICS = built["PROMETHEUS_METRICS"]
    settings.PROMETHEUS_METRICS_TOKEN = built["PROMETHEUS_METRICS_TOKEN"]
    settings.MIDDLEWARE = built["MIDDLEWARE"]


def test_metrics_are_off_by_default_and_answer_like_an_unknown_address(db, client):
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404


def test_with_the_token_the_scraper_gets_the_request_counts(db, client, metrics_on):
    assert client.get("/healthz/").status_code == 200
    answer = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")
    text = answer.content.decode()
    assert (
        'django_http_requests_total_by_view_transport_method_total{method="GET",transport="http",view="healthz"}'
        in text
    )
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in text


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Token {TOKEN}", f"Bearer {TOKEN}x"])
def test_without_the_right_token_the_answer_is_401(db, client, metrics_on, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    answer = client.get("/metrics", **headers)
    assert answer.status_code == 401 and answer["WWW-Authenticate"].startswith("Bearer")
    assert b"django_http" not in answer.content


def test_the_metrics_are_read_with_get_only(db, client, metrics_on):
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_the_middleware_wraps_all_the_others_only_when_metrics_are_on(monkeypatch):
    off = settings_with(monkeypatch)
    assert not any("prometheus" in entry for entry in off["MIDDLEWARE"] + off["INSTALLED_APPS"])
    on = settings_with(monkeypatch, PROMETHEUS_METRICS="1", PROMETHEUS_METRICS_TOKEN=TOKEN)
    assert on["MIDDLEWARE"][0] == "django_prometheus.middleware.PrometheusBeforeMiddleware"
    assert on["MIDDLEWARE"][-1] == "django_prometheus.middleware.PrometheusAfterMiddleware"
    assert on["MIDDLEWARE"][1:-1] == off["MIDDLEWARE"] and "django_prometheus" in on["INSTALLED_APPS"]


@pytest.mark.parametrize("token", ["", "too-short"])
def test_metrics_on_without_a_long_token_refuse_to_start(monkeypatch, token):
    with pytest.raises(ImproperlyConfigured, match="PROMETHEUS_METRICS_TOKEN"):
        settings_with(monkeypatch, PROMETHEUS_METRICS="1", PROMETHEUS_METRICS_TOKEN=token)


def test_the_probe_and_the_metrics_answer_plain_http_while_pages_go_to_https(
    db, client, settings, metrics_on
):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz/").status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    login = client.get("/accounts/login/")
    assert login.status_code == 301 and login["Location"].startswith("https://")
