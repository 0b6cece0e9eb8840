"""Settings come from the environment; production refuses to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
    "s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND, getattr(s, 'SECURE_SSL_REDIRECT', False)]))"
)
CONFIG_VARS = ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST")


def run_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    clean.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_no_variables_but_a_secret_give_the_embedded_default_with_debug_off():
    import json

    result = run_settings(DJANGO_SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    debug, engine, eager, cache, email, ssl_redirect = json.loads(result.stdout)
    assert debug is False
    assert engine == "django.db.backends.sqlite3"
    assert eager is True
    assert cache.endswith("LocMemCache")
    assert email.endswith("console.EmailBackend")
    assert ssl_redirect is True


def test_development_mode_needs_no_secret_and_does_not_redirect_to_https():
    import json

    result = run_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    debug, _engine, _eager, _cache, _email, ssl_redirect = json.loads(result.stdout)
    assert debug is True
    assert ssl_redirect is False


def test_database_and_redis_urls_switch_to_postgresql_and_a_real_broker():
    import json

    result = run_settings(
        DJANGO_SECRET_KEY="k" * 60,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    _debug, engine, eager, cache, _email, _ssl = json.loads(result.stdout)
    assert engine == "django.db.backends.postgresql"
    assert eager is False
    assert cache.endswith("RedisCache")


def test_every_setting_read_from_the_environment_is_in_env_example():
    import re

    source = (ROOT / "portal" / "settings.py").read_text()
    read = set(re.findall(r'(?:environ\.get|env_flag)\("([A-Z][A-Z0-9_]*)"', source))
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.M))
    assert read - documented == set()


def test_a_product_rule_can_be_changed_in_settings(settings):
    from portal.rules import DEFAULTS, rule

    assert rule("pilot_report_due_working_days") == DEFAULTS["pilot_report_due_working_days"]
    settings.PORTAL_RULES = {"pilot_report_due_working_days": 10}
    assert rule("pilot_report_due_working_days") == 10
