"""The portal project: settings, URLs, Celery, and the code every app shares."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
