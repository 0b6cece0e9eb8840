"""Settings of the bench server (`make bench` only, never production): the portal's settings,
plain HTTP on loopback, and the floor views mounted beside the portal's URLs."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
AXES_ENABLED = False  # the load signs nobody in; the lockout's lookups are not what is measured
