# syntax=docker/dockerfile:1
# The CSP Portal image: one image for the web server, the Celery worker, beat and the
# one-off migrate job (docker-compose.yml picks the command). Build: docker compose build

# ---------------------------------------------------------------------------------------
# 1. Front end: GOV.UK Frontend compiled with sass, htmx and the GOV.UK images copied
#    into static/build/ (package.json's "build" script, as on a developer's machine).
FROM node:22-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static ./static
RUN npm run build

# ---------------------------------------------------------------------------------------
# 2. The portal: Python, the libraries WeasyPrint needs, the code, collected static files.
FROM python:3.11-slim-bookworm AS portal

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=csp_portal.settings.production \
    CSP_MEDIA_ROOT=/data/media \
    WEB_CONCURRENCY=3

# WeasyPrint renders PDFs with Pango and HarfBuzz; Liberation Sans is metric-compatible
# with Arial, the portal's typeface, so PDFs set like the pages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        libfontconfig1 fonts-liberation shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user runs everything; the code stays owned by root (read-only to it).
RUN groupadd --system --gid 10001 csp \
    && useradd --system --uid 10001 --gid csp --home-dir /app --shell /usr/sbin/nologin csp \
    && mkdir -p /data/media /data/beat \
    && chown -R csp:csp /data

WORKDIR /app

# Dependencies first (pinned in pyproject.toml), so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps))" \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=frontend /build/static/build ./static/build

# Hashed, compressed static files for WhiteNoise (CompressedManifestStaticFilesStorage).
# The production settings insist on a secret key; this one exists only for this step.
RUN DJANGO_SECRET_KEY=collectstatic-only-never-used-to-sign-anything-$(python -c "import secrets; print(secrets.token_urlsafe(48))") \
    python manage.py collectstatic --noinput --verbosity 1

USER csp
EXPOSE 8000
# The web server (WEB_CONCURRENCY sets gunicorn's worker processes; GUNICORN_CMD_ARGS
# adds options). docker-compose.yml runs the worker, beat and migrate from this image
# with their own commands.
CMD ["gunicorn", "csp_portal.wsgi", "--bind", "0.0.0.0:8000", "--timeout", "60", "--access-logfile", "-"]
