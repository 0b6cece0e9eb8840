# The portal image: gunicorn by default; docker-compose.yml runs the Celery worker and beat from it too.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PRIVATE_MEDIA_ROOT=/data/private

WORKDIR /app
# Pango for WeasyPrint's PDFs (the fonts are vendored under static/fonts/).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Translations and static files are baked in. The key below exists only for this build step
# (settings refuse to load without one); the running container must be given its own.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret python manage.py compile_translations -v0 \
 && DJANGO_SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --noinput -v0 \
 && useradd --system --uid 10001 --no-create-home --home-dir /app portal \
 && mkdir -p "$PRIVATE_MEDIA_ROOT" \
 && chown portal "$PRIVATE_MEDIA_ROOT"

USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
