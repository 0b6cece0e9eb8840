"""`/metrics` (issue "Scale", beyond one box): the Prometheus metrics of this process group
(django-prometheus: requests, responses and latencies by view, exceptions, migrations not applied).

Not public: with PROMETHEUS_METRICS unset the route answers 404 like any unknown address; with it,
only a scraper that sends `Authorization: Bearer <PROMETHEUS_METRICS_TOKEN>` gets the metrics, any
other request 401. Under gunicorn, PROMETHEUS_MULTIPROC_DIR (a folder the workers share) makes
the answer the sum of all the workers' counts instead of one worker's."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


def _bearer(request: HttpRequest) -> str:
    scheme, _space, credentials = request.headers.get("Authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.PROMETHEUS_METRICS:
        raise Http404
    expected = settings.PROMETHEUS_METRICS_TOKEN
    # Compared in constant time, so the answer's timing tells nothing of the token.
    if not expected or not hmac.compare_digest(_bearer(request).encode(), expected.encode()):
        return HttpResponse(status=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)
