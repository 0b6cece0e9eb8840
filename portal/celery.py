"""The Celery app: Redis broker when REDIS_URL is set, in-process (eager) tasks otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue(task_name: str, *args) -> bool:
    """Send a task by name after the change that needs it has committed; False when the broker
    cannot take it. Never raises: what the task does is also on record (an unsent notification,
    a queued download) and a periodic sweep picks it up when the broker is back."""
    import logging

    try:
        app.tasks[task_name].apply_async(args=args)
    except Exception:
        logging.getLogger(__name__).warning("could not enqueue %s%r; the sweep will retry", task_name, args)
        return False
    return True
